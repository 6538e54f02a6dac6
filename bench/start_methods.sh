#!/usr/bin/env bash
# start_methods.sh: what the start method costs when the global set-up is
# expensive. A suite whose PT_GLOBAL_SETUP computes for 2 s of CPU (as
# loading fixtures or parsing configuration does), 200 tests of 20 ms (sleep)
# in 20 suites, at -j4: fork pays the set-up once (ideal about 2 s + 4 s/4);
# spawn pays it in each of the 4 workers, which on 2 CPUs means about 4 s of
# set-up before the tests; isolate forks every test from the server.
# Env: RUNS (3), JOBS (4).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs hyperfine gcc
RUNS=${RUNS:-3}
JOBS=${JOBS:-4}
cd "$tmp"

{
	echo '#include <partest.h>'
	echo '#include <time.h>'
	echo 'static void nap(long ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000 }; while (nanosleep(&t, &t)) ; }'
	echo 'static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec / 1e9; }'
	echo 'static volatile unsigned long spin;'
	echo 'PT_GLOBAL_SETUP() { double end = now() + 2.0; while (now() < end) spin++; }'
	for i in $(seq 0 199); do
		echo "PT_TEST(s$((i / 10)), t$i) { nap(20); }"
	done
} > slow_setup.c
build_native slow_setup.c slow_setup

for method in fork spawn isolate; do
	"$partest" -j"$JOBS" --start "$method" --state-dir "$tmp/state" ./slow_setup | tail -n 1
done
hyperfine -N --runs "$RUNS" --export-markdown start.md \
	-n fork "$partest -j$JOBS --start fork --state-dir $tmp/state ./slow_setup" \
	-n spawn "$partest -j$JOBS --start spawn --state-dir $tmp/state ./slow_setup" \
	-n isolate "$partest -j$JOBS --start isolate --state-dir $tmp/state ./slow_setup"
cat start.md
