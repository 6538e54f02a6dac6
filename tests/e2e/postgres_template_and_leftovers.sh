#!/bin/sh
# On a server the test starts itself: a given template is cloned and never
# touched; clones are gone after a run, after Ctrl-C, and after a SIGKILLed
# run (by `partest db clean` or by the next run); a database partest did not
# create, or one of a live run, is never dropped; --keepdb reuses a template.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
pg_start

export ENV_LOG="$work/env.log"
sql postgres 'CREATE DATABASE given'
DATABASE_URL="$(url given)" "$PROGRAMS/pg_items_setup" >/dev/null
sql postgres "CREATE DATABASE \"given_pt1_AAAAAA_1\""
host=$(hostname)
sql postgres "CREATE DATABASE given_live; COMMENT ON DATABASE given_live IS 'partest clone v1 run=partest-$$-live host=$host pid=$$ start=0'" 2>/dev/null ||
	{ sql postgres 'CREATE DATABASE given_live'; sql postgres "COMMENT ON DATABASE given_live IS 'partest clone v1 run=partest-$$-live host=$host pid=$$ start=0'"; }
sql postgres 'CREATE DATABASE given_far'
sql postgres "COMMENT ON DATABASE given_far IS 'partest clone v1 run=partest-1-far host=another-host pid=999999 start=1'"
template_state() { sql given "SELECT string_agg(worker || suite, ',' ORDER BY id) FROM items"; }
before=$(template_state)

run -j2 --db "$(url given)" "$PROGRAMS/pg_writers"
check "an existing template is cloned, one clone per worker" status_is 0
check "the workers used two clones" sh -c '[ "$(cut -d" " -f2 "$ENV_LOG" | sort -u | wc -l)" -eq 2 ]'
check "the template is untouched" [ "$(template_state)" = "$before" ]
check "it still takes connections and is no template" \
	[ "$(sql postgres "SELECT datallowconn::text || datistemplate::text FROM pg_database WHERE datname = 'given'")" = truefalse ]
check "the clones are gone after the run" [ -z "$(databases 'given\_pt%' | grep -v given_pt1_AAAAAA_1)" ]
check "a clone-like database partest did not create is still there" \
	[ "$(databases 'given\_pt1\_AAAAAA\_1')" = given_pt1_AAAAAA_1 ]

# --db-setup refuses a template it did not create.
run --db "$(url given)" --db-setup "$PROGRAMS/pg_items_setup" "$PROGRAMS/pg_writers"
check "--db-setup refuses a database partest did not create: exit 2" status_is 2
check "and says so" err_has 'not created by partest'
check "and leaves it alone" [ "$(template_state)" = "$before" ]

# Ctrl-C in the middle of a run.
: >"$ENV_LOG"
PG_WRITER_SLEEP_MS=20000 "$PARTEST" -j2 --db "$(url given)" "$PROGRAMS/pg_writers" >out 2>err </dev/null &
pid=$!
for i in $(seq 100); do [ "$(wc -l <"$ENV_LOG")" -ge 2 ] && break; sleep 0.1; done
check "while the run goes on, its two clones exist" [ "$(databases 'given\_pt%' | wc -l)" -eq 3 ]
kill -INT "$pid"
wait "$pid"
status=$?
check "Ctrl-C: exit 130" status_is 130
check "Ctrl-C: the clones are gone" [ "$(databases 'given\_pt%')" = given_pt1_AAAAAA_1 ]

# SIGKILL: the clones stay until `partest db clean` finds their run dead.
no_clone_sessions() {
	[ "$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'given\_pt%'")" = 0 ]
}
killed_run() {
	: >"$ENV_LOG"
	PG_WRITER_SLEEP_MS=20000 "$PARTEST" -j2 --db "$(url given)" "$PROGRAMS/pg_writers" >out 2>err </dev/null &
	pid=$!
	for i in $(seq 100); do [ "$(wc -l <"$ENV_LOG")" -ge 2 ] && break; sleep 0.1; done
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	until_true 100 no_clone_sessions # the workers die with the runner
}
killed_run
check "SIGKILL leaves the clones" [ "$(databases 'given\_pt%' | wc -l)" -eq 3 ]
run db clean --db "$(url given)"
check "partest db clean succeeds" status_is 0
check "it names the two clones it dropped" sh -c '[ "$(grep -c "dropped PostgreSQL database \"given_pt" out)" -eq 2 ]'
check "they are gone" [ "$(databases 'given\_pt%')" = given_pt1_AAAAAA_1 ]
killed_run
run -j2 --db "$(url given)" "$PROGRAMS/pg_writers"
check "the next run passes" status_is 0
check "and dropped what the killed run left" [ "$(databases 'given\_pt%')" = given_pt1_AAAAAA_1 ]
check "a clone marked by a live run is never dropped" [ "$(databases 'given\_live')" = given_live ]
check "nor one made on another host" [ "$(databases 'given\_far')" = given_far ]
run db clean --db "$(url given)"
check "db clean with nothing to do says so" out_has 'nothing to clean'
check "the template is still untouched" [ "$(template_state)" = "$before" ]

# --db-setup and --keepdb: built once, protected, reused, rebuilt on change.
echo v1 >migrations.sql
cat >setup.sh <<SCRIPT
#!/bin/sh
echo built >>"$work/builds"
exec "$PROGRAMS/pg_items_setup"
SCRIPT
chmod +x setup.sh
keep() { run -j2 --keepdb --db "$(url built)" --db-setup ./setup.sh --db-inputs migrations.sql "$PROGRAMS/pg_writers"; }
keep
check "--keepdb: the first run builds the template and passes" status_is 0
check "--keepdb: the template is kept, closed to connections, marked as a template" \
	[ "$(sql postgres "SELECT datallowconn::text || datistemplate::text FROM pg_database WHERE datname = 'built'")" = falsetrue ]
check "--keepdb: it carries partest's marker" \
	sh -c "psql -X -tA 'host=$PGSERVER user=partest dbname=postgres' -c \"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'built'\" | grep -q '^partest template v1 '"
keep
check "--keepdb: an unchanged run reuses it" sh -c '[ "$(wc -l <"$work/builds")" -eq 1 ]'
check "--keepdb: and its tests pass on it" status_is 0
echo v2 >migrations.sql
keep
check "--keepdb: a changed input rebuilds it" sh -c '[ "$(wc -l <"$work/builds")" -eq 2 ]'
check "--keepdb: and the rebuilt one works" status_is 0
run -j2 --db "$(url built)" --db-setup ./setup.sh "$PROGRAMS/pg_writers"
check "without --keepdb the built template is dropped at the end" [ -z "$(databases built)" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
