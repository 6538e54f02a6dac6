/*
 * The demo suite: tests that change a bank's database. Each worker has its
 * own clone of the template, so the suites run in parallel without seeing
 * each other's writes.
 */
#include <partest.h>
#include <unistd.h>

#include "db_url.h"

static sqlite3 *db;

static long long query_int(const char *sql)
{
	sqlite3_stmt *stmt;
	long long value = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		PT_FAIL("cannot prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static int transfer(const char *from, const char *to, int amount)
{
	char *sql = sqlite3_mprintf("SAVEPOINT transfer;"
				    "UPDATE accounts SET balance = balance - %d WHERE owner = %Q;"
				    "UPDATE accounts SET balance = balance + %d WHERE owner = %Q;"
				    "INSERT INTO transfers (from_id, to_id, amount) VALUES"
				    " ((SELECT id FROM accounts WHERE owner = %Q),"
				    "  (SELECT id FROM accounts WHERE owner = %Q), %d);"
				    "RELEASE transfer;",
				    amount, from, amount, to, from, to, amount);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK TO transfer; RELEASE transfer", NULL, NULL, NULL);
	return rc;
}

/* One connection per suite per worker: unittest's setUpClass. */
PT_SUITE_SETUP(transfers)
{
	PT_ASSERT_NOT_NULL(db = open_database_url());
}
PT_SUITE_TEARDOWN(transfers)
{
	sqlite3_close(db);
	db = NULL;
}
PT_SUITE_SETUP(accounts)
{
	PT_ASSERT_NOT_NULL(db = open_database_url());
}
PT_SUITE_TEARDOWN(accounts)
{
	sqlite3_close(db);
	db = NULL;
}

/* Every test of a suite starts from the fixtures: undo what the last one did. */
PT_SETUP(transfers)
{
	PT_ASSERT_INT(sqlite3_exec(db, "SAVEPOINT test", NULL, NULL, NULL), ==, SQLITE_OK);
}
PT_TEARDOWN(transfers)
{
	sqlite3_exec(db, "ROLLBACK TO test; RELEASE test", NULL, NULL, NULL);
}

PT_TEST(accounts, fixtures_are_loaded)
{
	PT_ASSERT_INT(query_int("SELECT count(*) FROM accounts"), ==, 3);
	PT_ASSERT_INT(query_int("SELECT sum(balance) FROM accounts"), ==, 150);
}

PT_TEST(accounts, owner_names_are_unique)
{
	int rc = sqlite3_exec(db, "INSERT INTO accounts (owner, balance) VALUES ('alice', 1)", NULL,
			      NULL, NULL);
	PT_ASSERT_INT(rc, ==, SQLITE_CONSTRAINT);
}

PT_TEST(accounts, new_account_starts_empty, .description = "writes to this worker's clone")
{
	PT_ASSERT_INT(sqlite3_exec(db, "INSERT INTO accounts (owner, balance) VALUES ('dave', 0)",
				   NULL, NULL, NULL),
		      ==, SQLITE_OK);
	PT_ASSERT_INT(query_int("SELECT balance FROM accounts WHERE owner = 'dave'"), ==, 0);
}

PT_TEST(transfers, moves_money_between_accounts)
{
	PT_ASSERT_INT(transfer("alice", "bob", 30), ==, SQLITE_OK);
	PT_EXPECT_INT(query_int("SELECT balance FROM accounts WHERE owner = 'alice'"), ==, 70);
	PT_EXPECT_INT(query_int("SELECT balance FROM accounts WHERE owner = 'bob'"), ==, 80);
	PT_EXPECT_INT(query_int("SELECT count(*) FROM transfers"), ==, 1);
}

PT_TEST(transfers, overdraft_is_refused)
{
	PT_ASSERT_INT(transfer("carol", "alice", 1), ==, SQLITE_CONSTRAINT);
	PT_ASSERT_INT(query_int("SELECT balance FROM accounts WHERE owner = 'carol'"), ==, 0);
}

PT_TEST(transfers, total_money_is_conserved)
{
	for (int i = 0; i < 20; i++)
		PT_ASSERT_INT(transfer(i % 2 ? "alice" : "bob", i % 2 ? "bob" : "alice", 5), ==,
			      SQLITE_OK);
	PT_ASSERT_INT(query_int("SELECT sum(balance) FROM accounts"), ==, 150);
}

PT_TEST(transfers, each_test_starts_from_the_fixtures)
{
	PT_ASSERT_INT(query_int("SELECT count(*) FROM transfers"), ==, 0);
}

PT_TEST(reports, runs_in_its_own_temp_dir)
{
	const char *tmp = getenv("TMPDIR");
	PT_ASSERT_NOT_NULL(tmp);
	PT_ASSERT_TRUE(strstr(tmp, "partest-") != NULL);
	PT_ASSERT_INT(access(tmp, W_OK), ==, 0);
}

PT_TEST(reports, slow_report_is_skipped_here)
{
	PT_SKIP("the monthly report needs the archive database, which the demo does not have");
}
