/* The CPU quota of a process's cgroup, read from a made-up /proc and cgroup tree. */
#include <partest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpus.h"

static char tree[4096];

/* Writes text to the file tree/name, making its directories. */
static void put(const char *name, const char *text)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", tree, name);
	for (char *slash = strchr(path + strlen(tree) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	FILE *file = fopen(path, "w");
	PT_ASSERT_NOT_NULL(file);
	fputs(text, file);
	fclose(file);
}

static void fresh_tree(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tree, sizeof(tree), "%s/cpusXXXXXX", tmp ? tmp : "/tmp");
	PT_ASSERT_NOT_NULL(mkdtemp(tree));
}

/* mountinfo with a cgroup2 mount at tree/v2 and a v1 "cpu,cpuacct" mount at tree/v1. */
static void mounts(const char *v2_root, const char *v1_root)
{
	char text[16384];

	snprintf(text, sizeof(text),
		 "22 1 0:21 / /proc rw - proc proc rw\n"
		 "30 22 0:27 %s %s/v2 rw,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
		 "31 22 0:28 %s %s/v1 rw,relatime - cgroup cgroup rw,cpu,cpuacct\n",
		 v2_root, tree, v1_root, tree);
	put("mountinfo", text);
}

static int quota(void)
{
	char mountinfo[4200], cgroups[4200];

	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", tree);
	snprintf(cgroups, sizeof(cgroups), "%s/cgroup", tree);
	return pt__cpus_quota(mountinfo, cgroups);
}

PT_TEST(cpus, no_quota_is_zero)
{
	fresh_tree();
	mounts("/", "/");
	put("cgroup", "0::/ci/job\n");
	put("v2/ci/job/cpu.max", "max 100000\n");
	PT_EXPECT_INT(quota(), ==, 0);
}

PT_TEST(cpus, v2_quota_is_rounded_up)
{
	fresh_tree();
	mounts("/", "/");
	put("cgroup", "0::/ci/job\n");
	put("v2/ci/job/cpu.max", "150000 100000\n");
	PT_EXPECT_INT(quota(), ==, 2);
}

PT_TEST(cpus, v2_the_smallest_on_the_way_up_counts)
{
	fresh_tree();
	mounts("/", "/");
	put("cgroup", "0::/ci/job\n");
	put("v2/ci/job/cpu.max", "max 100000\n");
	put("v2/ci/cpu.max", "100000 100000\n");
	put("v2/cpu.max", "400000 100000\n");
	PT_EXPECT_INT(quota(), ==, 1);
}

PT_TEST(cpus, v2_inside_a_namespace_the_mount_root_is_stripped)
{
	fresh_tree();
	mounts("/kubepods/pod1", "/");
	put("cgroup", "0::/kubepods/pod1/box\n");
	put("v2/box/cpu.max", "300000 100000\n");
	PT_EXPECT_INT(quota(), ==, 3);
}

PT_TEST(cpus, v1_quota_over_period)
{
	fresh_tree();
	mounts("/", "/");
	put("cgroup", "4:memory:/x\n3:cpu,cpuacct:/ci/job\n1:name=systemd:/\n");
	put("v1/ci/job/cpu.cfs_quota_us", "250000\n");
	put("v1/ci/job/cpu.cfs_period_us", "100000\n");
	PT_EXPECT_INT(quota(), ==, 3);
}

PT_TEST(cpus, v1_no_quota_is_zero)
{
	fresh_tree();
	mounts("/", "/");
	put("cgroup", "3:cpu,cpuacct:/\n");
	put("v1/cpu.cfs_quota_us", "-1\n");
	put("v1/cpu.cfs_period_us", "100000\n");
	PT_EXPECT_INT(quota(), ==, 0);
}

PT_TEST(cpus, unreadable_files_are_no_quota)
{
	fresh_tree();
	PT_EXPECT_INT(quota(), ==, 0);
}

PT_TEST(cpus, available_is_at_least_one)
{
	PT_EXPECT_INT(pt__cpus_available(), >=, 1);
}
