#!/bin/sh
# Not on a terminal: plain lines, no escape codes, a line per finished
# program; --color=always forces colour and NO_COLOR turns it off;
# --no-capture lets output through. Escape and control characters that come
# from tests never reach the terminal raw: they are written out visibly.
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
run --filter '*::ok::*' "$PROGRAMS/behaviours"
check "off a terminal, a line per finished program" \
	out_has "done    $PROGRAMS/behaviours  [2 tests: 2 passed, 0 failed, 0 skipped]"
printf '#!/bin/sh\nexit 0\n' >quiet.sh
chmod +x quiet.sh
run quiet.sh
check "and a line per finished executable" out_has 'PASS    quiet.sh  [worker 1,'
if command -v script >/dev/null 2>&1; then
	script -qec "'$PARTEST' --filter '*::ok::*' '$PROGRAMS/behaviours'" /dev/null >tty.out </dev/null
	check "on a terminal, the status line instead" sh -c '! grep -q "^done " tty.out'
fi

printf '#!/bin/sh\n%s\n' \
	"printf 'title \\033]0;owned\\007 \\033[2J red \\033[31m \\302\\233 50%%\\r\\n'" \
	"printf 'err \\033[1m\\n' >&2" \
	'exit 1' >escapes.sh
chmod +x escapes.sh
csi=$(printf '\302\233')
no_raw_escapes() { ! grep -qF -e "$esc]0;" -e "$esc[2J" -e "$csi" out; }
for color in never always; do
	run --color=$color escapes.sh
	check "--color=$color: a test's escape sequences are not sent to the terminal" no_raw_escapes
	check "--color=$color: they are shown instead" \
		out_has 'title \x1b]0;owned\x07 \x1b[2J red \x1b[31m \xc2\x9b 50%'
	check "--color=$color: so is its stderr's" out_has 'err \x1b[1m'
done

run --no-capture --filter '*output*' "$PROGRAMS/behaviours"
check "--no-capture: stdout passes straight through" out_has 'to stdout'
check "--no-capture: stderr passes straight through" err_has 'to stderr'
check "--no-capture: not repeated in the failure" out_lacks '--- stdout ---'
check "the summary line stands alone" last_line_is '0 passed, 1 failed, 0 skipped'
done_testing
