#!/bin/sh
# Resource control: tests that share a lock never run at once, an exclusive
# test runs alone, a test's weight counts against -j; every test still runs.
# (tests/programs/resources.c fails a test that sees what should not run
# beside it.)
. "$(dirname "$0")/lib.sh"

export RESOURCES_DIR="$work/resources"
mkdir "$RESOURCES_DIR"
for round in 1 2 3; do
	run -j3 --shuffle="$round" "$PROGRAMS/resources"
	check "round $round: no lock shared, the exclusive test alone, weights within -j" \
		last_line_is '10 passed, 0 failed, 0 skipped'
done
run -j3 --start isolate "$PROGRAMS/resources"
check "under isolate too" last_line_is '10 passed, 0 failed, 0 skipped'
check "nothing is left behind" no_run_dirs_left
done_testing
