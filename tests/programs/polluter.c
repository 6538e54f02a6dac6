/*
 * Thirty tests of which one pollutes another: polluter::b::leaves_a_mark
 * leaves a file in its TMPDIR and, given a SQLite DATABASE_URL (items_setup's
 * template), a row; polluter::c::minds_the_mark fails when it finds either.
 * Both live only as long as a run's worker: the victim passes when run alone.
 */
#include <partest.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void mark_path(char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(path, size, "%s/polluter-mark", tmp ? tmp : "/tmp");
}

/* The SQLite clone, or NULL when the run has no such --db. */
static sqlite3 *open_clone(void)
{
	const char *url = getenv("DATABASE_URL");
	sqlite3 *db = NULL;

	if (!url || strncmp(url, "sqlite:", 7))
		return NULL;
	PT_ASSERT_INT(sqlite3_open(url + 7, &db), ==, SQLITE_OK);
	return db;
}

#define QUIET(suite, name)                                                                         \
	PT_TEST(suite, name)                                                                       \
	{                                                                                          \
		PT_ASSERT_TRUE(1);                                                                 \
	}

QUIET(a, one)
QUIET(a, two)
QUIET(a, three)
QUIET(a, four)
QUIET(a, five)
QUIET(a, six)
QUIET(a, seven)
QUIET(a, eight)
QUIET(a, nine)
QUIET(a, ten)
QUIET(b, one)
QUIET(b, two)
QUIET(b, three)
QUIET(b, four)
QUIET(b, five)
QUIET(b, six)

PT_TEST(b, leaves_a_mark)
{
	char path[4096];
	FILE *mark;
	sqlite3 *db = open_clone();

	if (!getenv("POLLUTE"))
		return;
	if (!strcmp(getenv("POLLUTE"), "file")) {
		mark_path(path, sizeof(path));
		PT_ASSERT_NOT_NULL(mark = fopen(path, "w"));
		fclose(mark);
	}
	if (db && !strcmp(getenv("POLLUTE"), "row"))
		PT_ASSERT_INT(sqlite3_exec(db,
					   "INSERT INTO items (worker, suite) VALUES ('', 'mark')",
					   NULL, NULL, NULL),
			      ==, SQLITE_OK);
	if (db)
		sqlite3_close(db);
}

QUIET(b, eight)
QUIET(b, nine)
QUIET(b, ten)
QUIET(c, one)
QUIET(c, two)
QUIET(c, three)
QUIET(c, four)
QUIET(c, five)
QUIET(c, six)
QUIET(c, seven)
QUIET(c, eight)
QUIET(c, nine)

static int count_marks(void *marks, int columns, char **values, char **names)
{
	*(int *)marks = atoi(values[0]);
	return 0;
}

PT_TEST(c, minds_the_mark)
{
	char path[4096];
	int marks = 0;
	sqlite3 *db = open_clone();

	mark_path(path, sizeof(path));
	PT_EXPECT_INT(access(path, F_OK), !=, 0);
	if (db) {
		PT_ASSERT_INT(sqlite3_exec(db, "SELECT count(*) FROM items WHERE suite = 'mark'",
					   count_marks, &marks, NULL),
			      ==, SQLITE_OK);
		sqlite3_close(db);
		PT_EXPECT_INT(marks, ==, 0);
	}
}
