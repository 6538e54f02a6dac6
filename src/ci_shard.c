#include "ci_shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

/* One CI's pair of variables. */
struct ci {
	const char *name;
	const char *index_var;
	const char *total_var; /* NULL: the total comes from auto:N or PARTEST_TOTAL_SHARDS */
	unsigned first;	       /* the first shard's index: 0 or 1 */
	bool bazel;
};

/* Bazel and GoogleTest first: a sharded test may run inside another CI's job. */
static const struct ci cis[] = {
	{"Bazel", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", 0, true},
	{"GoogleTest", "GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", 0, false},
	{"GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1, false},
	{"CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0, false},
	{"Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0, false},
	{"Kubernetes", "JOB_COMPLETION_INDEX", NULL, 0, false},
};

static const char *get(const char *name)
{
	const char *value = getenv(name);

	return value && *value ? value : NULL;
}

/* A decimal from 0 to 100000; false for anything else. */
static bool parse_number(const char *text, unsigned long *value)
{
	char *end;

	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	*value = strtoul(text, &end, 10);
	return !errno && !*end && *value <= 100000;
}

/* The total from auto:N, else PARTEST_TOTAL_SHARDS; 0 when neither says. */
static int given_total(const char *spec, unsigned long *total, const char **from,
		       struct pt__buf *err)
{
	const char *env = get("PARTEST_TOTAL_SHARDS");

	*total = 0;
	if (spec[4] == ':') {
		*from = "--partition";
		if (!parse_number(spec + 5, total) || !*total) {
			pt__buf_addf(err, "--partition \"%s\": expected auto or auto:N (N >= 1)",
				     spec);
			return PT__EUSAGE;
		}
	} else if (spec[4]) {
		pt__buf_addf(err, "--partition \"%s\": expected auto or auto:N (N >= 1)", spec);
		return PT__EUSAGE;
	} else if (env) {
		*from = "PARTEST_TOTAL_SHARDS";
		if (!parse_number(env, total) || !*total) {
			pt__buf_addf(err, "PARTEST_TOTAL_SHARDS=\"%s\": expected a number >= 1",
				     env);
			return PT__EUSAGE;
		}
	}
	return 0;
}

int pt__ci_shard_detect(const char *spec, struct pt__partition *partition, struct pt__buf *which,
			bool *bazel, struct pt__buf *err)
{
	unsigned long given, index, total;
	const char *given_from = NULL;
	const struct ci *ci = NULL;
	int rc;

	if ((rc = given_total(spec, &given, &given_from, err)))
		return rc;
	for (size_t i = 0; !ci && i < sizeof(cis) / sizeof(*cis); i++)
		if (get(cis[i].index_var))
			ci = &cis[i];
	if (!ci) {
		pt__buf_adds(err,
			     "--partition auto: no CI shard variable is set (CI_NODE_INDEX, "
			     "CIRCLE_NODE_INDEX, BUILDKITE_PARALLEL_JOB, JOB_COMPLETION_INDEX, "
			     "TEST_SHARD_INDEX, GTEST_SHARD_INDEX)");
		return PT__EUSAGE;
	}
	const char *index_text = get(ci->index_var);
	const char *total_text = ci->total_var ? get(ci->total_var) : NULL;
	if (!parse_number(index_text, &index) || index < ci->first) {
		pt__buf_addf(err, "--partition auto: %s=\"%s\" is not a shard index from %u",
			     ci->index_var, index_text, ci->first);
		return PT__EUSAGE;
	}
	if (ci->total_var && !total_text) {
		pt__buf_addf(err, "--partition auto: %s is set but %s is not", ci->index_var,
			     ci->total_var);
		return PT__EUSAGE;
	}
	if (total_text && (!parse_number(total_text, &total) || !total)) {
		pt__buf_addf(err, "--partition auto: %s=\"%s\" is not a number of shards",
			     ci->total_var, total_text);
		return PT__EUSAGE;
	}
	if (!total_text && !given) {
		pt__buf_addf(err,
			     "--partition auto: %s is set but not how many shards there are: "
			     "give --partition auto:N or PARTEST_TOTAL_SHARDS",
			     ci->index_var);
		return PT__EUSAGE;
	}
	if (total_text && given && given != total) {
		pt__buf_addf(err, "--partition auto: %s says %lu shards, %s %lu", ci->total_var,
			     total, given_from, given);
		return PT__EUSAGE;
	}
	if (!total_text)
		total = given;
	if (index - ci->first >= total) {
		pt__buf_addf(err, "--partition auto: %s=%lu is beyond the %lu shards",
			     ci->index_var, index, total);
		return PT__EUSAGE;
	}
	partition->index = (unsigned)(index - ci->first + 1);
	partition->total = (unsigned)total;
	*bazel = ci->bazel;
	pt__buf_addf(which, "%s (%s=%s, ", ci->name, ci->index_var, index_text);
	if (total_text)
		pt__buf_addf(which, "%s=%s)", ci->total_var, total_text);
	else
		pt__buf_addf(which, "%s %lu)", given_from, total);
	return 0;
}

int pt__ci_shard_touch_status_file(struct pt__buf *err)
{
	const char *path = get("TEST_SHARD_STATUS_FILE");

	if (!path)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
	if (fd < 0) {
		pt__buf_addf(err, "cannot touch TEST_SHARD_STATUS_FILE \"%s\": %s", path,
			     strerror(errno));
		return PT__ERUN;
	}
	close(fd);
	return 0;
}
