#!/bin/sh
# --failfast: after the first failure no new test starts.
. "$(dirname "$0")/lib.sh"

export SLEEPY_LOG="$work/started"
run -j1 --failfast --filter '*fails_first*' --filter '*short*' "$PROGRAMS/sleepy"
check "the run fails" status_is 1
check "the failure is reported" out_has 'first failure'
check "the next test of the group did not start" sh -c '! grep -q fails_first.two "$SLEEPY_LOG"'
check "the tests not run are counted" out_has 'not run'
done_testing
