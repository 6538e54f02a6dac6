#!/bin/sh
# Two and three runs at once on one template never interfere, with
# --db-setup (each rebuilding it) and with --keepdb, on SQLite, PostgreSQL
# and MariaDB: a set-up that takes a while and tests that hold their clones
# make the runs overlap in every phase (one building while another clones,
# tests or tears down). Every run passes, and nothing is left but what
# --keepdb keeps.
. "$(dirname "$0")/lib.sh"

# A test that checks its clone holds exactly what the set-up made. QUERY
# (exported) runs one statement against $DATABASE_URL.
cat >"$work/check.sh" <<'SCRIPT'
#!/bin/sh
sleep 1
echo 1..1
if [ "$(sh -c "$QUERY" sh "SELECT count(*) FROM items")" = 1 ]; then echo ok 1; else echo "not ok 1 - items: $(sh -c "$QUERY" sh "SELECT count(*) FROM items" 2>&1)"; fi
SCRIPT
cat >"$work/setup.sh" <<'SCRIPT'
#!/bin/sh
sleep 1
sh -c "$QUERY" sh "CREATE TABLE items (x INT)" && sh -c "$QUERY" sh "INSERT INTO items VALUES (1)"
SCRIPT
chmod +x "$work/check.sh" "$work/setup.sh"
cp "$work/check.sh" "$work/check2.sh"

# overlap N ARGS...: N runs of partest ARGS started half a second apart;
# how many did not pass is in $failed, their errors in err.N.
overlap() {
	n=$1
	shift
	pids=""
	rm -f out.* err.*
	for i in $(seq "$n"); do
		"$PARTEST" -j2 "$@" "$work/check.sh" "$work/check2.sh" >"out.$i" 2>"err.$i" </dev/null &
		pids="$pids $!"
		sleep 0.5
	done
	failed=0
	for pid in $pids; do wait "$pid" || failed=$((failed + 1)); done
	cat err.* >err 2>/dev/null
	cat out.* >out 2>/dev/null
}
all_passed() { [ "$failed" = 0 ]; }

# each ENGINE DB_URL: the scenarios on one engine; no_leftovers checks after each.
each() {
	engine=$1
	db=$2
	overlap 2 --db "$db" --db-setup "$work/setup.sh"
	check "$engine: two runs rebuilding one template both pass" all_passed
	check "$engine: nothing is left" no_leftovers
	overlap 3 --db "$db" --db-setup "$work/setup.sh"
	check "$engine: three runs rebuilding one template all pass" all_passed
	check "$engine: nothing is left" no_leftovers
	overlap 3 --keepdb --db "$db" --db-setup "$work/setup.sh"
	check "$engine: three --keepdb runs on one template all pass" all_passed
	overlap 2 --db "$db" --db-setup "$work/setup.sh" &
	sleep 0.25
	"$PARTEST" -j2 --keepdb --db "$db" --db-setup "$work/setup.sh" "$work/check.sh" >out.k 2>err.k </dev/null
	keep=$?
	wait $!
	check "$engine: a --keepdb run among two rebuilding ones passes" [ "$keep" = 0 ]
	"$PARTEST" --keepdb --db "$db" --db-setup "$work/setup.sh" "$work/check.sh" >out 2>err </dev/null
	overlap 2 --db "$db"
	check "$engine: two runs cloning an existing template pass" all_passed
}

export QUERY='sqlite3 "${DATABASE_URL#sqlite:}" "$1"'
no_leftovers() { [ -z "$(ls -A "$TMPDIR")" ] && [ ! -e "$work/t.db" ]; }
each SQLite "sqlite:$work/t.db"

. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
pg_start
export QUERY='psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"'
no_leftovers() { [ -z "$(databases 'tpl%')" ]; }
each PostgreSQL "$(url tpl)"

. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
trap 'my_stop; pg_stop; rm -rf "$work"' EXIT
my_start
export MY_SOCKET="$MYSERVER/sock"
export QUERY='mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B "$(echo "${DATABASE_URL##*/}" | sed "s/?.*//")" -e "$1"'
no_leftovers() { [ -z "$(databases 'tpl%')" ]; }
each MariaDB "$(url tpl)"
done_testing
