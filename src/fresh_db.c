#include "fresh_db.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/provision.h"
#include "error.h"
#include "protocol.h"
#include "xalloc.h"

/* What the renewer writes on its pipe for each clone it was given. */
struct notice {
	int clone;
	int rc; /* pt__db_renew_clones' */
};

static const char *const scope_names[] = {
	[PT__FRESH_DB_WORKER] = "worker",
	[PT__FRESH_DB_GROUP] = "group",
	[PT__FRESH_DB_TEST] = "test",
};

const char *pt__fresh_db_scope_name(enum pt__fresh_db_scope scope)
{
	return scope_names[scope];
}

int pt__fresh_db_scope_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(scope_names) / sizeof(scope_names[0]); i++)
		if (!strcmp(name, scope_names[i]))
			return (int)i;
	return -1;
}

int pt__fresh_db_clone_count(enum pt__fresh_db_scope scope, int workers)
{
	return scope == PT__FRESH_DB_WORKER ? workers : 2 * workers;
}

/*
 * The most clones the renewer makes anew at once. Several at once share
 * the server's work (PostgreSQL's checkpoints) and its waits: on 2 cores,
 * 2 sessions made 1.5-1.8x as many clones a second as one, 4 no more than
 * 2 (bench/README.md, fresh_db); each costs the server a connection.
 */
#define RENEW_BATCH 4

/*
 * The renewer: remakes the clones given back, up to RENEW_BATCH at once
 * (all of them when several wait), until told to stop.
 */
static void *renew_used(void *arg)
{
	struct pt__fresh_db *fresh = arg;
	struct pt__buf err = PT__BUF_INIT;

	for (;;) {
		int batch[RENEW_BATCH], workers[RENEW_BATCH], n, rc;
		pthread_mutex_lock(&fresh->queue_lock);
		while (!fresh->nr_used && !fresh->stop)
			pthread_cond_wait(&fresh->queue_changed, &fresh->queue_lock);
		if (fresh->stop) {
			pthread_mutex_unlock(&fresh->queue_lock);
			break;
		}
		n = fresh->nr_used < RENEW_BATCH ? (int)fresh->nr_used : RENEW_BATCH;
		memcpy(batch, fresh->used, (size_t)n * sizeof(*batch));
		fresh->nr_used -= (size_t)n;
		memmove(fresh->used, fresh->used + n, fresh->nr_used * sizeof(*fresh->used));
		pthread_mutex_unlock(&fresh->queue_lock);

		for (int i = 0; i < n; i++)
			workers[i] = batch[i] + 1;
		pthread_mutex_lock(&fresh->db_lock);
		rc = pt__db_renew_clones(fresh->dbs, fresh->nr_dbs, workers, n, &err);
		pthread_mutex_unlock(&fresh->db_lock);
		if (rc) {
			pthread_mutex_lock(&fresh->queue_lock);
			pt__buf_add(&fresh->failure, pt__buf_str(&err), err.len);
			pthread_mutex_unlock(&fresh->queue_lock);
		}
		/* At most clones notices are ever unread: the pipe holds them. */
		for (int i = 0; i < n; i++) {
			struct notice notice = {batch[i], rc};
			pt__write_all(fresh->notices[1], &notice, sizeof(notice), NULL);
		}
		pt__buf_reset(&err);
		if (rc)
			break;
	}
	pt__buf_release(&err);
	return NULL;
}

static void make_vars(struct pt__fresh_db *fresh, const struct pt__db *main_db)
{
	struct pt__buf name = PT__BUF_INIT, entry = PT__BUF_INIT;
	size_t per_clone = fresh->nr_dbs + 2;

	fresh->vars = pt__xcalloc((size_t)fresh->clones, sizeof(*fresh->vars));
	fresh->env = pt__xcalloc((size_t)fresh->clones, sizeof(*fresh->env));
	for (int k = 0; k < fresh->clones; k++) {
		size_t nr = 0;
		fresh->vars[k] = pt__xcalloc(per_clone, sizeof(*fresh->vars[k]));
		for (size_t i = 0; i < fresh->nr_dbs; i++) {
			const struct pt__db *db = &fresh->dbs[i];
			pt__buf_reset(&name);
			pt__db_env_name(db->alias, &name);
			pt__buf_reset(&entry);
			pt__buf_addf(&entry, "%s=%s", name.data, db->clone_urls[k]);
			fresh->vars[k][nr++] = pt__buf_detach(&entry);
			if (db != main_db)
				continue;
			pt__buf_addf(&entry, "DATABASE_URL=%s", db->clone_urls[k]);
			fresh->vars[k][nr++] = pt__buf_detach(&entry);
		}
		for (size_t i = 0; i < nr; i++)
			pt__buf_add(&fresh->env[k], fresh->vars[k][i],
				    strlen(fresh->vars[k][i]) + 1);
	}
	pt__buf_release(&name);
	pt__buf_release(&entry);
}

int pt__fresh_db_start(struct pt__fresh_db *fresh, enum pt__fresh_db_scope scope,
		       struct pt__db *dbs, size_t nr_dbs, const struct pt__db *main_db, int clones,
		       struct pt__buf *err)
{
	sigset_t all, before;
	int rc;

	memset(fresh, 0, sizeof(*fresh));
	fresh->scope = scope;
	fresh->dbs = dbs;
	fresh->nr_dbs = nr_dbs;
	fresh->clones = clones;
	fresh->notices[0] = fresh->notices[1] = -1;
	make_vars(fresh, main_db);
	fresh->ready = pt__xcalloc((size_t)clones, sizeof(*fresh->ready));
	fresh->used = pt__xcalloc((size_t)clones, sizeof(*fresh->used));
	for (int k = 0; k < clones; k++)
		fresh->ready[fresh->nr_ready++] = k;
	pthread_mutex_init(&fresh->queue_lock, NULL);
	pthread_mutex_init(&fresh->db_lock, NULL);
	pthread_cond_init(&fresh->queue_changed, NULL);
	if (pipe(fresh->notices)) {
		pt__buf_addf(err, "cannot start renewing database clones: pipe: %s",
			     strerror(errno));
		fresh->notices[0] = fresh->notices[1] = -1;
		return PT__ERUN;
	}
	for (int i = 0; i < 2; i++)
		fcntl(fresh->notices[i], F_SETFD, FD_CLOEXEC);
	fcntl(fresh->notices[0], F_SETFL, O_NONBLOCK);
	/* Signals are the runner's thread's: the renewer starts with all blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	rc = pthread_create(&fresh->thread, NULL, renew_used, fresh);
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (rc) {
		pt__buf_addf(err, "cannot start renewing database clones: %s", strerror(rc));
		return PT__ERUN;
	}
	fresh->running = true;
	return 0;
}

int pt__fresh_db_take(struct pt__fresh_db *fresh)
{
	int k;

	if (!fresh->nr_ready)
		return -1;
	k = fresh->ready[0];
	memmove(fresh->ready, fresh->ready + 1, --fresh->nr_ready * sizeof(*fresh->ready));
	return k;
}

size_t pt__fresh_db_available(const struct pt__fresh_db *fresh)
{
	return fresh->nr_ready;
}

void pt__fresh_db_give_back(struct pt__fresh_db *fresh, int k, bool used)
{
	if (!used) {
		fresh->ready[fresh->nr_ready++] = k;
		return;
	}
	fresh->renewing++;
	pthread_mutex_lock(&fresh->queue_lock);
	fresh->used[fresh->nr_used++] = k;
	pthread_cond_signal(&fresh->queue_changed);
	pthread_mutex_unlock(&fresh->queue_lock);
}

bool pt__fresh_db_renewing(const struct pt__fresh_db *fresh)
{
	return fresh->renewing && !fresh->failed;
}

int pt__fresh_db_fd(const struct pt__fresh_db *fresh)
{
	return fresh->notices[0];
}

int pt__fresh_db_collect(struct pt__fresh_db *fresh, struct pt__buf *err)
{
	struct notice notice;
	int rc = 0;

	while (read(fresh->notices[0], &notice, sizeof(notice)) == (ssize_t)sizeof(notice)) {
		fresh->renewing--;
		if (!notice.rc) {
			fresh->ready[fresh->nr_ready++] = notice.clone;
			continue;
		}
		if (notice.rc == PT__EINTR || fresh->failed)
			continue;
		fresh->failed = true;
		pthread_mutex_lock(&fresh->queue_lock);
		pt__buf_adds(err, pt__buf_str(&fresh->failure));
		pthread_mutex_unlock(&fresh->queue_lock);
		rc = PT__ERUN;
	}
	return rc;
}

char *const *pt__fresh_db_vars(const struct pt__fresh_db *fresh, int k)
{
	return fresh->vars[k];
}

const struct pt__buf *pt__fresh_db_env(const struct pt__fresh_db *fresh, int k)
{
	return &fresh->env[k];
}

void pt__fresh_db_lock(struct pt__fresh_db *fresh)
{
	pthread_mutex_lock(&fresh->db_lock);
}

void pt__fresh_db_unlock(struct pt__fresh_db *fresh)
{
	pthread_mutex_unlock(&fresh->db_lock);
}

void pt__fresh_db_release(struct pt__fresh_db *fresh)
{
	if (!fresh->vars)
		return;
	if (fresh->running) {
		pthread_mutex_lock(&fresh->queue_lock);
		fresh->stop = true;
		pthread_cond_signal(&fresh->queue_changed);
		pthread_mutex_unlock(&fresh->queue_lock);
		pthread_join(fresh->thread, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (fresh->notices[i] >= 0)
			close(fresh->notices[i]);
	for (int k = 0; k < fresh->clones; k++) {
		for (char **var = fresh->vars[k]; *var; var++)
			free(*var);
		free(fresh->vars[k]);
		pt__buf_release(&fresh->env[k]);
	}
	free(fresh->vars);
	free(fresh->env);
	free(fresh->ready);
	free(fresh->used);
	pthread_mutex_destroy(&fresh->queue_lock);
	pthread_mutex_destroy(&fresh->db_lock);
	pthread_cond_destroy(&fresh->queue_changed);
	pt__buf_release(&fresh->failure);
	memset(fresh, 0, sizeof(*fresh));
}
