#!/bin/sh
# partest --meson BUILD: a meson build's tests, run as they are. Every test's
# verdict is the one `meson test --num-processes 2` gives (should_fail
# included, which partest reads from meson's own set-up data); a gtest-protocol
# test is its GoogleTest binary's tests, run in batches (it fails when one
# of them fails, as meson's one verdict for it does).
. "$(dirname "$0")/lib.sh"

command -v meson >/dev/null && command -v ninja >/dev/null || { echo "1..0 # SKIP no meson"; exit 0; }
meson setup build "$PARTEST_SOURCE/tests/suites" >meson.log 2>&1 &&
	ninja -C build >>meson.log 2>&1 || { cat meson.log; exit 1; }
rm -rf tmp/*

(cd build && meson test --num-processes 2 --no-rebuild >../meson.out 2>&1)
run -j2 -v --meson build
check "a failure fails the run" status_is 1

/usr/bin/python3 - <<'PY' >verdicts || exit 1
import json, re
tests = json.load(open("build/meson-info/intro-tests.json"))
meson = {}
for line in open("meson.out"):
    m = re.match(r"\s*\d+/\d+ \S+ / (.+?)\s+(OK|FAIL|SKIP|TIMEOUT|EXPECTEDFAIL|UNEXPECTEDPASS|ERROR)\b", line)
    if m:
        meson[m.group(1)] = {"OK": "pass", "SKIP": "skip", "EXPECTEDFAIL": "pass"}.get(m.group(2), "fail")
partest = {}
for line in open("out"):
    m = re.match(r"(PASS|FAIL|SKIP|CRASH|TIMEOUT|LEAK|NOT RUN) +(\S+)  \[", line)
    if m:
        partest[m.group(2)] = {"PASS": "pass", "SKIP": "skip"}.get(m.group(1), "fail")
for test in tests:
    name = test["name"]
    if test["protocol"] == "gtest":
        mine = [v for i, v in partest.items() if i.startswith("build/gtest_sample::")]
        verdict = "fail" if "fail" in mine else "pass" if mine else None
    else:
        word = re.sub(r"\s", "_", name)
        verdict = partest.get("build::%s::%s" % (word, word))
    print(name.replace(" ", "_"), meson.get(name), verdict)
PY
check "every meson test was run by both" sh -c '[ "$(wc -l <verdicts)" -eq 17 ] && ! grep -q None verdicts'
check "every verdict is meson's" sh -c '! awk "\$2 != \$3" verdicts | grep .'
awk '$2 != $3 { print "# differs: " $0 }' verdicts
check "the gtest protocol's binary ran test by test" grep -q 'CRASH .*build/gtest_sample::Crashing::Aborts' out
check "TAP output is judged" grep -q 'FAIL .*build::tap_fails::tap_fails' out
check "timeout is the test's time limit" grep -q 'TIMEOUT .*build::times_out::times_out' out
check "should_fail: a failure passes" grep -q 'PASS .*build::should_fail_fails::' out
check "should_fail: a pass fails, saying why" out_has 'it passed, and should_fail says it should fail'
check "should_fail: a failing TAP test passes" grep -q 'PASS .*build::should_fail_tap::' out
check "should_fail: a TAP bail out is still an error" grep -q 'FAIL .*build::should_fail_bails_out::' out
check "a name with a space becomes a word" out_has 'build::times_out::times_out'

run --list -v --meson build
check "suites are the test's tags" out_has 'build::in_suites::in_suites  [fast db]'
check "higher priority is listed, so run, first" sh -c 'head -n 1 out | grep -q "build::first::first"'

PROBE_LEAK=1 run -j2 --filter '*::leaks' --meson build
check "a test that leaves a process behind is a leak" grep -q 'LEAK .*build::leaks::leaks' out

run --meson nowhere
check "a build that is not there: exit 2" status_is 2
check "in one line" err_is_one_line
check "saying which and why" err_has 'cannot read the tests of meson build "nowhere"'
check "nothing is left behind" no_run_dirs_left
done_testing
