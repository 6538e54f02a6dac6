/*
 * --partition auto: this machine's shard, from the variables its CI sets for
 * parallel jobs (GitLab, CircleCI, Buildkite, a Kubernetes Indexed Job,
 * Bazel, GoogleTest's).
 */
#ifndef PT_CI_SHARD_H
#define PT_CI_SHARD_H

#include "buf.h"
#include "partition.h"

/*
 * Reads the environment for spec, "auto" or "auto:N" (N: the total, for CIs
 * that do not say it, such as a Kubernetes Indexed Job; PARTEST_TOTAL_SHARDS
 * otherwise). On success fills partition's index and total (its method is
 * the caller's), appends to which what was read ("GitLab (CI_NODE_INDEX=2,
 * CI_NODE_TOTAL=4)"), sets *bazel when the shard came from Bazel, and
 * returns 0. Returns PT__EUSAGE with one line in err when no CI variable is
 * set, or a value is malformed or out of range.
 */
int pt__ci_shard_detect(const char *spec, struct pt__partition *partition, struct pt__buf *which,
			bool *bazel, struct pt__buf *err);

/*
 * Tells Bazel that the test runner shards: touches TEST_SHARD_STATUS_FILE
 * when it is set. Returns 0, or PT__ERUN with one line in err.
 */
int pt__ci_shard_touch_status_file(struct pt__buf *err);

#endif
