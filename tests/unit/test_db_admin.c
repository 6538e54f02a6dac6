/*
 * The admin connection's shared layer (src/db/admin.c), with a fake engine
 * that answers from a script: when it connects, what each failure says,
 * the password never shown, interruptions, rows, and quoting.
 */
#include <partest.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db/admin.h"

/* The fake engine's state: starts with the shared layer's part, as it must. */
static struct fake {
	struct pt__db_admin shared;
	bool open;	    /* the admin connection is open */
	bool fail_prepare;  /* prepare fails */
	bool fail_connect;  /* connect fails (lost, if it was open) */
	int prepared;	    /* how many times prepare ran */
	int fail_code;	    /* the next statement fails with it (0: succeeds) */
	bool interrupt;	    /* the next statement is interrupted */
	struct pt__buf sql; /* what the last statement was */
	int rows;	    /* how many rows a statement gives, two columns each */
} fake;

static int fake_prepare(struct pt__db *db, struct pt__buf *err)
{
	(void)db;
	fake.prepared++;
	if (!fake.fail_prepare)
		return 0;
	pt__buf_adds(err, "cannot start the fake server: no room");
	return PT__ERUN;
}

static int fake_connect(struct pt__db *db, struct pt__buf *where, bool *lost, struct pt__buf *why)
{
	(void)db;
	if (fake.fail_connect) {
		*lost = fake.open;
		fake.open = false;
		pt__buf_adds(why, "connection refused");
		return PT__ERUN;
	}
	if (!fake.open)
		pt__buf_adds(where, "db.example:4242");
	fake.open = true;
	return 0;
}

static int fake_run(struct pt__db *db, const struct pt__db_statement *statement,
		    struct pt__db_rows *rows, int *code, struct pt__buf *why)
{
	(void)db;
	pt__buf_reset(&fake.sql);
	pt__buf_adds(&fake.sql, statement->sql);
	if (fake.interrupt)
		return PT__EINTR;
	if (fake.fail_code) {
		*code = fake.fail_code;
		pt__buf_addf(why, "E%d: it went wrong", fake.fail_code);
		return PT__ERUN;
	}
	if (rows) {
		rows->columns = 2;
		for (int r = 0; r < fake.rows; r++) {
			char name[16];
			const char *values[2] = {name, r ? "marked" : NULL};
			snprintf(name, sizeof(name), "row%d", r);
			pt__db_rows_add(rows, values);
		}
	}
	return 0;
}

static void fake_add_identifier(struct pt__db *db, const char *name, struct pt__buf *out)
{
	(void)db;
	pt__db_add_quoted(name, '"', out);
}

static const struct pt__db_admin_ops fake_ops = {
	.engine = "Fake",
	.prepare = fake_prepare,
	.connect = fake_connect,
	.describe = pt__db_describe_url,
	.run = fake_run,
	.add_identifier = fake_add_identifier,
};

static const struct pt__db_backend fake_backend = {.name = "fake", .admin = &fake_ops};
static const struct pt__db_context ctx = {.run_id = "run-under-test", .workers = 1};

static struct {
	struct pt__db db;
	struct pt__buf err;
} fx;

PT_SETUP(db_admin)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fx, 0, sizeof(fx));
	fx.db.alias = "default";
	fx.db.url = "fake://admin:s3cret@db.example:4242/app";
	fx.db.backend = &fake_backend;
	fx.db.ctx = &ctx;
	fx.db.state = &fake;
}

PT_TEARDOWN(db_admin)
{
	pt__db_admin_release(&fake.shared);
	pt__buf_release(&fake.sql);
	pt__buf_release(&fx.err);
}

PT_TEST(db_admin, connects_once_and_names_the_server_where_it_did)
{
	PT_ASSERT_INT(pt__db_admin_exec(&fx.db, "do it", "DO 1", &fx.err), ==, 0);
	PT_ASSERT_INT(pt__db_admin_exec(&fx.db, "do it again", "DO 2", &fx.err), ==, 0);
	PT_EXPECT_STR(fake.shared.where, ==, "db.example:4242");
	PT_EXPECT_STR(fake.sql.data, ==, "DO 2");
	PT_EXPECT_INT(fx.err.len, ==, 0);
}

PT_TEST(db_admin, failed_connection_is_one_line_without_the_password)
{
	fake.fail_connect = true;
	PT_ASSERT_INT(pt__db_admin_exec(&fx.db, "do it", "DO 1", &fx.err), ==, PT__ERUN);
	PT_EXPECT_STR(fx.err.data, ==,
		      "cannot connect to Fake for --db default "
		      "(\"fake://admin:***@db.example:4242/app\"): connection refused");
	PT_EXPECT_NULL(strstr(fx.err.data, "s3cret"));
}

PT_TEST(db_admin, lost_connection_says_so)
{
	PT_ASSERT_INT(pt__db_admin_connect(&fx.db, &fx.err), ==, 0);
	fake.fail_connect = true;
	PT_ASSERT_INT(pt__db_admin_connect(&fx.db, &fx.err), ==, PT__ERUN);
	PT_EXPECT_STR(fx.err.data, ==,
		      "lost the connection to Fake for --db default "
		      "(\"fake://admin:***@db.example:4242/app\"): connection refused");
}

PT_TEST(db_admin, failed_preparation_keeps_its_own_line)
{
	fake.fail_prepare = true;
	PT_ASSERT_INT(pt__db_admin_count(&fx.db, "count", "SELECT 1", &fx.err), ==, PT__ERUN);
	PT_EXPECT_STR(fx.err.data, ==, "cannot start the fake server: no room");
	PT_EXPECT_FALSE(fake.open);
}

PT_TEST(db_admin, failed_statement_says_what_on_where_and_why)
{
	struct pt__db_statement drop = {.what = "drop the clone \"c1\"", .sql = "DROP c1"};
	int code = -1;

	fake.fail_code = 1940;
	PT_ASSERT_INT(pt__db_admin_run(&fx.db, &drop, NULL, &code, &fx.err), ==, PT__ERUN);
	PT_EXPECT_STR(fx.err.data, ==,
		      "cannot drop the clone \"c1\" on db.example:4242: E1940: it went wrong");
	PT_EXPECT_INT(code, ==, 1940);
}

PT_TEST(db_admin, failed_connection_leaves_no_engine_code)
{
	struct pt__db_statement look = {.what = "look", .sql = "SELECT 1"};
	int code = -1;

	fake.fail_connect = true;
	PT_ASSERT_INT(pt__db_admin_run(&fx.db, &look, NULL, &code, &fx.err), ==, PT__ERUN);
	PT_EXPECT_INT(code, ==, 0);
}

PT_TEST(db_admin, interrupted_statement_says_what_it_was_doing)
{
	fake.interrupt = true;
	PT_ASSERT_INT(pt__db_admin_exec(&fx.db, "lock the template for this run", "LOCK", &fx.err),
		      ==, PT__EINTR);
	PT_EXPECT_STR(fx.err.data, ==,
		      "interrupted while trying to lock the template for this run");
}

PT_TEST(db_admin, command_quotes_the_name)
{
	PT_ASSERT_INT(pt__db_admin_command(&fx.db, "drop", "DROP DATABASE ", "we\"ird", " FORCE",
					   &fx.err),
		      ==, 0);
	PT_EXPECT_STR(fake.sql.data, ==, "DROP DATABASE \"we\"\"ird\" FORCE");
}

PT_TEST(db_admin, count_and_value_read_the_rows)
{
	char *value = NULL;

	fake.rows = 3;
	PT_EXPECT_INT(pt__db_admin_count(&fx.db, "count", "SELECT", &fx.err), ==, 3);
	PT_ASSERT_INT(pt__db_admin_value(&fx.db, "read", "SELECT", &value, &fx.err), ==, 1);
	PT_EXPECT_STR(value, ==, "row0");
	free(value);
	fake.rows = 0;
	PT_ASSERT_INT(pt__db_admin_value(&fx.db, "read", "SELECT", &value, &fx.err), ==, 0);
	PT_EXPECT_NULL(value);
}

PT_TEST(db_admin, rows_keep_sql_null_apart_from_text)
{
	struct pt__db_statement list = {.what = "list", .sql = "SELECT"};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;

	fake.rows = 2;
	PT_ASSERT_INT(pt__db_admin_run(&fx.db, &list, &rows, NULL, &fx.err), ==, 0);
	PT_EXPECT_INT(rows.nr, ==, 2);
	PT_EXPECT_NULL(pt__db_rows_get(&rows, 0, 1));
	PT_EXPECT_STR(pt__db_rows_get(&rows, 1, 1), ==, "marked");
	PT_EXPECT_STR(pt__db_rows_row(&rows, 1)[0], ==, "row1");
	PT_EXPECT_NULL(pt__db_rows_get(&rows, 2, 0));
	PT_EXPECT_NULL(pt__db_rows_get(&rows, 0, 2));
	pt__db_rows_release(&rows);
	PT_EXPECT_INT(rows.nr, ==, 0);
}
