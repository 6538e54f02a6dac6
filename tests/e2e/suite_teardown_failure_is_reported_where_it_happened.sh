#!/bin/sh
# A worker that crashes or hangs in a suite's tear-down, after the suite's
# tests all passed: the tear-down is reported as what failed, the passed tests
# stay passed, and the program's other suites still run.
. "$(dirname "$0")/lib.sh"

teardowns=$(private_copy teardowns)
for start in spawn fork; do
	PARTEST_E2E_TEARDOWN=crash run -j1 --start "$start" "$teardowns"
	check "$start, crash: the run fails" status_is 1
	check "$start, crash: the tear-down is the crash" \
		grep -q '^CRASH .*teardowns::fragile::\[suite-teardown\]' out
	check "$start, crash: the signal is named, in the tear-down" \
		out_has 'was killed by SIGABRT (Aborted) during the suite'"'"'s tear-down'
	check "$start, crash: the passed tests stay passed, the other suite runs" \
		last_line_is '3 passed, 1 failed, 0 skipped'
	check "$start, crash: nothing is blamed on an init phase" out_lacks 'init phase'
done

PARTEST_E2E_TEARDOWN=hang run -j1 --timeout 1 --kill-grace 0.3 "$teardowns"
check "hang: the run ends, failed" status_is 1
check "hang: the tear-down is timed out" \
	grep -q '^TIMEOUT .*teardowns::fragile::\[suite-teardown\]' out
check "hang: the message says it was the tear-down and --timeout" \
	out_has "the suite's tear-down did not end within --timeout 1 s"
check "hang: the passed tests stay passed" last_line_is '3 passed, 1 failed, 0 skipped'
check "no worker is left running" none_running "$teardowns"
check "nothing is left behind" no_run_dirs_left
done_testing
