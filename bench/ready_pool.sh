#!/usr/bin/env bash
# ready_pool.sh: the time from starting partest to its first test, with an
# unchanged --keepdb template and a pool of ready clones (issue 16 point 1),
# beside the same run with no ready clone (--pool 0 after partest db clean),
# same servers, same run. 4 workers, 4 trivial tests: each writes the time
# it started (date +%s%N, the clock the start is read from too); the first
# test is the earliest of the four. Rows: SQLite with an 8 MB template;
# PostgreSQL (a private server, fsync as FSYNC says) with an 8 MB and an
# 87 MB template (rows of 1 KB, as bench/postgres_clone_parts.sh makes them).
# Between two pool rounds the detached filler is waited for, so that each
# round finds a full pool; the start of a round is not timed until then.
# Env: ROUNDS (10), FSYNC (on).
#
# Another engine's row: write a set-up command that builds its template from
# DATABASE_URL and call `row "NAME" "URL" "SETUP"` below; the row then shows
# in the table with the others (MariaDB's: the 56 MB template maker of
# bench/mysql_clones.sh, on a server started by tests/mysql_server.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs sqlite3 psql
ROUNDS=${ROUNDS:-10}
FSYNC=${FSYNC:-on}
unset PARTEST_POOL

cd "$tmp"
cat >first.sh <<'SH'
#!/bin/sh
date +%s%N >>"$STARTS"
echo 1..1
echo ok 1
SH
chmod +x first.sh

median() { sort -n | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f", m}'; }
filled() { grep -q 'the pool holds' .partest/ready/fill.log 2>/dev/null; }
wait_filled() { for _ in $(seq 600); do filled && return 0; sleep 0.1; done; echo "$0: the filler did not end" >&2; exit 1; }

# start_to_first URL SETUP POOL: one run; prints the ms from its start to its first test.
start_to_first() {
	local start first
	rm -f starts .partest/ready/fill.log
	start=$(date +%s%N)
	STARTS="$tmp/starts" "$partest" -j4 --keepdb --pool "$3" --db "$1" --db-setup "$2" \
		./first.sh ./first.sh ./first.sh ./first.sh >run.out 2>&1 || { cat run.out >&2; exit 1; }
	first=$(sort -n starts | head -n 1)
	echo $(((first - start) / 1000000))
}

# floor: the same tests without any --db, partest's own start (both columns).
floor() {
	local times=() start first
	for _ in $(seq "$ROUNDS"); do
		rm -f starts
		start=$(date +%s%N)
		STARTS="$tmp/starts" "$partest" -j4 ./first.sh ./first.sh ./first.sh ./first.sh >/dev/null
		first=$(sort -n starts | head -n 1)
		times+=($(((first - start) / 1000000)))
	done
	echo "| no --db (partest alone) | $(printf '%s\n' "${times[@]}" | median) | | ${times[*]} | |"
}

# row NAME URL SETUP: the table's row for one template.
row() {
	local pool=() none=() claimed
	"$partest" db fill --pool 4 --db "$2" --db-setup "$3" >/dev/null
	for _ in $(seq "$ROUNDS"); do
		pool+=("$(start_to_first "$2" "$3" 4)")
		grep -q 'claimed 4 ready clones' run.out || { echo "$0: $1: the run claimed no ready clones" >&2; cat run.out >&2; exit 1; }
		wait_filled
	done
	"$partest" db clean --db "$2" >/dev/null
	for _ in $(seq "$ROUNDS"); do
		none+=("$(start_to_first "$2" "$3" 0)")
		! grep -q claimed run.out || { echo "$0: $1: a --pool 0 run claimed clones" >&2; exit 1; }
	done
	"$partest" db clean --db "$2" >/dev/null
	echo "| $1 | $(printf '%s\n' "${pool[@]}" | median) | $(printf '%s\n' "${none[@]}" | median) | ${pool[*]} | ${none[*]} |"
}

# SQLite: an 8 MB template.
cat >sqlite_setup.sh <<'SH'
#!/bin/sh
sqlite3 "${DATABASE_URL#sqlite:}" "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 8000)
INSERT INTO t SELECT n, hex(randomblob(480)) FROM g"
SH
# PostgreSQL: ROWS rows of about 1 KB (800: 8 MB with the catalogs, 80000: 87 MB).
cat >pg_setup.sh <<'SH'
#!/bin/sh
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE TABLE t (id int PRIMARY KEY, b text);
INSERT INTO t SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, $ROWS) g" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "VACUUM ANALYZE t" >/dev/null
SH
chmod +x sqlite_setup.sh pg_setup.sh

pg_server_start "-c fsync=$FSYNC" || { echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }
pg_url() { echo "postgresql://partest@/$1?host=$(printf '%s' "$server" | sed 's|/|%2F|g')"; }

echo "== $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the start, PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') (fsync=$FSYNC), SQLite $(sqlite3 --version | cut -d' ' -f1), $ROUNDS rounds, $(git -C "$repo" rev-parse --short HEAD)"
echo
echo "| template | ready pool: start to first test, median ms | no pool (--pool 0) | ready pool, each round | no pool, each round |"
echo "| --- | ---: | ---: | --- | --- |"
floor
row "SQLite, 8 MB" "sqlite:$tmp/app.db" ./sqlite_setup.sh
ROWS=800 row "PostgreSQL, 8 MB" "$(pg_url small)" ./pg_setup.sh
ROWS=80000 row "PostgreSQL, 87 MB" "$(pg_url large)" ./pg_setup.sh
echo
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
