/*
 * Tests that need an untouched database: 20 suites of 10 tests, each
 * inserting a row named for itself into the clone pt_database_url() names
 * (SQLite or PostgreSQL) and then asserting what the clone holds: under
 * FRESH_ROWS_SCOPE=test (the default) exactly that row, under group no row
 * of another suite, under any nothing (for benchmarks). Each test appends
 * "SUITE NAME URL ROWS_BEFORE" to $ENV_LOG if set.
 *
 * `fresh_rows --setup` is their --db-setup: the empty table, in the
 * template DATABASE_URL names. `fresh_rows --as-executable NAME` (from a
 * script) is one test of its own, an executable judged by its exit status,
 * that does what a test does with DATABASE_URL.
 */
#include <partest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef PT_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

/* What a clone held: rows before the insert, after it, and of other suites. */
struct rows {
	long long before, after, others;
};

static void record(const char *suite, const char *name, const char *url, long long before)
{
	const char *path = getenv("ENV_LOG");
	char line[1024];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s %s %s %lld\n", suite, name, url, before);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

static long long sqlite_count(sqlite3 *db, const char *sql, const char *suite)
{
	sqlite3_stmt *stmt = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    (!suite || sqlite3_bind_text(stmt, 1, suite, -1, SQLITE_STATIC) == SQLITE_OK) &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Inserts the row into a SQLite clone. Returns 0, or -1 with why in error. */
static int sqlite_insert(const char *path, const char *suite, const char *name, struct rows *rows,
			 char *error, size_t size)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		goto out;
	rows->before = sqlite_count(db, "SELECT count(*) FROM rows", NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?, ?)", -1, &stmt, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, suite, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	rows->after = sqlite_count(db, "SELECT count(*) FROM rows", NULL);
	rows->others = sqlite_count(db, "SELECT count(*) FROM rows WHERE suite <> ?", suite);
	rc = 0;
out:
	if (rc)
		snprintf(error, size, "sqlite %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return rc;
}

#ifdef PT_HAVE_LIBPQ
static long long pg_count(PGconn *conn, const char *sql, const char *suite)
{
	PGresult *res = PQexecParams(conn, sql, suite ? 1 : 0, NULL, &suite, NULL, NULL, 0);
	long long n = PQresultStatus(res) == PGRES_TUPLES_OK ? atoll(PQgetvalue(res, 0, 0)) : -1;

	PQclear(res);
	return n;
}

static int pg_insert(const char *url, const char *suite, const char *name, struct rows *rows,
		     char *error, size_t size)
{
	PGconn *conn = PQconnectdb(url);
	const char *params[2] = {suite, name};
	PGresult *res;
	int rc = -1;

	if (PQstatus(conn) != CONNECTION_OK)
		goto out;
	rows->before = pg_count(conn, "SELECT count(*) FROM rows", NULL);
	res = PQexecParams(conn, "INSERT INTO rows VALUES ($1, $2)", 2, NULL, params, NULL, NULL,
			   0);
	rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
	PQclear(res);
	rows->after = pg_count(conn, "SELECT count(*) FROM rows", NULL);
	rows->others = pg_count(conn, "SELECT count(*) FROM rows WHERE suite <> $1", suite);
out:
	if (rc)
		snprintf(error, size, "postgresql: %s", PQerrorMessage(conn));
	PQfinish(conn);
	return rc;
}
#endif

/* Inserts the row into the clone at url. Returns 0, or -1 with why in error. */
static int insert_row(const char *url, const char *suite, const char *name, struct rows *rows,
		      char *error, size_t size)
{
	if (!strncmp(url, "sqlite:", 7))
		return sqlite_insert(url + 7, suite, name, rows, error, size);
#ifdef PT_HAVE_LIBPQ
	if (!strncmp(url, "postgresql:", 11))
		return pg_insert(url, suite, name, rows, error, size);
#endif
	snprintf(error, size, "cannot open %s", url);
	return -1;
}

static bool scope_is(const char *name)
{
	const char *scope = getenv("FRESH_ROWS_SCOPE");

	return !strcmp(scope ? scope : "test", name);
}

static void insert_and_check(const char *suite, const char *name)
{
	const char *url = pt_database_url(NULL);
	struct rows rows = {-1, -1, -1};
	char error[512];

	PT_ASSERT_NOT_NULL(url);
	PT_EXPECT_STR(url, ==, getenv("DATABASE_URL"));
	if (insert_row(url, suite, name, &rows, error, sizeof(error)))
		PT_FAIL("%s", error);
	record(suite, name, url, rows.before);
	if (scope_is("group"))
		PT_ASSERT_INT(rows.others, ==, 0);
	else if (scope_is("test"))
		PT_ASSERT_INT(rows.after, ==, 1);
}

#define ROW_TEST(suite, name)                                                                      \
	PT_TEST(suite, name)                                                                       \
	{                                                                                          \
		insert_and_check(#suite, #name);                                                   \
	}
#define ROW_SUITE(suite)                                                                           \
	ROW_TEST(suite, t0)                                                                        \
	ROW_TEST(suite, t1)                                                                        \
	ROW_TEST(suite, t2)                                                                        \
	ROW_TEST(suite, t3)                                                                        \
	ROW_TEST(suite, t4)                                                                        \
	ROW_TEST(suite, t5)                                                                        \
	ROW_TEST(suite, t6)                                                                        \
	ROW_TEST(suite, t7)                                                                        \
	ROW_TEST(suite, t8)                                                                        \
	ROW_TEST(suite, t9)

ROW_SUITE(s00)
ROW_SUITE(s01)
ROW_SUITE(s02)
ROW_SUITE(s03)
ROW_SUITE(s04)
ROW_SUITE(s05)
ROW_SUITE(s06)
ROW_SUITE(s07)
ROW_SUITE(s08)
ROW_SUITE(s09)
ROW_SUITE(s10)
ROW_SUITE(s11)
ROW_SUITE(s12)
ROW_SUITE(s13)
ROW_SUITE(s14)
ROW_SUITE(s15)
ROW_SUITE(s16)
ROW_SUITE(s17)
ROW_SUITE(s18)
ROW_SUITE(s19)

/* One test as an executable: the row named for the script that runs it. */
static int as_executable(const char *name)
{
	const char *url = getenv("DATABASE_URL");
	struct rows rows = {-1, -1, -1};
	char error[512];

	if (!url) {
		fprintf(stderr, "fresh_rows: no DATABASE_URL\n");
		return 1;
	}
	if (insert_row(url, "executable", name, &rows, error, sizeof(error))) {
		fprintf(stderr, "fresh_rows: %s\n", error);
		return 1;
	}
	record("executable", name, url, rows.before);
	if (rows.after != 1) {
		fprintf(stderr, "fresh_rows: %s holds %lld rows, not 1\n", url, rows.after);
		return 1;
	}
	return 0;
}

/* The --db-setup: the table, in the template. */
static int setup(void)
{
	const char *url = getenv("DATABASE_URL");
	const char *sql = "CREATE TABLE rows (suite text, name text)";
	int rc = 1;

	if (url && !strncmp(url, "sqlite:", 7)) {
		sqlite3 *db = NULL;
		rc = sqlite3_open(url + 7, &db) != SQLITE_OK ||
		     sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK;
		if (rc)
			fprintf(stderr, "fresh_rows --setup: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
	}
#ifdef PT_HAVE_LIBPQ
	if (url && !strncmp(url, "postgresql:", 11)) {
		PGconn *conn = PQconnectdb(url);
		PGresult *res = PQexec(conn, sql);
		rc = PQresultStatus(res) != PGRES_COMMAND_OK;
		if (rc)
			fprintf(stderr, "fresh_rows --setup: %s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
	}
#endif
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--setup"))
		return setup();
	if (argc == 3 && !strcmp(argv[1], "--as-executable"))
		return as_executable(argv[2]);
	return pt_main(argc, argv);
}
