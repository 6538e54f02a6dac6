#!/bin/sh
# --junit writes a report that parses, with a testsuite per suite, failures
# with messages, captured output and times.
. "$(dirname "$0")/lib.sh"

run -j2 --junit report.xml --filter '*ok*' --filter '*output*' --filter '*crash*' \
	--filter '*asserts::skipped' "$PROGRAMS/behaviours"
check "the run fails (some tests do)" status_is 1
check "the report exists" [ -s report.xml ]
if command -v xmllint >/dev/null 2>&1; then
	check "the report is well-formed XML" xmllint --noout report.xml
else
	echo "ok $((checks += 1)) - the report is well-formed XML # SKIP xmllint not installed"
fi
check "a testsuite per suite" sh -c '[ "$(grep -c "<testsuite " report.xml)" -eq 4 ]'
check "a failure carries its message" grep -q '<failure message="[^"]*failing on purpose' report.xml
check "a crash is an error" grep -q '<error message="[^"]*SIGSEGV' report.xml
check "captured stdout is kept" grep -q '<system-out>to stdout' report.xml
check "a skipped test is marked" grep -q '<skipped message="feature flag off"' report.xml
check "times are recorded" grep -q 'time="[0-9]*\.[0-9][0-9][0-9]"' report.xml
done_testing
