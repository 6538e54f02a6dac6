/*
 * The clones a server backend (PostgreSQL, MySQL, Oracle) makes for a run,
 * and what every such backend does with them the same way: naming them
 * and their URLs, dropping those this run made, and saying what a reap
 * dropped. The engine's part is how one clone is dropped.
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
 * run id, k + 1, max) and its URL format_url(db, name).
 */
void pt__db_clones_init_named(struct pt__db_clones *clones, struct pt__db *db,
			      const char *template_name, size_t max,
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

/*
 * The line a reap adds for each object it dropped: 'dropped WHAT "NAME" on
 * WHERE, left by run RUN (pid PID, no longer running)'.
 */
void pt__db_add_reaped(struct pt__buf *dropped, const char *what, const char *name,
		       const char *where, const struct pt__db_owner *owner);

#endif
