/*
 * Test databases on SQLite: building templates with --db-setup, keeping
 * them under --keepdb, cloning them per worker, and refusing what is not
 * partest's. Each test works in a private directory of its own.
 */
#include <partest.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db/provision.h"
#include "owned_dir.h"
#include "clock.h"

struct fixture {
	char *dir; /* removed at the end */
	struct pt__buf state, run, template, url, counter, prepared;
	struct pt__db_context ctx;
	struct pt__buf err;
};

static struct fixture fx;

static const char *in_dir(struct pt__buf *buf, const char *name)
{
	pt__buf_reset(buf);
	pt__buf_addf(buf, "%s/%s", fx.dir, name);
	return buf->data;
}

PT_SETUP(db_sqlite)
{
	const char *tmp = getenv("TMPDIR");
	struct pt__buf dir = PT__BUF_INIT;

	memset(&fx, 0, sizeof(fx));
	pt__buf_addf(&dir, "%s/db-sqlite-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(dir.data));
	fx.dir = pt__buf_detach(&dir);
	in_dir(&fx.state, "state");
	in_dir(&fx.run, "run");
	in_dir(&fx.template, "app.db");
	in_dir(&fx.counter, "setup-runs");
	in_dir(&fx.prepared, "prepared.db");
	pt__buf_addf(&fx.url, "sqlite:%s", fx.template.data);
	PT_ASSERT_INT(mkdir(fx.run.data, 0700), ==, 0);
	fx.ctx = (struct pt__db_context){
		.run_id = "test",
		.run_dir = fx.run.data,
		.state_dir = fx.state.data,
		.workers = 3,
	};
}

PT_TEARDOWN(db_sqlite)
{
	if (fx.dir)
		pt__remove_tree(fx.dir);
	free(fx.dir);
	pt__buf_release(&fx.state);
	pt__buf_release(&fx.run);
	pt__buf_release(&fx.template);
	pt__buf_release(&fx.url);
	pt__buf_release(&fx.counter);
	pt__buf_release(&fx.prepared);
	pt__buf_release(&fx.err);
	memset(&fx, 0, sizeof(fx));
}

/* Runs sql on the database file path, creating it if need be. */
static int exec_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* The single integer sql yields on path (a clone URL or a file), or -1. */
static long long query_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	long long value = -1;

	if (!strncmp(path, "sqlite:", 7))
		path += 7;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return value;
}

/* Whether dir holds any file but STATE/sqlite/<hash>.lock. */
static bool holds_more_than_locks(const char *dir)
{
	struct pt__buf path = PT__BUF_INIT;
	struct dirent *entry;
	bool more = false;
	DIR *top = opendir(dir);

	while (top && (entry = readdir(top)))
		more = more || (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..") &&
				strcmp(entry->d_name, "sqlite"));
	if (top)
		closedir(top);
	pt__buf_addf(&path, "%s/sqlite", dir);
	DIR *records = opendir(path.data);
	while (records && (entry = readdir(records))) {
		size_t len = strlen(entry->d_name);
		more = more || (entry->d_name[0] != '.' &&
				(len < 5 || strcmp(entry->d_name + len - 5, ".lock")));
	}
	if (records)
		closedir(records);
	pt__buf_release(&path);
	return more;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static long long count_lines(const char *path)
{
	FILE *file = fopen(path, "r");
	long long lines = 0;

	if (!file)
		return 0;
	for (int c; (c = getc(file)) != EOF;)
		lines += c == '\n';
	fclose(file);
	return lines;
}

static void write_text(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	PT_ASSERT_NOT_NULL(file);
	fputs(text, file);
	PT_ASSERT_INT(fclose(file), ==, 0);
}

/* A database file holding table t with rows rows. */
static void make_database(const char *path, int rows)
{
	char sql[256];

	PT_ASSERT_INT(exec_sql(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), ==,
		      SQLITE_OK);
	snprintf(sql, sizeof(sql),
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		 "INSERT INTO t (v) SELECT 'row ' || i FROM n",
		 rows);
	PT_ASSERT_INT(exec_sql(path, sql), ==, SQLITE_OK);
}

/*
 * A set-up that counts its runs and fills the template in place with the
 * bytes of prepared.db (a shell has no SQLite; `cat >` keeps the file).
 */
static void use_counting_setup(struct pt__buf *cmd)
{
	make_database(fx.prepared.data, 5);
	pt__buf_addf(cmd, "echo run >> '%s' && cat '%s' > \"${DATABASE_URL#sqlite:}\"",
		     fx.counter.data, fx.prepared.data);
	fx.ctx.setup_cmd = cmd->data;
}

static int init_db(struct pt__db *db, const char *spec)
{
	pt__buf_reset(&fx.err);
	return pt__db_init(db, spec, &fx.ctx, &fx.err);
}

/* One whole run against the template: provision, then tear down. */
static int provision_and_teardown(void)
{
	struct pt__db db;
	int rc = init_db(&db, fx.url.data);

	if (!rc)
		rc = pt__db_provision(&db, 1, &fx.err);
	if (!rc)
		rc = pt__db_teardown(&db, 1, &fx.err);
	pt__db_release(&db);
	return rc;
}

/*
 * A throwaway server's backend learns its template URL only once the server
 * runs and replaces the one open set, while db.c may still hold the old
 * string: every replaced URL must stay readable until release (and, under
 * SANITIZE=1, be kept without writing past the array that holds them).
 */
PT_TEST(db_sqlite, replaced_template_urls_stay_readable_until_release)
{
	struct pt__db db;
	const char *seen[20];

	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	for (int i = 0; i < 20; i++) {
		struct pt__buf url = PT__BUF_INIT;

		pt__buf_addf(&url, "sqlite:/replaced/%d.db", i);
		seen[i] = db.template_url;
		pt__db_set_template_url(&db, pt__buf_detach(&url));
	}
	PT_EXPECT_STR(db.template_url, ==, "sqlite:/replaced/19.db");
	for (int i = 1; i < 20; i++) {
		char want[64];

		snprintf(want, sizeof(want), "sqlite:/replaced/%d.db", i - 1);
		PT_EXPECT_STR(seen[i], ==, want);
	}
	pt__db_release(&db);
}

PT_TEST(db_sqlite, clones_are_copies_of_the_template_with_absolute_urls)
{
	struct pt__db db;
	struct pt__buf want = PT__BUF_INIT;
	char cwd[4096];
	int rc;

	make_database(fx.template.data, 7);
	PT_ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
	PT_ASSERT_INT(chdir(fx.dir), ==, 0);
	rc = init_db(&db, "sqlite:./sub/../app.db");
	PT_ASSERT_INT(chdir(cwd), ==, 0);
	PT_ASSERT_INT(rc, ==, 0);
	PT_ASSERT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	for (int k = 1; k <= 3; k++) {
		pt__buf_reset(&want);
		pt__buf_addf(&want, "sqlite:%s/db/default-%d.sqlite3", fx.run.data, k);
		PT_EXPECT_STR(db.clone_urls[k - 1], ==, want.data);
		PT_EXPECT_INT(query_int(db.clone_urls[k - 1], "SELECT count(*) FROM t"), ==, 7);
	}
	PT_EXPECT_STR(db.template_url, ==, fx.url.data);
	PT_EXPECT_INT(pt__db_teardown(&db, 1, &fx.err), ==, 0);
	pt__db_release(&db);
	pt__buf_release(&want);
}

PT_TEST(db_sqlite, each_clone_is_independent)
{
	struct pt__db db;

	make_database(fx.template.data, 3);
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_ASSERT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	PT_ASSERT_INT(exec_sql(db.clone_urls[0] + 7, "INSERT INTO t (v) VALUES ('one')"), ==,
		      SQLITE_OK);
	PT_ASSERT_INT(exec_sql(db.clone_urls[1] + 7, "DELETE FROM t"), ==, SQLITE_OK);
	PT_EXPECT_INT(query_int(db.clone_urls[0], "SELECT count(*) FROM t"), ==, 4);
	PT_EXPECT_INT(query_int(db.clone_urls[1], "SELECT count(*) FROM t"), ==, 0);
	PT_EXPECT_INT(query_int(db.clone_urls[2], "SELECT count(*) FROM t"), ==, 3);
	PT_EXPECT_INT(query_int(fx.template.data, "SELECT count(*) FROM t"), ==, 3);
	pt__db_teardown(&db, 1, &fx.err);
	pt__db_release(&db);
}

PT_TEST(db_sqlite, clone_of_wal_template_sees_uncheckpointed_rows)
{
	sqlite3 *writer = NULL;
	struct pt__buf wal = PT__BUF_INIT;
	struct pt__db db;
	struct stat st;

	make_database(fx.template.data, 10);
	/* A writer that stays open keeps its commits in the WAL. */
	PT_ASSERT_INT(sqlite3_open(fx.template.data, &writer), ==, SQLITE_OK);
	PT_ASSERT_INT(sqlite3_exec(writer,
				   "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
				   "INSERT INTO t (v) VALUES ('in the wal'), ('also in the wal')",
				   NULL, NULL, NULL),
		      ==, SQLITE_OK);
	pt__buf_addf(&wal, "%s-wal", fx.template.data);
	PT_ASSERT_INT(stat(wal.data, &st), ==, 0);
	PT_ASSERT_INT(st.st_size, >, 32);

	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	PT_EXPECT_STR(fx.err.data, ==, NULL);
	for (int k = 0; k < 3 && db.clone_urls; k++)
		PT_EXPECT_INT(query_int(db.clone_urls[k], "SELECT count(*) FROM t"), ==, 12);
	pt__db_teardown(&db, 1, &fx.err);
	pt__db_release(&db);
	sqlite3_close(writer);
	pt__buf_release(&wal);
}

PT_TEST(db_sqlite, clone_leaves_out_what_another_process_has_not_committed)
{
	int ready[2], done[2];
	struct pt__db db;
	pid_t pid;
	char byte;

	make_database(fx.template.data, 4);
	PT_ASSERT_INT(pipe(ready), ==, 0);
	PT_ASSERT_INT(pipe(done), ==, 0);
	pid = fork();
	PT_ASSERT_INT(pid, >=, 0);
	if (!pid) {
		sqlite3 *writer = NULL;
		close(ready[0]);
		close(done[1]);
		sqlite3_open(fx.template.data, &writer);
		sqlite3_exec(writer, "BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('uncommitted')",
			     NULL, NULL, NULL);
		(void)!write(ready[1], "x", 1);
		(void)!read(done[0], &byte, 1);
		_exit(0); /* never commits */
	}
	close(ready[1]);
	close(done[0]);
	PT_ASSERT_INT(read(ready[0], &byte, 1), ==, 1);

	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	for (int k = 0; k < 3 && db.clone_urls; k++)
		PT_EXPECT_INT(query_int(db.clone_urls[k], "SELECT count(*) FROM t"), ==, 4);
	close(done[1]);
	close(ready[0]);
	waitpid(pid, NULL, 0);
	pt__db_teardown(&db, 1, &fx.err);
	pt__db_release(&db);
}

PT_TEST(db_sqlite, template_without_setup_is_never_modified)
{
	struct stat before, after;
	struct pt__buf bytes_before = PT__BUF_INIT, bytes_after = PT__BUF_INIT;

	/* An hour-old mtime: any write now would change it. */
	const struct timespec old[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};

	make_database(fx.template.data, 20);
	PT_ASSERT_INT(utimensat(AT_FDCWD, fx.template.data, old, 0), ==, 0);
	PT_ASSERT_INT(stat(fx.template.data, &before), ==, 0);
	PT_ASSERT_INT(pt__db_read_file(fx.template.data, &bytes_before, &fx.err), ==, 1);

	PT_ASSERT_INT(provision_and_teardown(), ==, 0);

	PT_ASSERT_INT(stat(fx.template.data, &after), ==, 0);
	PT_ASSERT_INT(pt__db_read_file(fx.template.data, &bytes_after, &fx.err), ==, 1);
	PT_EXPECT_SIZE(bytes_after.len, ==, bytes_before.len);
	PT_EXPECT_MEM(bytes_after.data, bytes_before.data, bytes_before.len);
	PT_EXPECT_INT(after.st_mtime, ==, before.st_mtime);
	PT_EXPECT_INT(after.st_ino, ==, before.st_ino);
	/* Only the template's lock: no record claims it. */
	PT_EXPECT_FALSE(holds_more_than_locks(fx.state.data));
	pt__buf_release(&bytes_before);
	pt__buf_release(&bytes_after);
}

PT_TEST(db_sqlite, missing_template_without_setup_cannot_be_provisioned)
{
	struct pt__db db;

	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, PT__ERUN);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "does not exist") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), fx.template.data) != NULL);
	PT_EXPECT_FALSE(exists(fx.template.data));
	pt__db_release(&db);
}

PT_TEST(db_sqlite, existing_template_not_ours_is_refused_with_setup)
{
	struct pt__buf cmd = PT__BUF_INIT;

	make_database(fx.template.data, 2);
	use_counting_setup(&cmd);

	PT_EXPECT_INT(provision_and_teardown(), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err),
			      "exists and was not created by partest; remove it or run "
			      "without --db-setup") != NULL);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 0);
	PT_EXPECT_INT(query_int(fx.template.data, "SELECT count(*) FROM t"), ==, 2);
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, template_replaced_by_another_file_is_no_longer_ours)
{
	struct pt__buf cmd = PT__BUF_INIT;

	use_counting_setup(&cmd);
	fx.ctx.keepdb = true;
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	/* Someone puts their own database where partest's was. */
	PT_ASSERT_INT(unlink(fx.template.data), ==, 0);
	make_database(fx.template.data, 1);

	PT_EXPECT_INT(provision_and_teardown(), ==, PT__EUSAGE);
	PT_EXPECT_INT(query_int(fx.template.data, "SELECT count(*) FROM t"), ==, 1);
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, setup_builds_the_template_once_for_every_clone)
{
	struct pt__buf cmd = PT__BUF_INIT;
	struct pt__db db;

	use_counting_setup(&cmd);
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_ASSERT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 1);
	PT_EXPECT_TRUE(db.template_built);
	for (int k = 0; k < 3; k++)
		PT_EXPECT_INT(query_int(db.clone_urls[k], "SELECT count(*) FROM t"), ==, 5);
	PT_EXPECT_INT(pt__db_teardown(&db, 1, &fx.err), ==, 0);
	pt__db_release(&db);
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, setup_sees_every_template_in_its_environment)
{
	struct pt__db dbs[2];
	struct pt__buf cmd = PT__BUF_INIT, out = PT__BUF_INIT, spec = PT__BUF_INIT;
	struct pt__buf want = PT__BUF_INIT;

	pt__buf_addf(&cmd,
		     "echo \"$DATABASE_URL $PARTEST_DB_DEFAULT_URL $PARTEST_DB_CACHE_DB_URL\" > "
		     "'%s/env'",
		     fx.dir);
	fx.ctx.setup_cmd = cmd.data;
	pt__buf_addf(&spec, "cache_db=sqlite://%s/cache.db", fx.dir);
	PT_ASSERT_INT(init_db(&dbs[0], spec.data), ==, 0);
	PT_ASSERT_INT(init_db(&dbs[1], fx.url.data), ==, 0);
	PT_ASSERT_INT(pt__db_provision(dbs, 2, &fx.err), ==, 0);

	PT_ASSERT_INT(pt__db_read_file(in_dir(&want, "env"), &out, &fx.err), ==, 1);
	pt__buf_reset(&want);
	pt__buf_addf(&want, "%s %s sqlite:%s/cache.db\n", fx.url.data, fx.url.data, fx.dir);
	PT_EXPECT_STR(out.data, ==, want.data);
	PT_EXPECT_STR(dbs[0].alias, ==, "cache_db");
	PT_EXPECT_TRUE(strstr(dbs[0].clone_urls[0], "/db/cache_db-1.sqlite3") != NULL);

	PT_EXPECT_INT(pt__db_teardown(dbs, 2, &fx.err), ==, 0);
	pt__db_release(&dbs[0]);
	pt__db_release(&dbs[1]);
	pt__buf_release(&cmd);
	pt__buf_release(&out);
	pt__buf_release(&spec);
	pt__buf_release(&want);
}

PT_TEST(db_sqlite, keepdb_reuses_template_while_fingerprint_holds)
{
	struct pt__buf cmd = PT__BUF_INIT;

	use_counting_setup(&cmd);
	fx.ctx.keepdb = true;

	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_TRUE(exists(fx.template.data));
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);

	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 1);
	PT_EXPECT_INT(query_int(fx.template.data, "SELECT count(*) FROM t"), ==, 5);
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, keepdb_rebuilds_when_an_input_changes)
{
	struct pt__buf cmd = PT__BUF_INIT, input = PT__BUF_INIT;
	const char *inputs[2] = {in_dir(&input, "schema.sql"), NULL};

	write_text(inputs[0], "CREATE TABLE t (id INTEGER);\n");
	use_counting_setup(&cmd);
	fx.ctx.keepdb = true;
	fx.ctx.inputs = inputs;

	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 1);
	write_text(inputs[0], "CREATE TABLE t (id INTEGER, added TEXT);\n");
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 2);
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 2);
	pt__buf_release(&cmd);
	pt__buf_release(&input);
}

PT_TEST(db_sqlite, keepdb_rebuilds_when_the_setup_command_changes)
{
	struct pt__buf cmd = PT__BUF_INIT;

	use_counting_setup(&cmd);
	fx.ctx.keepdb = true;
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	pt__buf_adds(&cmd, " && true");
	fx.ctx.setup_cmd = cmd.data;
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 2);
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, missing_input_is_a_usage_error)
{
	struct pt__buf cmd = PT__BUF_INIT, input = PT__BUF_INIT;
	const char *inputs[2] = {in_dir(&input, "no-such-schema.sql"), NULL};

	use_counting_setup(&cmd);
	fx.ctx.inputs = inputs;
	PT_EXPECT_INT(provision_and_teardown(), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "no-such-schema.sql") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "No such file") != NULL);
	PT_EXPECT_INT(count_lines(fx.counter.data), ==, 0);
	PT_EXPECT_FALSE(exists(fx.template.data));
	pt__buf_release(&cmd);
	pt__buf_release(&input);
}

PT_TEST(db_sqlite, failing_setup_reports_its_output_and_leaves_nothing)
{
	struct pt__buf state = PT__BUF_INIT, clones = PT__BUF_INIT;
	struct pt__db db;

	fx.ctx.setup_cmd = "echo migrating; echo 'no such table: users' >&2; exit 3";
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, PT__EUSAGE);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==,
		      "--db-setup \"echo migrating; echo 'no such table: users' >&2; exit 3\" "
		      "failed with exit status 3; its output:\n"
		      "migrating\nno such table: users");
	PT_EXPECT_FALSE(db.template_built);
	PT_EXPECT_NULL(db.clone_urls);
	PT_EXPECT_FALSE(exists(fx.template.data));
	PT_EXPECT_FALSE(exists(in_dir(&state, "state/templates/default")));
	PT_EXPECT_FALSE(exists(in_dir(&clones, "run/db/default-1.sqlite3")));
	pt__db_release(&db);
	pt__buf_release(&state);
	pt__buf_release(&clones);
}

PT_TEST(db_sqlite, setup_killed_by_a_signal_says_so)
{
	fx.ctx.setup_cmd = "kill -SEGV $$";
	PT_EXPECT_INT(provision_and_teardown(), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "was killed by") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "printed nothing") != NULL);
	PT_EXPECT_FALSE(exists(fx.template.data));
}

PT_TEST(db_sqlite, interrupted_setup_is_stopped_and_leaves_nothing)
{
	static volatile sig_atomic_t interrupts = 1;
	struct pt__db db;

	fx.ctx.setup_cmd = "sleep 30";
	fx.ctx.cancel = (struct pt__cancel){&interrupts, 0};
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, PT__EINTR);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, "--db-setup \"sleep 30\" was interrupted");
	PT_EXPECT_FALSE(exists(fx.template.data));
	pt__db_release(&db);
}

PT_TEST(db_sqlite, setup_past_its_deadline_is_stopped)
{
	struct pt__db db;

	fx.ctx.setup_cmd = "sleep 30";
	fx.ctx.cancel = (struct pt__cancel){NULL, pt__now_us() + 200 * 1000};
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_EXPECT_INT(pt__db_provision(&db, 1, &fx.err), ==, PT__EINTR);
	PT_EXPECT_FALSE(exists(fx.template.data));
	pt__db_release(&db);
}

PT_TEST(db_sqlite, teardown_removes_clones_and_built_template)
{
	struct pt__buf cmd = PT__BUF_INIT, clone = PT__BUF_INIT, state = PT__BUF_INIT;
	struct pt__db db;

	use_counting_setup(&cmd);
	PT_ASSERT_INT(init_db(&db, fx.url.data), ==, 0);
	PT_ASSERT_INT(pt__db_provision(&db, 1, &fx.err), ==, 0);
	pt__buf_adds(&clone, db.clone_urls[2] + 7);
	PT_ASSERT_TRUE(exists(clone.data));
	PT_ASSERT_TRUE(exists(fx.template.data));

	PT_EXPECT_INT(pt__db_teardown(&db, 1, &fx.err), ==, 0);
	PT_EXPECT_FALSE(exists(clone.data));
	PT_EXPECT_FALSE(exists(fx.template.data));
	PT_EXPECT_FALSE(exists(in_dir(&state, "state/templates/default")));
	PT_EXPECT_NULL(db.clone_urls);
	pt__db_release(&db);
	pt__buf_release(&cmd);
	pt__buf_release(&clone);
	pt__buf_release(&state);
}

PT_TEST(db_sqlite, keepdb_teardown_keeps_the_built_template)
{
	struct pt__buf cmd = PT__BUF_INIT;

	use_counting_setup(&cmd);
	fx.ctx.keepdb = true;
	PT_ASSERT_INT(provision_and_teardown(), ==, 0);
	PT_EXPECT_TRUE(exists(fx.template.data));
	pt__buf_release(&cmd);
}

PT_TEST(db_sqlite, missing_backends_are_named_without_password)
{
	struct pt__db db;

#ifndef PT_HAVE_LIBPQ
	PT_EXPECT_INT(init_db(&db, "x=postgresql://u:s3cret@h/db"), ==, PT__EUSAGE);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==,
		      "--db \"x=postgresql://u:***@h/db\": the PostgreSQL backend is not built "
		      "into this partest yet");
#endif
#ifndef PT_HAVE_MARIADB
	PT_EXPECT_INT(init_db(&db, "mysql://root:p@ss/w0rd@db:3306/app?password=other"), ==,
		      PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "MySQL backend") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "p@ss") == NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "w0rd") == NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "other") == NULL);
#endif
	/* Oracle is always built (OCI is loaded at run time): a malformed URL
	 * is refused by its backend, the password hidden. */
	PT_EXPECT_INT(init_db(&db, "oracle://scott:t1ger@db:1521/"), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "\"oracle://scott:***@db:1521/\"") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "name the service") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "t1ger") == NULL);
}

PT_TEST(db_sqlite, malformed_url_is_a_usage_error)
{
	static const char *const specs[] = {
		"app.db",
		"http://example.com/db",
		"bad-alias=sqlite:app.db",
		"=sqlite:app.db",
		"sqlite:",
		"sqlite://",
		"sqlite::memory:",
	};
	struct pt__db db;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		PT_EXPECT_INT(init_db(&db, specs[i]), ==, PT__EUSAGE);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), specs[i]) != NULL);
		PT_EXPECT_TRUE(strchr(pt__buf_str(&fx.err), '\n') == NULL);
	}
}

PT_TEST(db_sqlite, equals_sign_after_the_scheme_is_part_of_the_url)
{
	struct pt__db db;

	PT_ASSERT_INT(init_db(&db, "sqlite:/tmp/a=b.db"), ==, 0);
	PT_EXPECT_STR(db.alias, ==, "default");
	PT_EXPECT_STR(db.template_url, ==, "sqlite:/tmp/a=b.db");
	pt__db_release(&db);
	PT_ASSERT_INT(init_db(&db, "reports=sqlite:///tmp/r.db"), ==, 0);
	PT_EXPECT_STR(db.alias, ==, "reports");
	PT_EXPECT_STR(db.template_url, ==, "sqlite:/tmp/r.db");
	pt__db_release(&db);
}

PT_TEST(db_sqlite, one_template_named_twice_is_refused)
{
	struct pt__db dbs[2];

	PT_ASSERT_INT(init_db(&dbs[0], "a=sqlite:/tmp/same.db"), ==, 0);
	PT_ASSERT_INT(init_db(&dbs[1], "b=sqlite:///tmp/same.db"), ==, 0);
	PT_EXPECT_INT(pt__db_provision(dbs, 2, &fx.err), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&fx.err), "same database") != NULL);
	pt__db_release(&dbs[0]);
	pt__db_release(&dbs[1]);
}

PT_TEST(db_sqlite, env_name_is_the_alias_in_capitals)
{
	struct pt__buf name = PT__BUF_INIT;

	pt__db_env_name("default", &name);
	PT_EXPECT_STR(name.data, ==, "PARTEST_DB_DEFAULT_URL");
	pt__buf_reset(&name);
	pt__db_env_name("cache_2", &name);
	PT_EXPECT_STR(name.data, ==, "PARTEST_DB_CACHE_2_URL");
	pt__buf_release(&name);
}

PT_TEST(db_sqlite, state_files_that_cannot_be_made_say_which_and_why)
{
	struct pt__buf path = PT__BUF_INIT, want = PT__BUF_INIT, text = PT__BUF_INIT;

	in_dir(&path, "missing/record");
	PT_EXPECT_INT(pt__db_write_file(path.data, "x", 1, &fx.err), ==, PT__ERUN);
	pt__buf_addf(&want, "cannot write \"%s\": No such file or directory", path.data);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, want.data);
	PT_EXPECT_INT(pt__db_read_file(path.data, &text, &fx.err), ==, 0);

	pt__buf_reset(&fx.err);
	pt__buf_reset(&want);
	PT_EXPECT_INT(pt__db_read_file(fx.dir, &text, &fx.err), ==, PT__ERUN);
	pt__buf_addf(&want, "cannot read \"%s\": Is a directory", fx.dir);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, want.data);

	pt__buf_reset(&fx.err);
	pt__buf_reset(&want);
	write_text(in_dir(&path, "file"), "");
	pt__buf_adds(&path, "/below");
	PT_EXPECT_INT(pt__db_make_dirs(path.data, &fx.err), ==, PT__ERUN);
	pt__buf_addf(&want, "cannot create directory \"%s\": Not a directory", path.data);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, want.data);
	pt__buf_release(&path);
	pt__buf_release(&want);
	pt__buf_release(&text);
}

PT_TEST(db_sqlite, a_pid_file_gives_its_number_or_0)
{
	struct pt__buf path = PT__BUF_INIT;

	PT_ASSERT_INT(pt__db_write_file(in_dir(&path, "server.pid"), "4321\n", 5, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_read_pid(path.data), ==, 4321);
	PT_ASSERT_INT(pt__db_write_file(path.data, "", 0, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_read_pid(path.data), ==, 0);
	PT_ASSERT_INT(pt__db_write_file(path.data, "starting", 8, &fx.err), ==, 0);
	PT_EXPECT_INT(pt__db_read_pid(path.data), ==, 0);
	PT_EXPECT_INT(pt__db_read_pid(in_dir(&path, "missing.pid")), ==, 0);
	pt__buf_release(&path);
}
