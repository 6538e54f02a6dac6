#!/bin/sh
# A worker that writes garbage on the protocol or closes it is reported as
# broken, its test as crashed, and the run goes on.
. "$(dirname "$0")/lib.sh"

behaviours=$(private_copy behaviours)
run -j1 --kill-grace 0.2 --filter '*protocol*' --filter '*behaviours::ok::*' "$behaviours"
check "the run fails" status_is 1
check "garbage is named" out_has 'broke the worker protocol: unknown message "nonsense"'
check "closing the protocol is named" out_has 'closed the protocol descriptor'
check "the other tests still pass" last_line_is '2 passed, 2 failed, 0 skipped'
check "no worker is left running" none_running "$behaviours"
done_testing
