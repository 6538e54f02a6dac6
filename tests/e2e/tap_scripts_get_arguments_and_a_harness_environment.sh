#!/bin/sh
# As under prove: every executable program finds HARNESS_ACTIVE=1 and
# HARNESS_VERSION in its environment, and "partest PROGRAM... :: ARGS" hands
# everything after "::" to every executable program, not to partest.
. "$(dirname "$0")/lib.sh"

script() { printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod +x "$1"; }
script harness.sh 'echo 1..2
[ "$HARNESS_ACTIVE" = 1 ] && echo ok 1 - HARNESS_ACTIVE || echo "not ok 1 - HARNESS_ACTIVE=$HARNESS_ACTIVE"
[ -n "$HARNESS_VERSION" ] && echo ok 2 - HARNESS_VERSION || echo "not ok 2 - HARNESS_VERSION unset"'
script args.sh 'echo "$#" "$@" >"$work/args.$(basename "$0")"
echo 1..1
[ $# -eq 3 ] && [ "$1" = --list ] && [ "$2" = -i ] && [ "$3" = "two words" ] && echo ok 1 || echo "not ok 1 - got $# arguments: $*"'
cp args.sh other_args.sh

run harness.sh
check "HARNESS_ACTIVE and HARNESS_VERSION are set for programs" status_is 0

run args.sh other_args.sh :: --list -i "two words"
check "arguments after :: reach the program" status_is 0
check "every executable program gets them, and partest does not take --list" \
	sh -c 'test -e args.args.sh && test -e args.other_args.sh'

run --filter '*::ok::*' --filter args.sh "$PROGRAMS/behaviours" args.sh :: --list -i "two words"
check "a test binary beside them (not given them) still runs its tests" \
	last_line_is '3 passed, 0 failed, 0 skipped'

run args.sh ::
check "nothing after :: gives no arguments" out_has 'got 0 arguments'
done_testing
