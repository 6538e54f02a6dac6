/*
 * A run's test databases, as the runner (src/cli.c) sees them: one
 * struct pt__db per --db, provisioned before the workers start and torn
 * down after them. Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_PROVISION_H
#define PT_DB_PROVISION_H

#include <stdbool.h>

#include "../buf.h"
#include "db.h"

/*
 * Parses "[ALIAS=]URL" from --db into db (which it initialises) and opens
 * its backend. A URL of an engine whose backend is not built in fails with
 * PT__EUSAGE and says so.
 */
int pt__db_init(struct pt__db *db, const char *spec, const struct pt__db_context *ctx,
		struct pt__buf *err);

/*
 * Prepares the templates of all dbs (building them with ctx->setup_cmd
 * when given, or reusing them under --keepdb while the fingerprint holds)
 * and then makes every db's clones.
 */
int pt__db_provision(struct pt__db *dbs, size_t nr, struct pt__buf *err);

/* Drops clones, and templates this run built unless --keepdb. Best effort. */
int pt__db_teardown(struct pt__db *dbs, size_t nr, struct pt__buf *err);

/*
 * partest db clean: drops what dead runs left in each database's server
 * and every ready clone of each template, one line per dropped object in
 * dropped.
 */
int pt__db_clean(struct pt__db *dbs, size_t nr, struct pt__buf *dropped, struct pt__buf *err);

/*
 * partest db fill: prepares the templates as a --keepdb run does (building
 * them when their fingerprint changed), then makes ready clones of each
 * until there are ctx->pool (or, when -1, ctx->workers) of the current
 * fingerprint, one filler per template at a time; one line per database in
 * said. Ends as a run's tear-down does: nothing but the templates and the
 * ready clones stays.
 */
int pt__db_fill(struct pt__db *dbs, size_t nr, struct pt__buf *said, struct pt__buf *err);

/*
 * Makes the clones of workers[0..n-1] (each 1..workers) anew from their
 * templates, under the same names and URLs, so that those workers'
 * environments stay as they are: each dropped, copied again and marked,
 * the n at once where the engine can (renew_clones); where a backend has
 * no template (Oracle's setup strategy), --db-setup runs on each new
 * clone. Touches no other worker's clones. On failure some of those
 * clones may be missing.
 */
int pt__db_renew_clones(struct pt__db *dbs, size_t nr, const int *workers, int n,
			struct pt__buf *err);

/* 0 when every db's clones can be kept (--keep-failed): its engine can, and
 * its server is not a throwaway one; else PT__EUSAGE with a line naming it. */
int pt__db_can_keep(const struct pt__db *dbs, size_t nr, struct pt__buf *err);

/*
 * --keep-failed: sets worker's clones aside, marked as kept (a file-based
 * engine moves its file into dir), their URLs in urls[0..nr-1] (NULL for
 * one not kept, which the caller frees), then makes the worker's clones
 * anew as pt__db_renew_clones does, also when keeping one failed.
 * serial numbers the kept in this run: it makes the kept names.
 */
int pt__db_keep_clones(struct pt__db *dbs, size_t nr, int worker, int serial, const char *dir,
		       char **urls, struct pt__buf *err);

/*
 * The kept clones on the servers of dbs (none of a live run's): with drop
 * dropped, one line each in dropped. Returns how many, or a negative code.
 */
int pt__db_kept(struct pt__db *dbs, size_t nr, bool drop, struct pt__buf *dropped,
		struct pt__buf *err);

/* Closes the backend and frees db. */
void pt__db_release(struct pt__db *db);

/* The environment variable name for an alias: PARTEST_DB_<ALIAS>_URL. */
void pt__db_env_name(const char *alias, struct pt__buf *out);

#endif
