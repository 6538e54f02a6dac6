#!/bin/sh
# Four clones of a ~50 MB template (20 tables of ~2.5 MB, a foreign key on
# each but the first, a view, a trigger and a procedure), made by a whole
# partest run with one trivial test per worker: the default copy strategy
# beside the dump strategy (mysqldump | mysql), same server, same run.
# Usage: bench/mysql_clones.sh [ROUNDS]   (after `make`; needs mariadb-server)
#        MY_FLAVOUR=mysql bench/mysql_clones.sh [ROUNDS]
#                                  (on MySQL, after scripts/server-tree mysql, as root)
#        PARTEST_B=OTHER/build/partest bench/mysql_clones.sh [ROUNDS]
#                                  (each round also times OTHER's copy, interleaved
#                                   on the same server, to compare two builds)
set -eu
rounds=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
partest="$here/build/partest"
. "$here/tests/mysql_server.sh"
missing=$(my_server_missing)
[ -z "$missing" ] || { echo "bench/mysql_clones.sh: $missing" >&2; exit 1; }
trap 'st=$?; my_stop 2>/dev/null || :; exit $st' EXIT
my_start --innodb-buffer-pool-size=512M --skip-log-bin
dir=$MYSERVER
sql() { mariadb --no-defaults -S "$dir/sock" -u root -N -B "$@"; }

. "$here/bench/mysql_template.sh"
printf '#!/bin/sh\nexit 0\n' >"$dir/ok.sh"
chmod +x "$dir/ok.sh"
ms() { date +%s%3N; }
# The server's CPU time so far, in centiseconds (user + system, all its
# threads): the work a run cost it, which the machine's noise moves less
# than the wall time.
server_pid=$(cat "$dir/pid")
server_cs() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
# The same template twice: in the compiled-in default character set of
# MariaDB's server, latin1, and in utf8mb4, the default of MySQL 8 and of
# Debian's MariaDB configuration. Index upkeep costs more in utf8mb4.
for charset in latin1 utf8mb4; do
	db=bench_$charset
	sql -e "CREATE DATABASE $db CHARACTER SET $charset"
	my_bench_tables "$db"
	size=$(sql -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db'")
	echo "template $db: 20 tables, $size MB (data + indexes), $MY_FLAVOUR $(sql -e 'SELECT VERSION()')"
	url="mysql://root@localhost/$db?socket=$MYSOCKET_ENCODED"
	for round in $(seq "$rounds"); do
		for run in copy dump ${PARTEST_B:+copy-B}; do
			binary=$partest strategy=$run
			[ "$run" = copy-B ] && binary=$PARTEST_B strategy=copy
			sleep 2 # the last run's pages written out, so each run starts alike
			start=$(ms) cpu=$(server_cs)
			(cd "$dir" && TMPDIR="$dir" "$binary" -j4 --db "$url&partest_strategy=$strategy" ./ok.sh ./ok.sh ./ok.sh ./ok.sh >/dev/null)
			echo "$charset round $round: $run $(( $(ms) - start )) ms for 4 clones (whole run), server CPU $(( $(server_cs) - cpu ))0 ms"
		done
	done
done
