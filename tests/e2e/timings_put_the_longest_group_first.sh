#!/bin/sh
# Durations are recorded under .partest/ (or --state-dir); the next run hands
# out the longest group first.
. "$(dirname "$0")/lib.sh"

export SLEEPY_LOG="$work/order"
filters="--filter *short* --filter *long* --filter *medium*"
run -j1 $filters "$PROGRAMS/sleepy"
check "the first run passes" status_is 0
check "durations are kept in .partest/" [ -s .partest/durations ]
check "the first run goes in definition order" [ "$(head -n 1 order)" = short_suite.one ]
rm order
run -j1 $filters "$PROGRAMS/sleepy"
check "the next run starts with the longest suite" [ "$(head -n 1 order)" = long_suite.one ]
check "its tests stay in order" [ "$(sed -n 2p order)" = long_suite.two ]
check "and ends with the shortest" [ "$(tail -n 1 order)" = short_suite.one ]
run -j1 --state-dir elsewhere $filters "$PROGRAMS/sleepy"
check "--state-dir moves the store" [ -s elsewhere/durations ]
done_testing
