#!/bin/sh
# --reverse and --shuffle with ctest fixtures: a fixture's set-up still runs
# before the tests that require it and its clean-up after them. --reverse
# reverses the tests between (db_uses, db_reads), not the set-up and the
# clean-up; were they reversed too, the clean-up would remove what the
# set-up made before the tests could use it, and three of four would fail.
. "$(dirname "$0")/lib.sh"

command -v cmake >/dev/null && command -v ninja >/dev/null || { echo "1..0 # SKIP no cmake"; exit 0; }
cmake -S "$PARTEST_SOURCE/tests/suites/cmake" -B build -G Ninja >cmake.log 2>&1 &&
	ninja -C build >>cmake.log 2>&1 || { cat cmake.log; exit 1; }
rm -rf tmp/* # CMake's own scratch files

# The order the fixture's tests ran in, from partest's -v lines: "db_up db_uses ...".
order() { grep -o "db_[a-z]*  \[" out | tr -d " [" | tr "\n" " "; }
order_is() { [ "$(order)" = "$1" ]; }

run -j2 -v --filter '*::db_*' --ctest build
check "in definition order, set-up, the tests, clean-up" order_is \
	'db_up db_uses db_reads db_down '
check "all four pass" last_line_is '4 passed, 0 failed, 0 skipped'

run -j2 -v --reverse --filter '*::db_*' --ctest build
check "--reverse: the set-up first, the tests reversed, the clean-up last" order_is \
	'db_up db_reads db_uses db_down '
check "--reverse: all four pass" last_line_is '4 passed, 0 failed, 0 skipped'

run -j2 -v --reverse --filter '*::db_uses' --ctest build
check "--reverse on one test that requires the fixture: set-up, test, clean-up" order_is \
	'db_up db_uses db_down '

run -j2 -v --shuffle=7 --reverse --filter '*::db_*' --ctest build
check "--shuffle --reverse: the set-up first, the clean-up last" sh -c \
	"echo '$(order)' | grep -qx 'db_up .* db_down '"
check "--shuffle --reverse: all four pass" last_line_is '4 passed, 0 failed, 0 skipped'
done_testing
