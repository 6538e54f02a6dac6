/*
 * A crashed test's traces: the first test commits a row to its worker's
 * SQLite clone and leaves a file in its TMPDIR, then aborts; the second,
 * run next on the same slot (-j1), must see neither: its worker is a
 * replacement and gets fresh clones and an empty TMPDIR.
 */
#include <partest.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sqlite3 *open_clone(void)
{
	const char *url = getenv("DATABASE_URL");
	sqlite3 *db = NULL;

	if (!url)
		PT_SKIP("no --db");
	PT_ASSERT_INT(strncmp(url, "sqlite:", 7), ==, 0);
	PT_ASSERT_INT(sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
	return db;
}

static void left_behind(char *path, size_t size)
{
	snprintf(path, size, "%s/left-behind", getenv("TMPDIR"));
}

PT_TEST(slot, a_commits_a_row_and_leaves_a_file_then_aborts)
{
	sqlite3 *db = open_clone();
	char path[4096];
	FILE *file;

	PT_ASSERT_INT(sqlite3_exec(db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL), ==, SQLITE_OK);
	left_behind(path, sizeof(path));
	file = fopen(path, "w");
	PT_ASSERT_NOT_NULL(file);
	fclose(file);
	abort();
}

PT_TEST(slot, b_sees_none_of_it)
{
	sqlite3 *db = open_clone();
	sqlite3_stmt *stmt = NULL;
	char path[4096];

	PT_ASSERT_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &stmt, NULL), ==,
		      SQLITE_OK);
	PT_ASSERT_INT(sqlite3_step(stmt), ==, SQLITE_ROW);
	PT_EXPECT_INT(sqlite3_column_int64(stmt, 0), ==, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	left_behind(path, sizeof(path));
	PT_EXPECT_INT(access(path, F_OK), !=, 0);
}
