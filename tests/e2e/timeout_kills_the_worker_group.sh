#!/bin/sh
# A test past its .timeout (or --timeout) is timed out: its worker's process
# group gets SIGTERM, then SIGKILL after the grace period; the run goes on.
. "$(dirname "$0")/lib.sh"

run -j1 --kill-grace 0.3 --filter '*behaviours::hang::*' "$PROGRAMS/behaviours"
check "timeouts fail the run" status_is 1
check "the test is reported as timed out" grep -q '^TIMEOUT .*behaviours::hang::sleeps_forever' out
check "SIGTERM ends a test that does not ignore it" out_has 'was killed by SIGTERM'
check "SIGKILL ends a test that ignores SIGTERM" out_has 'then SIGKILL'
check "the test after the hangs ran" last_line_is '1 passed, 2 failed, 0 skipped'
check "the summary counts timeouts" out_has '2 timed out'

sleepy=$(private_copy sleepy)
run -j1 --timeout 0.3 --kill-grace 0.2 --filter '*forever*' "$sleepy"
check "--timeout applies to tests without their own" out_has 'sleepy::forever::one'
check "no worker is left running" none_running "$sleepy"
check "nothing is left behind" no_run_dirs_left
done_testing
