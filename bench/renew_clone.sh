#!/usr/bin/env bash
# renew_clone.sh: what one fresh clone costs (pt__db_renew_clones: the old
# clone dropped, the template copied again, marked), which is what a retry or
# a crashed worker's replacement pays for its database besides the worker's
# start, beside the plain way of doing the same in the same run:
#   SQLite      an 8 MiB template: renew, against `cp TEMPLATE CLONE` over
#               the old clone, timed by hyperfine -N (its exec included)
#   PostgreSQL  a 15 MB template on a private server (fsync off, unix
#               socket): renew (a new connection, the advisory lock, the
#               old clone's marker read, DROP ... WITH (FORCE), CREATE
#               DATABASE ... TEMPLATE ... STRATEGY FILE_COPY, the marker),
#               against DROP DATABASE c + CREATE DATABASE c TEMPLATE t
#               STRATEGY FILE_COPY on one open psql session, the server's
#               time by psql's \timing (no connection, no marker)
# Median and mean of N rounds (default 20), in ms.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${N:-20}
needs sqlite3 psql hyperfine jq
libs=$(make -s --no-print-directory -C "$repo" --eval='print-libs: ; @echo $(LIBS)' print-libs)
cppflags=$(make -s --no-print-directory -C "$repo" --eval='print-cppflags: ; @echo $(ALL_CPPFLAGS)' print-cppflags)
# shellcheck disable=SC2086
gcc -std=c17 -O2 $cppflags -I"$repo/src" "$repo/bench/renew_clone.c" "$repo/build/librunner.a" \
	"$repo/build/libpartest.a" $libs -o "$tmp/renew_clone"
export TMPDIR="$tmp"

# stats: median and mean of the numbers on stdin, "median / mean".
stats() { sort -n | awk '{ v[NR] = $1; s += $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f / %.1f", m, s / NR }'; }

sqlite3 "$tmp/app.db" "pragma page_size=4096; create table t(id integer primary key, b blob);
	with recursive c(x) as (select 1 union all select x + 1 from c where x < 8192)
	insert into t(b) select randomblob(900) from c;"
sqlite_renew=$("$tmp/renew_clone" "sqlite:$tmp/app.db" "" "$N" | stats)
hyperfine -N --runs "$N" --export-json "$tmp/cp.json" "cp $tmp/app.db $tmp/c.db" >/dev/null
sqlite_cp=$(jq -r '.results[0].times[] * 1000' "$tmp/cp.json" | stats)

pg_server_start "-c fsync=off" || { echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$server user=partest dbname=${2:-postgres}" -c "$1"; }
q "CREATE DATABASE t"
q "CREATE TABLE b (id int PRIMARY KEY, v text);
   INSERT INTO b SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, 8000) g" t
enc=$(printf '%s' "$server" | sed 's|/|%2F|g')
pg_renew=$("$tmp/renew_clone" "postgresql://partest@/t?host=$enc" "" "$N" | stats)
q "CREATE DATABASE c TEMPLATE t"
pg_psql=$({ echo '\timing on'; for i in $(seq "$N"); do
	echo 'DROP DATABASE c;'; echo 'CREATE DATABASE c TEMPLATE t STRATEGY FILE_COPY;'; done; } |
	psql -X -q -v ON_ERROR_STOP=1 "host=$server user=partest dbname=postgres" |
	sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | paste -d' ' - - | awk '{ print $1 + $2 }' | stats)

echo "== renew_clone: one fresh clone, median / mean of $N, ms ($(nproc) CPUs, $(date -u +%FT%TZ))"
echo "| engine | template | partest renew | peer |"
echo "| --- | --- | ---: | ---: |"
echo "| SQLite $(sqlite3 --version | cut -d' ' -f1) | 8 MiB | $sqlite_renew | cp: $sqlite_cp |"
echo "| PostgreSQL $("$bindir/postgres" --version | awk '{ print $3 }') | $(q "SELECT pg_size_pretty(pg_database_size('t'))") | $pg_renew | DROP + CREATE ... TEMPLATE on a psql session: $pg_psql |"
