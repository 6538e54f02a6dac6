#!/bin/sh
# A worker written in POSIX sh (tests/workers/sh_worker.sh) is driven like a
# C program; its malformed output is survived and reported.
. "$(dirname "$0")/lib.sh"

cp "$PARTEST_SOURCE/tests/workers/sh_worker.sh" "$work/sh_worker.sh"
worker="$work/sh_worker.sh"
run --explain "$worker"
check "it is recognised as a script worker, spawned" out_has 'script worker, spawn'
run --list "$worker"
check "it lists its tests" sh -c '[ "$(wc -l <out)" -eq 9 ] && grep -q "sh_worker.sh::arith::adds" out'
run -j2 -v --filter '*arith*' --filter '*strings*' "$worker"
check "its failing test fails the run" status_is 1
check "with its message" out_has 'expected 5, got 4'
check "its skip gives the reason" out_has 'no locale data here'
check "the counts add up" last_line_is '3 passed, 1 failed, 1 skipped'
run -j2 --kill-grace 0.2 --filter '*protocol*' --filter '*crash*' --filter '*adds' "$worker"
check "garbage is named" out_has 'broke the worker protocol: unknown message "garbage!!"'
check "an absurd length is named" out_has 'bad payload length in "result"'
check "a truncated frame is named" out_has 'in the middle of sending a frame'
check "exit mid-test is a crash" out_has 'exited with status 3 while running this test'
check "the healthy test still passes" last_line_is '1 passed, 4 failed, 0 skipped'
check "no worker is left" sh -c '! pgrep -f "^/bin/sh $work/sh_worker.sh" >/dev/null'
done_testing
