#!/bin/sh
# A test binary runs its own tests (serially by default; -j and the runner's
# other options work too) and lists them with --list.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/fixtures" ./fixtures
export FIXTURE_LOG="$work/log"
./fixtures --filter '*alpha*' --filter '*beta*' >out 2>err </dev/null
status=$?
check "./t runs its tests" status_is 0
check "./t reports like partest" last_line_is '5 passed, 0 failed, 0 skipped'
check "./t runs serially by default" [ "$(grep -c '^worker-setup' "$FIXTURE_LOG")" -eq 1 ]
./fixtures --list >out 2>err </dev/null
status=$?
check "./t --list lists its tests" sh -c '[ "$(wc -l <out)" -eq 8 ] && grep -qx "fixtures::alpha::first" out'
rm -f "$FIXTURE_LOG"
./fixtures -j2 --filter '*alpha*' --filter '*beta*' >out 2>err </dev/null
status=$?
check "./t -j2 runs on two workers" [ "$(grep -c '^worker-setup' "$FIXTURE_LOG")" -eq 2 ]
./fixtures ./other >out 2>err </dev/null
status=$?
check "./t refuses other programs" status_is 2
check "with one line" err_is_one_line
done_testing
