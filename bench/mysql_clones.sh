#!/bin/sh
# Four clones of a ~50 MB MariaDB template (20 tables of ~2.5 MB, a foreign key
# on each but the first, a view, a trigger and a procedure), made by a whole
# partest run with one trivial test per worker: the default copy strategy
# beside the dump strategy (mysqldump | mysql), same server, same run.
# Usage: bench/mysql_clones.sh [ROUNDS]   (after `make`; needs mariadb-server)
set -eu
rounds=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
partest="$here/build/partest"
dir=$(mktemp -d /tmp/partest-bench-my.XXXXXX)
user=
[ "$(id -u)" -eq 0 ] && { chown mysql: "$dir"; user=--user=mysql; }
trap '[ -f "$dir/pid" ] && kill -KILL "$(cat "$dir/pid")"; sleep 0.3; rm -rf "$dir"' EXIT
mariadb-install-db --no-defaults --datadir="$dir/data" $user --tmpdir="$dir" \
	--auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
	--tmpdir="$dir" --skip-networking --skip-log-bin $user --innodb-flush-log-at-trx-commit=0 \
	--innodb-doublewrite=0 --innodb-buffer-pool-size=512M >"$dir/server.log" 2>&1 &
for i in $(seq 300); do mariadb --no-defaults -S "$dir/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
sql() { mariadb --no-defaults -S "$dir/sock" -u root -N -B "$@"; }

sql -e 'CREATE DATABASE bench'
for t in $(seq 1 20); do
	fk=
	[ "$t" -gt 1 ] && fk=", KEY (ref), CONSTRAINT fk_$t FOREIGN KEY (ref) REFERENCES t1 (id)"
	sql bench -e "CREATE TABLE t$t (id INT AUTO_INCREMENT PRIMARY KEY, ref INT, name VARCHAR(64), body VARCHAR(200), n DOUBLE, KEY (name)$fk) ENGINE=InnoDB;
		SET SESSION max_recursive_iterations = 100000;
		INSERT INTO t$t (ref, name, body, n) WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 6500)
		SELECT 1 + i % 1000, MD5(i), REPEAT(MD5(i * $t), 5), RAND() FROM s;"
done
sql bench -e "CREATE VIEW v AS SELECT t2.id, t1.name FROM t2 JOIN t1 ON t1.id = t2.ref;
	CREATE TRIGGER t3_ins BEFORE INSERT ON t3 FOR EACH ROW SET NEW.name = UPPER(NEW.name);
	CREATE PROCEDURE touch(IN k INT) UPDATE t1 SET n = n + 1 WHERE id = k;"
size=$(sql -e "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'bench'")
echo "template: 20 tables, $size MB (data + indexes), MariaDB $(sql -e 'SELECT VERSION()')"
printf '#!/bin/sh\nexit 0\n' >"$dir/ok.sh"
chmod +x "$dir/ok.sh"
url="mysql://root@localhost/bench?socket=$(printf '%s' "$dir/sock" | sed 's|/|%2F|g')"
ms() { date +%s%3N; }
for round in $(seq "$rounds"); do
	for strategy in copy dump; do
		start=$(ms)
		(cd "$dir" && TMPDIR="$dir" "$partest" -j4 --db "$url&partest_strategy=$strategy" ./ok.sh ./ok.sh ./ok.sh ./ok.sh >/dev/null)
		echo "round $round: $strategy $(( $(ms) - start )) ms for 4 clones (whole run)"
	done
done
