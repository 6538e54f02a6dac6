#!/bin/sh
# Suite fixtures run once per suite on the worker that runs it, around its
# tests; per-test fixtures around each test; the worker set-up once in each
# worker; the global set-up once in all under fork (the default), once per
# worker under spawn. A failing suite set-up fails its tests; a failing suite
# tear-down is reported.
. "$(dirname "$0")/lib.sh"

export FIXTURE_LOG="$work/log"
run -j2 "$PROGRAMS/fixtures"
check "the failing suite set-up and tear-down fail the run" status_is 1
count() { grep -c "^$1 " "$FIXTURE_LOG"; }
check "alpha's set-up ran once" [ "$(count alpha-setup)" -eq 1 ]
check "alpha's tear-down ran once" [ "$(count alpha-teardown)" -eq 1 ]
check "beta's set-up ran once" [ "$(count beta-setup)" -eq 1 ]
check "per-test set-up ran for each alpha test" [ "$(count alpha-test-setup)" -eq 3 ]
check "per-test tear-down ran for each alpha test" [ "$(count alpha-test-teardown)" -eq 3 ]
alpha_pids=$(grep '^alpha-' "$FIXTURE_LOG" | sed 's/.*pid=//' | sort -u | wc -l)
check "all of alpha ran in one process" [ "$alpha_pids" -eq 1 ]
check "alpha's set-up came before its first test" sh -c \
	'[ "$(grep -n "^alpha-setup" "$FIXTURE_LOG" | cut -d: -f1)" -lt "$(grep -n "^alpha-first" "$FIXTURE_LOG" | cut -d: -f1)" ]'
check "alpha's tear-down came after its last test" sh -c \
	'[ "$(grep -n "^alpha-teardown" "$FIXTURE_LOG" | cut -d: -f1)" -gt "$(grep -n "^alpha-third" "$FIXTURE_LOG" | cut -d: -f1)" ]'
workers=$(count worker-setup)
check "each worker ran the worker set-up once" [ "$workers" -ge 1 ]
check "and the worker tear-down once" [ "$(count worker-teardown)" -eq "$workers" ]
check "under fork the global set-up ran once in all" [ "$(count global-setup)" -eq 1 ]
check "and its tear-down once" [ "$(count global-teardown)" -eq 1 ]
check "it ran in a process that ran no test" sh -c \
	'[ -z "$(grep "pid=$(grep "^global-setup" "$FIXTURE_LOG" | sed "s/.*pid=//")\$" "$FIXTURE_LOG" | grep -v "^global-")" ]'
check "a failed suite set-up fails each of its tests" sh -c '[ "$(grep -c "suite set-up failed: .*cannot reach the fixture server" out)" -eq 2 ]'
check "its tests did not run" [ "$(count broken-first)" -eq 0 ]
check "a failed suite tear-down is reported" out_has 'fixtures::teardown_fails::[suite-teardown]'
check "with its message" out_has 'could not drop the scratch table'

rm -f "$FIXTURE_LOG"
run -j2 --start spawn "$PROGRAMS/fixtures"
check "under spawn the global set-up runs in every worker" \
	[ "$(count global-setup)" -eq "$(count worker-setup)" ]
check "and each worker tears it down" [ "$(count global-teardown)" -eq "$(count global-setup)" ]
done_testing
