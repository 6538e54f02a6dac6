#!/bin/sh
# --debug TEST: that one test in the foreground, in its own process, its
# output not captured, with worker 1's clones and TMPDIR, under $DEBUGGER
# when it is set; partest's exit status is the test's.
. "$(dirname "$0")/lib.sh"

export DEBUG_LOG="$work/debugger"
cat >debugger.sh <<'SCRIPT'
#!/bin/sh
# A stand-in for "gdb --args": records what it was given, then runs the rest.
{ printf 'debugger:'; printf ' [%s]' "$@"; echo; } >>"$DEBUG_LOG"
echo "env: $PARTEST_WORKER $DATABASE_URL" >>"$DEBUG_LOG"
shift
exec "$@"
SCRIPT
chmod +x debugger.sh
export COUNT_DIR="$work/counts"
mkdir "$COUNT_DIR"
counted="$PROGRAMS/counted"
db="--db sqlite:$work/items.db --db-setup $PROGRAMS/items_setup"

DEBUGGER="$work/debugger.sh --args" run --debug "$counted::counted::always_passes" $db "$counted"
check "a passing test: exit 0" status_is 0
check "the debugger was given the program and what selects the one test" \
	grep -qF "debugger: [--args] [$counted] [--filter] [*::counted::always_passes]" "$DEBUG_LOG"
check "the test ran with worker 1's clone" grep -q "^env: 1 sqlite:.*default-1" "$DEBUG_LOG"
check "exactly that test ran" sh -c '[ "$(cat "$COUNT_DIR/always")" = 1 ] && [ ! -e "$COUNT_DIR/third" ]'
check "its output was not captured: the program's own line" out_has "PASS    $counted::counted::always_passes"
check "the clone is gone" sh -c '! ls "$work"/items.db* 2>/dev/null | grep -q .'
check "no run directory is left" no_run_dirs_left

echo 2 >"$COUNT_DIR/third"
run --debug "$counted::counted::fails_on_its_third_run" "$counted"
check "without DEBUGGER the test runs plainly; its failure is exit 1" status_is 1
check "it said why" out_has 'left:  3'

cat >exits_3.sh <<'SCRIPT'
#!/bin/sh
read -r line
echo "args: $* read: $line"
exit 3
SCRIPT
chmod +x exits_3.sh
echo typed | "$PARTEST" --debug exits_3.sh ./exits_3.sh :: x y >out 2>err
status=$?
check "an executable's exit status is partest's" status_is 3
check "it got its arguments and partest's stdin" out_has 'args: x y read: typed'

run --debug "$counted::counted::nope" "$counted"
check "an unknown test is a usage error" status_is 2
check "said in one line" err_is_one_line
DEBUGGER="'unclosed" run --debug "$counted::counted::always_passes" "$counted"
check "an unusable DEBUGGER is a usage error" status_is 2
done_testing
