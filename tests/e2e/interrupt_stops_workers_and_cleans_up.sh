#!/bin/sh
# Ctrl-C (SIGINT) or SIGTERM: workers stopped, clones and temp dirs removed,
# a partial summary, exit 130; a second Ctrl-C ends at once.
. "$(dirname "$0")/lib.sh"

sleepy=$(private_copy sleepy)
behaviours=$(private_copy behaviours)
# started: waits (up to 30 s) until a test has logged its start, so that the
# signal comes while tests run, however slow the machine (a sanitizer build).
started() {
	tries=0
	while [ ! -s "$SLEEPY_LOG" ] && [ $tries -lt 300 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
}
export SLEEPY_LOG="$work/sleepy.log"
for signal in INT TERM; do
	rm -f "$SLEEPY_LOG"
	"$PARTEST" -j2 --db "sqlite:$work/items.db" --db-setup "$PROGRAMS/items_setup" \
		--filter '*forever*' --filter '*long*' "$sleepy" >out 2>err </dev/null &
	pid=$!
	started
	kill -$signal $pid
	wait $pid
	status=$?
	check "SIG$signal ends the run with 130" status_is 130
	check "SIG$signal prints a partial summary" out_has 'interrupted:'
	check "SIG$signal leaves no worker running" none_running "$sleepy"
	check "SIG$signal removes the run directory and clones" no_run_dirs_left
	check "SIG$signal removes the template built for the run" [ ! -e "$work/items.db" ]
done

# A test that ignores SIGTERM: the first Ctrl-C waits out the grace period,
# the second does not.
"$PARTEST" -j1 --kill-grace 30 --filter '*ignores_sigterm*' "$behaviours" \
	>out 2>err </dev/null &
pid=$!
sleep 1
kill -INT $pid
sleep 0.3
kill -INT $pid
start=$(date +%s)
wait $pid
status=$?
elapsed=$(( $(date +%s) - start ))
check "a second Ctrl-C ends the run at once" [ "$elapsed" -lt 5 ]
check "with status 130" status_is 130
check "and kills the stubborn worker" none_running "$behaviours"
done_testing
