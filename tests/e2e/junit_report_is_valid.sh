#!/bin/sh
# --junit writes a report that validates against tests/schemas/junit.xsd
# (Jenkins xUnit's junit-10.xsd plus file and line on test cases), with a
# testsuite per suite, failures with messages, captured output and times;
# also when the run was interrupted or stopped by --failfast, where the test
# that was running is an error and the rest are not run, never clean skips.
. "$(dirname "$0")/lib.sh"

schema="$PARTEST_SOURCE/tests/schemas/junit.xsd"
valid() { xmllint --noout --schema "$schema" "$1" 2>xmllint.err; }

run -j2 --junit report.xml --filter '*ok*' --filter '*output*' --filter '*crash*' \
	--filter '*asserts::skipped' "$PROGRAMS/behaviours"
check "the run fails (some tests do)" status_is 1
check "the report exists" [ -s report.xml ]
check "the report validates against the schema" valid report.xml
check "a testsuite per suite" sh -c '[ "$(grep -c "<testsuite " report.xml)" -eq 4 ]'
check "<testsuites> carries no skipped count" sh -c '! grep -q "<testsuites [^>]*skipped=" report.xml'
check "a failure carries its message" grep -q '<failure message="[^"]*failing on purpose' report.xml
check "a crash is an error" grep -q '<error message="[^"]*SIGSEGV' report.xml
check "captured stdout is kept" grep -q '<system-out>to stdout' report.xml
check "a skip's reason is in its text too" \
	grep -q '<skipped message="feature flag off" type="SKIP">feature flag off</skipped>' report.xml
check "times are recorded" grep -q 'time="[0-9]*\.[0-9][0-9][0-9]"' report.xml
check "a C test carries the file and line where it is defined" \
	grep -q '<testcase name="passes" classname="[^"]*behaviours.ok" time="[0-9.]*" file="tests/programs/behaviours.c" line="[0-9]*"' report.xml

# Interrupted while forever::one runs; long_suite has not started (-j1, reversed).
sleepy=$(private_copy sleepy)
export SLEEPY_LOG="$work/sleepy.log"
"$PARTEST" -j1 --reverse --junit interrupted.xml --filter '*forever*' --filter '*long*' \
	"$sleepy" >out 2>err </dev/null &
pid=$!
i=0
while ! grep -q forever "$SLEEPY_LOG" 2>/dev/null && [ "$i" -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
status=$?
check "an interrupted run exits 130" status_is 130
check "and still writes a report that validates" valid interrupted.xml
check "the test that was running is an error: interrupted" \
	grep -q '<error message="interrupted" type="interrupted">' interrupted.xml
check "the tests that never started are not run, not clean skips" \
	sh -c '[ "$(grep -c "<skipped message=\"not run: interrupted\" type=\"not-run\">" interrupted.xml)" -eq 2 ]'
check "the counts say so" \
	grep -q 'tests="3" failures="0" errors="1"' interrupted.xml

run -j1 --failfast --junit failfast.xml --filter '*fails_first*' "$sleepy"
check "a --failfast run writes a report that validates" valid failfast.xml
check "the test after the failure is not run" \
	grep -q '<skipped message="not run: --failfast after a failure" type="not-run">' failfast.xml
done_testing
