#!/bin/sh
# One PostgreSQL or MariaDB template named twice in one run, by URLs that
# differ (localhost and 127.0.0.1, TCP and the socket, an extra parameter),
# is refused with exit 2 in one line; today the run waits for ever on the
# lock it holds itself. Aliases differing only in case are refused too.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
PG_HBA='local all all trust
host all all 127.0.0.1/32 trust'
pg_start
port=$((20000 + $$ % 20000))
as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -l "$PGSERVER/server.log" -w -s \
	-o "-k $PGSERVER -c listen_addresses=127.0.0.1 -p $port -c fsync=off" restart ||
	{ echo "# the server did not restart:"; sed 's/^/# /' "$PGSERVER/server.log"; exit 1; }
PGHOST_ENCODED="$PGHOST_ENCODED&port=$port"
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$PGSERVER port=$port user=partest dbname=$1" -c "$2"; }
sql postgres 'CREATE DATABASE tpl'
DATABASE_URL="$(url tpl)" "$PROGRAMS/pg_items_setup" >/dev/null
sql postgres 'CREATE DATABASE other'
DATABASE_URL="$(url other)" "$PROGRAMS/pg_items_setup" >/dev/null

# The guard only turns a hang into a failure: partest answers at once.
guarded_run() { timeout 60 "$PARTEST" "$@" >out 2>err </dev/null; status=$?; }
refused() { status_is 2 && err_is_one_line && err_has 'name the same database'; }

guarded_run --db "a=postgresql://partest@localhost:$port/tpl" \
	--db "b=postgresql://partest@127.0.0.1:$port/tpl" "$PROGRAMS/pg_writers"
check "localhost and 127.0.0.1: refused, exit 2, one line" refused

guarded_run --db "a=$(url tpl)" --db "b=postgresql://partest@127.0.0.1:$port/tpl" "$PROGRAMS/pg_writers"
check "the socket and TCP: refused" refused

guarded_run --db "a=$(url tpl)" --db "b=$(url partest tpl 'connect_timeout=5')" "$PROGRAMS/pg_writers"
check "an extra query parameter: refused" refused

guarded_run --db "$(url tpl)" --db "b=$(url other)" "$PROGRAMS/pg_writers"
check "two templates on one server are not refused" status_is 0

guarded_run --db "App=$(url tpl)" --db "app=$(url other)" "$PROGRAMS/pg_writers"
check "aliases differing only in case: exit 2" status_is 2
check "one line saying so" sh -c 'grep -q "differ only in case" err && [ "$(wc -l <err)" -eq 1 ]'
check "no clone was left" [ -z "$(sql postgres "SELECT datname FROM pg_database WHERE datname LIKE '%\_pt%'")" ]
done_testing
