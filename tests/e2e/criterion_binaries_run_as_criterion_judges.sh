#!/bin/sh
# A Criterion binary, as it is: recognised without being run, listed with
# --list, run a suite per process with --filter, every test's verdict the
# one the binary's own `--jobs 2` run gives (.signal and .exit_code
# expectations, crashes, skips and disabled tests included).
. "$(dirname "$0")/lib.sh"

cc -o criterion_sample "$PARTEST_SOURCE/tests/suites/criterion/criterion_sample.c" -lcriterion ||
	exit 1

run --explain ./criterion_sample
check "--explain names the adapter" out_has 'criterion_sample: criterion (through partest'

run --list ./criterion_sample
check "every test is listed" [ "$(grep -c '^criterion_sample::' out)" -eq 10 ]
check "a disabled test too" out_has 'criterion_sample::arithmetic::never_runs'

./criterion_sample --jobs 2 --json=own.json >/dev/null 2>&1
run -j2 -v ./criterion_sample
check "a failure fails the run" status_is 1
check "as many passes, failures and skips" last_line_is '5 passed, 3 failed, 2 skipped'
/usr/bin/python3 - <<'PY' >verdicts || exit 1
import json, re
own = {}
for suite in json.load(open("own.json"))["test_suites"]:
    for test in suite["tests"]:
        own["%s::%s" % (suite["name"], test["name"])] = {
            "PASSED": "pass", "SKIPPED": "skip"}.get(test["status"], "fail")
for line in open("out"):
    m = re.match(r"(PASS|FAIL|SKIP|CRASH|TIMEOUT|LEAK|NOT RUN) +criterion_sample::(\S+)  \[", line)
    if m:
        print(m.group(2), own.get(m.group(2)), {"PASS": "pass", "SKIP": "skip"}.get(m.group(1), "fail"))
PY
check "every test was judged by both" [ "$(wc -l <verdicts)" -eq 10 ]
check "every verdict is Criterion's" sh -c '! awk "\$2 != \$3" verdicts | grep .'
awk '$2 != $3 { print "# differs: " $0 }' verdicts
check "an expected signal passes" grep -q 'PASS .*expectations::raises' out
check "an expected exit status passes" grep -q 'PASS .*expectations::exits_three' out
check "a failure keeps its file:line" out_has 'criterion_sample.c:16: arithmetic is broken'
check "a skip keeps its reason" out_has 'not today'
# A suite of 100 tests: Criterion 2.4 crashes on a --filter that names them all.
"$PARTEST_SOURCE/bench/gen_native.sh" criterion 100 >hundred.c
cc -o hundred hundred.c -lcriterion || exit 1
run -j1 ./hundred
check "a suite of 100 tests runs" last_line_is '100 passed, 0 failed, 0 skipped'
run -j1 --filter 'hundred::s0::t[1-6]?' ./hundred
check "60 of its tests run, in runs of the binary that name them" \
	last_line_is '60 passed, 0 failed, 0 skipped'

# A whole suite is one run of Criterion's runner, whatever its size: each
# start of the binary that is not one of Criterion's per-test workers
# ("boxfort-worker") writes a line to $RUNS_LOG.
cat >runs.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
__attribute__((constructor)) static void logged(int argc, char **argv)
{
	FILE *log = strcmp(argv[0], "boxfort-worker") ? fopen(getenv("RUNS_LOG"), "a") : NULL;
	if (log) {
		fprintf(log, "%s\n", argc > 1 ? argv[1] : "");
		fclose(log);
	}
}
EOF
for s in 1 2 3; do for t in $(seq 40); do echo "Test(s$s, t$t) { cr_assert_eq($t, $t); }"; done; done >>runs.c
cc -o runs runs.c -lcriterion || exit 1
RUNS_LOG=$work/runs.log run -j1 ./runs
check "three suites of 40 tests pass" last_line_is '120 passed, 0 failed, 0 skipped'
check "in one run of the binary a suite (beside two listings)" sh -c \
	"[ \"\$(grep -c -- '--jobs' runs.log)\" -eq 3 ] && [ \"\$(grep -c -- '--list' runs.log)\" -eq 2 ]"
cat >leaks.c <<'EOF'
#include <stdlib.h>
#include <criterion/criterion.h>
Test(leaky, leaves_a_process) { cr_assert_eq(system("sleep 60 >/dev/null 2>&1 &"), 0); }
Test(leaky, clean) { cr_assert(1); }
EOF
cc -o leaks leaks.c -lcriterion || exit 1
run -j1 -v ./leaks
check "a process a run of the binary left is charged to its last test" grep -q 'LEAK .*leaky::' out
check "saying any test of the run may have started it" out_has 'any of them may have started them'
check "and killed" sh -c '! pgrep -f "^sleep 60$" >/dev/null'
run -j1 -v --start isolate ./leaks
check "under isolate, to the test that left it" grep -q 'LEAK .*leaky::leaves_a_process' out
check "and the other passes" grep -q 'PASS .*leaky::clean' out
check "nothing is left behind" no_run_dirs_left
done_testing
