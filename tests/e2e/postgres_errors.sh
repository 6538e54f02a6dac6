#!/bin/sh
# What a user sees when PostgreSQL is not as expected: a template others are
# connected to (the sessions named, none ended), an unreachable server, wrong
# credentials, no permission to create databases, a missing template. Each is
# one line on stderr, exit 3, no password shown and nothing left behind.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
PG_HBA='local all partest trust
local all all scram-sha-256'
pg_start

sql postgres "CREATE ROLE app LOGIN CREATEDB PASSWORD 's3cret-pw'"
sql postgres "CREATE ROLE nocreate LOGIN PASSWORD 'n0-pw'"
sql postgres 'CREATE DATABASE tpl OWNER app'
DATABASE_URL="$(url "app:s3cret-pw" tpl)" "$PROGRAMS/pg_items_setup" >/dev/null

one_clean_line() { status_is 3 && err_is_one_line && ! grep -q -e s3cret -e n0-pw -e wr0ng err out && no_run_dirs_left; }

# A session on the template blocks CREATE DATABASE ... TEMPLATE.
PGAPPNAME=blocker psql -X -q "host=$PGSERVER user=partest dbname=tpl" -c 'SELECT pg_sleep(60)' >/dev/null 2>&1 &
blocker=$!
for i in $(seq 50); do
	backend=$(sql postgres "SELECT pid FROM pg_stat_activity WHERE application_name = 'blocker'")
	[ -n "$backend" ] && break
	sleep 0.1
done
started=$(date +%s)
run -j2 --db "$(url 'app:s3cret-pw' tpl 'partest_wait=1')" "$PROGRAMS/pg_writers"
check "a blocked template: exit 3, one line, no password" one_clean_line
check "it waited about as long as asked" [ $(($(date +%s) - started)) -lt 10 ]
check "it names the blocking session's pid" err_has "pid $backend "
check "its user, application and client" err_has '(user partest, application "blocker", client '
check "and says partest ends no session it did not open" err_has 'does not end sessions it did not open'
check "the blocking session was not ended" \
	[ "$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'blocker'")" = 1 ]
check "no clone was left" [ -z "$(databases 'tpl\_pt%')" ]
kill "$blocker" 2>/dev/null
sql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'blocker'" >/dev/null
wait "$blocker" 2>/dev/null

# The right password, in the URL or in PGPASSWORD, works.
run -j2 --db "$(url 'app:s3cret-pw' tpl)" "$PROGRAMS/pg_writers"
check "the password from the URL works" status_is 0
check "and is never shown" sh -c '! grep -q s3cret out err'
PGPASSWORD=s3cret-pw run -j2 --db "$(url app tpl)" "$PROGRAMS/pg_writers"
check "the password from PGPASSWORD works" status_is 0

run --db "$(url 'app:wr0ng' tpl)" "$PROGRAMS/pg_writers"
check "a wrong password: exit 3, one line, no password" one_clean_line
check "it says authentication failed" err_has 'password authentication failed for user "app"'

run --db "$(url 'nocreate:n0-pw' tpl)" "$PROGRAMS/pg_writers"
check "no permission to create databases: exit 3, one line" one_clean_line
check "it says so, naming the template" sh -c 'grep -q "cannot clone \"tpl\"" err && grep -q "permission denied to create database" err'

run --db "postgresql://partest@/tpl?host=%2Fnonexistent-$$" "$PROGRAMS/pg_writers"
check "an unreachable server: exit 3, one line" one_clean_line
check "it says where it tried" err_has "/nonexistent-$$/.s.PGSQL.5432"

run --db "$(url missing)" "$PROGRAMS/pg_writers"
check "a missing template: exit 3, one line" one_clean_line
check "it names it" err_has 'the template "postgresql://partest@/missing'
check "nothing partest made is left on the server" [ -z "$(databases '%\_pt%')" ]
# The server goes away while the tests run: the clones cannot be dropped.
cat >slow.sh <<'SCRIPT'
#!/bin/sh
touch "$work/slow.started"
for i in $(seq 300); do [ -e "$work/server.stopped" ] && exit 0; sleep 0.1; done
SCRIPT
chmod +x slow.sh
"$PARTEST" -j2 --db "$(url 'app:s3cret-pw' tpl)" ./slow.sh >out 2>err </dev/null &
runner=$!
until_true 300 [ -e "$work/slow.started" ]
as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -m immediate -s stop >/dev/null 2>&1
touch "$work/server.stopped"
wait $runner
status=$?
check "the server gone during the run: exit 3" status_is 3
check "said in one line, without the password" sh -c '[ "$(wc -l <err)" -eq 1 ] && ! grep -q s3cret err'
check "and no run directory is left" no_run_dirs_left
done_testing
