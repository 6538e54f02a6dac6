#include "worker_env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/provision.h"
#include "error.h"
#include "owned_dir.h"
#include "protocol.h"
#include "xalloc.h"

const struct pt__db *pt__worker_env_main_db(const struct pt__worker_env *env)
{
	for (size_t i = 0; i < env->nr_dbs; i++)
		if (!strcmp(env->dbs[i].alias, "default"))
			return &env->dbs[i];
	return env->nr_dbs ? &env->dbs[0] : NULL;
}

static void tmpdir_path(const struct pt__worker_env *env, int worker, struct pt__buf *out)
{
	pt__buf_addf(out, "%s/worker-%d", env->run_dir, worker);
}

int pt__worker_env_build(struct pt__worker_env *env, int workers, const char *run_dir,
			 const char *run_id, const char *state_dir, struct pt__db *dbs,
			 size_t nr_dbs, struct pt__buf *err)
{
	struct pt__buf value = PT__BUF_INIT, name = PT__BUF_INIT;
	const struct pt__db *main_db;

	memset(env, 0, sizeof(*env));
	env->workers = workers;
	env->run_dir = run_dir;
	env->run_id = run_id;
	env->dbs = dbs;
	env->nr_dbs = nr_dbs;
	pt__kept_init(&env->kept, state_dir, dbs, nr_dbs);
	main_db = pt__worker_env_main_db(env);
	env->envs = pt__xcalloc(2 * (size_t)workers + 1, sizeof(*env->envs));
	env->env_vars = pt__xcalloc(2 * (size_t)workers, sizeof(*env->env_vars));
	for (int k = 1; k <= workers; k++) {
		struct pt__environ *vars = &env->envs[k - 1];
		pt__environ_init(vars);
		pt__buf_reset(&value);
		tmpdir_path(env, k, &value);
		if (mkdir(value.data, 0700))
			goto mkdir_failed;
		pt__environ_set(vars, "TMPDIR", value.data);
		pt__buf_reset(&value);
		pt__buf_addf(&value, "%d", k);
		pt__environ_set(vars, "PARTEST_WORKER", value.data);
		pt__buf_reset(&value);
		pt__buf_addf(&value, "%d", workers);
		pt__environ_set(vars, "PARTEST_WORKERS", value.data);
		pt__environ_set(vars, "PARTEST_RUN_ID", run_id);
		pt__environ_set_harness(vars);
		pt__environ_unset(vars, PT__PROTOCOL_ENV);
		for (size_t i = 0; i < nr_dbs; i++) {
			const struct pt__db *db = &dbs[i];
			pt__buf_reset(&name);
			pt__db_env_name(db->alias, &name);
			pt__environ_set(vars, name.data, db->clone_urls[k - 1]);
			if (db == main_db)
				pt__environ_set(vars, "DATABASE_URL", db->clone_urls[k - 1]);
		}
		env->env_vars[k - 1] = vars->vars;
	}
	/* Fork servers: the run's, not a worker's, and no database clone. */
	struct pt__environ *server = &env->envs[2 * workers];
	pt__environ_init(server);
	pt__buf_reset(&value);
	pt__buf_addf(&value, "%s/server", run_dir);
	if (mkdir(value.data, 0700))
		goto mkdir_failed;
	pt__environ_set(server, "TMPDIR", value.data);
	pt__buf_reset(&value);
	pt__buf_addf(&value, "%d", workers);
	pt__environ_set(server, "PARTEST_WORKERS", value.data);
	pt__environ_set(server, "PARTEST_RUN_ID", run_id);
	pt__environ_set_harness(server);
	pt__environ_set(server, PT__PROTOCOL_ENV, "1");

	/* Native workers get the same as executables, plus the protocol's marker. */
	for (int k = 1; k <= workers; k++) {
		struct pt__environ *vars = &env->envs[workers + k - 1];
		pt__environ_init(vars);
		for (size_t i = 0; i < env->envs[k - 1].nr; i++) {
			char *var = env->envs[k - 1].vars[i];
			char *eq = strchr(var, '=');
			char *var_name = pt__xstrndup(var, (size_t)(eq - var));
			pt__environ_set(vars, var_name, eq + 1);
			free(var_name);
		}
		pt__environ_set(vars, PT__PROTOCOL_ENV, "1");
		env->env_vars[workers + k - 1] = vars->vars;
	}
	pt__buf_release(&value);
	pt__buf_release(&name);
	return 0;

mkdir_failed:
	pt__buf_addf(err, "cannot create \"%s\": %s", value.data, strerror(errno));
	pt__buf_release(&value);
	pt__buf_release(&name);
	return PT__ERUN;
}

/* The slot's TMPDIR removed with all in it and made again, empty, mode 0700. */
static int empty_tmpdir(const struct pt__worker_env *env, int worker, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	int rc = 0;

	tmpdir_path(env, worker, &path);
	pt__remove_tree(path.data);
	if (mkdir(path.data, 0700)) {
		pt__buf_addf(err, "cannot make worker %d's TMPDIR \"%s\" anew: %s", worker,
			     path.data, strerror(errno));
		rc = PT__ERUN;
	}
	pt__buf_release(&path);
	return rc;
}

int pt__worker_env_renew(struct pt__worker_env *env, int worker, struct pt__buf *err)
{
	int rc = pt__db_renew_clones(env->dbs, env->nr_dbs, &worker, 1, err);

	return rc ? rc : empty_tmpdir(env, worker, err);
}

int pt__worker_env_renew_tmpdir(struct pt__worker_env *env, int worker, struct pt__buf *err)
{
	return empty_tmpdir(env, worker, err);
}

int pt__worker_env_keep(struct pt__worker_env *env, int worker, int clone, const char *test,
			const char *rerun, struct pt__buf *err)
{
	struct pt__kept_test *entry = pt__kept_add(&env->kept, env->run_id, test, rerun, err);
	struct pt__buf tmpdir = PT__BUF_INIT;
	int rc;

	if (!entry)
		return PT__ERUN;
	tmpdir_path(env, worker, &tmpdir);
	rc = pt__db_keep_clones(env->dbs, env->nr_dbs, clone, (int)env->kept.nr, entry->dir,
				entry->urls, err);
	if (!rc)
		rc = pt__kept_move_tmpdir(entry, tmpdir.data, err);
	if (!rc)
		rc = pt__kept_write_env(&env->kept, entry, pt__worker_env_main_db(env), err);
	if (!rc)
		rc = empty_tmpdir(env, worker, err);
	pt__buf_release(&tmpdir);
	return rc;
}

void pt__worker_env_release(struct pt__worker_env *env)
{
	for (int k = 0; env->envs && k < 2 * env->workers + 1; k++)
		pt__environ_release(&env->envs[k]);
	free(env->envs);
	free(env->env_vars);
	pt__kept_release(&env->kept);
	memset(env, 0, sizeof(*env));
}
