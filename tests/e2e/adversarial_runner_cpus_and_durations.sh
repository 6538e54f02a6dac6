#!/bin/sh
# -j auto (the default) starts no more workers than the CPUs the process may
# use: its affinity (taskset) and its cgroup's CPU quota (v1 here, when the
# machine lets root make a cgroup; the v2 reading is unit-tested). And the
# durations kept for the next run's order include crashed and timed-out tests.
. "$(dirname "$0")/lib.sh"

# Three failing scripts that print how many workers the run has (a failed
# test's output is shown).
for i in 1 2 3; do
	printf '#!/bin/sh\necho "workers=$PARTEST_WORKERS"\nexit 1\n' >"count$i.sh"
	chmod +x "count$i.sh"
done
workers_are() { [ "$(grep -o 'workers=[0-9]*' out | sort -u)" = "workers=$1" ]; }

if command -v taskset >/dev/null; then
	"$PARTEST" ./count1.sh ./count2.sh ./count3.sh >out 2>err </dev/null
	all=$(grep -o 'workers=[0-9]*' out | sort -u)
	taskset -c 0 "$PARTEST" ./count1.sh ./count2.sh ./count3.sh >out 2>err </dev/null
	check "taskset -c 0: one worker (of $all without it)" workers_are 1
	taskset -c 0 "$PARTEST" -j auto ./count1.sh ./count2.sh ./count3.sh >out 2>err </dev/null
	check "taskset -c 0, -j auto: one worker" workers_are 1
	taskset -c 0 "$PARTEST" -j 3 ./count1.sh ./count2.sh ./count3.sh >out 2>err </dev/null
	check "taskset -c 0, -j 3: what was asked for" workers_are 3
else
	ok "# SKIP taskset is not installed"
fi

group=/sys/fs/cgroup/cpu/partest-e2e-$$
if [ "$(nproc)" -gt 1 ] && mkdir "$group" 2>/dev/null; then
	echo 50000 >"$group/cpu.cfs_quota_us"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" ./count1.sh ./count2.sh ./count3.sh' \
		sh "$group" "$PARTEST" >out 2>err </dev/null
	check "a cgroup v1 quota of half a CPU: one worker" workers_are 1
	rmdir "$group"
else
	ok "# SKIP cannot make a cgroup v1 cpu group here (or only one CPU)"
fi

behaviours=$(private_copy behaviours)
run -j1 --state-dir state --filter '*::crash::segfaults' --filter '*::hang::sleeps_forever' \
	--kill-grace 0.2 "$behaviours"
check "a crash and a time-out: the run fails" status_is 1
check "the crashed test's duration is kept" grep -q 'behaviours::crash::segfaults$' state/durations
check "the timed-out test's duration is kept, at least its limit" \
	awk -F '\t' '/behaviours::hang::sleeps_forever$/ && $1 >= 500000 { found = 1 } END { exit !found }' \
	state/durations
check "nothing is left behind" no_run_dirs_left
done_testing
