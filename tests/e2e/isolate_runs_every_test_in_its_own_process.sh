#!/bin/sh
# --start isolate: every test in a fresh process, forked from the program's
# server; a crash cannot touch the next test; executables as always.
. "$(dirname "$0")/lib.sh"

export STARTUP_LOG="$work/log"
run -j1 --filter '*touch*' "$PROGRAMS/startup"
check "without isolate, state leaks from test to test" out_has 'PT_ASSERT_INT(touched, ==, 1) failed'
rm -f "$STARTUP_LOG"
run -j1 --start isolate --filter '*isolation*' "$PROGRAMS/startup"
check "under isolate the crash is reported" out_has 'was killed by SIGSEGV'
check "and the next test sees a fresh process" last_line_is '2 passed, 1 failed, 0 skipped'
check "each test had a process of its own" [ "$(grep -c '^worker-setup' "$STARTUP_LOG")" -eq 3 ]
check "the global set-up still ran once" [ "$(grep -c '^global-setup' "$STARTUP_LOG")" -eq 1 ]
export FIXTURE_LOG="$work/fixtures"
run -j2 --start isolate --filter '*alpha*' "$PROGRAMS/fixtures"
check "suite fixtures run around each test under isolate" \
	[ "$(grep -c '^alpha-setup' "$FIXTURE_LOG")" -eq 3 ]
done_testing
