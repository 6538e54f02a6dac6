#!/bin/sh
# Ctrl-C (SIGINT) or SIGTERM: workers stopped, clones and temp dirs removed,
# a partial summary, exit 130; a second Ctrl-C ends at once.
. "$(dirname "$0")/lib.sh"

sleepy=$(private_copy sleepy)
# int_delivered PID: no SIGINT is pending for PID (/proc/PID/status's
# ShdPnd, SIGINT being 0x2), so the next one is a second Ctrl-C, not merged
# with the first.
int_delivered() {
	mask=$(awk '$1 == "ShdPnd:" { print substr($2, 13) }' "/proc/$1/status" 2>/dev/null) &&
		[ $((0x$mask & 0x2)) -eq 0 ]
}
export SLEEPY_LOG="$work/sleepy.log"
for signal in INT TERM; do
	rm -f "$SLEEPY_LOG"
	"$PARTEST" -j2 --db "sqlite:$work/items.db" --db-setup "$PROGRAMS/items_setup" \
		--filter '*forever*' --filter '*long*' "$sleepy" >out 2>err </dev/null &
	pid=$!
	# Signalled while tests run, however slow the machine (a sanitizer build).
	until_true 300 [ -s "$SLEEPY_LOG" ]
	kill -$signal $pid
	wait $pid
	status=$?
	check "SIG$signal ends the run with 130" status_is 130
	check "SIG$signal prints a partial summary" out_has 'interrupted:'
	check "SIG$signal leaves no worker running" none_running "$sleepy"
	check "SIG$signal removes the run directory and clones" no_run_dirs_left
	check "SIG$signal removes the template built for the run" [ ! -e "$work/items.db" ]
done

# A test that ignores SIGTERM (and has no time limit of its own to end it
# first): the first Ctrl-C waits out the grace period, the second does not.
cat >stubborn.sh <<'SCRIPT'
#!/bin/sh
trap '' TERM
echo $$ >"$work/stubborn.pid"
exec sleep 300
SCRIPT
chmod +x stubborn.sh
"$PARTEST" -j1 --kill-grace 30 ./stubborn.sh >out 2>err </dev/null &
pid=$!
until_true 300 [ -s "$work/stubborn.pid" ]
kill -INT $pid
until_true 300 int_delivered $pid
kill -INT $pid
start=$(date +%s)
wait $pid
status=$?
elapsed=$(( $(date +%s) - start ))
check "a second Ctrl-C ends the run at once" [ "$elapsed" -lt 5 ]
check "with status 130" status_is 130
check "and kills the stubborn test" gone "$(cat "$work/stubborn.pid")"
done_testing
