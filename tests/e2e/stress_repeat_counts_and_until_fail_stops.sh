#!/bin/sh
# --repeat N runs each selected test N times over all the workers and counts
# the runs of each test that did not always pass; --until-fail stops at the
# first failure, within N rounds or round after round.
. "$(dirname "$0")/lib.sh"

export COUNT_DIR="$work/counts"
mkdir "$COUNT_DIR"
counted="$PROGRAMS/counted"

run -j2 --repeat 5 --events events.jsonl --filter '*every_second*' --filter '*always*' "$counted"
check "a test that failed in some runs fails the run" status_is 1
check "its runs are counted" \
	out_has "$counted::counted::fails_every_second_run: 3 passed, 2 failed of 5"
check "a test that always passed is not listed" out_lacks "always_passes: "
check "every run is in the summary" last_line_is '8 passed, 2 failed, 0 skipped'
check "each test ran five times" sh -c '[ "$(cat "$COUNT_DIR/always")" = 5 ]'
check "the event stream numbers the rounds" sh -c \
	'[ "$(grep "\"type\":\"test_end\"" events.jsonl | grep -o "\"repeat\":[0-9]*" | sort -u | wc -l)" = 5 ]'
check "the runs were spread over both workers" sh -c \
	'grep -q "\"worker\":1" events.jsonl && grep -q "\"worker\":2" events.jsonl'

rm -f "$COUNT_DIR"/*
run -j1 --repeat 4 --retries 1 --filter '*every_second*' "$counted"
check "runs that passed on a retry pass the run" status_is 0
check "and are counted as flaky" \
	out_has "$counted::counted::fails_every_second_run: 1 passed, 3 flaky, 0 failed of 4"

rm -f "$COUNT_DIR"/*
run -j2 --repeat 3 --junit report.xml "$counted"
check "in JUnit every run is a test case of its own" \
	sh -c '[ "$(grep -c "<testcase " report.xml)" = 9 ]'
check "and the report stays valid" sh -c \
	'xmllint --noout --schema "$PARTEST_SOURCE/tests/schemas/junit.xsd" report.xml 2>xmllint.err'

rm -f "$COUNT_DIR"/*
run -j1 --until-fail --filter '*third*' "$counted"
check "--until-fail fails the run" status_is 1
check "it stopped at the third run, which failed" sh -c '[ "$(cat "$COUNT_DIR/third")" = 3 ]'
check "the counts say so" out_has "fails_on_its_third_run: 2 passed, 1 failed of 3"

rm -f "$COUNT_DIR"/*
run -j1 --repeat 10 --until-fail --filter '*third*' "$counted"
check "--repeat 10 --until-fail fails the run" status_is 1
check "and started no run after the failing third" sh -c '[ "$(cat "$COUNT_DIR/third")" = 3 ]'
check "the rounds not run are counted" out_has 'not run'

rm -f "$COUNT_DIR"/*
run -j2 --repeat 2 --until-fail --filter '*always*' "$counted"
check "--until-fail within rounds that all pass passes" status_is 0
check "after the rounds asked" sh -c '[ "$(cat "$COUNT_DIR/always")" = 2 ]'

run --repeat 0 "$counted"
check "--repeat 0 is a usage error" status_is 2
check "said in one line" err_is_one_line
done_testing
