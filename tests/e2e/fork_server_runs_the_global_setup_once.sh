#!/bin/sh
# Under fork (the default on Linux) the global set-up runs once per program;
# a worker killed with SIGKILL is forked again from the same server without
# running it again; a set-up that leaves threads running is not forked from.
. "$(dirname "$0")/lib.sh"

export STARTUP_LOG="$work/log"
run -j2 --explain "$PROGRAMS/startup"
check "--explain names fork as the default and says why" out_has 'native, fork: the default'
run -j2 --filter '*shared*' "$PROGRAMS/startup"
check "the killed test fails the run" status_is 1
check "the SIGKILL is reported" out_has 'was killed by SIGKILL'
check "the test after it ran on a new worker and passed" last_line_is '2 passed, 1 failed, 0 skipped'
check "the global set-up ran exactly once" [ "$(grep -c '^global-setup' "$STARTUP_LOG")" -eq 1 ]
check "a new worker was forked after the kill" [ "$(grep -c '^worker-setup' "$STARTUP_LOG")" -ge 2 ]
check "no worker ran the global set-up" sh -c \
	'[ "$(grep "^global-setup" "$STARTUP_LOG" | cut -d" " -f2 | sort -u)" != "$(grep "^worker-setup" "$STARTUP_LOG" | cut -d" " -f2 | sort -u | head -n 1)" ]'

rm -f "$STARTUP_LOG"
run -j2 --start spawn --filter '*shared*' "$PROGRAMS/startup"
check "under spawn every worker runs the global set-up" \
	[ "$(grep -c '^global-setup' "$STARTUP_LOG")" -eq "$(grep -c '^worker-setup' "$STARTUP_LOG")" ]
export PARTEST_START=spawn
rm -f "$STARTUP_LOG"
run -j1 --filter '*sees_what*' "$PROGRAMS/startup"
check "PARTEST_START chooses the start method too" [ "$(grep -c '^global-setup' "$STARTUP_LOG")" -eq 1 ]
unset PARTEST_START

run -j2 "$PROGRAMS/threaded"
check "a threaded global set-up still runs its tests" last_line_is '2 passed, 0 failed, 0 skipped'
check "and says once that it will not fork" sh -c \
	'[ "$(grep -c "not forking workers from its server (its global set-up left 2 threads running)" out)" -eq 1 ]'
run -j2 --start isolate --timeout 20 "$PROGRAMS/threaded"
check "under isolate, a spawned worker gets the test its refused fork was sent" \
	last_line_is '2 passed, 0 failed, 0 skipped'
run -j2 --start bogus "$PROGRAMS/threaded"
check "an unknown start method is a usage error" status_is 2
done_testing
