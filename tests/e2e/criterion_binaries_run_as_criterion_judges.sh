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
check "a suite of 100 tests runs, in several runs of the binary" last_line_is '100 passed, 0 failed, 0 skipped'
check "nothing is left behind" no_run_dirs_left
done_testing
