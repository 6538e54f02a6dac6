#!/usr/bin/env bash
# postgres_clones.sh: what PostgreSQL clones cost, and what they buy.
#
# Starts a private PostgreSQL server (initdb as the "postgres" user when run as
# root; unix socket only; FSYNC=off by default, as partest's postgresql+tmp://
# server runs; FSYNC=on for a server configured like a workstation's), then:
#   1. clone time per worker, 4 workers, for a ~1 MB and a ~100 MB template:
#      CREATE DATABASE ... TEMPLATE with STRATEGY WAL_LOG and FILE_COPY, four at
#      once over four connections (partest's way) beside one after another on
#      one connection (Django's way); best of RUNS;
#   2. the same through partest: `partest -j4 --db URL` on 4 trivial tests
#      minus the same run without --db (connect, clone, drop, all included);
#   3. a 200-test suite (each test: an insert, a count and 5 ms of pg_sleep on
#      its worker's clone) at -j4 beside -j1.
# Env: RUNS (5), FSYNC (off).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
FSYNC=${FSYNC:-off}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }

make -s -C "$repo" >/dev/null
partest="$repo/build/partest"
"$partest" --list --db postgresql:///x /bin/true 2>&1 | grep -q 'not built into' &&
	{ echo "$0: partest was built without libpq" >&2; exit 2; }

as_server() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
server=$(mktemp -d "${SERVER_DIR:-/tmp}/partest-bench-pg.XXXXXX")
tmp=$(mktemp -d)
[ "$(id -u)" -eq 0 ] && chown postgres: "$server"
cleanup() {
	as_server "$bindir/pg_ctl" -D "$server/data" -m fast -s stop >/dev/null 2>&1 || true
	rm -rf "$server" "$tmp"
}
trap cleanup EXIT
as_server "$bindir/initdb" -D "$server/data" -U partest -A trust -E UTF8 --locale=C --no-sync >/dev/null
as_server "$bindir/pg_ctl" -D "$server/data" -l "$server/log" -w -s \
	-o "-k $server -c listen_addresses= -c fsync=$FSYNC -c max_connections=100" start
conn="host=$server user=partest"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$conn dbname=${2:-postgres}" -c "$1"; }
enc=$(printf '%s' "$server" | sed 's|/|%2F|g')

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# template NAME ROWS: a table of ROWS rows of ~1 KB each. (An empty database
# is already ~7.5 MB: the system catalogs.)
template() {
	q "CREATE DATABASE $1"
	q "CREATE TABLE t (id int PRIMARY KEY, b text);
	   INSERT INTO t SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, $2) g" "$1" >/dev/null
	q "VACUUM ANALYZE t" "$1"
	q "CHECKPOINT"
	echo "$(q "SELECT pg_size_pretty(pg_database_size('$1'))")"
}
drop_clones() { for k in 1 2 3 4; do q "DROP DATABASE IF EXISTS c$k"; done; }

# concurrent TEMPLATE STRATEGY / sequential TEMPLATE STRATEGY: ms for 4 clones.
concurrent() {
	local start=$(date +%s%N)
	for k in 1 2 3 4; do q "CREATE DATABASE c$k TEMPLATE $1 STRATEGY $2" & done
	wait
	ms "$start"
}
sequential() {
	local start=$(date +%s%N)
	printf 'CREATE DATABASE c%s TEMPLATE %s STRATEGY %s;\n' 1 "$1" "$2" 2 "$1" "$2" 3 "$1" "$2" 4 "$1" "$2" |
		psql -X -q -v ON_ERROR_STOP=1 "$conn dbname=postgres" >/dev/null
	ms "$start"
}
best() { sort -n | head -n 1; }

echo "== server: PostgreSQL $(q 'SHOW server_version'), fsync=$FSYNC, $(nproc) CPUs, $(stat -f -c %T "$server")"
small=$(template tpl_small 800)
large=$(template tpl_large 80000)
echo "== templates: tpl_small $small, tpl_large $large"

echo
echo "| template | strategy | 4 at once (ms, per worker) | one after another (ms, per worker) |"
echo "| --- | --- | ---: | ---: |"
for tpl in tpl_small tpl_large; do
	for strategy in WAL_LOG FILE_COPY; do
		c=$(for r in $(seq "$RUNS"); do concurrent $tpl $strategy; drop_clones; done | best)
		s=$(for r in $(seq "$RUNS"); do sequential $tpl $strategy; drop_clones; done | best)
		echo "| $tpl | $strategy | $c ($((c / 4))) | $s ($((s / 4))) |"
	done
done

mkdir "$tmp/s"
for i in 1 2 3 4; do printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$tmp/s/t$i.sh"; done
chmod +x "$tmp/s"/*.sh
echo
echo "== through partest: -j4, 4 trivial tests, best of $RUNS (wall ms)"
echo "| run | small template | large template |"
echo "| --- | ---: | ---: |"
for variant in none auto wal_log file_copy; do
	row="| $variant |"
	for tpl in tpl_small tpl_large; do
		t=$(for r in $(seq "$RUNS"); do
			start=$(date +%s%N)
			if [ $variant = none ]; then
				"$partest" -j4 --state-dir "$tmp/state" "$tmp/s"/*.sh >/dev/null
			else
				"$partest" -j4 --state-dir "$tmp/state" \
					--db "postgresql://partest@/$tpl?host=$enc&partest_strategy=$variant" \
					"$tmp/s"/*.sh >/dev/null
			fi
			ms "$start"
		done | best)
		row="$row $t |"
	done
	echo "$row"
done

# A 200-test suite on PostgreSQL.
cat >"$tmp/suite.c" <<'C'
#include <partest.h>
#include <libpq-fe.h>
#include <stdlib.h>
static PGconn *conn; /* one per worker process, on its clone */
static void connect_once(void) {
	if (conn) return;
	conn = PQconnectdb(getenv("DATABASE_URL"));
	PQclear(PQexec(conn, "CREATE TABLE IF NOT EXISTS hits (worker int, n int)"));
}
#define T(n) PT_TEST(suite##n, works) { connect_once(); \
	PGresult *r = PQexec(conn, "INSERT INTO hits VALUES (" #n ", 1); SELECT pg_sleep(0.005); SELECT count(*) FROM hits"); \
	PT_ASSERT_INT(PQresultStatus(r), ==, PGRES_TUPLES_OK); PQclear(r); }
C
for i in $(seq 1 200); do echo "T($i)" >>"$tmp/suite.c"; done
cc -O2 -I"$repo/include" -I"$(pg_config --includedir)" "$tmp/suite.c" -o "$tmp/suite" \
	"$repo/build/libpartest.a" $(pkg-config --libs sqlite3 libpq) -lpthread -lm
echo
echo "== a 200-test suite (insert + count + 5 ms pg_sleep each) on clones of tpl_small, best of 3"
for j in 1 4; do
	t=$(for r in 1 2 3; do
		start=$(date +%s%N)
		"$partest" -j$j --state-dir "$tmp/state" --db "postgresql://partest@/tpl_small?host=$enc" "$tmp/suite" >"$tmp/out" || { cat "$tmp/out"; exit 1; }
		ms "$start"
	done | best)
	echo "-j$j: $t ms ($(tail -n 1 "$tmp/out"))"
done
