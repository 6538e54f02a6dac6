#!/bin/sh
# partest --ctest BUILD: a CMake build's tests, run as they are. Every test's
# verdict is the one `ctest -j2` gives; the entries gtest_discover_tests made
# are run in batches through their GoogleTest binary; selecting a test that
# requires a fixture pulls in its set-up and clean-up.
. "$(dirname "$0")/lib.sh"

command -v cmake >/dev/null && command -v ninja >/dev/null || { echo "1..0 # SKIP no cmake"; exit 0; }
cmake -S "$PARTEST_SOURCE/tests/suites/cmake" -B build -G Ninja >cmake.log 2>&1 &&
	ninja -C build >>cmake.log 2>&1 || { cat cmake.log; exit 1; }
rm -rf tmp/* # CMake's own scratch files

(cd build && ctest -j2 >../ctest.out 2>&1)
(cd build && ctest --show-only=json-v1 >../tests.json)
run -j2 -v --ctest build
check "a failure fails the run" status_is 1

# pass, fail or skip for each ctest name, from ctest's console and from partest's.
/usr/bin/python3 - <<'PY' >verdicts || exit 1
import json, re
tests = json.load(open("tests.json"))["tests"]
ctest = {}
for line in open("ctest.out"):
    m = re.search(r"Test +#\d+: (\S+) \.+(.*)", line)
    if m:
        word = m.group(2)
        ctest[m.group(1)] = ("skip" if "Skipped" in word or "Disabled" in word
                             else "pass" if "Passed" in word and "***" not in word else "fail")
partest = {}
for line in open("out"):
    m = re.match(r"(PASS|FAIL|SKIP|CRASH|TIMEOUT|LEAK|NOT RUN) +(\S+)  \[", line)
    if m:
        partest[m.group(2)] = {"PASS": "pass", "SKIP": "skip"}.get(m.group(1), "fail")
for test in tests:
    name = test["name"]
    gtest = [a[15:] for a in test["command"][1:] if a.startswith("--gtest_filter=")]
    if gtest:
        suite, _, case = gtest[0].partition(".")
        ids = [i for i in partest if i.endswith("/gtest_sample::%s::%s" % (suite, case))]
    else:
        ids = [i for i in partest if i.startswith("build::") and i.endswith("::" + name)]
    print(name, ctest.get(name), partest[ids[0]] if len(ids) == 1 else None)
PY
check "every ctest test was run by both" sh -c '[ "$(wc -l <verdicts)" -eq 36 ] && ! grep -q None verdicts'
check "every verdict is ctest's" sh -c '! awk "\$2 != \$3" verdicts | grep .'
awk '$2 != $3 { print "# differs: " $0 }' verdicts
check "GoogleTest entries ran through their binary" grep -q 'PASS .*build/gtest_sample::Typed/1::ZeroIsFalse' out
check "WILL_FAIL inverts" grep -q 'PASS .*build::will_fail::will_fail' out
check "FAIL_REGULAR_EXPRESSION says why" out_has 'matches FAIL_REGULAR_EXPRESSION "ERROR"'
check "TIMEOUT is the test's time limit" grep -q 'TIMEOUT .*build::times_out' out

run --list -v --ctest build
check "LABELS are the test's tags" out_has 'build::labelled::labelled  [db fast]'

run -j2 -v --filter '*::db_uses' --ctest build
check "a test that requires a fixture brings its set-up and clean-up" \
	last_line_is '3 passed, 0 failed, 0 skipped'
check "set-up, test, clean-up in order" sh -c \
	'grep -o "db_[a-z]*  \[" out | tr -d " [" | tr "\n" " " | grep -qx "db_up db_uses db_down "'

sqlite3 test.db 'create table t (x)'
run -j2 --db sqlite:test.db --filter '*::database_url' --ctest build
check "a test gets its worker's DATABASE_URL" last_line_is '1 passed, 0 failed, 0 skipped'
PROBE_LEAK=1 run -j2 --filter '*::leaks' --ctest build
check "a test that leaves a process behind is a leak" grep -q 'LEAK .*build::leaks::leaks' out
check "which is killed, and named" out_has 'left processes running after it exited: pid'

run --ctest nowhere
check "a build that is not there: exit 2" status_is 2
check "in one line" err_is_one_line
check "saying which and why" err_has 'cannot read the tests of CMake build "nowhere"'
check "nothing is left behind" no_run_dirs_left
done_testing
