#!/usr/bin/env bash
# postgres_clone_parts.sh: where one PostgreSQL clone's time goes, beside
# psql's own CREATE DATABASE ... TEMPLATE in the same run (issue 16 point 3).
#
# Starts a private server (as postgres when run as root; unix socket only)
# once with fsync=off and once with fsync=on, makes an ~8 MB template, and
# times, best of RUNS, each on an open session (psql's \timing) unless said:
#   connect      a new connection that runs SELECT 1 (psql, wall clock)
#   WAL_LOG      CREATE DATABASE c TEMPLATE t STRATEGY WAL_LOG
#   FILE_COPY    CREATE DATABASE c TEMPLATE t STRATEGY FILE_COPY (which
#                checkpoints twice itself)
#   CHECKPOINT   a CHECKPOINT with nothing to write
#   marker       COMMENT ON DATABASE c IS '<partest's marker>'
#   DROP         DROP DATABASE c
#   partest -j1  a whole run with one clone of t (connect, reap, lock, look,
#                clone with the default strategy, marker, drop) minus the
#                same run without --db (wall clock)
# Env: RUNS (5).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }
make -s -C "$repo" >/dev/null
partest="$repo/build/partest"

as_server() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
server=$(mktemp -d /tmp/partest-bench-pg.XXXXXX)
tmp=$(mktemp -d)
[ "$(id -u)" -eq 0 ] && chown postgres: "$server"
stop() { as_server "$bindir/pg_ctl" -D "$server/data" -m fast -s stop >/dev/null 2>&1 || true; }
trap 'stop; rm -rf "$server" "$tmp"' EXIT
as_server "$bindir/initdb" -D "$server/data" -U partest -A trust -E UTF8 --locale=C --no-sync >/dev/null
conn="host=$server user=partest dbname=postgres"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$server user=partest dbname=${2:-postgres}" -c "$1"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
best() { sort -n | head -n 1; }
# timed SQL...: the server-side time of the last statement, in ms (psql's \timing).
timed() {
	{ echo '\timing on'; printf '%s\n' "$@"; } | psql -X -q -v ON_ERROR_STOP=1 "$conn" |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
}
marker="partest clone v1 run=partest-1-AbCdEf host=bench pid=1 start=1"
printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$tmp/t.sh"
chmod +x "$tmp/t.sh"
enc=$(printf '%s' "$server" | sed 's|/|%2F|g')

echo "| fsync | connect | WAL_LOG | FILE_COPY | CHECKPOINT | marker | DROP | partest -j1, one clone |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for fsync in off on; do
	as_server "$bindir/pg_ctl" -D "$server/data" -l "$server/log" -w -s \
		-o "-k $server -c listen_addresses= -c fsync=$fsync" start
	q "CREATE DATABASE t" >/dev/null
	q "CREATE TABLE b (id int PRIMARY KEY, v text);
	   INSERT INTO b SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, 800) g" t >/dev/null
	q "CHECKPOINT"
	connect=$(for r in $(seq "$RUNS"); do s=$(date +%s%N); q "SELECT 1" >/dev/null; ms "$s"; done | best)
	row="| $fsync | $connect |"
	for strategy in WAL_LOG FILE_COPY; do
		t=$(for r in $(seq "$RUNS"); do
			timed "CREATE DATABASE c TEMPLATE t STRATEGY $strategy"
			q "DROP DATABASE c"
		done | best)
		row="$row $t |"
	done
	checkpoint=$(for r in $(seq "$RUNS"); do timed "CHECKPOINT"; done | best)
	q "CREATE DATABASE c TEMPLATE t"
	comment=$(for r in $(seq "$RUNS"); do timed "COMMENT ON DATABASE c IS '$marker'"; done | best)
	q "DROP DATABASE c"
	drop=$(for r in $(seq "$RUNS"); do q "CREATE DATABASE c TEMPLATE t"; timed "DROP DATABASE c"; done | best)
	bare=$(for r in $(seq "$RUNS"); do s=$(date +%s%N); "$partest" -j1 --state-dir "$tmp/state" "$tmp/t.sh" >/dev/null; ms "$s"; done | best)
	with=$(for r in $(seq "$RUNS"); do s=$(date +%s%N); "$partest" -j1 --state-dir "$tmp/state" \
		--db "postgresql://partest@/t?host=$enc" "$tmp/t.sh" >/dev/null; ms "$s"; done | best)
	echo "$row $checkpoint | $comment | $drop | $((with - bare)) ($with - $bare) |"
	q "DROP DATABASE t"
	stop
done
echo "(ms, best of $RUNS; PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg))"
