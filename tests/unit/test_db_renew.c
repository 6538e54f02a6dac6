/*
 * One worker's clones made anew (pt__db_renew_clones) and set aside for
 * the user (pt__db_keep_clones), on each engine: the worker's clone comes
 * back as the template has it, under the same URL, and no other worker's
 * clone is touched. SQLite always; a server engine when
 * tests/e2e/db_renew_each_engine.sh gives one: PARTEST_TEST_RENEW_URL (the
 * template's URL), PARTEST_TEST_RENEW_SETUP (its --db-setup, making an
 * empty table t; empty for none) and PARTEST_TEST_RENEW_SQL (a command run as `CMD URL SQL`
 * that prints what SQL selects, when the engine can be asked).
 */
#include <partest.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "db/provision.h"
#include "owned_dir.h"
#include "report/shell_quote.h"

struct fixture {
	char *dir; /* removed at the end */
	struct pt__buf state, run, run_id, kept, err;
	struct pt__db_context ctx;
	struct pt__db db;
	bool provisioned;
};

static struct fixture fx;

PT_SETUP(db_renew)
{
	const char *tmp = getenv("TMPDIR");
	struct pt__buf dir = PT__BUF_INIT;

	memset(&fx, 0, sizeof(fx));
	pt__buf_addf(&dir, "%s/db-renew-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(dir.data));
	fx.dir = pt__buf_detach(&dir);
	pt__buf_addf(&fx.state, "%s/state", fx.dir);
	pt__buf_addf(&fx.run, "%s/run", fx.dir);
	pt__buf_addf(&fx.kept, "%s/kept", fx.dir);
	pt__buf_addf(&fx.run_id, "partest-%ld-renew", (long)getpid());
	PT_ASSERT_INT(mkdir(fx.run.data, 0700), ==, 0);
	PT_ASSERT_INT(mkdir(fx.kept.data, 0700), ==, 0);
	fx.ctx = (struct pt__db_context){
		.run_id = fx.run_id.data,
		.run_dir = fx.run.data,
		.state_dir = fx.state.data,
		.workers = 2,
	};
}

PT_TEARDOWN(db_renew)
{
	if (fx.provisioned) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_teardown(&fx.db, 1, &ignored);
		pt__buf_release(&ignored);
	}
	if (fx.db.backend)
		pt__db_release(&fx.db);
	if (fx.dir)
		pt__remove_tree(fx.dir);
	free(fx.dir);
	pt__buf_release(&fx.state);
	pt__buf_release(&fx.run);
	pt__buf_release(&fx.run_id);
	pt__buf_release(&fx.kept);
	pt__buf_release(&fx.err);
	memset(&fx, 0, sizeof(fx));
}

/* Initialises and provisions fx.db from url with setup as --db-setup. */
static void provision(const char *url, const char *setup)
{
	fx.ctx.setup_cmd = setup;
	PT_ASSERT_INT(pt__db_init(&fx.db, url, &fx.ctx, &fx.err), ==, 0);
	pt__db_provision(&fx.db, 1, &fx.err);
	PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");
	fx.provisioned = true;
}

/* What `$PARTEST_TEST_RENEW_SQL URL SQL` prints, its last newline cut. */
static void server_sql(const char *url, const char *sql, struct pt__buf *out)
{
	struct pt__buf cmd = PT__BUF_INIT;
	char chunk[256];
	size_t n;
	FILE *pipe;

	pt__buf_addf(&cmd, "%s ", getenv("PARTEST_TEST_RENEW_SQL"));
	pt__shell_quote(&cmd, url);
	pt__buf_addc(&cmd, ' ');
	pt__shell_quote(&cmd, sql);
	pipe = popen(cmd.data, "r");
	PT_ASSERT_NOT_NULL(pipe);
	while ((n = fread(chunk, 1, sizeof(chunk), pipe)) > 0)
		pt__buf_add(out, chunk, n);
	PT_ASSERT_INT(pclose(pipe), ==, 0);
	while (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	pt__buf_release(&cmd);
}

/* How many rows table t of the database at url holds; -1 if it cannot say. */
static long long rows_in(const char *url)
{
	long long value = -1;

	if (!strncmp(url, "sqlite:", 7)) {
		sqlite3 *db = NULL;
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &stmt, NULL) ==
			    SQLITE_OK &&
		    sqlite3_step(stmt) == SQLITE_ROW)
			value = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
		sqlite3_close(db);
	} else {
		struct pt__buf out = PT__BUF_INIT;
		server_sql(url, "SELECT count(*) FROM t", &out);
		value = out.len ? strtoll(out.data, NULL, 10) : -1;
		pt__buf_release(&out);
	}
	return value;
}

static void insert_row(const char *url)
{
	if (!strncmp(url, "sqlite:", 7)) {
		sqlite3 *db = NULL;
		PT_ASSERT_INT(sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE, NULL), ==,
			      SQLITE_OK);
		PT_ASSERT_INT(sqlite3_exec(db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL), ==,
			      SQLITE_OK);
		sqlite3_close(db);
	} else {
		struct pt__buf out = PT__BUF_INIT;
		server_sql(url, "INSERT INTO t VALUES (1)", &out);
		pt__buf_release(&out);
	}
}

/* A template with an empty table t: a SQLite file, or the server's. */
static const char *template_url(struct pt__buf *url)
{
	const char *server = getenv("PARTEST_TEST_RENEW_URL");

	if (server)
		return server;
	pt__buf_addf(url, "sqlite:%s/app.db", fx.dir);
	return url->data;
}

static const char *setup_cmd(void)
{
	const char *server = getenv("PARTEST_TEST_RENEW_SETUP");

	if (server)
		return *server ? server : NULL; /* empty: the template is there already */
	return "sqlite3 \"${DATABASE_URL#sqlite:}\" 'CREATE TABLE t (x INTEGER)'";
}

static bool can_query(void)
{
	return !getenv("PARTEST_TEST_RENEW_URL") || getenv("PARTEST_TEST_RENEW_SQL");
}

PT_TEST(db_renew, renew_makes_one_workers_clone_anew_under_the_same_url)
{
	struct pt__buf url = PT__BUF_INIT, before = PT__BUF_INIT;

	provision(template_url(&url), setup_cmd());
	pt__buf_adds(&before, fx.db.clone_urls[1]);
	if (can_query()) {
		insert_row(fx.db.clone_urls[0]);
		insert_row(fx.db.clone_urls[1]);
		PT_ASSERT_INT(rows_in(fx.db.clone_urls[1]), ==, 1);
	}

	pt__db_renew_clones(&fx.db, 1, (int[]){2}, 1, &fx.err);
	PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");

	PT_EXPECT_STR(fx.db.clone_urls[1], ==, before.data);
	if (can_query()) {
		PT_EXPECT_INT(rows_in(fx.db.clone_urls[1]), ==, 0);
		PT_EXPECT_INT(rows_in(fx.db.clone_urls[0]), ==, 1);
		insert_row(fx.db.clone_urls[1]);
		PT_EXPECT_INT(rows_in(fx.db.clone_urls[1]), ==, 1);
	}
	pt__buf_release(&url);
	pt__buf_release(&before);
}

PT_TEST(db_renew, renewing_twice_in_a_row_works)
{
	struct pt__buf url = PT__BUF_INIT;

	provision(template_url(&url), setup_cmd());
	pt__db_renew_clones(&fx.db, 1, (int[]){1}, 1, &fx.err);
	pt__db_renew_clones(&fx.db, 1, (int[]){1}, 1, &fx.err);
	PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");
	if (can_query())
		PT_EXPECT_INT(rows_in(fx.db.clone_urls[0]), ==, 0);
	pt__buf_release(&url);
}

/* --fresh-db's renewer makes the clones given back together: PostgreSQL's on
 * a connection each, kept for the next batch. */
PT_TEST(db_renew, several_workers_clones_renewed_at_once_are_each_made_anew)
{
	struct pt__buf url = PT__BUF_INIT, first = PT__BUF_INIT, second = PT__BUF_INIT;

	provision(template_url(&url), setup_cmd());
	pt__buf_adds(&first, fx.db.clone_urls[0]);
	pt__buf_adds(&second, fx.db.clone_urls[1]);
	for (int round = 0; round < 2; round++) {
		if (can_query()) {
			insert_row(fx.db.clone_urls[0]);
			insert_row(fx.db.clone_urls[1]);
		}
		pt__db_renew_clones(&fx.db, 1, (int[]){2, 1}, 2, &fx.err);
		PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");
		PT_EXPECT_STR(fx.db.clone_urls[0], ==, first.data);
		PT_EXPECT_STR(fx.db.clone_urls[1], ==, second.data);
		if (can_query()) {
			PT_EXPECT_INT(rows_in(fx.db.clone_urls[0]), ==, 0);
			PT_EXPECT_INT(rows_in(fx.db.clone_urls[1]), ==, 0);
		}
	}
	pt__buf_release(&url);
	pt__buf_release(&first);
	pt__buf_release(&second);
}

/* Connections that the server ended while they waited for the next
 * renewal (idle_session_timeout, an administrator) are replaced, not used:
 * the admin connection and the connection a renewal keeps for the next
 * batch. PostgreSQL's renewals are the ones that keep connections. */
PT_TEST(db_renew, renewal_connections_the_server_ended_are_replaced)
{
	const char *server = getenv("PARTEST_TEST_RENEW_URL");
	struct pt__buf url = PT__BUF_INIT, out = PT__BUF_INIT;

	if (!server || strncmp(server, "postgresql", 10) || !can_query())
		PT_SKIP("needs a PostgreSQL server");
	provision(template_url(&url), setup_cmd());
	pt__db_renew_clones(&fx.db, 1, (int[]){1, 2}, 2, &fx.err);
	PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");
	server_sql(fx.db.clone_urls[0],
		   "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
		   "FROM pg_stat_activity WHERE application_name = 'partest'",
		   &out);
	PT_ASSERT_STR(out.data, ==, "2");
	insert_row(fx.db.clone_urls[1]);
	sleep(2); /* idle for longer than partest trusts a connection unasked */

	pt__db_renew_clones(&fx.db, 1, (int[]){1, 2}, 2, &fx.err);
	PT_EXPECT_STR(pt__buf_str(&fx.err), ==, "");
	PT_EXPECT_INT(rows_in(fx.db.clone_urls[1]), ==, 0);
	pt__buf_release(&url);
	pt__buf_release(&out);
}

PT_TEST(db_renew, keep_sets_the_clone_aside_with_its_rows_and_renews_it)
{
	struct pt__buf url = PT__BUF_INIT;
	char *kept[1] = {NULL};

	provision(template_url(&url), setup_cmd());
	if (!fx.db.backend->keep_clone) {
		PT_ASSERT_INT(pt__db_can_keep(&fx.db, 1, &fx.err), ==, PT__EUSAGE);
		pt__buf_release(&url);
		PT_SKIP("this engine cannot keep a clone: refused before the run");
	}
	insert_row(fx.db.clone_urls[0]);

	pt__db_keep_clones(&fx.db, 1, 1, 1, fx.kept.data, kept, &fx.err);
	PT_ASSERT_STR(pt__buf_str(&fx.err), ==, "");

	PT_ASSERT_NOT_NULL(kept[0]);
	PT_EXPECT_STR(kept[0], !=, fx.db.clone_urls[0]);
	PT_EXPECT_INT(rows_in(kept[0]), ==, 1);
	PT_EXPECT_INT(rows_in(fx.db.clone_urls[0]), ==, 0);
	{
		/* The kept clone outlives the run's tear-down and reaping. */
		struct pt__buf ignored = PT__BUF_INIT;
		PT_EXPECT_INT(pt__db_teardown(&fx.db, 1, &ignored), ==, 0);
		PT_EXPECT_INT(pt__db_clean(&fx.db, 1, &ignored, &ignored), ==, 0);
		fx.provisioned = false;
		pt__buf_release(&ignored);
	}
	PT_EXPECT_INT(rows_in(kept[0]), ==, 1);
	free(kept[0]);
	pt__buf_release(&url);
}
