#!/bin/sh
# --retries N runs a test that failed, crashed or timed out again, up to N
# more times, on a fresh worker whose PARTEST_ATTEMPT says which attempt it
# is, its suite set-up run first; .retries on a C test wins over it. A test
# that passes on a retry is FLAKY everywhere (console, summary, JUnit's
# flakyFailure, the event stream's attempts, TAP's # flaky); one failing
# every attempt runs N + 1 times and fails, with a rerunFailure per retry;
# --flaky-result fail makes a flaky test fail the run. The tests leave a
# file per attempt in FLAKY_DIR (TMPDIR is renewed between attempts).
. "$(dirname "$0")/lib.sh"

schema="$PARTEST_SOURCE/tests/schemas/junit.xsd"
flaky="$PROGRAMS/flaky"
fresh() { rm -rf "$work/fd"; mkdir "$work/fd"; }
export FLAKY_DIR="$work/fd"
# runs_of NAME: how many attempts of NAME ran.
runs_of() { grep -c "^$1 " "$FLAKY_DIR/log"; }
# attempts_of NAME: the PARTEST_ATTEMPT each attempt of NAME saw, in order.
attempts_of() { grep "^$1 " "$FLAKY_DIR/log" | cut -d' ' -f2 | tr '\n' ' '; }

# set_up_before_retry: the second attempt of fails_once ran in a process
# whose suite set-up, logged as attempt 2, came first (other workers' lines
# may fall between the two).
set_up_before_retry() {
	pid=$(awk '$1 == "fails_once" && $2 == 2 { print $4 }' "$FLAKY_DIR/log")
	[ -n "$pid" ] && awk -v pid="$pid" '
		$1 == "setup" && $2 == 2 && $4 == pid { setup = 1 }
		$1 == "fails_once" && $4 == pid { exit !setup }
		END { if (!setup) exit 1 }' "$FLAKY_DIR/log"
}

cat >once.sh <<'SH'
#!/bin/sh
echo "once.sh $PARTEST_ATTEMPT" >>"$FLAKY_DIR/log"
[ -e "$FLAKY_DIR/once.sh.ran" ] && exit 0
touch "$FLAKY_DIR/once.sh.ran"
echo "first attempt fails" >&2
exit 1
SH
chmod +x once.sh

fresh
run -j2 --filter '*fails_once' --filter '*crashes_once' --filter '*always_fails' \
	--filter once.sh "$flaky" ./once.sh
check "without --retries a test that fails once fails the run" status_is 1
check "and runs once" [ "$(runs_of fails_once)" -eq 1 ]
check "the script too" [ "$(runs_of once.sh)" -eq 1 ]
check "nothing is flaky" last_line_is '0 passed, 4 failed, 0 skipped'

fresh
run -j2 --retries 2 --junit report.xml --events events.jsonl --tap report.tap \
	--filter '*before' --filter '*fails_once' --filter '*after' --filter '*crashes_once' \
	--filter '*always_fails' --filter once.sh "$flaky" ./once.sh
check "with --retries 2 the run still fails: one test fails every attempt" status_is 1
check "a C test that fails once passes on its second attempt, as FLAKY" \
	out_has "FLAKY   $flaky::flaky::fails_once"
check "so does a script" out_has 'FLAKY   once.sh'
check "a crashed test is retried too" out_has "FLAKY   $flaky::flaky::crashes_once"
check "each failed attempt has a RETRY line with why" \
	out_has "RETRY   $flaky::flaky::crashes_once  [worker"
check "the summary counts the flaky tests apart" last_line_is '2 passed, 3 flaky, 1 failed, 0 skipped'
check "a test failing every attempt runs N + 1 times" [ "$(runs_of always_fails)" -eq 3 ]
check "each attempt sees its number in PARTEST_ATTEMPT" [ "$(attempts_of always_fails)" = "1 2 3 " ]
check "the script sees it too" [ "$(attempts_of once.sh)" = "1 2 " ]
check "the retry's suite set-up runs first, in the retry's process" \
	set_up_before_retry
check "the rest of the group runs on a worker whose attempt is 1" [ "$(attempts_of after)" = "1 " ]
check "tests before and after the retried one run once" \
	[ "$(runs_of before) $(runs_of after)" = "1 1" ]
check "the failed-test list names only the test that failed for good" \
	sh -c '[ "$(grep -c "^  FAIL " out)" -eq 1 ] && grep -q "^  FAIL .*always_fails" out'

check "the JUnit report validates" xmllint --noout --schema "$schema" report.xml
check "a flaky test passes with a flakyFailure per failed attempt" \
	sh -c 'grep -A1 "name=\"fails_once\"" report.xml | grep -q "<flakyFailure message=\"[^\"]*first attempt fails on purpose\" type=\"FAIL\">"'
check "a crashed attempt is a flakyError" grep -q '<flakyError message="[^"]*SIGSEGV' report.xml
check "a flaky attempt keeps its message as the stack trace and its output" \
	sh -c 'grep -q "<stackTrace>exited with status 1</stackTrace>" report.xml && grep -q "first attempt fails" report.xml'
check "a test failing every attempt has a failure and a rerunFailure per retry" \
	sh -c '[ "$(grep -c "<rerunFailure " report.xml)" -eq 2 ] && grep -q "<failure message=\"[^\"]*fails on every attempt" report.xml'
check "flaky tests are no failures in the counts" grep -q '<testsuites [^>]*failures="1" errors="0"' report.xml

field() { /usr/bin/python3 -c "import json; e = [json.loads(l) for l in open('events.jsonl')]; print($1)" 2>/dev/null; }
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	check "every event validates against the schema" /usr/bin/python3 -c '
import json, sys, jsonschema
validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for line in open("events.jsonl"):
    validator.validate(json.loads(line))' "$PARTEST_SOURCE/docs/events.schema.json"
else
	ok "# SKIP Debian's python3-jsonschema is not installed"
fi
check "every attempt has its test_start and test_end with its number" \
	[ "$(field '[(x["type"], x["attempt"], x.get("status")) for x in e if x.get("id") == "once.sh"]')" = \
	  "[('test_start', 1, None), ('test_end', 1, 'fail'), ('test_start', 2, None), ('test_end', 2, 'flaky')]" ]
check "run_end counts the flaky tests" [ "$(field 'e[-1]["counts"]["flaky"]')" = 3 ]
check "TAP says ok with a flaky note" grep -q '^ok [0-9]* - once.sh # flaky' report.tap
"$PARTEST" merge events.jsonl >merged.out 2>&1
check "partest merge reads the stream's results, not its failed attempts" \
	grep -qx 'merged 1 reports: 6 tests, 5 passed, 1 failed, 0 skipped, 0 not run' merged.out
"$PARTEST" merge report.xml >merged.out 2>&1
check "and the JUnit report's" \
	grep -qx 'merged 1 reports: 6 tests, 5 passed, 1 failed, 0 skipped, 0 not run' merged.out

fresh
run -j1 --filter '*fails_twice' --filter '*always_fails' --filter '*never_retried' "$flaky"
check ".retries = 2 on one C test retries only that test" \
	[ "$(runs_of fails_twice) $(runs_of always_fails)" = "3 1" ]
check "it passes on its third attempt, as FLAKY" last_line_is '0 passed, 1 flaky, 2 failed, 0 skipped'

fresh
run -j1 --retries 3 --filter '*never_retried' "$flaky"
check ".retries = -1 is never retried, whatever --retries says" [ "$(runs_of never_retried)" -eq 1 ]

fresh
run -j1 --retries 1 ./once.sh
check "a flaky test alone passes the run" status_is 0
fresh
GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$work/summary.md" run -j1 --retries 1 ./once.sh
check "in GitHub Actions a flaky test is a warning with its first attempt's message" \
	grep -q '^::warning file=once.sh,title=once.sh::flaky: passed on attempt 2; attempt 1: exited with status 1' out
check "and the step summary counts it" grep -q ', 1 flaky (passed on a retry)$' summary.md
fresh
run -j1 --retries 1 --flaky-result fail ./once.sh
check "--flaky-result fail makes it fail the run" status_is 1
check "and says it flaky" out_has 'FLAKY   once.sh'

# A suite driven through an adapter (here a unittest script) retries too.
cat >test_flaky.py <<'PY'
#!/usr/bin/python3
import os, unittest
class Flaky(unittest.TestCase):
    def test_once(self):
        log = os.path.join(os.environ["FLAKY_DIR"], "log")
        with open(log, "a") as f:
            f.write("py_once %s\n" % os.environ.get("PARTEST_ATTEMPT", "unset"))
        marker = os.path.join(os.environ["FLAKY_DIR"], "py_once.ran")
        if not os.path.exists(marker):
            open(marker, "w").close()
            self.fail("first attempt fails on purpose")
if __name__ == "__main__":
    unittest.main()
PY
chmod +x test_flaky.py
fresh
run -j1 --retries 1 ./test_flaky.py
check "a unittest test that fails once is FLAKY" out_has 'FLAKY   test_flaky.py::test_flaky.Flaky::test_once'
check "its attempts saw PARTEST_ATTEMPT 1 then 2" [ "$(attempts_of py_once)" = "1 2 " ]

fresh
run -j2 --retries 1 --state-dir state "$flaky" ./once.sh
run -j2 --state-dir state --rerun-failed --list "$flaky" ./once.sh
check "--rerun-failed picks only the tests that failed for good" \
	sh -c 'grep -q always_fails out && grep -q never_retried out && ! grep -q fails_once out && ! grep -q once.sh out'

run --retries x "$flaky"
check "--retries refuses what is not a count, in one line" status_is 2
check "saying so" sh -c 'grep -qx "partest: --retries \"x\": expected a number from 0 to 100" err'
run --flaky-result maybe "$flaky"
check "--flaky-result refuses what is not pass or fail" status_is 2
check "saying so" sh -c 'grep -qx "partest: --flaky-result \"maybe\": expected pass or fail" err'
check "no run directory is left behind" no_run_dirs_left
done_testing
