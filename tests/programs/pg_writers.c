/*
 * Workers on PostgreSQL clones: each suite writes to its worker's clone and
 * must see only its own rows and the template's fixture. Each records
 * "WORKER DBNAME" in $ENV_LOG; $PG_WRITER_SLEEP_MS (default 200) keeps it
 * busy for a while, so that a run can be interrupted.
 */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef PT_HAVE_LIBPQ
#include <libpq-fe.h>

static void record(const char *dbname)
{
	const char *path = getenv("ENV_LOG");
	char line[512];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s %s\n", getenv("PARTEST_WORKER"), dbname);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

static long long count(PGconn *conn, const char *sql, const char *param)
{
	PGresult *res = PQexecParams(conn, sql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
	long long n = PQresultStatus(res) == PGRES_TUPLES_OK ? atoll(PQgetvalue(res, 0, 0)) : -1;

	PQclear(res);
	return n;
}

static void write_and_check(const char *suite)
{
	const char *url = getenv("DATABASE_URL"), *worker = getenv("PARTEST_WORKER");
	const char *sleep_ms = getenv("PG_WRITER_SLEEP_MS");
	long ms = sleep_ms ? atol(sleep_ms) : 200;
	const char *params[2] = {worker, suite};
	PGconn *conn;
	PGresult *res;

	if (!url)
		PT_SKIP("no --db");
	conn = PQconnectdb(url);
	PT_ASSERT_INT(PQstatus(conn), ==, CONNECTION_OK);
	record(PQdb(conn));
	res = PQexecParams(conn, "INSERT INTO items (worker, suite) VALUES ($1, $2)", 2, NULL,
			   params, NULL, NULL, 0);
	PT_EXPECT_INT(PQresultStatus(res), ==, PGRES_COMMAND_OK);
	PQclear(res);
	PT_EXPECT_INT(
		count(conn, "SELECT count(*) FROM items WHERE worker NOT IN ($1, '0')", worker), ==,
		0);
	PT_EXPECT_INT(count(conn, "SELECT count(*) FROM items WHERE suite = 'fixture'", NULL), ==,
		      1);
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
	PQfinish(conn);
}
#else
static void write_and_check(const char *suite)
{
	(void)suite;
	PT_SKIP("built without libpq");
}
#endif

PT_TEST(writer_a, sees_only_its_own_rows)
{
	write_and_check("writer_a");
}

PT_TEST(writer_b, sees_only_its_own_rows)
{
	write_and_check("writer_b");
}

PT_TEST(writer_c, sees_only_its_own_rows)
{
	write_and_check("writer_c");
}

PT_TEST(writer_d, sees_only_its_own_rows)
{
	write_and_check("writer_d");
}
