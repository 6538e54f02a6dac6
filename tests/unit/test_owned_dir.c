/* Directories of dead owners go; those of live ones, or still being made, stay. */
#include <partest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "owned_dir.h"

static char parent[4096];
static int removed_calls;
static char removed_name[256];

static void note_removal(const char *path, const char *name, void *arg)
{
	(void)path;
	(void)arg;
	removed_calls++;
	snprintf(removed_name, sizeof(removed_name), "%s", name);
}

static void make_dir(const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", parent, name);
	PT_ASSERT_INT(mkdir(path, 0700), ==, 0);
}

static int exists(const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", parent, name);
	return stat(path, &st) == 0;
}

/* Makes the directory name, owned by a process that has ended. */
static void make_dead_owned_dir(const char *name)
{
	char owner[4300];
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	PT_ASSERT_INT(waitpid(child, NULL, 0), ==, child);
	make_dir(name);
	snprintf(owner, sizeof(owner), "%s/%s/owner", parent, name);
	FILE *file = fopen(owner, "w");
	PT_ASSERT_NOT_NULL(file);
	fprintf(file, "%ld 0\n", (long)child);
	fclose(file);
}

PT_SETUP(owned_dir)
{
	snprintf(parent, sizeof(parent), "%s/owned-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(parent));
	removed_calls = 0;
}

PT_TEARDOWN(owned_dir)
{
	pt__remove_tree(parent);
}

PT_TEST(owned_dir, a_dead_owners_directory_is_removed_after_the_callback)
{
	make_dead_owned_dir("run-dead");

	pt__owned_dirs_reap(parent, "run-", note_removal, NULL);
	PT_EXPECT_INT(removed_calls, ==, 1);
	PT_EXPECT_STR(removed_name, ==, "run-dead");
	PT_EXPECT_FALSE(exists("run-dead"));
}

PT_TEST(owned_dir, live_unclaimed_and_other_directories_stay)
{
	struct pt__buf err = PT__BUF_INIT;
	char path[4200];

	make_dir("run-live");
	snprintf(path, sizeof(path), "%s/run-live", parent);
	PT_ASSERT_INT(pt__owned_dir_claim(path, &err), ==, 0);
	pt__buf_release(&err);
	make_dir("run-being-made");
	/* Dead-owned, but not under the prefix asked for. */
	make_dead_owned_dir("other-dead");

	pt__owned_dirs_reap(parent, "run-", note_removal, NULL);
	PT_EXPECT_INT(removed_calls, ==, 0);
	PT_EXPECT_TRUE(exists("run-live"));
	PT_EXPECT_TRUE(exists("run-being-made"));
	PT_EXPECT_TRUE(exists("other-dead"));
}
