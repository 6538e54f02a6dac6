#!/bin/sh
# Sourced, after lib.sh, by the postgres_*.sh end-to-end scripts: skips the
# script when partest was built without libpq or PostgreSQL's server programs
# are not installed, and starts a private server (pg_start) for scripts that
# need one across several partest runs. Run on its own it has nothing to test.
if [ "$(basename "$0")" = postgres_lib.sh ]; then
	echo "1..0 # SKIP sourced by the postgres_*.sh scripts"
	exit 0
fi

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

if "$PARTEST" --list --db 'postgresql:///probe' "$PROGRAMS/pg_writers" 2>&1 |
	grep -q 'not built into'; then
	skip_all "partest was built without libpq"
fi
PG_BINDIR=${PARTEST_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BINDIR/initdb" ] || PG_BINDIR=$(dirname "$(command -v initdb 2>/dev/null || echo /x/x)")
[ -x "$PG_BINDIR/initdb" ] || skip_all "PostgreSQL's server (initdb) is not installed"
command -v psql >/dev/null || skip_all "psql is not installed"

# as_server CMD...: runs CMD as the user the server runs as (initdb refuses root).
as_server() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# pg_start: a private server on a unix socket in $PGSERVER, superuser
# "partest" (trust); $PG_HBA, if set, replaces pg_hba.conf. Stopped at exit.
pg_start() {
	PGSERVER=$(mktemp -d /tmp/partest-e2e-pg.XXXXXX)
	[ "$(id -u)" -eq 0 ] && chown postgres: "$PGSERVER"
	as_server "$PG_BINDIR/initdb" -D "$PGSERVER/data" -U partest -A trust -E UTF8 \
		--locale=C --no-sync >"$PGSERVER/initdb.log" 2>&1 || {
		echo "# initdb failed:"; sed 's/^/# /' "$PGSERVER/initdb.log"; exit 1; }
	[ -n "${PG_HBA:-}" ] && printf '%s\n' "$PG_HBA" >"$PGSERVER/data/pg_hba.conf"
	trap 'pg_stop; rm -rf "$work"' EXIT
	as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -l "$PGSERVER/server.log" -w -s \
		-o "-k $PGSERVER -c listen_addresses= -c fsync=off -c full_page_writes=off" start ||
		{ echo "# the server did not start:"; sed 's/^/# /' "$PGSERVER/server.log"; exit 1; }
	PGHOST_ENCODED=$(printf '%s' "$PGSERVER" | sed 's|/|%2F|g')
}

pg_stop() {
	[ -n "${PGSERVER:-}" ] || return 0
	as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -m immediate -s stop >/dev/null 2>&1
	rm -rf "$PGSERVER"
}

# url [USER[:PASSWORD]] DB [PARAMS]: a URL for the private server.
url() {
	if [ $# -ge 2 ]; then
		echo "postgresql://$1@/$2?host=$PGHOST_ENCODED${3:+&$3}"
	else
		echo "postgresql://partest@/$1?host=$PGHOST_ENCODED"
	fi
}

# sql DB STATEMENT: one value (or nothing), as the superuser.
sql() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$PGSERVER user=partest dbname=$1" -c "$2"
}

# databases LIKE: the names of the databases matching a LIKE pattern.
databases() {
	sql postgres "SELECT datname FROM pg_database WHERE datname LIKE '$1' ORDER BY 1"
}
