/* Checks, from inside a worker, the environment partest promises it. */
#include <partest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void record(const char *what, const char *value)
{
	const char *path = getenv("ENV_LOG");
	char line[4096];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s %s %s\n", getenv("PARTEST_WORKER"), what, value);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

PT_TEST(env, worker_number_is_within_the_pool)
{
	const char *worker = getenv("PARTEST_WORKER"), *workers = getenv("PARTEST_WORKERS");
	PT_ASSERT_NOT_NULL(worker);
	PT_ASSERT_NOT_NULL(workers);
	PT_ASSERT_INT(atoi(worker), >=, 1);
	PT_ASSERT_INT(atoi(worker), <=, atoi(workers));
	PT_ASSERT_INT(pt_worker(), ==, atoi(worker));
	PT_ASSERT_NULL(getenv("PARTEST_PROTOCOL"));
}

PT_TEST(env, tmpdir_is_private_and_writable)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;
	PT_ASSERT_NOT_NULL(tmp);
	PT_ASSERT_INT(stat(tmp, &st), ==, 0);
	PT_ASSERT_UINT(st.st_mode & 0777, ==, 0700);
	record("tmpdir", tmp);
}

static sqlite3 *open_url(const char *url)
{
	sqlite3 *db = NULL;
	PT_ASSERT_NOT_NULL(url);
	PT_ASSERT_INT(strncmp(url, "sqlite:", 7), ==, 0);
	PT_ASSERT_INT(sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static long long count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	long long n = -1;
	PT_ASSERT_INT(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* Each suite writes to its worker's clone and must see only its own rows. */
#define WRITER(suite)                                                                              \
	PT_TEST(suite, sees_only_its_own_rows)                                                     \
	{                                                                                          \
		const char *url = getenv("DATABASE_URL");                                          \
		if (!url)                                                                          \
			PT_SKIP("no --db");                                                        \
		sqlite3 *db = open_url(url);                                                       \
		record("clone", url + 7);                                                          \
		char *sql = sqlite3_mprintf("INSERT INTO items (worker, suite) VALUES (%Q, %Q)",   \
					    getenv("PARTEST_WORKER"), #suite);                     \
		PT_ASSERT_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);             \
		sqlite3_free(sql);                                                                 \
		sql = sqlite3_mprintf("SELECT count(*) FROM items WHERE worker NOT IN (%Q, '0')",  \
				      getenv("PARTEST_WORKER"));                                   \
		PT_EXPECT_INT(count(db, sql), ==, 0);                                              \
		sqlite3_free(sql);                                                                 \
		PT_EXPECT_INT(count(db, "SELECT count(*) FROM items WHERE suite = 'fixture'"), ==, \
			      1);                                                                  \
		nanosleep(&(struct timespec){0, 200000000}, NULL);                                 \
		sqlite3_close(db);                                                                 \
	}
WRITER(writer_a)
WRITER(writer_b)
WRITER(writer_c)
WRITER(writer_d)

PT_TEST(env, other_alias_has_its_own_url)
{
	const char *url = getenv("PARTEST_DB_CACHE_URL");
	if (!url)
		PT_SKIP("no --db cache=...");
	PT_ASSERT_STR(url, !=, getenv("DATABASE_URL"));
	PT_ASSERT_INT(access(url + 7, R_OK | W_OK), ==, 0);
}
