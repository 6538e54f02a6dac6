#!/bin/sh
# Which connections partest opens to make PostgreSQL clones: one clone is
# made on partest's one connection to the server, each further clone on a
# connection of its own; those connections do not try SSL when partest's
# first connection found the server refuses it, and use SSL when it did.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
command -v openssl >/dev/null || skip_all "openssl is not installed"
# A server that refuses SSL connections from 127.0.0.1 (libpq's default
# sslmode=prefer then tries again without), and takes plain ones.
PG_HBA='local all all trust
hostssl all all 127.0.0.1/32 reject
host all all 127.0.0.1/32 trust'
pg_start
log="$PGSERVER/server.log"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$PGSERVER/data/server.key" -out "$PGSERVER/data/server.crt" 2>/dev/null
chmod 600 "$PGSERVER/data/server.key"
[ "$(id -u)" -eq 0 ] && chown postgres: "$PGSERVER/data/server.key" "$PGSERVER/data/server.crt"
for PGPORT in $((20000 + $$ % 20000)) $((20001 + $$ % 20000)) $((20002 + $$ % 20000)); do
	as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -l "$log" -w -s -m fast -o \
		"-k $PGSERVER -p $PGPORT -c listen_addresses=127.0.0.1 -c ssl=on -c log_connections=on" \
		restart >/dev/null 2>&1 && break
done
export PGPORT
sql postgres 'CREATE DATABASE app' >/dev/null || { echo "# the server did not restart on 127.0.0.1"; exit 1; }

printf '#!/bin/sh\nexit 0\n' >pass.sh
chmod +x pass.sh
# clone_run JOBS: a run of three passing tests; what the server logged in run.log.
clone_run() {
	from=$(($(wc -l <"$log") + 1))
	run -j"$1" --db "postgresql://partest@127.0.0.1:$PGPORT/app" ./pass.sh ./pass.sh ./pass.sh
	tail -n +"$from" "$log" >run.log
}
sessions() { [ "$(grep -c "connection authorized: .*application_name=partest${2:-$}" run.log)" -eq "$1" ]; }
ssl_refused() { [ "$(grep -c 'rejects connection for host "127.0.0.1", user "partest", database "postgres", SSL' run.log)" -eq "$1" ]; }

clone_run 1
check "one clone: the run passes" status_is 0
check "one clone: made on partest's one connection" sessions 1
clone_run 3
check "three clones: the run passes" status_is 0
check "three clones: partest's connection and one more for each further clone" sessions 3
check "only partest's first connection tried SSL, which the server refuses" ssl_refused 1

printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$PGSERVER/data/pg_hba.conf"
sql postgres 'SELECT pg_reload_conf()' >/dev/null
clone_run 3
check "a server that takes SSL: the run passes" status_is 0
check "every connection of partest's uses SSL" sessions 3 ' SSL enabled'
check "nothing partest made is left on the server" [ -z "$(databases '%\_pt%')" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
