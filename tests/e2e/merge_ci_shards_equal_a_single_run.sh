#!/bin/sh
# The CI recipes of docs/ci.md, simulated on one machine: each CI's shard
# variables, --partition auto on every shard, partest merge of the shards'
# JUnit reports; the merged report has the test cases and counts of a
# single run of the whole suite.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/fixtures" "$PROGRAMS/attributes" .
printf '#!/bin/sh\nexit 0\n' >pass.sh
printf '#!/bin/sh\necho broken >&2\nexit 1\n' >fail.sh
printf '#!/bin/sh\nexit 77\n' >skip.sh
chmod +x pass.sh fail.sh skip.sh
programs="./fixtures ./attributes pass.sh fail.sh skip.sh"

# The report without what differs between runs: times, host, the shards'
# partition property; its lines sorted, since shards order groups apart.
normalize() {
	sed -E 's/ (time|timestamp|hostname)="[^"]*"//g' "$1" |
		grep -v -e '<properties>' -e '</properties>' -e 'partest.partition' | sort
}

run --junit single.xml $programs
check "the single run fails as the suite does" status_is 1
check "with the counts the merges must give" last_line_is "10 passed, 4 failed, 1 skipped"
normalize single.xml >single.norm

# shard CI K ENV...: runs shard K with the CI's variables, JUnit in CI-K.xml.
shard() {
	ci=$1 k=$2
	shift 2
	env "$@" "$PARTEST" --partition "${AUTO:-auto}" --junit "$ci-$k.xml" $programs \
		>"$ci-$k.out" 2>"$ci-$k.err" </dev/null
}

# merged CI NAME: merges CI's shards and compares them with the single run.
merged() {
	run merge --junit "$1.xml" --events "$1.jsonl" "$1"-*.xml
	check "$2: the merge says the counts of the whole suite" \
		out_has "merged 3 reports: 15 tests, 10 passed, 4 failed, 1 skipped, 0 not run"
	check "$2: the merge exits 1, as the single run did" status_is 1
	normalize "$1.xml" >"$1.norm"
	check "$2: the merged JUnit has the single run's test cases and counts" \
		cmp -s "$1.norm" single.norm
	run merge --junit "$1-again.xml" "$1.jsonl"
	normalize "$1-again.xml" >"$1-again.norm"
	check "$2: the merged event file gives the same report" cmp -s "$1-again.norm" single.norm
}

for k in 1 2 3; do shard gitlab "$k" CI_NODE_INDEX="$k" CI_NODE_TOTAL=3; done
check "GitLab: partest says which variables it used" \
	grep -q 'partition hash:2/3 from GitLab (CI_NODE_INDEX=2, CI_NODE_TOTAL=3)' gitlab-2.err
merged gitlab "GitLab parallel:"

# A matrix gives no shard variable: the workflow spells the partition.
for k in 1 2 3; do AUTO="hash:$k/3" shard github "$k"; done
merged github "GitHub Actions matrix"

for k in 0 1 2; do shard circleci "$k" CIRCLE_NODE_INDEX="$k" CIRCLE_NODE_TOTAL=3; done
check "CircleCI: its 0-based index is shard 1" grep -q 'hash:1/3 from CircleCI' circleci-0.err
merged circleci "CircleCI parallelism"

for k in 0 1 2; do
	shard buildkite "$k" BUILDKITE_PARALLEL_JOB="$k" BUILDKITE_PARALLEL_JOB_COUNT=3
done
merged buildkite "Buildkite parallelism"

for k in 0 1 2; do shard kubernetes "$k" JOB_COMPLETION_INDEX="$k" PARTEST_TOTAL_SHARDS=3; done
check "Kubernetes: the total from PARTEST_TOTAL_SHARDS" \
	grep -q 'from Kubernetes (JOB_COMPLETION_INDEX=2, PARTEST_TOTAL_SHARDS 3)' kubernetes-2.err
merged kubernetes "Kubernetes Indexed Job"

for k in 0 1 2; do
	shard bazel "$k" TEST_SHARD_INDEX="$k" TEST_TOTAL_SHARDS=3 \
		TEST_SHARD_STATUS_FILE="$work/bazel-status-$k"
done
check "Bazel: every shard touched TEST_SHARD_STATUS_FILE" \
	sh -c '[ -e bazel-status-0 ] && [ -e bazel-status-1 ] && [ -e bazel-status-2 ]'
merged bazel "Bazel shard_count"

for k in 0 1 2; do shard gtest "$k" GTEST_SHARD_INDEX="$k" GTEST_TOTAL_SHARDS=3; done
merged gtest "GoogleTest shard variables"

run --list --partition auto:3 ./attributes
check "with no CI variable set, --partition auto is a usage error" status_is 2
check "said in one line" err_is_one_line
check "naming the variables it looks for" err_has 'no CI shard variable is set'
check "nothing is left behind" no_run_dirs_left
done_testing
