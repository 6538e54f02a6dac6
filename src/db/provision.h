/*
 * A run's test databases, as the runner (src/cli.c) sees them: one
 * struct pt__db per --db, provisioned before the workers start and torn
 * down after them. Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_PROVISION_H
#define PT_DB_PROVISION_H

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
 * partest db clean: drops what dead runs left in each database's server,
 * one line per dropped object in dropped.
 */
int pt__db_clean(struct pt__db *dbs, size_t nr, struct pt__buf *dropped, struct pt__buf *err);

/* Closes the backend and frees db. */
void pt__db_release(struct pt__db *db);

/* The environment variable name for an alias: PARTEST_DB_<ALIAS>_URL. */
void pt__db_env_name(const char *alias, struct pt__buf *out);

#endif
