#!/bin/sh
# Set-ups that crash or fail, on one worker or on all: each is reported once,
# where it happened (the suite set-up, PT_WORKER_SETUP on worker K), no
# message names a worker twice, and the tests that a healthy worker can run
# are run there.
. "$(dirname "$0")/lib.sh"

lifecycle=$(private_copy lifecycle)
# no_doubled_worker: no line names the same worker twice ("worker 1 (pid N) worker 1 (pid N)").
no_doubled_worker() { ! grep -qE '(worker [0-9]+ \(pid [0-9]+\)).*\1' out; }

for start in spawn fork; do
	LIFECYCLE=suite-setup-crash run -j1 --start "$start" "$lifecycle"
	check "$start, suite set-up crash: the run fails" status_is 1
	check "$start, suite set-up crash: it is named, with its signal" \
		out_has 'suite set-up failed: PT_SUITE_SETUP(first) crashed with SIGSEGV'
	check "$start, suite set-up crash: no test is blamed for it as a crash" \
		sh -c '! grep -q "^CRASH" out && ! grep -q "while running this test" out'
	check "$start, suite set-up crash: the other suites run" \
		last_line_is '4 passed, 3 failed, 0 skipped'

	LIFECYCLE=suite-teardown-crash run -j1 --start "$start" "$lifecycle"
	check "$start, suite tear-down crash: reported as the tear-down" \
		grep -q '^CRASH .*lifecycle::first::\[suite-teardown\]' out
	check "$start, suite tear-down crash: passed tests stay passed, later suites run" \
		last_line_is '7 passed, 1 failed, 0 skipped'

	LIFECYCLE=worker-setup-fail=1 run -j2 --start "$start" "$lifecycle"
	check "$start, worker set-up fails on worker 1: the run fails" status_is 1
	check "$start, worker set-up fails on worker 1: reported once, as PT_WORKER_SETUP" \
		sh -c '[ "$(grep -c "the init phase failed on worker 1: in PT_WORKER_SETUP: .*no database for worker 1" out)" -eq 1 ]'
	check "$start, worker set-up fails on worker 1: not called the global set-up" \
		out_lacks 'global set-up'
	check "$start, worker set-up fails on worker 1: worker 2 runs every test" \
		last_line_is '7 passed, 1 failed, 0 skipped'

	LIFECYCLE=worker-setup-crash=2 run -j2 --start "$start" "$lifecycle"
	check "$start, worker set-up crashes on worker 2: said where" \
		out_has 'SIGSEGV (Segmentation fault) during its init phase'
	check "$start, worker set-up crashes on worker 2: worker 1 runs every test" \
		last_line_is '7 passed, 1 failed, 0 skipped'
	check "$start, worker set-up crashes: no worker is named twice in a message" no_doubled_worker
	check "$start, worker set-up crashes: no protocol noise" out_lacks 'closed the protocol'

	LIFECYCLE=worker-setup-fail=0 run -j2 --start "$start" "$lifecycle"
	check "$start, worker set-up fails everywhere: the run fails" status_is 1
	check "$start, worker set-up fails everywhere: each test says why" \
		sh -c '[ "$(grep -c "no worker could run it: the init phase failed on worker" out)" -eq 7 ]'
	check "$start, worker set-up fails everywhere: each worker's failure is reported" \
		sh -c '[ "$(grep -c "lifecycle::\[global\]::\[init\]" out)" -eq 2 ]'
done
check "no worker is left running" none_running "$lifecycle"
check "nothing is left behind" no_run_dirs_left
done_testing
