#!/bin/sh
# Whatever partest waits for when Ctrl-C or SIGTERM comes (a listing, a
# global or worker set-up, a tear-down, in any start method), the run ends
# with status 130, reports no failure of its own making, and leaves nothing
# behind. A set-up that hangs is cut off by --timeout, and a fork server's
# global tear-down that hangs by the tear-down limit.
. "$(dirname "$0")/lib.sh"

lifecycle=$(private_copy lifecycle)
export LIFECYCLE_LOG="$work/hanging"
# A script worker that falls silent when asked to list. (The marker is
# spelled in two pieces, or this script would be one.)
printf '#!/bin/sh\n# %s: 1\n: >"$LIFECYCLE_LOG"\nexec sleep 300\n' partest-worker-protocol \
	>silent_lister
chmod +x silent_lister

# interrupt SIGNAL ARGS...: runs partest ARGS, sends it SIGNAL once something
# hangs (the hang creates $LIFECYCLE_LOG; SIGNAL "none" sends nothing), and
# waits for it to end; status "hung" if it is still running 30 s later (it is
# then killed).
interrupt() {
	signal=$1
	shift
	rm -f "$LIFECYCLE_LOG"
	"$PARTEST" "$@" >out 2>err </dev/null &
	pid=$!
	tries=0
	while [ ! -e "$LIFECYCLE_LOG" ] && [ $tries -lt 300 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	[ "$signal" = none ] || kill -"$signal" $pid
	tries=0
	while kill -0 $pid 2>/dev/null && [ $tries -lt 300 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid
		wait $pid
		status=hung
	else
		wait $pid
		status=$?
	fi
}

interrupt INT ./silent_lister
check "a listing that hangs, Ctrl-C: exit 130" status_is 130
for start in fork spawn isolate; do
	for fault in global-setup-hang worker-setup-hang global-teardown-hang worker-teardown-hang; do
		signal=INT
		[ "$fault" = "${fault%teardown-hang}" ] || signal=TERM
		LIFECYCLE=$fault interrupt $signal -j2 --kill-grace 0.3 --start $start "$lifecycle"
		check "$start, $fault, SIG$signal: exit 130" status_is 130
		check "$start, $fault, SIG$signal: no failure is made up" \
			sh -c '! grep -qE "^(FAIL|CRASH|TIMEOUT)" out'
	done
done
check "no worker or server is left running" none_running "$lifecycle"

for start in fork spawn; do
	for fault in global-setup-hang worker-setup-hang; do
		LIFECYCLE=$fault run -j2 --timeout 1 --kill-grace 0.3 --start $start "$lifecycle"
		check "$start, $fault, --timeout 1: the run ends, failed" status_is 1
		check "$start, $fault, --timeout 1: it says --timeout cut it off" \
			grep -qE 'longer than --timeout 1 s|did not finish its init phase within 1 s' out
	done
done

LIFECYCLE=global-teardown-hang interrupt none -j2 --kill-grace 0.3 --start fork "$lifecycle"
check "fork, a global tear-down that hangs: the run ends, failed" status_is 1
check "fork, a global tear-down that hangs: it says so" \
	out_has "the fork server's global tear-down did not end within 10.3 s"
check "the tests themselves passed" last_line_is '7 passed, 1 failed, 0 skipped'
check "none is left running" none_running "$lifecycle"
check "nothing is left behind" no_run_dirs_left
done_testing
