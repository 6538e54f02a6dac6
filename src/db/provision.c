/*
 * A run's test databases from start to end: parsing --db, deciding whether
 * a template must be (re)built, running --db-setup once for all databases,
 * the clones, the tear-down, and partest db clean. The engines sit behind
 * struct pt__db_backend (db.h); this file never talks to one directly.
 */
#include "provision.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../clock.h"
#include "../spawn.h"
#include "../environ.h"
#include "../signals.h"
#include "../xalloc.h"
#include "backends.h"
#include "inputs.h"
#include "secrets.h"

/* How much of a failing --db-setup's output the message keeps: the end. */
#define SETUP_OUTPUT_KEEP   (64 * 1024)
/* How often a filler waiting for another's lock looks again. */
#define FILL_LOCK_POLL_MS   50
/* After an interrupt, how long the set-up gets to end before SIGKILL. */
#define SETUP_KILL_GRACE_MS 3000

void pt__db_env_name(const char *alias, struct pt__buf *out)
{
	pt__buf_adds(out, "PARTEST_DB_");
	for (const char *c = alias; *c; c++)
		pt__buf_addc(out,
			     isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_');
	pt__buf_adds(out, "_URL");
}

/* "--db NAME" as messages name a database. */
static void describe_db(const struct pt__db *db, struct pt__buf *out)
{
	pt__buf_adds(out, "\"");
	pt__db_redact_url(pt__db_template_url(db), out);
	pt__buf_addf(out, "\" (--db %s)", db->alias);
}

int pt__db_init(struct pt__db *db, const char *spec, const struct pt__db_context *ctx,
		struct pt__buf *err)
{
	const char *eq = strchr(spec, '='), *colon = strchr(spec, ':');
	const char *url = spec;
	struct pt__buf shown = PT__BUF_INIT;
	int rc = 0;

	memset(db, 0, sizeof(*db));
	pt__secrets_add_url(spec);
	pt__db_redact_url(spec, &shown);
	/* An '=' before the scheme's ':' ends an alias; one after is the URL's. */
	if (eq && (!colon || eq < colon)) {
		size_t len = (size_t)(eq - spec);
		if (!len || strspn(spec, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789_") != len) {
			pt__buf_addf(err,
				     "--db \"%s\": the alias before '=' must be letters, digits "
				     "and '_' only",
				     shown.data);
			rc = PT__EUSAGE;
			goto out;
		}
		db->alias = pt__xstrndup(spec, len);
		url = eq + 1;
	} else {
		db->alias = pt__xstrdup("default");
	}

	if ((rc = pt__db_backend_for(url, shown.data, &db->backend, err)))
		goto out;
	db->url = pt__xstrdup(url);
	db->ctx = ctx;
	rc = db->backend->open(db, err);
out:
	pt__buf_release(&shown);
	if (rc) {
		if (db->state)
			db->backend->close(db);
		free(db->alias);
		free(db->url);
		free(db->template_url);
		memset(db, 0, sizeof(*db));
	}
	return rc;
}

void pt__db_release(struct pt__db *db)
{
	if (db->backend)
		db->backend->close(db);
	pt__db_free_clone_urls(db);
	free(db->alias);
	free(db->url);
	free(db->template_url);
	for (size_t i = 0; i < db->nr_replaced_urls; i++)
		free(db->replaced_urls[i]);
	free(db->replaced_urls);
	memset(db, 0, sizeof(*db));
}

/* The database --db-setup sees as DATABASE_URL: "default", else the first. */
static const struct pt__db *main_db(const struct pt__db *dbs, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(dbs[i].alias, "default"))
			return &dbs[i];
	return &dbs[0];
}

/* STATE/templates/<alias>: the fingerprint the template was built for. */
static void record_path(const struct pt__db *db, struct pt__buf *out)
{
	pt__buf_addf(out, "%s/templates/%s", db->ctx->state_dir, db->alias);
}

static void record_contents(const struct pt__db *db, unsigned long long fingerprint,
			    struct pt__buf *out)
{
	pt__buf_addf(out, "partest template record 1\nfingerprint %016llx\nurl ", fingerprint);
	pt__db_redact_url(pt__db_template_url(db), out);
	pt__buf_addc(out, '\n');
}

static void hash_field(unsigned long long *hash, const char *tag, const void *data, size_t len)
{
	unsigned long long n = len;

	*hash = pt__db_hash(*hash, tag, strlen(tag) + 1);
	*hash = pt__db_hash(*hash, &n, sizeof(n));
	*hash = pt__db_hash(*hash, data, len);
}

/*
 * What decides the templates' contents, as one 64-bit FNV-1a hash (no
 * library partest already needs offers a hash; this only has to notice
 * change, not resist an adversary): the set-up command, the bytes of every
 * --db-inputs file in order (inputs.h), each backend's fingerprint text and
 * each URL.
 * Every field is framed with a tag and its length so that moving bytes from
 * one field to the next changes the hash. A missing input, or one that is
 * not a file or directory, is a usage error.
 */
static int compute_fingerprint(const struct pt__db *dbs, size_t nr, unsigned long long *out,
			       struct pt__buf *err)
{
	const struct pt__db_context *ctx = dbs[0].ctx;
	unsigned long long hash = PT__DB_HASH_INIT;
	struct pt__buf text = PT__BUF_INIT;
	int rc = 0;

	hash_field(&hash, "setup", ctx->setup_cmd, strlen(ctx->setup_cmd));
	if ((rc = pt__db_hash_inputs(ctx->inputs, &hash, err)))
		goto out;
	for (size_t i = 0; i < nr; i++) {
		const char *url = pt__db_template_url(&dbs[i]);
		pt__buf_reset(&text);
		rc = dbs[i].backend->fingerprint((struct pt__db *)&dbs[i], &text, err);
		if (rc)
			goto out;
		hash_field(&hash, "backend", pt__buf_str(&text), text.len);
		hash_field(&hash, "alias", dbs[i].alias, strlen(dbs[i].alias));
		hash_field(&hash, "url", url, strlen(url));
	}
	*out = hash;
out:
	pt__buf_release(&text);
	return rc;
}

static int fingerprint_matches(const struct pt__db *db, unsigned long long fingerprint)
{
	struct pt__buf path = PT__BUF_INIT, have = PT__BUF_INIT, want = PT__BUF_INIT,
		       ignored = PT__BUF_INIT;
	int matches;

	record_path(db, &path);
	record_contents(db, fingerprint, &want);
	matches = pt__db_read_file(path.data, &have, &ignored) == 1 && have.len == want.len &&
		  !memcmp(have.data, want.data, want.len);
	pt__buf_release(&ignored);
	pt__buf_release(&path);
	pt__buf_release(&have);
	pt__buf_release(&want);
	return matches;
}

/* Removes the record, unless STATE/templates is a link someone planted. */
static void forget_fingerprint(const struct pt__db *db)
{
	struct pt__buf dir = PT__BUF_INIT, path = PT__BUF_INIT;
	struct stat st;

	pt__buf_addf(&dir, "%s/templates", db->ctx->state_dir);
	record_path(db, &path);
	if (!lstat(dir.data, &st) && S_ISDIR(st.st_mode))
		unlink(path.data);
	pt__buf_release(&dir);
	pt__buf_release(&path);
}

static int remember_fingerprint(const struct pt__db *db, unsigned long long fingerprint,
				struct pt__buf *err)
{
	struct pt__buf dir = PT__BUF_INIT, path = PT__BUF_INIT, contents = PT__BUF_INIT,
		       why = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&dir, "%s/templates", db->ctx->state_dir);
	record_path(db, &path);
	record_contents(db, fingerprint, &contents);
	if ((rc = pt__db_make_dirs(dir.data, &why)) ||
	    (rc = pt__db_write_file(path.data, contents.data, contents.len, &why)))
		pt__buf_addf(err, "cannot record the template of --db %s: %s", db->alias, why.data);
	pt__buf_release(&why);
	pt__buf_release(&dir);
	pt__buf_release(&path);
	pt__buf_release(&contents);
	return rc;
}

/* Keeps the last SETUP_OUTPUT_KEEP bytes of the set-up's output. */
static void keep_output(struct pt__buf *output, const char *data, size_t len, bool *cut)
{
	pt__buf_add(output, data, len);
	if (output->len > 2 * SETUP_OUTPUT_KEEP) {
		pt__buf_consume(output, output->len - SETUP_OUTPUT_KEEP);
		*cut = true;
	}
}

/*
 * Runs ctx->setup_cmd through /bin/sh -c once, in a process group of its
 * own, with DATABASE_URL and PARTEST_DB_<ALIAS>_URL naming the templates
 * (or, for the database clone_of, clone_url: a per-clone set-up),
 * stdin from /dev/null and stdout and stderr captured together. It is done
 * when the shell exits (a daemon it left holding the pipe does not keep
 * partest waiting). On an interrupt the group gets SIGTERM, then SIGKILL.
 * Returns 0, PT__EUSAGE when it failed (with its output in err),
 * PT__ERUN when it could not be started, or PT__EINTR.
 */
static int run_setup(const struct pt__db *dbs, size_t nr, const struct pt__db *clone_of,
		     const char *clone_url, struct pt__buf *err)
{
	const char *cmd = dbs[0].ctx->setup_cmd;
	const struct pt__cancel *cancel = &dbs[0].ctx->cancel;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	struct pt__environ env;
	struct pt__buf name = PT__BUF_INIT, output = PT__BUF_INIT, why = PT__BUF_INIT;
	bool cut = false, exited = false;
	char chunk[8192];
	long long kill_at = 0;
	int out[2], status = 0, spawned;
	pid_t pid;

	if (pt__pipe(out, &why)) {
		pt__buf_addf(err, "cannot run --db-setup \"%s\": %s", cmd, why.data);
		pt__buf_release(&why);
		return PT__ERUN;
	}
	pt__environ_init(&env);
	pt__environ_set(&env, "DATABASE_URL",
			main_db(dbs, nr) == clone_of ? clone_url
						     : pt__db_template_url(main_db(dbs, nr)));
	for (size_t i = 0; i < nr; i++) {
		pt__buf_reset(&name);
		pt__db_env_name(dbs[i].alias, &name);
		pt__environ_set(&env, name.data,
				&dbs[i] == clone_of ? clone_url : pt__db_template_url(&dbs[i]));
	}
	struct pt__spawn spawn = {
		.path = "/bin/sh",
		.argv = argv,
		.envp = env.vars,
		.fds = {PT__SPAWN_DEVNULL, out[1], out[1], PT__SPAWN_NONE, PT__SPAWN_NONE},
		.new_group = true,
	};
	spawned = pt__spawn(&spawn, &pid, &why);
	pt__environ_release(&env);
	pt__buf_release(&name);
	close(out[1]);
	if (spawned) {
		close(out[0]);
		pt__buf_addf(err, "--db-setup \"%s\": %s", cmd, why.data);
		pt__buf_release(&why);
		return spawned;
	}
	pt__set_nonblocking(out[0]);

	for (bool open_pipe = true; !exited;) {
		struct pollfd fds[2] = {{open_pipe ? out[0] : -1, POLLIN, 0},
					{pt__signals_fd(), POLLIN, 0}};
		ssize_t n = -1;

		if (pt__cancelled(cancel) && !kill_at) {
			kill(-pid, SIGTERM);
			kill_at = pt__now_ms() + SETUP_KILL_GRACE_MS;
		}
		if (kill_at && (pt__now_ms() >= kill_at || pt__cancel_interrupts(cancel) > 1))
			kill(-pid, SIGKILL);
		/* The short timeout notices the exit without relying on SIGCHLD. */
		if (poll(fds, 2, 50) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			pt__signals_drain();
		while (open_pipe && (n = read(out[0], chunk, sizeof(chunk))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			keep_output(&output, chunk, (size_t)n, &cut);
		}
		if (open_pipe && n == 0)
			open_pipe = false;
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid || (done < 0 && errno == ECHILD))
			exited = true;
	}
	/* What the shell wrote just before it exited. */
	for (ssize_t n; (n = read(out[0], chunk, sizeof(chunk))) > 0;)
		keep_output(&output, chunk, (size_t)n, &cut);
	close(out[0]);

	if (kill_at || pt__cancelled(cancel)) {
		/*
		 * A process the shell was forking when the group got SIGTERM can
		 * miss it (seen on Linux, about 1 start in 50): the group gets
		 * SIGKILL once the shell is gone, and whoever of it came back to
		 * this process (a child subreaper) is reaped.
		 */
		kill(-pid, SIGKILL);
		while (waitpid(-pid, NULL, 0) > 0 || errno == EINTR)
			;
		pt__buf_addf(err, "--db-setup \"%s\" was interrupted", cmd);
		pt__buf_release(&output);
		return PT__EINTR;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		pt__buf_release(&output);
		return 0;
	}
	pt__buf_addf(err, "--db-setup \"%s\" ", cmd);
	if (WIFEXITED(status))
		pt__buf_addf(err, "failed with exit status %d", WEXITSTATUS(status));
	else
		pt__describe_wait_status(status, err);
	if (!output.len) {
		pt__buf_adds(err, " and printed nothing");
	} else {
		pt__buf_adds(err, cut ? "; the end of its output:\n" : "; its output:\n");
		while (output.len && output.data[output.len - 1] == '\n')
			output.data[--output.len] = '\0';
		pt__buf_add(err, output.data, output.len);
	}
	pt__buf_release(&output);
	return PT__EUSAGE;
}

/* The backend has no template: --db-setup runs on each clone instead. */
static bool setup_per_clone(const struct pt__db *db)
{
	return db->backend->has_template && !db->backend->has_template(db);
}

/* How many databases have a template to build (not a per-clone set-up). */
static size_t templates_to_build(const struct pt__db *dbs, size_t nr)
{
	size_t n = 0;

	for (size_t i = 0; i < nr; i++)
		n += !setup_per_clone(&dbs[i]);
	return n;
}

/* Drops the templates this run built; on the way out of a failure. */
static void drop_built_templates(struct pt__db *dbs, size_t nr)
{
	struct pt__buf ignored = PT__BUF_INIT;

	for (size_t i = 0; i < nr; i++) {
		if (!dbs[i].template_built)
			continue;
		forget_fingerprint(&dbs[i]);
		if (dbs[i].backend->template_is_ours(&dbs[i], true, &ignored) == 1)
			dbs[i].backend->drop_template(&dbs[i], &ignored);
		dbs[i].template_built = false;
	}
	pt__buf_release(&ignored);
}

/*
 * With --db-setup: reuses the templates under --keepdb when every one of
 * them is ours and was built for the current fingerprint; otherwise drops
 * (if ours), creates and fills them all with one run of the set-up. A
 * template partest did not create is never touched. On failure nothing
 * this call built is left behind. Sets *fingerprint, and *reused when the
 * templates were reused.
 */
static int build_templates(struct pt__db *dbs, size_t nr, unsigned long long *fingerprint,
			   bool *reused, struct pt__buf *err)
{
	const struct pt__db_context *ctx = dbs[0].ctx;
	bool *exists = pt__xcalloc(nr, sizeof(*exists));
	bool reuse = ctx->keepdb;
	struct pt__buf what = PT__BUF_INIT;
	int rc;

	*reused = false;
	rc = compute_fingerprint(dbs, nr, fingerprint, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < nr; i++) {
		struct pt__db *db = &dbs[i];
		if (setup_per_clone(db))
			continue; /* no template: the set-up runs on each clone */
		rc = db->backend->template_exists(db, err);
		if (rc < 0)
			goto out;
		exists[i] = rc == 1;
		if (exists[i]) {
			rc = db->backend->template_is_ours(db, false, err);
			if (rc < 0)
				goto out;
			if (!rc) {
				describe_db(db, &what);
				pt__buf_addf(
					err,
					"cannot build the template %s: it exists and was not "
					"created by partest; remove it or run without --db-setup",
					what.data);
				rc = PT__EUSAGE;
				goto out;
			}
		}
		reuse = reuse && exists[i] && fingerprint_matches(db, *fingerprint);
	}
	rc = 0;
	*reused = reuse;
	if (reuse)
		goto out;

	for (size_t i = 0; i < nr; i++) {
		struct pt__db *db = &dbs[i];
		if (setup_per_clone(db))
			continue;
		/* Forgotten first: a run killed from here on leaves no match. */
		forget_fingerprint(db);
		if (exists[i] && (rc = db->backend->drop_template(db, err)))
			goto fail;
		if ((rc = db->backend->create_template(db, err)))
			goto fail;
		db->template_built = true;
	}
	if (templates_to_build(dbs, nr) && (rc = run_setup(dbs, nr, NULL, NULL, err)))
		goto fail;
	for (size_t i = 0; i < nr; i++) {
		struct pt__db *db = &dbs[i];
		if (setup_per_clone(db))
			continue;
		rc = db->backend->template_is_ours(db, true, err);
		if (rc < 0)
			goto fail;
		if (!rc) {
			/* Not ours any more: partest may not drop it, so it stays. */
			db->template_built = false;
			pt__buf_reset(&what);
			describe_db(db, &what);
			pt__buf_addf(
				err,
				"--db-setup \"%s\" replaced the template %s instead of filling "
				"in the one partest created; partest leaves it alone from now on",
				ctx->setup_cmd, what.data);
			rc = PT__EUSAGE;
			goto fail;
		}
	}
	/* Without its record a template is only rebuilt next time: the run
	 * goes on (the unusable state directory was warned about). */
	for (size_t i = 0; i < nr; i++) {
		struct pt__buf ignored = PT__BUF_INIT;
		if (!setup_per_clone(&dbs[i]))
			remember_fingerprint(&dbs[i], *fingerprint, &ignored);
		pt__buf_release(&ignored);
	}
	rc = 0;
	goto out;
fail:
	drop_built_templates(dbs, nr);
out:
	free(exists);
	pt__buf_release(&what);
	return rc;
}

/* Without --db-setup every template must already be there. */
static int check_templates(struct pt__db *dbs, size_t nr, struct pt__buf *err)
{
	for (size_t i = 0; i < nr; i++) {
		struct pt__buf what = PT__BUF_INIT;
		if (setup_per_clone(&dbs[i]))
			continue;
		int rc = dbs[i].backend->template_exists(&dbs[i], err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			describe_db(&dbs[i], &what);
			pt__buf_addf(err,
				     "the template %s does not exist; create it or give --db-setup",
				     what.data);
			pt__buf_release(&what);
			return PT__ERUN;
		}
	}
	return 0;
}

/* Says in err that --db first and --db second name one template. */
static int same_template(const struct pt__db *first, const struct pt__db *second,
			 struct pt__buf *err)
{
	struct pt__buf url = PT__BUF_INIT;

	pt__db_redact_url(pt__db_template_url(second), &url);
	pt__buf_addf(err, "--db %s and --db %s name the same database \"%s\"", first->alias,
		     second->alias, url.data);
	pt__buf_release(&url);
	return PT__EUSAGE;
}

/*
 * Two --db naming one alias (PARTEST_DB_<ALIAS>_URL ignores case) or one
 * template would fight over it, and a run would wait for the template's
 * lock that it holds itself. A server's template is compared by what the
 * server says it is (identify), so that localhost and 127.0.0.1, TCP and a
 * socket, or an extra parameter do not hide it.
 */
static int check_distinct(struct pt__db *dbs, size_t nr, struct pt__buf *err)
{
	struct pt__buf *ids = pt__xcalloc(nr, sizeof(*ids));
	int rc = 0;

	for (size_t i = 0; i < nr && !rc; i++) {
		for (size_t j = 0; j < i && !rc; j++) {
			if (!strcmp(dbs[i].alias, dbs[j].alias)) {
				pt__buf_addf(err, "--db: the alias \"%s\" is given twice",
					     dbs[i].alias);
				rc = PT__EUSAGE;
			} else if (!strcasecmp(dbs[i].alias, dbs[j].alias)) {
				pt__buf_addf(err,
					     "--db: the aliases \"%s\" and \"%s\" differ only in "
					     "case; PARTEST_DB_<ALIAS>_URL cannot tell them apart",
					     dbs[j].alias, dbs[i].alias);
				rc = PT__EUSAGE;
			} else if (!strcmp(pt__db_template_url(&dbs[i]),
					   pt__db_template_url(&dbs[j]))) {
				rc = same_template(&dbs[j], &dbs[i], err);
			}
		}
	}
	for (size_t i = 0; i < nr && !rc; i++) {
		bool shares = false;
		for (size_t j = 0; j < nr; j++)
			shares = shares || (j != i && dbs[j].backend == dbs[i].backend);
		if (shares && dbs[i].backend->identify)
			rc = dbs[i].backend->identify(&dbs[i], &ids[i], err);
		for (size_t j = 0; j < i && !rc; j++)
			if (dbs[j].backend == dbs[i].backend && ids[i].len && ids[j].len &&
			    !strcmp(ids[i].data, ids[j].data))
				rc = same_template(&dbs[j], &dbs[i], err);
	}
	for (size_t i = 0; i < nr; i++)
		pt__buf_release(&ids[i]);
	free(ids);
	return rc;
}

/* Drops what dead runs left in each database's server. */
static int reap(struct pt__db *dbs, size_t nr, struct pt__buf *dropped, struct pt__buf *err)
{
	int rc;

	for (size_t i = 0; i < nr; i++)
		if ((rc = dbs[i].backend->reap(&dbs[i], dropped, err)))
			return rc;
	return 0;
}

/* Whether db keeps ready clones: its engine can, on a server that stays. */
static bool keeps_ready(const struct pt__db *db)
{
	return db->backend->ready_sweep && !strstr(db->url, "+tmp:");
}

int pt__db_clean(struct pt__db *dbs, size_t nr, struct pt__buf *dropped, struct pt__buf *err)
{
	int rc = reap(dbs, nr, dropped, err);

	for (size_t i = 0; !rc && i < nr; i++)
		if (keeps_ready(&dbs[i]))
			rc = dbs[i].backend->ready_sweep(&dbs[i], NULL, dropped, err);
	return rc < 0 ? rc : 0;
}

/*
 * Once the templates are settled for fingerprint: drops the ready clones
 * of another fingerprint, and where the templates were reused under
 * --keepdb, claims ready clones for this run (also under --pool 0, which
 * only stops the filling: what is ready is used up).
 */
static int claim_ready(struct pt__db *dbs, size_t nr, unsigned long long fingerprint, bool reused,
		       struct pt__buf *err)
{
	const struct pt__db_context *ctx = dbs[0].ctx;
	struct pt__buf fp = PT__BUF_INIT;
	int rc = 0;

	pt__db_ready_fingerprint(fingerprint, &fp);
	for (size_t i = 0; !rc && i < nr; i++) {
		struct pt__db *db = &dbs[i];
		if (!keeps_ready(db))
			continue;
		rc = db->backend->ready_sweep(db, fp.data, NULL, err);
		if (rc <= 0 || !reused || !ctx->keepdb) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		rc = db->backend->ready_claim(db, fp.data, err);
		db->claimed = rc > 0 ? rc : 0;
		rc = rc < 0 ? rc : 0;
	}
	pt__buf_release(&fp);
	return rc;
}

/* What cannot be filled is said in said, and the filler goes on. */
static void cannot_fill(const struct pt__db *db, const char *why, struct pt__buf *said)
{
	pt__buf_adds(said, "partest db fill: ");
	describe_db(db, said);
	pt__buf_addf(said, ": %s\n", why);
}

/*
 * Takes the filler's lock of db's template, STATE/ready/<hash of the
 * template>.lock, waiting for another filler to let go (it may have left
 * fewer than this one is asked for). Returns the descriptor holding it,
 * -1 when the state directory cannot hold one (then the filler goes on
 * without), or PT__EINTR.
 */
static int lock_filler(const struct pt__db *db, struct pt__buf *err)
{
	const char *url = pt__db_template_url(db);
	struct pt__buf dir = PT__BUF_INIT, path = PT__BUF_INIT, ignored = PT__BUF_INIT;
	int fd = -1;

	pt__buf_addf(&dir, "%s/ready", db->ctx->state_dir);
	pt__buf_addf(&path, "%s/%016llx.lock", dir.data,
		     pt__db_hash(PT__DB_HASH_INIT, url, strlen(url)));
	if (!pt__db_make_dirs(dir.data, &ignored))
		fd = open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	pt__buf_release(&dir);
	pt__buf_release(&path);
	pt__buf_release(&ignored);
	while (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return -1;
		}
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while waiting for another partest db fill");
			close(fd);
			return PT__EINTR;
		}
		poll(NULL, 0, FILL_LOCK_POLL_MS);
	}
	return fd;
}

/*
 * Makes ready clones of db's template, one at a time, until there are
 * want of fingerprint fp, counting them anew before each; stops when the
 * template is no longer the one fp describes.
 */
static int fill_one(struct pt__db *db, const char *fp, unsigned long long fingerprint, int want,
		    struct pt__buf *said, struct pt__buf *err)
{
	int made = 0, left, rc = 0;

	while ((left = db->backend->ready_sweep(db, fp, NULL, err)) >= 0 && left < want) {
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while making ready clones");
			return PT__EINTR;
		}
		rc = db->backend->template_is_ours(db, false, err);
		if (rc < 0)
			return rc;
		if (!rc || !fingerprint_matches(db, fingerprint)) {
			cannot_fill(db, "the template changed while filling; the next run refills",
				    said);
			return 0;
		}
		if ((rc = db->backend->ready_make(db, fp, 1, err)))
			return rc;
		made++;
	}
	if (left < 0)
		return left;
	pt__buf_adds(said, "partest db fill: ");
	describe_db(db, said);
	pt__buf_addf(said, ": made %d ready clone%s; the pool holds %d\n", made,
		     made == 1 ? "" : "s", left);
	return 0;
}

/*
 * The fillers' locks are taken before the templates' (build_templates holds
 * those until a clone is made), in the same order by every filler, so that
 * a filler waiting for another never holds what that one waits for.
 */
int pt__db_fill(struct pt__db *dbs, size_t nr, struct pt__buf *said, struct pt__buf *err)
{
	const struct pt__db_context *ctx = dbs[0].ctx;
	struct pt__buf ignored = PT__BUF_INIT, fp = PT__BUF_INIT;
	int *locks = pt__xcalloc(nr, sizeof(*locks));
	unsigned long long fingerprint;
	bool reused;
	int rc;

	for (size_t i = 0; i < nr; i++)
		locks[i] = -1;
	if ((rc = check_distinct(dbs, nr, err)))
		goto out;
	for (size_t i = 0; !rc && i < nr; i++) {
		if (keeps_ready(&dbs[i]) && (locks[i] = lock_filler(&dbs[i], err)) == PT__EINTR)
			rc = PT__EINTR;
		else if (!keeps_ready(&dbs[i]))
			cannot_fill(&dbs[i],
				    dbs[i].backend->ready_sweep
					    ? "a throwaway server keeps no ready clones"
					    : "partest keeps no ready clones of this engine",
				    said);
	}
	if (rc || (rc = reap(dbs, nr, &ignored, err)) ||
	    (rc = build_templates(dbs, nr, &fingerprint, &reused, err)))
		goto out;
	pt__db_ready_fingerprint(fingerprint, &fp);
	for (size_t i = 0; !rc && i < nr; i++)
		if (keeps_ready(&dbs[i]))
			rc = fill_one(&dbs[i], fp.data, fingerprint,
				      ctx->pool >= 0 ? ctx->pool : ctx->workers, said, err);
out:
	pt__buf_reset(&ignored);
	pt__db_teardown(dbs, nr, &ignored);
	for (size_t i = 0; i < nr; i++)
		if (locks[i] >= 0)
			close(locks[i]);
	free(locks);
	pt__buf_release(&ignored);
	pt__buf_release(&fp);
	return rc;
}

int pt__db_provision(struct pt__db *dbs, size_t nr, struct pt__buf *err)
{
	struct pt__buf ignored = PT__BUF_INIT;
	int rc;

	if (!nr)
		return 0;
	if ((rc = check_distinct(dbs, nr, err)))
		return rc;
	rc = reap(dbs, nr, &ignored, err);
	pt__buf_release(&ignored);
	if (rc)
		return rc;
	if (dbs[0].ctx->setup_cmd) {
		unsigned long long fingerprint;
		bool reused;
		rc = build_templates(dbs, nr, &fingerprint, &reused, err);
		if (!rc && (rc = claim_ready(dbs, nr, fingerprint, reused, err)))
			pt__db_teardown(dbs, nr, &ignored);
	} else {
		rc = check_templates(dbs, nr, err);
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < nr; i++) {
		if (pt__cancelled(&dbs[i].ctx->cancel)) {
			pt__buf_adds(err, "interrupted while making the database clones");
			rc = PT__EINTR;
			break;
		}
		if ((rc = dbs[i].backend->clone(&dbs[i], err)))
			break;
	}
	/* A backend without a template (Oracle's setup strategy): --db-setup
	 * fills each clone, one after another. */
	for (size_t i = 0; !rc && i < nr; i++)
		for (int k = 0; !rc && setup_per_clone(&dbs[i]) && k < dbs[i].ctx->workers; k++)
			rc = run_setup(dbs, nr, &dbs[i], dbs[i].clone_urls[k], err);
	if (rc)
		pt__db_teardown(dbs, nr, &ignored);
	pt__buf_release(&ignored);
	return rc;
}

int pt__db_teardown(struct pt__db *dbs, size_t nr, struct pt__buf *err)
{
	struct pt__buf later = PT__BUF_INIT;
	int first = 0;

	for (size_t i = 0; i < nr; i++) {
		struct pt__db *db = &dbs[i];
		struct pt__buf *where = first ? &later : err;
		int rc = db->backend->drop_clones(db, where);

		pt__db_free_clone_urls(db);
		if (rc && !first)
			first = rc;
		where = first ? &later : err;
		if (db->template_built && !db->ctx->keepdb) {
			forget_fingerprint(db);
			/* Another run may have rebuilt it since: that one is its. */
			rc = db->backend->template_is_ours(db, true, where);
			rc = rc == 1 ? db->backend->drop_template(db, where) : rc;
			db->template_built = false;
			if (rc && !first)
				first = rc;
		}
		pt__buf_reset(&later);
	}
	pt__buf_release(&later);
	return first;
}

int pt__db_renew_clones(struct pt__db *dbs, size_t nr, const int *workers, int n,
			struct pt__buf *err)
{
	int *ks = pt__xcalloc((size_t)n, sizeof(*ks));
	int rc = 0;

	for (int j = 0; j < n; j++)
		ks[j] = workers[j] - 1;
	for (size_t i = 0; !rc && i < nr; i++) {
		const struct pt__db_backend *backend = dbs[i].backend;
		if (backend->renew_clones)
			rc = backend->renew_clones(&dbs[i], ks, n, err);
		for (int j = 0; !backend->renew_clones && !rc && j < n; j++)
			rc = backend->renew_clone(&dbs[i], ks[j], err);
	}
	for (size_t i = 0; !rc && i < nr; i++)
		for (int j = 0; !rc && setup_per_clone(&dbs[i]) && j < n; j++)
			rc = run_setup(dbs, nr, &dbs[i], dbs[i].clone_urls[ks[j]], err);
	free(ks);
	return rc;
}

int pt__db_can_keep(const struct pt__db *dbs, size_t nr, struct pt__buf *err)
{
	for (size_t i = 0; i < nr; i++) {
		if (strstr(dbs[i].url, "+tmp:")) {
			pt__buf_adds(err, "--keep-failed: a throwaway server's clones go with it at "
					  "the end of the run: ");
			describe_db(&dbs[i], err);
			pt__buf_adds(err, "; give a server that stays");
			return PT__EUSAGE;
		}
		if (dbs[i].backend->keep_clone)
			continue;
		pt__buf_addf(err, "--keep-failed: partest cannot keep %s clones yet: ",
			     dbs[i].backend->name);
		describe_db(&dbs[i], err);
		return PT__EUSAGE;
	}
	return 0;
}

int pt__db_keep_clones(struct pt__db *dbs, size_t nr, int worker, int serial, const char *dir,
		       char **urls, struct pt__buf *err)
{
	int rc = 0;

	for (size_t i = 0; i < nr; i++) {
		struct pt__buf url = PT__BUF_INIT;
		urls[i] = NULL;
		if (!rc && !(rc = dbs[i].backend->keep_clone(&dbs[i], worker - 1, serial, dir, &url,
							     err)))
			urls[i] = pt__buf_detach(&url);
		pt__buf_release(&url);
	}
	if (!rc)
		return pt__db_renew_clones(dbs, nr, &worker, 1, err);
	{
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_renew_clones(dbs, nr, &worker, 1, &ignored);
		pt__buf_release(&ignored);
	}
	return rc;
}

int pt__db_kept(struct pt__db *dbs, size_t nr, bool drop, struct pt__buf *dropped,
		struct pt__buf *err)
{
	int count = 0;

	for (size_t i = 0; i < nr; i++) {
		int rc = dbs[i].backend->kept ? dbs[i].backend->kept(&dbs[i], drop, dropped, err) : 0;
		if (rc < 0)
			return rc;
		count += rc;
	}
	return count;
}
