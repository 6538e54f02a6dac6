#!/bin/sh
# A worker written in Python from docs/protocol.md alone
# (tests/workers/py_worker.py) is driven like a C program: each test's status,
# a failed suite set-up reported on each of its tests, and every test's output
# attributed to that test, whether one process runs a whole group or a fresh
# process (on the slot's same output files) runs each test.
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP no python3 on PATH"
	exit 0
fi
. "$(dirname "$0")/lib.sh"

# Python block-buffers stdout into a file: the worker's own flushing before
# it reads its offsets is what is tested, not this variable's.
unset PYTHONUNBUFFERED
cp "$PARTEST_SOURCE/tests/workers/py_worker.py" "$work/py_worker.py"
worker="$work/py_worker.py"

# verdict STATUS NAME: the -v line of the test SUITE::NAME says STATUS.
verdict() { awk -v s="$1" -v id="$worker::$2" '$1 == s && $2 == id { found = 1 } END { exit !found }' out; }
# testcase FILE NAME: the JUnit <testcase> element of the test NAME.
testcase() {
	awk -v start="<testcase name=\"$2\"" '
		index($0, start) { on = 1; print; if (/\/>$/) on = 0; next }
		on { print; if (/<\/testcase>/) on = 0 }' "$1"
}
# case_has FILE NAME TEXT: that element contains TEXT.
case_has() { testcase "$1" "$2" | grep -qF -- "$3"; }
# only_in FILE NAME TEXT: TEXT is in the report once, in the test NAME.
only_in() { [ "$(grep -cF -- "$3" "$1")" -eq 1 ] && case_has "$@"; }
lines_with() { grep -cF -- "$2" "$1"; }

setup_message='suite set-up failed: cannot reach the fixture server'
fails_with_message() { verdict FAIL basics::fails && out_has 'expected 5, got 4'; }
skips_with_reason() { verdict SKIP basics::skips && out_has 'no network here'; }
setup_fails_each() { verdict FAIL broken::first && verdict FAIL broken::second; }
# The set-up's message once on each of its two tests, in the summary and in JUnit.
setup_message_once_each() {
	[ "$(lines_with out "$setup_message")" -eq 2 ] &&
		[ "$(lines_with "$1" "$setup_message")" -eq 2 ] &&
		case_has "$1" first "$setup_message" && case_has "$1" second "$setup_message"
}
# A passing test's output is counted, not kept: "hello from prints\n" and
# "child of prints\n" are 34 bytes, "warning from prints\n" 20.
stdout_is_its_own() { only_in "$1" prints '[partest: 34 bytes written to stdout, not kept]'; }
silent_tests_have_no_output() { ! case_has "$1" passes '<system-' && ! case_has "$1" skips '<system-'; }
no_worker_left() { ! pgrep -f "$worker" >/dev/null; }
listed() { [ "$(wc -l <out)" -eq 6 ] && grep -qxF "$worker::basics::passes" out && grep -qxF "$worker::broken::second" out; }

run --explain "$worker"
check "it is recognised as a script worker, spawned" out_has 'script worker, spawn'
run --list "$worker"
check "it lists its tests in two suites" listed

# spawn: one process runs each group; isolate: a fresh process for each test,
# on its slot's output files, so that its first offsets are not 0.
for start in spawn isolate; do
	report="$start.xml"
	run -j2 -v --start "$start" --junit "$report" "$worker"
	check "$start: a failing test fails the run" status_is 1
	check "$start: the counts add up" last_line_is '2 passed, 3 failed, 1 skipped'
	check "$start: a passing test passes" verdict PASS basics::passes
	check "$start: a failing test fails with its message" fails_with_message
	check "$start: a skip gives its reason" skips_with_reason
	check "$start: a failed suite set-up fails each of its tests" setup_fails_each
	check "$start: with the set-up's message, once on each" setup_message_once_each "$report"
	check "$start: the JUnit report counts the same" \
		grep -q '<testsuites name="partest" tests="6" failures="3" errors="0"' "$report"
	check "$start: the printing test's stdout is its own, its child's included" \
		stdout_is_its_own "$report"
	check "$start: and so is its stderr" \
		only_in "$report" prints '[partest: 20 bytes written to stderr, not kept]'
	check "$start: the next test's output is the next test's" \
		only_in "$report" fails 'about to fail'
	check "$start: a test that printed nothing has no output" \
		silent_tests_have_no_output "$report"
	check "$start: no test of the failed set-up ran" out_lacks 'must never run'
	check "$start: no worker is left" no_worker_left
done
done_testing
