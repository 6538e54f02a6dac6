/*
 * What each worker slot is given besides its work: its number, a private
 * TMPDIR (RUN_DIR/worker-K, mode 0700), the URLs of its database clones;
 * and the fork servers' environment. A slot's process is replaced when it
 * cannot be trusted (a crash, a time-out, a test to try again): renewing
 * the slot gives it fresh clones and an empty TMPDIR under the same names,
 * so that its environment stays as it is, and keeping it (--keep-failed)
 * sets the old ones aside for the user first (kept.h).
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_WORKER_ENV_H
#define PT_WORKER_ENV_H

#include <stddef.h>

#include "buf.h"
#include "environ.h"
#include "kept.h"

struct pt__db;

struct pt__worker_env {
	int workers;
	const char *run_dir; /* the run's directory: the TMPDIRs are in it */
	const char *run_id;
	struct pt__db *dbs; /* the run's databases, cloned */
	size_t nr_dbs;
	/* [k - 1] worker k's for executables, [workers + k - 1] for native
	 * workers, [2 * workers] the fork servers'. */
	struct pt__environ *envs;
	char ***env_vars; /* the first 2 * workers of envs as envp arrays */
	struct pt__kept kept; /* what keeping slots kept */
};

/*
 * Makes every worker's TMPDIR and environment, and the fork servers'. The
 * dbs must have their clones. Returns 0, or PT__ERUN with one line in err
 * when a TMPDIR cannot be made.
 */
int pt__worker_env_build(struct pt__worker_env *env, int workers, const char *run_dir,
			 const char *run_id, const char *state_dir, struct pt__db *dbs,
			 size_t nr_dbs, struct pt__buf *err);

/* The database whose clone is DATABASE_URL: "default", else the first. */
const struct pt__db *pt__worker_env_main_db(const struct pt__worker_env *env);

/*
 * renew_slot (pool_config.h): slot worker's clones made anew from their
 * templates and its TMPDIR emptied (removed and made again, mode 0700).
 */
int pt__worker_env_renew(struct pt__worker_env *env, int worker, struct pt__buf *err);

/*
 * renew_slot under --fresh-db test|group, where the clones a slot held are
 * made anew as they are given back: slot worker's TMPDIR emptied only.
 */
int pt__worker_env_renew_tmpdir(struct pt__worker_env *env, int worker, struct pt__buf *err);

/*
 * keep_slot (pool_config.h): clones number clone (1..: worker's own, or
 * those a test took under --fresh-db) and slot worker's TMPDIR kept for the
 * user as what test left (rerun: the command that runs it alone), then
 * those clones made anew and the TMPDIR emptied.
 */
int pt__worker_env_keep(struct pt__worker_env *env, int worker, int clone, const char *test,
			const char *rerun, struct pt__buf *err);

void pt__worker_env_release(struct pt__worker_env *env);

#endif
