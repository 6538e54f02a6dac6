/*
 * Test databases: the template a run prepares once and the clones, one per
 * worker, that the workers use. One backend per database engine sits behind
 * struct pt__db_backend, declared here with the pieces the backends share
 * (db.c); the runner sees only struct pt__db and the life-cycle calls of
 * provision.h.
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_H
#define PT_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "../buf.h"
#include "../cancel.h"
#include "../error.h"

/* What every database of one run shares. */
struct pt__db_context {
	const char *run_id;	   /* unique per run; part of clone names and markers */
	const char *run_dir;	   /* this run's private directory, removed at the end */
	const char *state_dir;	   /* kept between runs: .partest or --state-dir */
	int workers;		   /* how many clones to make */
	const char *setup_cmd;	   /* --db-setup, or NULL */
	const char *const *inputs; /* --db-inputs files, NULL-terminated */
	bool keepdb;		   /* --keepdb */
	int pool;		   /* ready clones to keep: --pool N, 0 for none,
				    * -1 (not given) for as many as workers */
	struct pt__cancel cancel;  /* what stops a wait: set-up, server, clones */
};

struct pt__db;
struct pt__db_admin_ops;

struct pt__db_backend {
	const char *name; /* "sqlite", as users see it in messages */

	/* Validates db->url and fills db->state. */
	int (*open)(struct pt__db *db, struct pt__buf *err);
	/* Frees db->state. Never fails. */
	void (*close)(struct pt__db *db);
	/* 1 if the template exists, 0 if not. */
	int (*template_exists)(struct pt__db *db, struct pt__buf *err);
	/*
	 * 1 if partest created the existing template (its marker is there);
	 * with this_run, only if this run did. A server backend takes the
	 * template's lock first, so that what it answers holds until the
	 * drop that may follow.
	 */
	int (*template_is_ours)(struct pt__db *db, bool this_run, struct pt__buf *err);
	/* Creates an empty template carrying partest's marker. */
	int (*create_template)(struct pt__db *db, struct pt__buf *err);
	/* Drops the template; only ever called when it is ours. */
	int (*drop_template)(struct pt__db *db, struct pt__buf *err);
	/* Appends what besides the set-up decides the template's contents
	 * (a server version, say) to out. */
	int (*fingerprint)(struct pt__db *db, struct pt__buf *out, struct pt__buf *err);
	/* Makes ctx->workers clones and fills db->clone_urls[0..workers-1]. */
	int (*clone)(struct pt__db *db, struct pt__buf *err);
	/* Drops every clone this run made. Best effort; reports the first error. */
	int (*drop_clones)(struct pt__db *db, struct pt__buf *err);
	/* Drops what runs that are no longer alive left behind (never what a
	 * live run owns), appending one line per dropped object to dropped. */
	int (*reap)(struct pt__db *db, struct pt__buf *dropped, struct pt__buf *err);
	/*
	 * Makes clone k (0..workers-1) anew, under the same name and URL: drops
	 * this run's clone k if it is there, copies the template again and
	 * marks the copy. Touches no other clone and keeps no state of its
	 * own, so that it can run for any one clone at any time. Where
	 * has_template says false, the new clone is empty: provision.c runs
	 * --db-setup on it. On failure clone k may be missing.
	 */
	int (*renew_clone)(struct pt__db *db, int k, struct pt__buf *err);
	/*
	 * renew_clone for clones ks[0..n-1] at once, where the engine can make
	 * several clones faster together than one after another (PostgreSQL:
	 * a connection each). NULL: provision.c calls renew_clone for each;
	 * a backend that has it leaves renew_clone NULL. On failure any of
	 * the n clones may be missing.
	 */
	int (*renew_clones)(struct pt__db *db, const int *ks, int n, struct pt__buf *err);
	/*
	 * Sets clone k aside for the user (--keep-failed): under the name
	 * pt__db_kept_name gives for serial (a file-based engine: a file in
	 * dir, which exists), marked as kept so that no run's reap and no
	 * plain `partest db clean` drops it; appends its URL to url. Clone k
	 * is then missing until renew_clone. NULL: the engine cannot keep one.
	 */
	int (*keep_clone)(struct pt__db *db, int k, int serial, const char *dir, struct pt__buf *url,
			  struct pt__buf *err);
	/*
	 * The kept clones on the database's server, but a live run's: with
	 * drop, drops each, appending 'dropped the kept WHAT "NAME" on WHERE'
	 * to dropped. Returns how many there were, or a negative code. NULL:
	 * the engine keeps none on a server (SQLite's are files in the state
	 * directory).
	 */
	int (*kept)(struct pt__db *db, bool drop, struct pt__buf *dropped, struct pt__buf *err);
	/* False when the backend has no template to copy and --db-setup runs
	 * on each clone instead (Oracle's setup strategy). NULL: always true. */
	bool (*has_template)(const struct pt__db *db);
	/*
	 * The program the backend starts to copy the template into a clone
	 * (MySQL's partest_strategy=dump: "mysqldump"), or NULL when it copies
	 * over its own connections. --fresh-db test|group refuses such a
	 * database: the thread that makes clones anew cannot wait for a child
	 * that the runner's loop, reaping every child, takes first. NULL: none.
	 */
	const char *(*copy_program)(const struct pt__db *db);
	/*
	 * Appends what names the template on its server, the same however the
	 * URL reaches it (localhost or 127.0.0.1, TCP or a socket, extra
	 * parameters): the server's own identity and the database's name.
	 * NULL: the template's URL says it (SQLite's absolute path).
	 */
	int (*identify)(struct pt__db *db, struct pt__buf *out, struct pt__buf *err);
	/*
	 * Ready clones (docs/ready_pools.md): copies of the template made
	 * between runs by `partest db fill`, for the next run to claim
	 * instead of copying. All three NULL where the engine keeps none.
	 * fingerprint is what the template was built for, as 16 lowercase
	 * hex digits (pt__db_ready_fingerprint); a ready clone carries it in
	 * its marker (pt__db_owner_format_ready) and is stale once it is not
	 * the template's. The states a ready clone goes through:
	 *   in making: named pt__db_clone_name(template, filler's run id, k)
	 *     and carrying the filler's clone marker, exactly like a run's
	 *     clone, so that a reap takes it once the filler is dead;
	 *   ready: named pt__db_ready_name(template, filler's run id, k),
	 *     carrying the ready marker; no run's reap takes it, and it
	 *     reaches this state from the last in one atomic step;
	 *   claimed: named pt__db_clone_name(template, run id, k + 1) of the
	 *     run that claimed it, carrying that run's clone marker: a clone
	 *     of that run like those it made, again in one atomic step.
	 *
	 * ready_sweep: drops each ready clone of this template (never another
	 * template's on the same server) whose fingerprint is not fingerprint,
	 * every one when fingerprint is NULL (partest db clean), appending
	 * 'dropped the ready WHAT "NAME" on WHERE' to dropped for each.
	 * Returns how many of fingerprint are left, or a negative code.
	 * Called without the template's lock; it takes none.
	 */
	int (*ready_sweep)(struct pt__db *db, const char *fingerprint, struct pt__buf *dropped,
			   struct pt__buf *err);
	/*
	 * ready_claim: called by a run whose template is reused for
	 * fingerprint, just before clone, the template's lock held (the
	 * template_exists before took it). Claims up to ctx->workers ready
	 * clones of fingerprint into clone slots 0, 1, ...: each in one
	 * atomic step that fails when another run claimed it first (then
	 * the next one is tried), renamed to this run's clone k name and
	 * carrying this run's clone marker; fills db->clone_urls[k] for each
	 * and counts it as made (drop_clones drops it, renew_clone and
	 * keep_clone take it). clone then makes only the slots left empty.
	 * Returns how many it claimed, or a negative code (then clones it
	 * claimed are this run's and drop_clones drops them).
	 */
	int (*ready_claim)(struct pt__db *db, const char *fingerprint, struct pt__buf *err);
	/*
	 * ready_make: called by partest db fill right after template_is_ours
	 * (db, false) answered 1 (which takes the template's lock on a server)
	 * and the template's record matched fingerprint. Makes n ready clones
	 * of fingerprint, each first in making (so that a SIGKILL anywhere
	 * leaves only what a reap or partest db clean removes), then made
	 * ready in one atomic step. Releases the template's lock before it
	 * returns, also on failure. On failure the clones in making are
	 * dropped (best effort); those already ready stay.
	 */
	int (*ready_make)(struct pt__db *db, const char *fingerprint, int n, struct pt__buf *err);
	/* A server's engine: its admin connection (admin.h). NULL: no server. */
	const struct pt__db_admin_ops *admin;
};

struct pt__db {
	char *alias;	    /* "default" unless the user named one */
	char *url;	    /* the template's URL, as given */
	char *template_url; /* the same in the backend's canonical form (an
			     * absolute path, say): what --db-setup is given.
			     * Set by open; NULL means url. */
	const struct pt__db_backend *backend;
	const struct pt__db_context *ctx;
	char **clone_urls;    /* one per worker once cloned, else NULL */
	bool template_built;  /* this run (re)built the template */
	int claimed;	      /* clones this run claimed ready (ready_claim) */
	void *state;	      /* the backend's own */
	char **replaced_urls; /* earlier template_url strings, kept until release */
	size_t nr_replaced_urls, alloc_replaced_urls;
};

/* For backends: the small pieces of state keeping they share. */

/* Says in err that the --db URL is malformed, and why (password hidden).
 * Returns PT__EUSAGE. */
int pt__db_url_error(struct pt__buf *err, const char *url, const char *why);

/* Appends text between two quote characters, each quote inside doubled:
 * SQL's quoting of identifiers ('"', '`') and literals ('\''). */
void pt__db_add_quoted(const char *text, char quote, struct pt__buf *out);

/* The template's URL as the backend knows it (template_url), or as given. */
const char *pt__db_template_url(const struct pt__db *db);

/* '--db ALIAS ("URL")', the template's URL with its password hidden: how
 * a message names a database before there is a connection to it. */
void pt__db_describe_url(const struct pt__db *db, struct pt__buf *out);

/* Appends url to out with any password replaced by "***". */
void pt__db_redact_url(const char *url, struct pt__buf *out);

/*
 * The name of clone k of template_name for run run_id ("partest-<pid>-<rnd>"):
 * "<template>_pt<pid>_<rnd>_<k>", the template's name shortened (never
 * inside a UTF-8 sequence) so that the whole fits in max bytes, or in max
 * characters when in_chars (MySQL counts characters).
 */
void pt__db_clone_name(const char *template_name, const char *run_id, int k, size_t max,
		       bool in_chars, struct pt__buf *out);

/*
 * The name a clone of template_name gets when --keep-failed keeps it, the
 * serial-th kept in run run_id: "<template>_pt<pid>_<rnd>_kept<serial>",
 * shortened as pt__db_clone_name's.
 */
void pt__db_kept_name(const char *template_name, const char *run_id, int serial, size_t max,
		      bool in_chars, struct pt__buf *out);

/*
 * The name a ready clone of template_name gets, the serial-th the filler run
 * run_id made: "<template>_pt<pid>_<rnd>_ready<serial>", shortened as
 * pt__db_clone_name's.
 */
void pt__db_ready_name(const char *template_name, const char *run_id, int serial, size_t max,
		       bool in_chars, struct pt__buf *out);

/* A template's fingerprint as a ready clone's marker carries it: 16
 * lowercase hex digits. */
void pt__db_ready_fingerprint(unsigned long long fingerprint, struct pt__buf *out);

/* How many UTF-8 characters str holds (its bytes that do not continue one). */
size_t pt__db_utf8_length(const char *str);

/*
 * Makes url, which db takes over, db's template_url. The string it replaces
 * stays valid until pt__db_release, since provision.c may still hold it (a backend
 * that starts a throwaway server learns the real URL only then).
 */
void pt__db_set_template_url(struct pt__db *db, char *url);

/* For a backend's clone: db->clone_urls, one empty slot per worker. */
void pt__db_new_clone_urls(struct pt__db *db);
/* Frees db->clone_urls (those filled in so far) and leaves it NULL. */
void pt__db_free_clone_urls(struct pt__db *db);

/* 64-bit FNV-1a of len bytes, continuing from hash (start with
 * PT__DB_HASH_INIT). */
#define PT__DB_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long pt__db_hash(unsigned long long hash, const void *data, size_t len);

/* mkdir -p, refusing a symbolic link where a directory is made or found
 * (pt__make_dirs_nofollow). On failure says 'cannot create directory
 * "DIR": why' in err. */
int pt__db_make_dirs(const char *path, struct pt__buf *err);

/* Replaces path's contents with len bytes of data through a new temporary
 * file and rename() (pt__write_file_atomic), so readers see the old or the
 * new file, never a part, and a planted symbolic link is never followed.
 * On failure path is unchanged and err says 'cannot write "PATH": why'. */
int pt__db_write_file(const char *path, const char *data, size_t len, struct pt__buf *err);

/* Appends all of path (not a symbolic link) to out. Returns 1, or 0 when there is no such file,
 * or PT__ERUN with 'cannot read "PATH": why' in err. */
int pt__db_read_file(const char *path, struct pt__buf *out, struct pt__buf *err);

/* The number a server's pid file at path starts with, or 0 if there is none. */
long pt__db_read_pid(const char *path);

#endif
