#!/usr/bin/env bash
# fresh_db.sh: what --fresh-db test adds per test (issue 16), beside the same
# tests under --fresh-db worker in the same run: 500 tests at -j2
# (tests/programs/fresh_rows, FRESH_ROWS_SCOPE=any: each opens the clone,
# inserts a row and counts; 100 tests --repeat 5), on
#   SQLite      a template holding the empty table
#   PostgreSQL  the same on a private server (unix socket, fsync off as in
#               the end-to-end tests), with partest's default strategy
#               (auto: FILE_COPY here) and with partest_strategy=wal_log
# Wall-clock seconds, median of RUNS (default 3; PG_RUNS, default 1, for
# PostgreSQL, whose fresh runs are long), and the added time per test:
# (fresh - worker) / 500. Then, on PostgreSQL, 200 tests that wait instead
# of working (executables sleeping 20 ms) at -j4, which leave the CPUs to
# the server, so that how fast clones are made anew is what shows.
# SERVER_DIR puts the server's data elsewhere than /tmp (another file
# system); PARTEST=OTHER/partest times another build.
#
# Then where PostgreSQL's time goes: the renewer makes one clone at a time
# on one connection; how many clones a second that is, against the same
# DROP + CREATE DATABASE ... TEMPLATE issued by 1 and by 4 psql sessions
# at once (what a batch renewal on connections of its own could reach).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
PG_RUNS=${PG_RUNS:-1}
needs psql
make -s -C "$repo" build/tests/programs/fresh_rows >/dev/null
rows="$repo/build/tests/programs/fresh_rows"
export TMPDIR="$tmp" FRESH_ROWS_SCOPE=any
cd "$tmp"

# median: the median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wall SCOPE URL: seconds one run of the 500 tests takes, which must all pass.
wall() {
	local start end
	start=$(date +%s.%N)
	"$partest" -j2 --fresh-db "$1" --db "$2" --db-setup "$rows --setup" --filter '*::s0?::*' \
		--repeat 5 "$rows" >"$tmp/out" 2>&1 ||
		{ echo "$0: the $1 run failed:" >&2; tail -5 "$tmp/out" >&2; exit 1; }
	grep -q "^500 passed" "$tmp/out" || { tail -3 "$tmp/out" >&2; exit 1; }
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

# waiting SCOPE URL: seconds one run of 200 executables sleeping 20 ms at -j4 takes.
waiting() {
	local start end
	start=$(date +%s.%N)
	"$partest" -j4 --fresh-db "$1" --db "$2" --db-setup true "$tmp"/sleeps/t*.sh >"$tmp/out" 2>&1 ||
		{ echo "$0: the $1 run failed:" >&2; tail -5 "$tmp/out" >&2; exit 1; }
	grep -q "^200 passed" "$tmp/out" || { tail -3 "$tmp/out" >&2; exit 1; }
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

# compare NAME URL RUNS [RUN TESTS]: a table row, worker and test runs
# alternating, each run by RUN (wall, for 500 tests, unless given).
compare() {
	local worker=() fresh=() w f run=${4:-wall} tests=${5:-500}
	for _ in $(seq "$3"); do
		worker+=("$("$run" worker "$2")")
		fresh+=("$("$run" test "$2")")
	done
	w=$(printf '%s\n' "${worker[@]}" | median)
	f=$(printf '%s\n' "${fresh[@]}" | median)
	printf '| %s | %.2f s | %.2f s | %.1f ms |\n' "$1" "$w" "$f" "$(echo "($f - $w) * 1000 / $tests" | bc -l)"
}

echo "== fresh_db: 500 tests at -j2, median of runs ($(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%FT%TZ), $partest)"
echo "| database | --fresh-db worker | --fresh-db test | added per test |"
echo "| --- | ---: | ---: | ---: |"
compare "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)" "sqlite:$tmp/app.db" "$RUNS"

pg_server_start "-c fsync=off -c max_connections=50" || { echo "(no PostgreSQL server installed)"; exit 0; }
enc=$(printf '%s' "$server" | sed 's|/|%2F|g')
echo "(PostgreSQL's data in $server, $(stat -f -c %T "$server"))"
version=$("$bindir/postgres" --version | awk '{ print $3 }')
compare "PostgreSQL $version (auto)" "postgresql://partest@/app?host=$enc" "$PG_RUNS"
compare "PostgreSQL $version (wal_log)" "postgresql://partest@/app?host=$enc&partest_strategy=wal_log" "$PG_RUNS"

mkdir "$tmp/sleeps"
for i in $(seq -w 200); do printf '#!/bin/sh\nsleep 0.02\n' >"$tmp/sleeps/t$i.sh"; done
chmod +x "$tmp"/sleeps/t*.sh
echo
echo "== 200 executables sleeping 20 ms at -j4, median of $RUNS runs"
echo "| database | --fresh-db worker | --fresh-db test | added per test |"
echo "| --- | ---: | ---: | ---: |"
compare "PostgreSQL $version (auto)" "postgresql://partest@/waits?host=$enc" "$RUNS" waiting 200

# Clones a second: K sessions at once, each dropping and making its own
# clone of t ROUNDS times (FILE_COPY, as the auto runs above).
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$server user=partest dbname=postgres" -c "$1"; }
q "CREATE DATABASE t"
psql -X -q "host=$server user=partest dbname=t" -c "CREATE TABLE rows (suite text, name text)"
ROUNDS=${ROUNDS:-20}
per_second() {
	local sessions=$1 start end
	for k in $(seq "$sessions"); do q "CREATE DATABASE c$k TEMPLATE t"; done
	start=$(date +%s.%N)
	for k in $(seq "$sessions"); do
		{ for _ in $(seq "$ROUNDS"); do
			echo "DROP DATABASE c$k;"
			echo "CREATE DATABASE c$k TEMPLATE t STRATEGY $2;"
		done; } | psql -X -q -v ON_ERROR_STOP=1 "host=$server user=partest dbname=postgres" &
	done
	wait
	end=$(date +%s.%N)
	for k in $(seq "$sessions"); do q "DROP DATABASE c$k"; done
	echo "$sessions * $ROUNDS / ($end - $start)" | bc -l
}
echo
echo "== PostgreSQL $version: clones made anew per second, $ROUNDS rounds per session"
echo "| strategy | 1 session | 2 sessions at once | 4 sessions at once |"
echo "| --- | ---: | ---: | ---: |"
for strategy in FILE_COPY WAL_LOG; do
	printf '| %s | %.1f | %.1f | %.1f |\n' "$strategy" "$(per_second 1 "$strategy")" \
		"$(per_second 2 "$strategy")" "$(per_second 4 "$strategy")"
done
