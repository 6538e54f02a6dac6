#!/bin/sh
# SIGSEGV, abort() and exit() mid-test are crashes, named as such; the worker
# is replaced and the rest of the group still runs.
. "$(dirname "$0")/lib.sh"

run -j1 --filter '*behaviours::crash::*' "$PROGRAMS/behaviours"
check "crashes fail the run" status_is 1
check "SIGSEGV is named" out_has 'was killed by SIGSEGV'
check "abort is named" out_has 'was killed by SIGABRT'
check "exit() mid-test gives its status" out_has 'exited with status 5 while running this test'
check "each crash is marked CRASH" sh -c '[ "$(grep -c "^CRASH" out)" -eq 3 ]'
check "the test after the crashes ran and passed" last_line_is '1 passed, 3 failed, 0 skipped'
check "the crashed count is shown" out_has '3 crashed'
check "nothing is left behind" no_run_dirs_left
done_testing
