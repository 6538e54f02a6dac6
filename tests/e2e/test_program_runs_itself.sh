#!/bin/sh
# A test binary runs its own tests serially in its own process, with every
# fixture in the documented order, and lists them with --list; any runner
# option (-j) hands it over to partest ($PARTEST here: the one just built).
. "$(dirname "$0")/lib.sh"

export PARTEST
cp "$PROGRAMS/fixtures" ./fixtures
cp "$PROGRAMS/behaviours" ./behaviours
export FIXTURE_LOG="$work/log"
./fixtures --filter '*alpha*' --filter '*beta*' >out 2>err </dev/null &
pid=$!
wait $pid
status=$?
check "./t runs its tests" status_is 0
check "./t reports like partest" last_line_is '5 passed, 0 failed, 0 skipped'
check "./t says how each test went" sh -c 'grep -q "^PASS  *fixtures::alpha::first  \[" out && [ "$(grep -c "^PASS " out)" -eq 5 ]'
check "./t runs everything in its own process" \
	[ "$(cut -d' ' -f3 "$FIXTURE_LOG" | sort -u)" = "pid=$pid" ]
check "./t runs each fixture where partest.h says" sh -c 'grep -v -e "-test-" -e "-first" -e "-second" -e "-third" "$FIXTURE_LOG" | cut -d" " -f1 | tr "\n" " " | grep -qx "global-setup worker-setup alpha-setup alpha-teardown beta-setup beta-teardown worker-teardown global-teardown "'
./fixtures --list >out 2>err </dev/null
status=$?
check "./t --list lists its tests" sh -c '[ "$(wc -l <out)" -eq 8 ] && grep -qx "fixtures::alpha::first" out'
./fixtures --filter '*teardown_fails*' >out 2>err </dev/null
status=$?
check "a failed suite tear-down fails the run" status_is 1
check "and is reported by name" out_has 'FAIL    fixtures::teardown_fails::[suite-teardown]'
./behaviours --filter '*crash::segfaults' --filter '*crash::runs_after*' >out 2>err </dev/null
status=$?
check "a crash ends ./t with its signal" status_is $((128 + 11))
check "after a line naming the test" last_line_is 'CRASH   behaviours::crash::segfaults  killed by SIGSEGV; the run stops here'
./behaviours --filter '*crash::exits_midway' >out 2>err </dev/null
status=$?
check "exit() in a test does not pass the run" status_is 1
check "and is reported" out_has 'behaviours::crash::exits_midway  called exit() while it ran'
./fixtures --filter '*nothing*' >out 2>err </dev/null
status=$?
check "a filter that selects nothing is a usage error" status_is 2
check "with one line" err_is_one_line
rm -f "$FIXTURE_LOG"
./fixtures -j2 --filter '*alpha*' --filter '*beta*' >out 2>err </dev/null
status=$?
check "./t -j2 runs on two workers" [ "$(grep -c '^worker-setup' "$FIXTURE_LOG")" -eq 2 ]
check "through partest" last_line_is '5 passed, 0 failed, 0 skipped'
env -u PARTEST PATH=/nonexistent ./fixtures -j2 >out 2>err </dev/null
status=$?
check "./t -j2 without partest exits 2" status_is 2
check "with one line" err_is_one_line
check "that says what to do" grep -qx \
	'fixtures: partest was not found (set PARTEST or put it on PATH): cannot run with -j2' err
./fixtures ./other >out 2>err </dev/null
status=$?
check "./t refuses other programs" status_is 2
check "with one line" err_is_one_line
done_testing
