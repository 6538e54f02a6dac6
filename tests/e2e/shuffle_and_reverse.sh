#!/bin/sh
# --shuffle prints its seed, and the same seed gives the same order;
# --reverse runs in reverse.
. "$(dirname "$0")/lib.sh"

export SLEEPY_LOG="$work/order"
filters="--filter *short* --filter *long* --filter *medium*"
run -j1 --shuffle $filters "$PROGRAMS/sleepy"
check "--shuffle passes" status_is 0
seed=$(sed -n 's/^shuffled with --shuffle=\([0-9]*\)$/\1/p' out)
check "--shuffle prints the seed it used" [ -n "$seed" ]
mv order first
run -j1 --shuffle="$seed" $filters "$PROGRAMS/sleepy"
check "the same seed gives the same order" cmp -s first order
orders=$(for s in 1 2 3 4 5 6 7 8; do rm -f order; "$PARTEST" -j1 --shuffle=$s $filters \
	--state-dir "$work/s" "$PROGRAMS/sleepy" >/dev/null; head -n 1 order; done | sort -u | wc -l)
check "different seeds give different orders" [ "$orders" -gt 1 ]

rm -f order
run -j1 --state-dir "$work/none" $filters "$PROGRAMS/sleepy"
mv order forward
run -j1 --state-dir "$work/none2" --reverse $filters "$PROGRAMS/sleepy"
check "--reverse runs the last test first" [ "$(head -n 1 order)" = "$(tail -n 1 forward)" ]
check "--reverse runs the first test last" [ "$(tail -n 1 order)" = "$(head -n 1 forward)" ]
done_testing
