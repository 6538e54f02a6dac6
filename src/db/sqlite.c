/*
 * The SQLite backend.
 *
 * The template is the file the URL names (sqlite:PATH, sqlite://PATH,
 * sqlite:///abs/path), resolved to an absolute path when the run starts.
 * A SQLite file cannot carry a marker without touching the user's schema,
 * so "ours" is a registry record, STATE/sqlite/<hash of the path>, holding
 * the path and the file's identity (st_dev, st_ino and, where the system
 * keeps one, its birth time) at creation.
 *
 * A clone is a copy of the template in RUN_DIR/db/<alias>-<k>.sqlite3,
 * taken under a read transaction on the template so that a writer in
 * another process cannot tear it. When every committed page is in the main
 * file (rollback journal, or WAL without frames), the bytes are copied by
 * the kernel: FICLONE (a reflink), else copy_file_range, else read/write.
 * When a WAL holds frames, the online backup API makes the first clone and
 * the others are byte copies of it, so all clones are the same snapshot.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* copy_file_range, statx */
#endif
#include "sqlite.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h> /* FICLONE */
#include <sys/ioctl.h>
#endif

#include "../process_identity.h"
#include "../xalloc.h"

/* How often a run waiting for a template's lock looks again. */
#define LOCK_POLL_MS 50

/* The files SQLite may keep beside a database. */
static const char *const companions[] = {"-wal", "-shm", "-journal"};

/*
 * Clones are copied on one thread per CPU, up to this many. Measured on a
 * 2-CPU ext4 machine, four clones of a 50 MB template: 51 ms on one
 * thread, 27 ms on two (copy_file_range is a memory copy in the kernel, so
 * it scales with CPUs while the data sits in the page cache).
 */
#define COPY_THREADS_MAX 8

struct sqlite_state {
	char *path;	    /* the template, absolute */
	char *record;	    /* its registry record under the state directory */
	char **clone_paths; /* ctx->workers of them once clone ran */
	int nr_clones;	    /* how many of clone_paths exist on disk */
	int lock_fd;	    /* holds the template's lock, or -1 */
	int claimed;	    /* clone_paths[0..claimed-1] were claimed ready */
	int ready_serial;   /* ready clones this process made */
};

/* Resolves "." and ".." and repeated slashes; path is absolute. */
static void normalise_path(const char *path, struct pt__buf *out)
{
	const char *p = path;

	while (*p) {
		size_t len;
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = out->len ? strrchr(out->data, '/') : NULL;
			if (slash) {
				out->len = (size_t)(slash - out->data);
				out->data[out->len] = '\0';
			}
		} else {
			pt__buf_addc(out, '/');
			pt__buf_add(out, p, len);
		}
		p += len;
	}
	if (!out->len)
		pt__buf_addc(out, '/');
}

static void registry_dir(const struct pt__db *db, struct pt__buf *out)
{
	pt__buf_addf(out, "%s/sqlite", db->ctx->state_dir);
}

static int sqlite_open(struct pt__db *db, struct pt__buf *err)
{
	const char *path = db->url + strlen("sqlite:");
	struct pt__buf absolute = PT__BUF_INIT, joined = PT__BUF_INIT;
	struct sqlite_state *state;

	if (!strncmp(path, "//", 2))
		path += 2;
	if (!*path) {
		pt__buf_addf(err, "--db \"%s\": no database file after \"sqlite:\"", db->url);
		return PT__EUSAGE;
	}
	if (!strcmp(path, ":memory:") || strstr(path, "mode=memory")) {
		pt__buf_addf(err,
			     "--db \"%s\": an in-memory database cannot be a template that "
			     "workers share; name a file",
			     db->url);
		return PT__EUSAGE;
	}
	if (*path != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			pt__buf_addf(err, "--db \"%s\": cannot resolve the relative path: %s",
				     db->url, strerror(errno));
			return PT__ERUN;
		}
		pt__buf_addf(&joined, "%s/", cwd);
	}
	pt__buf_adds(&joined, path);
	normalise_path(joined.data, &absolute);
	pt__buf_release(&joined);

	state = pt__xcalloc(1, sizeof(*state));
	state->lock_fd = -1;
	state->path = pt__buf_detach(&absolute);
	{
		struct pt__buf record = PT__BUF_INIT;
		registry_dir(db, &record);
		pt__buf_addf(&record, "/%016llx",
			     pt__db_hash(PT__DB_HASH_INIT, state->path, strlen(state->path)));
		state->record = pt__buf_detach(&record);
	}
	{
		struct pt__buf url = PT__BUF_INIT;
		pt__buf_addf(&url, "sqlite:%s", state->path);
		db->template_url = pt__buf_detach(&url);
	}
	db->state = state;
	return 0;
}

static void sqlite_close(struct pt__db *db)
{
	struct sqlite_state *state = db->state;

	if (!state)
		return;
	if (state->lock_fd >= 0)
		close(state->lock_fd);
	for (int k = 0; state->clone_paths && k < db->ctx->workers; k++)
		free(state->clone_paths[k]);
	free(state->clone_paths);
	free(state->path);
	free(state->record);
	free(state);
	db->state = NULL;
}

/*
 * Takes the template's lock, waiting for another run to let go: an flock
 * on STATE/sqlite/<hash>.lock, held from the first look at the template
 * until its clones exist, and again around a tear-down's drop, so that no
 * run copies a template another is building or drops one another is
 * copying. Runs with different state directories do not see each other's
 * templates as partest's, so never drop them. Without a usable state
 * directory there is nothing to lock: the run goes on.
 */
static int lock_template(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf dir = PT__BUF_INIT, path = PT__BUF_INIT, ignored = PT__BUF_INIT;
	int fd, rc = 0;

	if (state->lock_fd >= 0)
		return 0;
	registry_dir(db, &dir);
	pt__buf_addf(&path, "%s.lock", state->record);
	fd = pt__db_make_dirs(dir.data, &ignored)
		     ? -1
		     : open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	while (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			fd = -1;
			break;
		}
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while waiting for the template's lock");
			close(fd);
			fd = -1;
			rc = PT__EINTR;
			break;
		}
		poll(NULL, 0, LOCK_POLL_MS);
	}
	state->lock_fd = fd;
	pt__buf_release(&dir);
	pt__buf_release(&path);
	pt__buf_release(&ignored);
	return rc;
}

static void unlock_template(struct sqlite_state *state)
{
	if (state->lock_fd >= 0)
		close(state->lock_fd);
	state->lock_fd = -1;
}

static int sqlite_template_exists(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct stat st;
	int rc;

	if ((rc = lock_template(db, err)))
		return rc;
	if (!lstat(state->path, &st))
		return 1;
	if (errno == ENOENT)
		return 0;
	pt__buf_addf(err, "cannot look at sqlite template \"%s\": %s", state->path,
		     strerror(errno));
	return PT__ERUN;
}

/*
 * A file's birth time where the system tells (0 elsewhere): inode numbers
 * are reused at once, so a file deleted and made anew often has the old
 * one's st_ino, but not its birth time.
 */
static void birth_time(const char *path, long long *sec, long *nsec)
{
	*sec = 0;
	*nsec = 0;
#if defined(__linux__) && defined(STATX_BTIME)
	struct statx stx;
	if (!statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &stx) &&
	    (stx.stx_mask & STATX_BTIME)) {
		*sec = stx.stx_btime.tv_sec;
		*nsec = (long)stx.stx_btime.tv_nsec;
	}
#else
	(void)path;
#endif
}

/* The registry record: the path and the file's identity. */
static void record_contents(const char *path, const struct stat *st, struct pt__buf *out)
{
	long long born_sec;
	long born_nsec;

	birth_time(path, &born_sec, &born_nsec);
	pt__buf_addf(out,
		     "partest sqlite template 1\npath %s\ndev %llu\nino %llu\nborn %lld.%09ld\n",
		     path, (unsigned long long)st->st_dev, (unsigned long long)st->st_ino, born_sec,
		     born_nsec);
}

/*
 * Ours: the record names this path and the file is the one it recorded;
 * this run's when the record's last line, "run ID", names it.
 */
static int sqlite_template_is_ours(struct pt__db *db, bool this_run, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf have = PT__BUF_INIT, want = PT__BUF_INIT, why = PT__BUF_INIT,
		       run = PT__BUF_INIT;
	struct stat st;
	int rc;

	if ((rc = lock_template(db, err)))
		return rc;
	if (lstat(state->path, &st) || !S_ISREG(st.st_mode))
		return 0;
	rc = pt__db_read_file(state->record, &have, &why);
	if (rc < 0) {
		pt__buf_addf(err, "cannot read partest's record of sqlite template \"%s\": %s",
			     state->path, why.data);
		goto out;
	}
	record_contents(state->path, &st, &want);
	pt__buf_addf(&run, "run %s\n", db->ctx->run_id);
	rc = rc && have.len >= want.len && !memcmp(have.data, want.data, want.len) &&
	     (!this_run ||
	      (have.len == want.len + run.len && !memcmp(have.data + want.len, run.data, run.len)));
out:
	pt__buf_release(&run);
	pt__buf_release(&why);
	pt__buf_release(&have);
	pt__buf_release(&want);
	return rc;
}

/*
 * Creates the template as an empty file, which SQLite takes for an empty
 * database; the set-up then chooses page size, encoding and journal mode
 * itself. O_EXCL: a file that appeared meanwhile is not taken over.
 */
static int sqlite_create_template(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf dir = PT__BUF_INIT, record = PT__BUF_INIT, why = PT__BUF_INIT;
	struct stat st;
	int fd, rc;

	registry_dir(db, &dir);
	if ((rc = pt__db_make_dirs(dir.data, &why))) {
		pt__buf_addf(err, "cannot create partest's state directory: %s", why.data);
		goto out;
	}
	fd = open(state->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || fstat(fd, &st)) {
		pt__buf_addf(err, "cannot create sqlite template \"%s\": %s", state->path,
			     strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(state->path);
		}
		rc = PT__ERUN;
		goto out;
	}
	close(fd);
	record_contents(state->path, &st, &record);
	pt__buf_addf(&record, "run %s\n", db->ctx->run_id);
	if ((rc = pt__db_write_file(state->record, record.data, record.len, &why))) {
		pt__buf_addf(err, "cannot record sqlite template \"%s\": %s", state->path,
			     why.data);
		unlink(state->path);
	}
out:
	pt__buf_release(&why);
	pt__buf_release(&dir);
	pt__buf_release(&record);
	return rc;
}

/*
 * Unlinks path and its -wal, -shm and -journal. Returns 0, or the errno
 * value of the first that could not be removed.
 */
static int remove_database_file(const char *path)
{
	struct pt__buf companion = PT__BUF_INIT;
	int err_no = 0;

	if (unlink(path) && errno != ENOENT)
		err_no = errno;
	for (size_t i = 0; i < sizeof(companions) / sizeof(companions[0]); i++) {
		pt__buf_reset(&companion);
		pt__buf_addf(&companion, "%s%s", path, companions[i]);
		if (unlink(companion.data) && errno != ENOENT && !err_no)
			err_no = errno;
	}
	pt__buf_release(&companion);
	return err_no;
}

static int sqlite_drop_template(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	int err_no = remove_database_file(state->path);

	if (err_no) {
		pt__buf_addf(err, "cannot remove sqlite template \"%s\": %s", state->path,
			     strerror(err_no));
		return PT__ERUN;
	}
	unlink(state->record);
	return 0;
}

static int sqlite_fingerprint(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	(void)db;
	(void)err;
	pt__buf_addf(out, "sqlite %s", sqlite3_libversion());
	return 0;
}

/*
 * Copies size bytes of from (at offset 0) into the empty file to, the
 * fastest way the system offers. Returns 0 or the errno value of the
 * failure; EIO when from turned out shorter than size.
 */
static int copy_bytes(int from, int to, off_t size)
{
	off_t done = 0;
	char *chunk;

#ifdef __linux__
#ifdef FICLONE
	if (!ioctl(to, FICLONE, from))
		return 0;
#endif
	while (done < size) {
		ssize_t n = copy_file_range(from, &done, to, NULL, (size_t)(size - done), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !done)
			break; /* not supported here: read and write */
		if (n < 0)
			return errno;
		if (!n)
			return EIO;
	}
	if (done == size)
		return 0;
#endif
	chunk = pt__xmalloc(1 << 20);
	while (done < size) {
		ssize_t n = pread(from, chunk, 1 << 20, done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(chunk);
			return n ? errno : EIO;
		}
		for (ssize_t at = 0; at < n;) {
			ssize_t w = write(to, chunk + at, (size_t)(n - at));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				free(chunk);
				return errno;
			}
			at += w;
		}
		done += n;
	}
	free(chunk);
	return 0;
}

struct copy_job {
	int from;
	off_t size;
	char **paths; /* the clones to make */
	int nr;
	int failed; /* index into paths of the failure, or -1 */
	int err_no; /* its errno value */
};

/* Makes job->paths, each a copy of job->from. Stops at the first failure. */
static void *copy_files(void *arg)
{
	struct copy_job *job = arg;

	job->failed = -1;
	for (int i = 0; i < job->nr; i++) {
		int to = open(job->paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		int err_no = to < 0 ? errno : copy_bytes(job->from, to, job->size);
		if (to >= 0 && close(to) && !err_no)
			err_no = errno;
		if (err_no) {
			job->failed = i;
			job->err_no = err_no;
			break;
		}
	}
	return NULL;
}

/*
 * Makes paths[0..nr-1] as copies of the quiescent database open as from,
 * spread over one thread per CPU. On failure names the clone and
 * the reason in err and returns PT__ERUN; the caller removes what was made.
 */
static int copy_clones(const char *template, int from, char **paths, int nr, struct pt__buf *err)
{
	struct copy_job jobs[COPY_THREADS_MAX];
	pthread_t threads[COPY_THREADS_MAX];
	bool started[COPY_THREADS_MAX] = {false};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nr_jobs = cpus < 1 ? 1 : cpus > COPY_THREADS_MAX ? COPY_THREADS_MAX : (int)cpus;
	struct stat st;
	int rc = 0;

	if (nr <= 0)
		return 0;
	if (nr_jobs > nr)
		nr_jobs = nr;
	if (fstat(from, &st)) {
		pt__buf_addf(err, "cannot clone sqlite template \"%s\": %s", template,
			     strerror(errno));
		return PT__ERUN;
	}
	for (int j = 0, first = 0; j < nr_jobs; j++) {
		int count = nr / nr_jobs + (j < nr % nr_jobs);
		jobs[j] = (struct copy_job){from, st.st_size, paths + first, count, -1, 0};
		first += count;
	}
	for (int j = 1; j < nr_jobs; j++) {
		started[j] = !pthread_create(&threads[j], NULL, copy_files, &jobs[j]);
		if (!started[j])
			copy_files(&jobs[j]); /* no thread to be had: do it here */
	}
	copy_files(&jobs[0]);
	for (int j = 1; j < nr_jobs; j++)
		if (started[j])
			pthread_join(threads[j], NULL);
	for (int j = 0; j < nr_jobs; j++) {
		if (jobs[j].failed >= 0) {
			pt__buf_addf(err, "cannot clone sqlite template \"%s\" to \"%s\": %s",
				     template, jobs[j].paths[jobs[j].failed],
				     strerror(jobs[j].err_no));
			rc = PT__ERUN;
			break;
		}
	}
	return rc;
}

/*
 * Copies the database open in src to the new file path with the online
 * backup API, and leaves the copy with every page in its main file.
 */
static int backup_clone(sqlite3 *src, const char *template, const char *path, struct pt__buf *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *backup;
	int rc;

	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		backup = sqlite3_backup_init(dst, "main", src, "main");
		if (backup) {
			sqlite3_backup_step(backup, -1);
			rc = sqlite3_backup_finish(backup);
		} else {
			rc = sqlite3_errcode(dst);
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		pt__buf_addf(err, "cannot clone sqlite template \"%s\" to \"%s\": %s", template,
			     path, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/* Whether path's write-ahead log holds frames (a header is 32 bytes). */
static bool wal_has_frames(const char *path)
{
	struct pt__buf wal = PT__BUF_INIT;
	struct stat st;
	bool frames;

	pt__buf_addf(&wal, "%s-wal", path);
	frames = !stat(wal.data, &st) && st.st_size > 32;
	pt__buf_release(&wal);
	return frames;
}

/* A clone that SQLite can open and read the schema of. Costs well under 1 ms. */
static int verify_clone(const char *template, const char *path, struct pt__buf *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		pt__buf_addf(
			err,
			"cannot clone sqlite template \"%s\" to \"%s\": the copy is unreadable: %s",
			template, path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -EIO;
}

/*
 * Copies the template into the new files paths[0..nr-1] and checks that
 * each opens. Opens the template read-only (never immutable: its WAL must
 * be seen) and holds a read transaction for the whole copy, so that
 * writers elsewhere wait or go to the WAL and the bytes copied are one
 * snapshot. The template's own descriptor for the copy is closed only
 * after SQLite's connection: closing any descriptor of a file drops the
 * process's POSIX locks on it, SQLite's read lock included. On failure
 * the caller removes what was made.
 */
static int copy_template(const char *template, char **paths, int nr, struct pt__buf *err)
{
	sqlite3 *src = NULL;
	int from = -1, rc;

	rc = sqlite3_open_v2(template, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(src, 10000);
		rc = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL,
				  NULL);
	}
	if (rc != SQLITE_OK) {
		pt__buf_addf(err, "cannot read sqlite template \"%s\": %s", template,
			     src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		sqlite3_close(src);
		return PT__ERUN;
	}
	if (wal_has_frames(template)) {
		rc = backup_clone(src, template, paths[0], err);
		sqlite3_close(src);
		src = NULL;
		if (rc)
			return PT__ERUN;
		from = open(paths[0], O_RDONLY | O_CLOEXEC);
		if (from < 0) {
			pt__buf_addf(err, "cannot clone sqlite template \"%s\" to \"%s\": %s",
				     template, paths[0], strerror(errno));
			return PT__ERUN;
		}
		rc = copy_clones(template, from, paths + 1, nr - 1, err);
	} else {
		from = open(template, O_RDONLY | O_CLOEXEC);
		if (from < 0) {
			pt__buf_addf(err, "cannot read sqlite template \"%s\": %s", template,
				     strerror(errno));
			sqlite3_close(src);
			return PT__ERUN;
		}
		rc = copy_clones(template, from, paths, nr, err);
	}
	sqlite3_close(src);
	close(from);
	for (int k = 0; !rc && k < nr; k++)
		if (verify_clone(template, paths[k], err))
			rc = PT__ERUN;
	return rc;
}

static int sqlite_drop_clones(struct pt__db *db, struct pt__buf *err);

/* One empty slot per worker for clone paths and URLs, unless a claim made them. */
static void start_clones(struct pt__db *db)
{
	struct sqlite_state *state = db->state;

	if (state->clone_paths)
		return;
	state->clone_paths = pt__xcalloc((size_t)db->ctx->workers, sizeof(*state->clone_paths));
	pt__db_new_clone_urls(db);
}

static int sqlite_clone(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	int workers = db->ctx->workers, claimed = state->claimed;
	struct pt__buf dir = PT__BUF_INIT;
	int rc;

	start_clones(db);
	pt__buf_addf(&dir, "%s/db", db->ctx->run_dir);
	if ((rc = pt__db_make_dirs(dir.data, err)))
		goto fail;
	for (int k = claimed; k < workers; k++) {
		struct pt__buf path = PT__BUF_INIT, url = PT__BUF_INIT;
		pt__buf_addf(&path, "%s/%s-%d.sqlite3", dir.data, db->alias, k + 1);
		pt__buf_addf(&url, "sqlite:%s", path.data);
		state->clone_paths[k] = pt__buf_detach(&path);
		db->clone_urls[k] = pt__buf_detach(&url);
	}
	state->nr_clones = workers;
	if (claimed < workers &&
	    copy_template(state->path, state->clone_paths + claimed, workers - claimed, err))
		goto fail;
	pt__buf_release(&dir);
	unlock_template(state);
	return 0;
fail:
	unlock_template(state);
	pt__buf_release(&dir);
	{
		struct pt__buf ignored = PT__BUF_INIT;
		sqlite_drop_clones(db, &ignored);
		pt__buf_release(&ignored);
	}
	pt__db_free_clone_urls(db);
	return PT__ERUN;
}

/*
 * Clone k's file (and what SQLite keeps beside it) removed and copied
 * again from the template, under the template's lock as a run's clones
 * are.
 */
static int sqlite_renew_clone(struct pt__db *db, int k, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	char *path = state->clone_paths[k];
	int err_no, rc;

	if ((rc = lock_template(db, err)))
		return rc;
	if ((err_no = remove_database_file(path))) {
		pt__buf_addf(err, "cannot remove sqlite clone \"%s\" to make it anew: %s", path,
			     strerror(err_no));
		rc = PT__ERUN;
	} else if ((rc = copy_template(state->path, &path, 1, err))) {
		remove_database_file(path);
	}
	unlock_template(state);
	return rc;
}

/* Moves the file from to to: rename(), or a copy where they are on two file systems. */
static int move_file(const char *from, const char *to)
{
	int in, out, err_no;
	struct stat st;

	if (!rename(from, to))
		return 0;
	if (errno != EXDEV)
		return errno;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	err_no = out < 0 ? errno : fstat(in, &st) ? errno : copy_bytes(in, out, st.st_size);
	if (out >= 0 && close(out) && !err_no)
		err_no = errno;
	close(in);
	if (!err_no && unlink(from))
		err_no = errno;
	return err_no;
}

/*
 * Moves clone k, with its -wal, -shm or -journal (which SQLite needs to see
 * what the test committed, or to roll back what it left half done), to
 * DIR/<alias>.sqlite3: the state directory's kept evidence, which no reap
 * touches.
 */
static int sqlite_keep_clone(struct pt__db *db, int k, int serial, const char *dir,
			     struct pt__buf *url, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf target = PT__BUF_INIT, from = PT__BUF_INIT, to = PT__BUF_INIT;
	int err_no;

	(void)serial;
	pt__buf_addf(&target, "%s/%s.sqlite3", dir, db->alias);
	err_no = move_file(state->clone_paths[k], target.data);
	for (size_t i = 0; !err_no && i < sizeof(companions) / sizeof(companions[0]); i++) {
		pt__buf_reset(&from);
		pt__buf_reset(&to);
		pt__buf_addf(&from, "%s%s", state->clone_paths[k], companions[i]);
		pt__buf_addf(&to, "%s%s", target.data, companions[i]);
		err_no = move_file(from.data, to.data);
		if (err_no == ENOENT)
			err_no = 0;
	}
	if (err_no)
		pt__buf_addf(err, "cannot keep sqlite clone \"%s\" as \"%s\": %s",
			     state->clone_paths[k], target.data, strerror(err_no));
	else
		pt__buf_addf(url, "sqlite:%s", target.data);
	pt__buf_release(&target);
	pt__buf_release(&from);
	pt__buf_release(&to);
	return err_no ? PT__ERUN : 0;
}

static int sqlite_drop_clones(struct pt__db *db, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	int first = 0;

	for (int k = 0; k < state->nr_clones; k++) {
		int err_no = remove_database_file(state->clone_paths[k]);
		if (err_no && !first) {
			pt__buf_addf(err, "cannot remove sqlite clone \"%s\": %s",
				     state->clone_paths[k], strerror(err_no));
			first = PT__ERUN;
		}
	}
	state->nr_clones = 0;
	state->claimed = 0;
	if (state->clone_paths) {
		for (int k = 0; k < db->ctx->workers; k++)
			free(state->clone_paths[k]);
		free(state->clone_paths);
		state->clone_paths = NULL;
	}
	return first;
}

/*
 * ---- ready clones ----
 *
 * They live in STATE/sqlite/<hash>.ready/, beside the template's record
 * (run directories may be on another file system, and rename(2) is what
 * makes each step atomic):
 *   making-<pid>-<start>-<n>.sqlite3   a filler's copy in making
 *   ready-<fingerprint>-<pid>-<start>-<n>.sqlite3   ready
 *   claimed-<pid>-<start>-<k>.sqlite3  run <pid>'s clone k
 * where <pid> and <start> name the process that made or claimed the file:
 * a reap removes making and claimed files of processes that are gone.
 */

static void ready_dir(const struct sqlite_state *state, struct pt__buf *out)
{
	pt__buf_addf(out, "%s.ready", state->record);
}

/* "<prefix>-<pid>-<start>-<n>.sqlite3" in the ready directory, for this process. */
static void own_ready_path(const struct sqlite_state *state, const char *prefix, int n,
			   struct pt__buf *out)
{
	long pid = (long)getpid();

	ready_dir(state, out);
	pt__buf_addf(out, "/%s-%ld-%llu-%d.sqlite3", prefix, pid, pt__process_start_time(pid), n);
}

/*
 * The names in the ready directory, each ending in a NUL. None when it
 * cannot be read: an unusable state directory keeps no ready clones, and,
 * as for durations and template records, the run goes on without.
 */
static void list_ready_dir(const struct sqlite_state *state, struct pt__buf *names)
{
	struct pt__buf dir = PT__BUF_INIT;
	struct dirent *entry;
	DIR *listing;

	ready_dir(state, &dir);
	listing = opendir(dir.data);
	while (listing && (entry = readdir(listing)))
		if (strstr(entry->d_name, ".sqlite3") &&
		    !strcmp(strstr(entry->d_name, ".sqlite3"), ".sqlite3"))
			pt__buf_add(names, entry->d_name, strlen(entry->d_name) + 1);
	if (listing)
		closedir(listing);
	pt__buf_release(&dir);
}

/* Whether name is a ready file of fingerprint. */
static bool ready_of(const char *name, const char *fingerprint)
{
	size_t len = strlen(fingerprint);

	return !strncmp(name, "ready-", 6) && !strncmp(name + 6, fingerprint, len) &&
	       name[6 + len] == '-';
}

static int sqlite_ready_sweep(struct pt__db *db, const char *fingerprint, struct pt__buf *dropped,
			      struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf names = PT__BUF_INIT, path = PT__BUF_INIT;
	int rc = 0, left = 0;

	list_ready_dir(state, &names);
	for (size_t at = 0; !rc && at < names.len; at += strlen(names.data + at) + 1) {
		const char *name = names.data + at;
		int err_no;
		if (strncmp(name, "ready-", 6))
			continue;
		if (fingerprint && ready_of(name, fingerprint)) {
			left++;
			continue;
		}
		pt__buf_reset(&path);
		ready_dir(state, &path);
		pt__buf_addf(&path, "/%s", name);
		if ((err_no = remove_database_file(path.data))) {
			pt__buf_addf(err, "cannot remove the ready sqlite clone \"%s\": %s",
				     path.data, strerror(err_no));
			rc = PT__ERUN;
		} else if (dropped) {
			pt__buf_addf(dropped, "removed the ready sqlite clone \"%s\"\n", path.data);
		}
	}
	if (!rc && !fingerprint) {
		pt__buf_reset(&path);
		ready_dir(state, &path);
		rmdir(path.data); /* empty unless a filler or a run is at work */
	}
	pt__buf_release(&names);
	pt__buf_release(&path);
	return rc ? rc : left;
}

/* Claims ready files of fingerprint by rename(2): of two runs, one gets each. */
static int sqlite_ready_claim(struct pt__db *db, const char *fingerprint, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf names = PT__BUF_INIT, from = PT__BUF_INIT, to = PT__BUF_INIT;
	int rc = 0, claimed = 0;

	list_ready_dir(state, &names);
	start_clones(db);
	for (size_t at = 0; !rc && at < names.len && claimed < db->ctx->workers;
	     at += strlen(names.data + at) + 1) {
		const char *name = names.data + at;
		if (!ready_of(name, fingerprint))
			continue;
		pt__buf_reset(&from);
		pt__buf_reset(&to);
		ready_dir(state, &from);
		pt__buf_addf(&from, "/%s", name);
		own_ready_path(state, "claimed", claimed + 1, &to);
		if (rename(from.data, to.data)) {
			if (errno == ENOENT)
				continue; /* another run claimed it first */
			pt__buf_addf(err, "cannot claim the ready sqlite clone \"%s\": %s",
				     from.data, strerror(errno));
			rc = PT__ERUN;
			break;
		}
		state->clone_paths[claimed] = pt__xstrdup(to.data);
		pt__buf_reset(&from);
		pt__buf_addf(&from, "sqlite:%s", to.data);
		db->clone_urls[claimed] = pt__buf_detach(&from);
		state->nr_clones = ++claimed;
	}
	state->claimed = claimed;
	pt__buf_release(&names);
	pt__buf_release(&from);
	pt__buf_release(&to);
	return rc ? rc : claimed;
}

/* Each copied as a making file, then renamed ready. */
static int sqlite_ready_make(struct pt__db *db, const char *fingerprint, int n, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf dir = PT__BUF_INIT, making = PT__BUF_INIT, ready = PT__BUF_INIT,
		       why = PT__BUF_INIT;
	int rc = 0;

	ready_dir(state, &dir);
	if (pt__db_make_dirs(dir.data, &why)) {
		pt__buf_addf(err, "cannot make ready sqlite clones: %s", why.data);
		rc = PT__ERUN;
	}
	for (int i = 0; !rc && i < n; i++) {
		char *path;
		int serial = ++state->ready_serial;
		pt__buf_reset(&making);
		pt__buf_reset(&ready);
		own_ready_path(state, "making", serial, &making);
		ready_dir(state, &ready);
		pt__buf_addf(&ready, "/ready-%s-%ld-%llu-%d.sqlite3", fingerprint, (long)getpid(),
			     pt__process_start_time((long)getpid()), serial);
		path = making.data;
		rc = copy_template(state->path, &path, 1, err);
		if (!rc && rename(making.data, ready.data)) {
			pt__buf_addf(err, "cannot make \"%s\" ready: %s", making.data,
				     strerror(errno));
			rc = PT__ERUN;
		}
		remove_database_file(making.data);
	}
	unlock_template(state);
	pt__buf_release(&dir);
	pt__buf_release(&making);
	pt__buf_release(&ready);
	pt__buf_release(&why);
	return rc;
}

/*
 * Run directories, where a run's own clones live, the runner reaps
 * itself; here the ready directory's making and claimed files whose
 * process is gone.
 */
static int sqlite_reap(struct pt__db *db, struct pt__buf *dropped, struct pt__buf *err)
{
	struct sqlite_state *state = db->state;
	struct pt__buf names = PT__BUF_INIT, path = PT__BUF_INIT;

	(void)err;
	list_ready_dir(state, &names);
	for (size_t at = 0; at < names.len; at += strlen(names.data + at) + 1) {
		const char *name = names.data + at;
		char prefix[8];
		long pid;
		unsigned long long start;
		int k;
		if (sscanf(name, "%7[a-z]-%ld-%llu-%d.sqlite3", prefix, &pid, &start, &k) != 4 ||
		    (strcmp(prefix, "making") && strcmp(prefix, "claimed")) ||
		    pt__process_is(pid, start))
			continue;
		pt__buf_reset(&path);
		ready_dir(state, &path);
		pt__buf_addf(&path, "/%s", name);
		if (!remove_database_file(path.data))
			pt__buf_addf(dropped,
				     "removed the sqlite clone \"%s\", left by pid %ld (no longer "
				     "running)\n",
				     path.data, pid);
	}
	pt__buf_release(&names);
	pt__buf_release(&path);
	return 0;
}

const struct pt__db_backend pt__db_sqlite = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.template_exists = sqlite_template_exists,
	.template_is_ours = sqlite_template_is_ours,
	.create_template = sqlite_create_template,
	.drop_template = sqlite_drop_template,
	.fingerprint = sqlite_fingerprint,
	.clone = sqlite_clone,
	.renew_clone = sqlite_renew_clone,
	.keep_clone = sqlite_keep_clone,
	.drop_clones = sqlite_drop_clones,
	.reap = sqlite_reap,
	.ready_sweep = sqlite_ready_sweep,
	.ready_claim = sqlite_ready_claim,
	.ready_make = sqlite_ready_make,
};
