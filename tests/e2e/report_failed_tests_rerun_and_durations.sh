#!/bin/sh
# At the end of the console output: the failed tests, one a line, each with
# the command that re-runs just that test (and it does), and --durations N:
# the N slowest tests and groups; the summary stays the last line.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/sleepy" "$work/sleepy"
cp "$PROGRAMS/behaviours" "$work/odd [name]"
run -j2 --durations 2 --filter '*long*' --filter '*medium*' --filter '*fails_first*' \
	--filter '*asserts::int_mismatch' --filter '*ok::passes' ./sleepy './odd [name]'
check "the run fails" status_is 1
check "a heading before the failed tests" out_has 'Failed tests (each line re-runs one):'
check "a line per failed test with its re-run command, the id a quoted glob" \
	out_has "  FAIL     partest --filter 'odd \\[name\\]::asserts::int_mismatch' 'odd [name]'"
check "one for each failure" sh -c '[ "$(grep -c "^  FAIL     partest " out)" -eq 2 ]'
check "the summary is still the last line" last_line_is "5 passed, 2 failed, 0 skipped"

# Each command, run with the partest under test, runs its test alone.
grep '^  FAIL     partest ' out | sed 's/^  FAIL     partest //' >commands
while read -r command; do
	eval "set -- $command"
	"$PARTEST" "$@" >rerun.out 2>&1
	check "re-running $1 $2 runs one test" grep -qx '1 tests in [0-9.]* s' rerun.out
done <commands

check "--durations heads the slowest tests" out_has 'Slowest 2 tests:'
check "the slowest test first" sh -c 'grep -A1 "^Slowest 2 tests:" out | tail -n 1 | grep -q "s  sleepy::long_suite::"'
check "then the slowest groups, with their size" \
	sh -c 'grep -A2 "^Slowest 2 groups:" out | grep -q "s  sleepy::long_suite  (2 tests)$"'
run --durations 0 ./sleepy
check "--durations 0 is a usage error" status_is 2
check "said in one line" err_has 'partest: --durations "0": expected a positive number'
done_testing
