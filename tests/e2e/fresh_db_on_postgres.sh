#!/bin/sh
# --fresh-db on PostgreSQL: under test, 200 tests that each insert a row
# and assert the table holds exactly that row pass at -j2, where one clone
# per worker fails them; under group each suite runs on a clone of its
# own; a renewal that fails (a session holds the template past
# ?partest_wait=) ends the run with one line and exit status 3, and
# Ctrl-C with 130: neither leaves a clone on the server; what a SIGKILLed
# run left, partest db clean removes.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
pg_start

rows="$PROGRAMS/fresh_rows"
setup="$rows --setup"
export ENV_LOG="$work/log"
no_clone_left() { [ -z "$(databases 'app_pt%')" ]; }

run -j2 --fresh-db test --db "$(url app)" --db-setup "$setup" "$rows"
check "test: the 200 tests pass at -j2" last_line_is "200 passed, 0 failed, 0 skipped"
check "test: exit status 0" status_is 0
check "test: every test found the table empty" \
	[ "$(awk '$4 == 0' "$ENV_LOG" | wc -l)" -eq 200 ]
check "test: four clones served them (two workers, a spare each)" \
	[ "$(awk '{print $3}' "$ENV_LOG" | sort -u | wc -l)" -eq 4 ]
check "test: no clone is left on the server" no_clone_left
check "test: nor a run directory" no_run_dirs_left

run -j2 --db "$(url app)" --db-setup "$setup" "$rows"
check "worker (the default): all but the first on each worker fail" \
	last_line_is "2 passed, 198 failed, 0 skipped"

rm -f "$ENV_LOG"
FRESH_ROWS_SCOPE=group run -j2 --fresh-db group --db "$(url app)" --db-setup "$setup" "$rows"
check "group: each suite sees none of another's rows" last_line_is "200 passed, 0 failed, 0 skipped"
check "group: each suite's first test found the table empty" \
	[ "$(awk '$4 == 0' "$ENV_LOG" | wc -l)" -eq 20 ]
check "group: and each test after it the rows of those before it in its suite" \
	[ "$(awk '{print $1, $4}' "$ENV_LOG" | sort -u | awk '$2 <= 9' | wc -l)" -eq 200 ]
check "group: no clone is left on the server" no_clone_left

# A renewal that cannot be made: a test holds a session on the template
# (one the user made, which partest leaves open to connections) for longer
# than FILE_COPY's clones may wait for it; the tests beside it give their
# clones back, and remaking one fails.
sql postgres "CREATE DATABASE held"
sql held "CREATE TABLE rows (suite text, name text)"
printf '#!/bin/sh\npsql -X -q "%s" -c "SELECT pg_sleep(10)" >/dev/null\n' "$(url held)" >"$work/hold.sh"
for i in 1 2 3 4 5 6; do
	printf '#!/bin/sh\nexec "%s" --as-executable e%s\n' "$rows" "$i" >"$work/exec$i.sh"
done
chmod +x "$work"/*.sh
run -j2 --fresh-db test --db "$(url partest held "partest_wait=1&partest_strategy=file_copy")" "$work/hold.sh" "$work"/exec*.sh
check "a failed renewal: exit status 3" status_is 3
check "... said in one line" err_is_one_line
check "... naming the clone and why" \
	eval 'err_has "cannot clone \"held\" on " && err_has "other sessions are connected to it"'
check "... leaving no clone on the server" [ -z "$(databases 'held_pt%')" ]
check "... nor a run directory" no_run_dirs_left

# signal_midway SIGNAL: a --fresh-db test run sent SIGNAL once 40 of its
# tests have run, while clones are being made anew; sets status.
signal_midway() {
	rm -f "$ENV_LOG"
	"$PARTEST" -j2 --fresh-db test --db "$(url app)" --db-setup "$setup" "$rows" >out 2>err &
	pid=$!
	until_true 300 eval '[ "$(cat "$ENV_LOG" 2>/dev/null | wc -l)" -ge 40 ]'
	kill -"$1" "$pid"
	wait "$pid"
	status=$?
}

# Ctrl-C while clones are being made anew: nothing left behind.
signal_midway INT
check "Ctrl-C: exit status 130" status_is 130
check "Ctrl-C: no clone is left on the server" no_clone_left
check "Ctrl-C: nor a run directory" no_run_dirs_left

# SIGKILL while clones are being made anew: the clones carry the run's
# marker, or, for a CREATE DATABASE the server finished after the kill,
# the CONNECTION LIMIT that marks an unmarked copy as partest's; partest db
# clean (as the next run would) drops them all once the killed run's
# sessions are gone.
signal_midway KILL
check "SIGKILL: the killed run's clones are there" [ -n "$(databases 'app_pt%')" ]
until_true 50 none_running "$rows"
partest_sessions() { [ -n "$(sql postgres "SELECT 1 FROM pg_stat_activity WHERE application_name = 'partest'")" ]; }
until_true 600 eval '! partest_sessions'
run db clean --db "$(url app)"
check "SIGKILL: partest db clean drops every clone, marked or not yet" no_clone_left
check "SIGKILL: and the run directory goes" no_run_dirs_left
done_testing
