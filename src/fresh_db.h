/*
 * --fresh-db test|group: a pool of ready database clones, handed out one
 * at a time (clone k of every --db together) and made anew in the
 * background once used. The run makes more clones than workers (the
 * spares), so that a used clone is remade while the tests run and a test
 * waits only when none is ready.
 *
 * One renewer thread remakes used clones, one after another, through
 * pt__db_renew_clones, and says which are ready on a pipe that the pool's
 * loop polls. While it runs it is the only user of the databases'
 * connections (a libpq or MySQL connection serves one thread at a time):
 * the runner's thread takes pt__fresh_db_lock before it uses them (to keep
 * a failed test's clone). Everything but the renewer's queue is the
 * runner's thread's alone.
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_FRESH_DB_H
#define PT_FRESH_DB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct pt__db;

/* When a test gets clones no other test touched. */
enum pt__fresh_db_scope {
	PT__FRESH_DB_WORKER, /* once per worker process, as a crash or a retry renews them */
	PT__FRESH_DB_GROUP,  /* for each group of the plan (a suite, an executable) */
	PT__FRESH_DB_TEST,   /* for each test */
};

struct pt__fresh_db {
	enum pt__fresh_db_scope scope;
	struct pt__db *dbs;
	size_t nr_dbs;
	int clones;	     /* clone k is clone k of every db, k < clones */
	char ***vars;	     /* [k]: "NAME=value" of clone k's URLs, NULL-terminated */
	struct pt__buf *env; /* [k]: vars[k], each ended by a NUL: an env command's payload */
	int *ready;	     /* clones ready to hand out, oldest first */
	size_t nr_ready;
	size_t renewing; /* clones given back used and not reported made anew */
	int notices[2];	 /* renewer -> runner: struct notice per clone renewed */
	bool failed;	 /* a renewal failed: the renewer has stopped */
	pthread_t thread;
	bool running;
	pthread_mutex_t queue_lock; /* guards used, nr_used, stop, failure */
	pthread_cond_t queue_changed;
	int *used; /* clones given back, waiting to be made anew, oldest first */
	size_t nr_used;
	bool stop;
	struct pt__buf failure;	 /* why a renewal failed */
	pthread_mutex_t db_lock; /* held by whoever uses the databases' connections */
};

/* The scope's name as --fresh-db spells it ("test"), and back (-1: unknown). */
const char *pt__fresh_db_scope_name(enum pt__fresh_db_scope scope);
int pt__fresh_db_scope_parse(const char *name);

/*
 * How many clones of each db a run with workers workers makes under scope:
 * workers, or twice as many for test and group (one spare per worker).
 */
int pt__fresh_db_clone_count(enum pt__fresh_db_scope scope, int workers);

/*
 * Starts handing out the clones of dbs (made already: clones of each),
 * every one of them ready, and starts the renewer. main_db is the one
 * whose clone is DATABASE_URL. Returns 0, or PT__ERUN with one line in err
 * when the renewer cannot start (nothing is then left to release but fresh).
 */
int pt__fresh_db_start(struct pt__fresh_db *fresh, enum pt__fresh_db_scope scope,
		       struct pt__db *dbs, size_t nr_dbs, const struct pt__db *main_db, int clones,
		       struct pt__buf *err);

/* A ready clone, now the caller's, or -1 when none is ready. */
int pt__fresh_db_take(struct pt__fresh_db *fresh);

/* How many clones are ready to take. */
size_t pt__fresh_db_available(const struct pt__fresh_db *fresh);

/*
 * Gives clone k back: used, it is made anew in the background before it
 * is handed out again; unused (made anew by the caller), it is ready.
 */
void pt__fresh_db_give_back(struct pt__fresh_db *fresh, int k, bool used);

/*
 * Whether clones are being made anew. The database code the renewer runs
 * waits on the runner's signal self-pipe too and may read a byte meant for
 * the pool (a SIGCHLD's): while it runs, the pool reaps without being told.
 */
bool pt__fresh_db_renewing(const struct pt__fresh_db *fresh);

/* What the pool polls: readable when a renewal ended. */
int pt__fresh_db_fd(const struct pt__fresh_db *fresh);

/*
 * Reads what the renewer said: the clones it made anew become ready.
 * Returns 0, or PT__ERUN with one line in err the first time it finds that
 * a renewal failed (the renewer has then stopped). A renewal cut short by
 * Ctrl-C is no failure; its clone is not handed out again.
 */
int pt__fresh_db_collect(struct pt__fresh_db *fresh, struct pt__buf *err);

/* The environment entries naming clone k: vars, and as an env command's payload. */
char *const *pt__fresh_db_vars(const struct pt__fresh_db *fresh, int k);
const struct pt__buf *pt__fresh_db_env(const struct pt__fresh_db *fresh, int k);

/* Waits for the renewer to let go of the databases' connections, and takes them. */
void pt__fresh_db_lock(struct pt__fresh_db *fresh);
void pt__fresh_db_unlock(struct pt__fresh_db *fresh);

/*
 * Stops the renewer once the renewal it is in ends (Ctrl-C cuts that
 * short) and waits for it: used clones not made anew stay as they are,
 * for the run's tear-down to drop with the others. Frees what fresh holds.
 * Safe on a zeroed fresh.
 */
void pt__fresh_db_release(struct pt__fresh_db *fresh);

#endif
