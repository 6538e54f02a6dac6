#!/bin/sh
# MariaDB's row of "time to first test with a ready pool": the 56 MB
# template of bench/mysql_clones.sh (utf8mb4), built by --db-setup and kept
# with --keepdb, 4 workers, one trivial test each that notes when it
# started. Each round times, on the same server, a run without a pool
# (--pool 0: its 4 clones copied while the user waits) and a run that
# claims 4 ready clones (--pool 4; the filler it leaves makes the next
# round's). Before each timed run every filler has ended and the server
# has had 2 s to write out its pages, so both start alike.
# Prints each round, then the medians: from partest's start to the first
# test's start, and to the end of the run.
# Usage: bench/ready_pool_mysql.sh [ROUNDS]   (after `make`; needs mariadb-server)
#        PARTEST=OTHER/partest bench/ready_pool_mysql.sh [ROUNDS]   (another build)
set -eu
rounds=${1:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
partest=${PARTEST:-$here/build/partest}
. "$here/tests/mysql_server.sh"
missing=$(my_server_missing)
[ -z "$missing" ] || { echo "bench/ready_pool_mysql.sh: $missing" >&2; exit 1; }
trap 'st=$?; my_stop 2>/dev/null || :; exit $st' EXIT
my_start --innodb-buffer-pool-size=512M --skip-log-bin
dir=$MYSERVER
cd "$dir"
cat >setup.sh <<SCRIPT
#!/bin/sh
MYSERVER='$dir'
. '$here/bench/mysql_template.sh'
db=\${DATABASE_URL##*/}
my_bench_tables "\${db%%\\?*}"
SCRIPT
printf '#!/bin/sh\ndate +%%s%%3N >>"$FIRST_LOG"\n' >first.sh
chmod +x setup.sh first.sh
url="mysql://root@localhost/bench?socket=$MYSOCKET_ENCODED"
sql() { mariadb --no-defaults -S "$dir/sock" -u root -N -B "$@"; }
ms() { date +%s%3N; }
ready() { sql -e "SELECT COUNT(*) FROM partest_registry.databases WHERE kind = 'ready'"; }
settle() {
	while pgrep -f "db fill .*$MYSOCKET_ENCODED" >/dev/null; do sleep 0.1; done
	sleep 2
}
# timed [OPTION...]: one -j4 run of the four tests; sets first and whole (ms).
timed() {
	: >first
	start=$(ms)
	FIRST_LOG="$dir/first" TMPDIR="$dir" "$partest" -j4 "$@" ./first.sh ./first.sh ./first.sh ./first.sh >out
	whole=$(($(ms) - start))
	first=$(($(sort -n first | head -n 1) - start))
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

"$partest" db fill --pool 4 --db "$url" --db-setup ./setup.sh >/dev/null
size=$(sql -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bench'")
echo "template bench: 20 tables, $size MB (data + indexes), $(sql -e 'SELECT VERSION()'), 4 workers"
: >results
for round in $(seq "$rounds"); do
	settle
	timed
	bare_first=$first bare_whole=$whole
	# --pool 0 makes no ready clones but claims those there are: none, after db clean.
	"$partest" db clean --db "$url" >/dev/null
	timed --keepdb --pool 0 --db "$url" --db-setup ./setup.sh
	if grep -q claimed out; then echo "the run without a pool claimed ready clones" >&2; exit 1; fi
	nopool_first=$first nopool_whole=$whole
	"$partest" db fill --pool 4 --db "$url" --db-setup ./setup.sh >/dev/null
	[ "$(ready)" -eq 4 ] || { echo "the pool holds $(ready) ready clones, not 4" >&2; exit 1; }
	timed --keepdb --pool 4 --db "$url" --db-setup ./setup.sh
	grep -q "claimed 4 ready clones" out || { echo "the run did not claim 4 ready clones" >&2; exit 1; }
	echo "round $round: no pool: first test at $nopool_first ms, run $nopool_whole ms; ready pool: first test at $first ms, run $whole ms; no database: first test at $bare_first ms, run $bare_whole ms"
	echo "$nopool_first $nopool_whole $first $whole $bare_first $bare_whole" >>results
done
settle
echo "median of $rounds: no pool: first test at $(cut -d' ' -f1 results | median) ms, run $(cut -d' ' -f2 results | median) ms;" \
	"ready pool: first test at $(cut -d' ' -f3 results | median) ms, run $(cut -d' ' -f4 results | median) ms;" \
	"no database: first test at $(cut -d' ' -f5 results | median) ms, run $(cut -d' ' -f6 results | median) ms"
