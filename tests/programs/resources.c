/*
 * Tests that hold resources: a lock three suites share, an exclusive test, a
 * test that weighs two slots, and plain tests beside them. Each test marks
 * itself running in RESOURCES_DIR while it runs and fails when it sees what
 * partest should not have let run beside it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <partest.h>

/* How many tests other than this one are marked running. */
static int others_running(void)
{
	DIR *dir = opendir(getenv("RESOURCES_DIR"));
	struct dirent *entry;
	int count = 0;

	while (dir && (entry = readdir(dir)))
		count += !strncmp(entry->d_name, "running.", 8);
	if (dir)
		closedir(dir);
	return count - 1;
}

static void path(char *out, size_t size, const char *what)
{
	snprintf(out, size, "%s/%s", getenv("RESOURCES_DIR"), what);
}

/* Marks this test running for a while, checking what runs beside it. */
static void hold(const char *lock, int may_run_beside, int exclusive_self)
{
	char mine[512], held[512], exclusive[512];
	char name[64];

	snprintf(name, sizeof(name), "running.%ld", (long)getpid());
	path(mine, sizeof(mine), name);
	path(exclusive, sizeof(exclusive), "exclusive.held");
	fclose(fopen(mine, "w"));
	if (lock) {
		path(held, sizeof(held), lock);
		PT_EXPECT_INT(mkdir(held, 0700), ==, 0);
	}
	for (int i = 0; i < 20; i++) {
		if (!exclusive_self)
			PT_EXPECT_INT(access(exclusive, F_OK), !=, 0);
		PT_EXPECT_INT(others_running(), <=, may_run_beside);
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}
	if (lock)
		rmdir(held);
	unlink(mine);
}

PT_TEST(lock_a, holds_port, .locks = "port-8080")
{
	hold("port-8080", 99, 0);
}
PT_TEST(lock_b, holds_port, .locks = "gpu port-8080")
{
	hold("port-8080", 99, 0);
}
PT_TEST(lock_c, holds_port, .locks = "port-8080")
{
	hold("port-8080", 99, 0);
}

PT_TEST(alone, runs_alone, .exclusive = 1)
{
	char exclusive[512];

	path(exclusive, sizeof(exclusive), "exclusive.held");
	fclose(fopen(exclusive, "w"));
	hold(NULL, 0, 1);
	unlink(exclusive);
}

/* Under -j 3 a test of weight 2 leaves room for one more. */
PT_TEST(heavy, weighs_two, .weight = 2)
{
	hold(NULL, 1, 0);
}

PT_TEST(plain_1, runs)
{
	hold(NULL, 99, 0);
}
PT_TEST(plain_2, runs)
{
	hold(NULL, 99, 0);
}
PT_TEST(plain_3, runs)
{
	hold(NULL, 99, 0);
}
PT_TEST(plain_4, runs)
{
	hold(NULL, 99, 0);
}
PT_TEST(plain_5, runs)
{
	hold(NULL, 99, 0);
}
