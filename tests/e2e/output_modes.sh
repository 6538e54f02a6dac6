#!/bin/sh
# Not on a terminal: plain lines, no escape codes; --color=always forces
# colour and NO_COLOR turns it off; --no-capture lets output through.
. "$(dirname "$0")/lib.sh"

esc=$(printf '\033')
run --filter '*output*' "$PROGRAMS/behaviours"
check "no escape codes when not on a terminal" sh -c "! grep -q '$esc' out"
check "a failure shows the test's captured stdout" sh -c 'grep -q -- "--- stdout ---" out && grep -q "to stdout" out'
check "and its captured stderr" sh -c 'grep -q -- "--- stderr ---" out && grep -q "to stderr" out'
check "and its worker number" out_has '[worker 1,'
run --color=always --filter '*output*' "$PROGRAMS/behaviours"
check "--color=always colours" grep -q "$esc" out
run --color=never --filter '*output*' "$PROGRAMS/behaviours"
check "--color=never does not" sh -c "! grep -q '$esc' out"
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qec "'$PARTEST' --filter '*ok*' '$PROGRAMS/behaviours'" /dev/null >tty.out </dev/null
	check "NO_COLOR: no colour even on a terminal" sh -c "! grep -q '$esc\\[3[12]m' tty.out"
	script -qec "'$PARTEST' --filter '*ok*' '$PROGRAMS/behaviours'" /dev/null >tty.out </dev/null
	check "on a terminal: a live status line" grep -q 'running' tty.out
	check "on a terminal: the summary in colour" grep -q "$esc\\[32m2 passed" tty.out
fi
run --no-capture --filter '*output*' "$PROGRAMS/behaviours"
check "--no-capture: stdout passes straight through" out_has 'to stdout'
check "--no-capture: stderr passes straight through" err_has 'to stderr'
check "--no-capture: not repeated in the failure" out_lacks '--- stdout ---'
check "the summary line stands alone" last_line_is '0 passed, 1 failed, 0 skipped'
done_testing
