#!/usr/bin/env bash
# retry_cost.sh: what a retry costs the runner. A native program of S suites
# of T trivial tests, one test a suite failing on its first attempt only
# (driven by a marker file it leaves in FLAKY_DIR), at -j2:
#   clean      every marker there already: nothing fails, nothing is retried
#   clean, --retries 1  the same under --retries 1: what allowing retries
#              costs by itself (a test that may be retried is sent alone,
#              the next one only after its result)
#   retries    no marker: --retries 1 runs each failed test again on a fresh
#              worker (the old process stopped, a new one started: forked
#              from the program's server, or spawned under --start spawn)
#   rerun      the peer: no retries in the runner; the CI script's way,
#              `partest ... || partest --rerun-failed ...`, a second run
#              for the tests that failed
# The flaky test is the suite's last (a retry is one worker start) or, with
# WHERE=middle, its middle (the rest of the suite then goes back to the
# queue, its suite set-up run again where it lands). The cost of a retry is (retries - clean with --retries) / S; the
# peer's per test, (rerun - clean) / S. The database part of a retry (a fresh clone)
# is measured by the clone benchmarks (sqlite_clones.sh, postgres_clones.sh).
# Env: S (40), T (10), RUNS (10), WHERE (last | middle), START (fork | spawn).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs hyperfine gcc jq
S=${S:-40}
T=${T:-10}
RUNS=${RUNS:-10}
WHERE=${WHERE:-last}
START=${START:-fork}
cd "$tmp"

[ "$WHERE" = middle ] && flaky_at=$((T / 2)) || flaky_at=$((T - 1))
{
	echo '#include <partest.h>'
	echo '#include <fcntl.h>'
	echo '#include <stdio.h>'
	echo '#include <stdlib.h>'
	echo '#include <unistd.h>'
	echo 'static int first_time(int s) {'
	echo '	char path[4096];'
	echo '	snprintf(path, sizeof(path), "%s/m%d", getenv("FLAKY_DIR"), s);'
	echo '	if (!access(path, F_OK)) return 0;'
	echo '	close(open(path, O_WRONLY | O_CREAT, 0644));'
	echo '	return 1;'
	echo '}'
	for s in $(seq 1 "$S"); do
		for t in $(seq 0 $((T - 1))); do
			if [ "$t" -eq "$flaky_at" ]; then
				echo "PT_TEST(s$s, t$t) { if (first_time($s)) PT_FAIL(\"first attempt\"); }"
			else
				echo "PT_TEST(s$s, t$t) { }"
			fi
		done
	done
} > flaky.c
build_native flaky.c flaky
export FLAKY_DIR="$tmp/fd"
marked() { rm -rf fd; mkdir fd; for s in $(seq 1 "$S"); do : > "fd/m$s"; done; }
unmarked() { rm -rf fd; mkdir fd; }
export -f marked unmarked
export S

run_clean="$partest -j2 --start $START --state-dir st ./flaky"
run_retries="$partest -j2 --start $START --state-dir st --retries 1 ./flaky"
run_rerun="sh -c '$partest -j2 --start $START --state-dir st ./flaky >/dev/null || $partest -j2 --start $START --state-dir st --rerun-failed ./flaky'"

unmarked
$run_retries | tail -n 1 | grep -qx "$((S * (T - 1))) passed, $S flaky, 0 failed, 0 skipped" ||
	{ echo "the retries run did not retry every flaky test"; exit 1; }
unmarked
eval "$run_rerun" | tail -n 1 | grep -qx "$S passed, 0 failed, 0 skipped" ||
	{ echo "the rerun did not pass the flaky tests"; exit 1; }

echo "== $S suites of $T tests, the flaky one $WHERE, --start $START, -j2"
hyperfine -N --runs "$RUNS" --export-json clean.json --prepare "bash -c marked" -n clean "$run_clean" \
	--prepare "bash -c marked" -n "clean, --retries 1" "$run_retries" \
	--prepare "bash -c unmarked" -n "retries 1" "$run_retries" \
	--prepare "bash -c unmarked" -n "rerun (peer)" "$run_rerun"
jq -r --argjson s "$S" '.results as $r | ($r[0].mean) as $clean | ($r[1].mean) as $allowed |
	"clean: \($clean * 1000 | floor) ms; allowing retries: \((($allowed - $clean) * 1000 | floor)) ms in all; " +
	"a retry: \((($r[2].mean - $allowed) * 1000 / $s * 100 | floor) / 100) ms; " +
	"the peer (a second run), per test: \((($r[3].mean - $clean) * 1000 / $s * 100 | floor) / 100) ms; " +
	"retries vs the peer: \(($r[2].mean * 1000 | floor)) ms vs \(($r[3].mean * 1000 | floor)) ms"' clean.json
