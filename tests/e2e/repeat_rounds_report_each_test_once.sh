#!/bin/sh
# What the console says of repeated runs: under --repeat the failed-test
# list has one re-run line per test, not one per failed run; under
# --until-fail without --repeat, where rounds run one after another, the
# live status line counts the round's tests, and the line off a terminal
# for a finished program is written once, for its first round.
. "$(dirname "$0")/lib.sh"

export COUNT_DIR="$work/counts"
mkdir "$COUNT_DIR"
counted="$PROGRAMS/counted"

run -j2 --repeat 6 --filter '*every_second*' "$counted"
check "a test failing every second run fails the run" status_is 1
check "three of its runs failed" last_line_is '3 passed, 3 failed, 0 skipped'
check "the failed-test list has one line for it" \
	[ "$(grep -c '^  FAIL .*every_second' out)" -eq 1 ]

rm -f "$COUNT_DIR"/*
run -j1 --until-fail --filter '*third*' --filter '*always*' "$counted"
check "--until-fail stops at the third round" status_is 1
check "the program's line is written once" [ "$(grep -c '^done ' out)" -eq 1 ]
check "for its first round's tests" \
	out_has "done    $counted  [2 tests: 2 passed, 0 failed, 0 skipped]"

if command -v script >/dev/null 2>&1; then
	rm -f "$COUNT_DIR"/*
	script -qec "'$PARTEST' -j1 --until-fail --filter '*third*' --filter '*always*' '$counted'" \
		/dev/null >tty.out </dev/null
	grep -o '\[[0-9]*/[0-9]*\]' tty.out | cut -d/ -f2 | sort -u >totals
	check "on a terminal, every round's status line counts the round's 2 tests" \
		[ "$(cat totals)" = '2]' ]
fi
done_testing
