/*
 * The clones a server backend (PostgreSQL, MySQL, Oracle) makes for a run,
 * and what every such backend does with them the same way: naming them
 * and their URLs, dropping those this run made, and reaping those that
 * dead runs left. The engine's part is finding them and how one is
 * dropped.
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_CLONES_H
#define PT_DB_CLONES_H

#include <stdbool.h>
#include <stddef.h>

#include "../buf.h"
#include "db.h"
#include "owner.h"

struct pt__db_clone {
	char *name;
	char *password; /* Oracle's schema clones: each its own; else NULL */
	bool made;	/* made (or registered) by this run and not dropped yet */
};

struct pt__db_clones {
	struct pt__db_clone *items; /* one per worker */
	int nr;
};

/*
 * Drops one clone of this run, if it is still there and still this run's.
 * The caller then counts it as dropped.
 */
typedef int (*pt__db_drop_clone_fn)(struct pt__db *db, struct pt__db_clone *clone,
				    struct pt__buf *err);

/* One unnamed, not yet made clone per worker, and db->clone_urls' empty slots. */
void pt__db_clones_init(struct pt__db_clones *clones, struct pt__db *db);

/*
 * pt__db_clones_init, with clone k named pt__db_clone_name(template_name,
 * run id, k + 1, max, in_chars) and its URL format_url(db, name).
 */
void pt__db_clones_init_named(struct pt__db_clones *clones, struct pt__db *db,
			      const char *template_name, size_t max, bool in_chars,
			      void (*format_url)(const struct pt__db *db, const char *name,
						 struct pt__buf *url));

/* Drops every clone made and not dropped yet. Best effort; reports the first error. */
int pt__db_clones_drop(struct pt__db_clones *clones, struct pt__db *db, pt__db_drop_clone_fn drop,
		       struct pt__buf *err);

/* A failed clone's way out: drops what was made, errors ignored, and frees db->clone_urls. */
void pt__db_clones_abandon(struct pt__db_clones *clones, struct pt__db *db,
			   pt__db_drop_clone_fn drop);

/* Frees the names and passwords and leaves clones empty. */
void pt__db_clones_release(struct pt__db_clones *clones);

/* A clone some run left on the server, as a reap found it. */
struct pt__db_leftover {
	char *name;
	char *kind;	  /* the engine's word for what it is, or NULL */
	char *marker;	  /* the engine's record of its owner, or NULL */
	const char *what; /* how a reap's line names it: "PostgreSQL database" */
	struct pt__db_owner owner;
};

struct pt__db_leftovers {
	struct pt__db_leftover *items;
	size_t nr, alloc;
};

/* Appends a copy of item. */
void pt__db_leftovers_add(struct pt__db_leftovers *list, const struct pt__db_leftover *item);

/* Frees the items and leaves list empty. */
void pt__db_leftovers_release(struct pt__db_leftovers *list);

/*
 * Drops with drop each leftover that is a clone of a run known to be dead
 * (never one of a live run), appending 'dropped WHAT "NAME" on WHERE, left
 * by run RUN (pid PID, no longer running)' to dropped for each that went.
 * Best effort: one that cannot be dropped stays for a later run.
 */
void pt__db_reap_leftovers(struct pt__db *db, const struct pt__db_leftovers *list,
			   int (*drop)(struct pt__db *db, const struct pt__db_leftover *leftover,
				       struct pt__buf *err),
			   const char *where, struct pt__buf *dropped);

#endif
