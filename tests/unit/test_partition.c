/* Partitions: every group in exactly one shard, the same split everywhere,
 * time: balanced by durations; --partition auto from each CI's variables. */
#include <partest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci_shard.h"
#include "error.h"
#include "partition.h"

static struct pt__test_list list;
static struct pt__timings durations;
static struct pt__buf err, which;

static const char *const ci_variables[] = {
	"CI_NODE_INDEX",	"CI_NODE_TOTAL",	  "CIRCLE_NODE_INDEX",
	"CIRCLE_NODE_TOTAL",	"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT",
	"JOB_COMPLETION_INDEX", "PARTEST_TOTAL_SHARDS",	  "TEST_SHARD_INDEX",
	"TEST_TOTAL_SHARDS",	"TEST_SHARD_STATUS_FILE", "GTEST_SHARD_INDEX",
	"GTEST_TOTAL_SHARDS",
};

/* Program "a" with suites s0..s9 of 3 tests, and executables x0..x9. */
PT_SETUP(partition)
{
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	char name[16];

	for (int s = 0; s < 10; s++)
		for (int t = 0; t < 3; t++) {
			snprintf(name, sizeof(name), "s%d", s);
			pt__test_list_add_test(&list, a, name,
					       t == 0	? "one"
					       : t == 1 ? "two"
							: "three",
					       0);
		}
	for (int x = 0; x < 10; x++) {
		snprintf(name, sizeof(name), "x%d", x);
		size_t p = pt__test_list_add_program(&list, name, name, PT__PROGRAM_EXEC);
		pt__test_list_add_test(&list, p, NULL, NULL, 0);
	}
	for (size_t i = 0; i < sizeof(ci_variables) / sizeof(*ci_variables); i++)
		unsetenv(ci_variables[i]);
}

PT_TEARDOWN(partition)
{
	pt__test_list_release(&list);
	pt__timings_release(&durations);
	pt__buf_release(&err);
	pt__buf_release(&which);
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct pt__timing *)a)->id, ((const struct pt__timing *)b)->id);
}

static void remember(const char *id, int64_t us)
{
	durations.entries =
		realloc(durations.entries, (durations.nr + 1) * sizeof(*durations.entries));
	durations.entries[durations.nr].id = strdup(id);
	durations.entries[durations.nr++].duration_us = us;
	durations.alloc = durations.nr;
	qsort(durations.entries, durations.nr, sizeof(*durations.entries), by_id);
}

/* Every test lands in exactly one of total shards; a suite in one shard. */
static void expect_exact_cover(enum pt__partition_method method, unsigned total)
{
	int *shard_of = calloc(list.nr_tests, sizeof(*shard_of));
	bool *keep = calloc(list.nr_tests, sizeof(*keep));

	for (unsigned k = 1; k <= total; k++) {
		struct pt__partition partition = {method, k, total};
		pt__partition_select(&partition, &list, &durations, keep);
		for (size_t i = 0; i < list.nr_tests; i++) {
			if (!keep[i])
				continue;
			PT_EXPECT_INT(shard_of[i], ==, 0);
			shard_of[i] = (int)k;
		}
	}
	for (size_t i = 0; i < list.nr_tests; i++) {
		PT_EXPECT_INT(shard_of[i], !=, 0);
		if (i % 3 && i < 30)
			PT_EXPECT_INT(shard_of[i], ==, shard_of[i - 1]);
	}
	free(shard_of);
	free(keep);
}

PT_TEST(partition, every_group_lands_in_exactly_one_shard)
{
	for (unsigned total = 1; total <= 7; total++) {
		expect_exact_cover(PT__PARTITION_SLICE, total);
		expect_exact_cover(PT__PARTITION_HASH, total);
		expect_exact_cover(PT__PARTITION_TIME, total);
	}
	remember("a::s3::one", 9000000);
	remember("x4", 100);
	expect_exact_cover(PT__PARTITION_TIME, 4);
}

PT_TEST(partition, slice_deals_groups_round_robin)
{
	bool keep[40];
	struct pt__partition partition = {PT__PARTITION_SLICE, 2, 4};

	PT_ASSERT_SIZE(pt__partition_select(&partition, &list, NULL, keep), ==, 5);
	PT_EXPECT_TRUE(keep[3] && keep[4] && keep[5]); /* a::s1 */
	PT_EXPECT_FALSE(keep[0] || keep[6]);
}

PT_TEST(partition, hash_depends_on_the_group_name_not_on_the_others)
{
	bool keep[40], again[40];
	struct pt__partition partition = {PT__PARTITION_HASH, 1, 3};

	pt__partition_select(&partition, &list, NULL, keep);
	/* Without the first suite, the others keep their shards. */
	bool drop[40];
	for (size_t i = 0; i < list.nr_tests; i++)
		drop[i] = i >= 3;
	pt__test_list_keep(&list, drop);
	pt__partition_select(&partition, &list, NULL, again);
	for (size_t i = 0; i < list.nr_tests; i++)
		PT_EXPECT_INT(again[i], ==, keep[i + 3]);
}

PT_TEST(partition, time_puts_the_longest_group_alone_and_balances_the_rest)
{
	bool keep[40];
	struct pt__partition partition = {PT__PARTITION_TIME, 1, 2};

	remember("a::s0::one", 30000000);
	for (int x = 0; x < 10; x++) {
		char id[8];
		snprintf(id, sizeof(id), "x%d", x);
		remember(id, 1000000);
	}
	/* s0: 30 s and two unknown tests at the median test (1 s); s1..s9,
	 * unknown, at the median group (1 s): 32 s against 19 s. */
	PT_ASSERT_SIZE(pt__partition_select(&partition, &list, &durations, keep), ==, 1);
	PT_EXPECT_TRUE(keep[0] && keep[1] && keep[2]);
	partition.index = 2;
	PT_ASSERT_SIZE(pt__partition_select(&partition, &list, &durations, keep), ==, 19);
}

PT_TEST(partition, specs_are_parsed_and_formatted)
{
	struct pt__partition partition;

	PT_ASSERT_INT(pt__partition_parse("time:3/8", &partition, &err), ==, 0);
	PT_EXPECT_INT(partition.method, ==, PT__PARTITION_TIME);
	pt__partition_format(&partition, &which);
	PT_EXPECT_STR(which.data, ==, "time:3/8");
	const char *bad[] = {"hash:0/4", "hash:5/4",   "count:1/2", "hash:1",
			     "hash:a/4", "slice:1/4x", "hash:-1/4"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		pt__buf_reset(&err);
		PT_EXPECT_INT(pt__partition_parse(bad[i], &partition, &err), ==, PT__EUSAGE);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&err), bad[i]) != NULL);
	}
}

/* The shard --partition SPEC gives under the variables name=value... */
static int detect(const char *spec, struct pt__partition *partition, bool *bazel, ...)
{
	va_list ap;

	va_start(ap, bazel);
	for (const char *name; (name = va_arg(ap, const char *));)
		setenv(name, va_arg(ap, const char *), 1);
	va_end(ap);
	pt__buf_reset(&which);
	pt__buf_reset(&err);
	return pt__ci_shard_detect(spec, partition, &which, bazel, &err);
}

PT_TEST(partition, auto_reads_each_ci_with_its_own_base)
{
	struct pt__partition p;
	bool bazel;

	PT_ASSERT_INT(detect("auto", &p, &bazel, "CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "3", NULL),
		      ==, 0);
	PT_EXPECT_UINT(p.index, ==, 2);
	PT_EXPECT_TRUE(strstr(which.data, "GitLab") != NULL);
	unsetenv("CI_NODE_INDEX");
	PT_ASSERT_INT(detect("auto", &p, &bazel, "CIRCLE_NODE_INDEX", "0", "CIRCLE_NODE_TOTAL", "4",
			     NULL),
		      ==, 0);
	PT_EXPECT_UINT(p.index, ==, 1);
	PT_EXPECT_UINT(p.total, ==, 4);
	unsetenv("CIRCLE_NODE_INDEX");
	PT_ASSERT_INT(detect("auto", &p, &bazel, "BUILDKITE_PARALLEL_JOB", "3",
			     "BUILDKITE_PARALLEL_JOB_COUNT", "4", NULL),
		      ==, 0);
	PT_EXPECT_UINT(p.index, ==, 4);
	unsetenv("BUILDKITE_PARALLEL_JOB");
	PT_ASSERT_INT(detect("auto:5", &p, &bazel, "JOB_COMPLETION_INDEX", "4", NULL), ==, 0);
	PT_EXPECT_UINT(p.index, ==, 5);
	PT_EXPECT_UINT(p.total, ==, 5);
	PT_ASSERT_INT(detect("auto", &p, &bazel, "PARTEST_TOTAL_SHARDS", "6", NULL), ==, 0);
	PT_EXPECT_UINT(p.total, ==, 6);
	unsetenv("JOB_COMPLETION_INDEX");
	PT_ASSERT_INT(detect("auto", &p, &bazel, "GTEST_SHARD_INDEX", "1", "GTEST_TOTAL_SHARDS",
			     "6", NULL),
		      ==, 0);
	PT_EXPECT_FALSE(bazel);
	PT_EXPECT_UINT(p.index, ==, 2);
	PT_ASSERT_INT(
		detect("auto", &p, &bazel, "TEST_SHARD_INDEX", "0", "TEST_TOTAL_SHARDS", "6", NULL),
		==, 0);
	PT_EXPECT_TRUE(bazel);
	PT_EXPECT_TRUE(strstr(which.data, "Bazel") != NULL);
}

PT_TEST(partition, auto_without_a_ci_or_with_bad_values_is_a_usage_error)
{
	struct pt__partition p;
	bool bazel;

	PT_EXPECT_INT(detect("auto", &p, &bazel, NULL), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(err.data, "no CI shard variable") != NULL);
	PT_EXPECT_INT(detect("auto", &p, &bazel, "JOB_COMPLETION_INDEX", "0", NULL), ==,
		      PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(err.data, "auto:N or PARTEST_TOTAL_SHARDS") != NULL);
	unsetenv("JOB_COMPLETION_INDEX");
	PT_EXPECT_INT(detect("auto", &p, &bazel, "CI_NODE_INDEX", "0", "CI_NODE_TOTAL", "2", NULL),
		      ==, PT__EUSAGE);
	PT_EXPECT_INT(detect("auto", &p, &bazel, "CI_NODE_INDEX", "3", "CI_NODE_TOTAL", "2", NULL),
		      ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(err.data, "beyond") != NULL);
	PT_EXPECT_INT(
		detect("auto:3", &p, &bazel, "CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2", NULL), ==,
		PT__EUSAGE);
	PT_EXPECT_INT(detect("autox", &p, &bazel, NULL), ==, PT__EUSAGE);
}

PT_TEST(partition, bazel_status_file_is_touched)
{
	char path[] = "/tmp/partest-shard-status.XXXXXX";
	int fd = mkstemp(path);

	PT_ASSERT_INT(fd, >=, 0);
	close(fd);
	unlink(path);
	setenv("TEST_SHARD_STATUS_FILE", path, 1);
	PT_ASSERT_INT(pt__ci_shard_touch_status_file(&err), ==, 0);
	PT_EXPECT_INT(access(path, F_OK), ==, 0);
	unlink(path);
}
