#!/bin/sh
# Sourced by bench/mysql_clones.sh and bench/ready_pool_mysql.sh: the MySQL
# benches' template. my_bench_tables DB fills the database DB, which must
# exist, on the server at $MYSERVER/sock (tests/mysql_server.sh): 20 tables
# of 6 500 rows (about 2.5 MB each in utf8mb4), a foreign key on each but
# the first, a view, a trigger and a procedure.
my_bench_tables() {
	depth=max_recursive_iterations
	[ "${MY_FLAVOUR:-mariadb}" = mysql ] && depth=cte_max_recursion_depth
	for t in $(seq 1 20); do
		fk=
		[ "$t" -gt 1 ] && fk=", KEY (ref), CONSTRAINT fk_$t FOREIGN KEY (ref) REFERENCES t1 (id)"
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "$1" -e "CREATE TABLE t$t (id INT AUTO_INCREMENT PRIMARY KEY, ref INT, name VARCHAR(64), body VARCHAR(200), n DOUBLE, KEY (name)$fk) ENGINE=InnoDB;
			SET SESSION $depth = 100000;
			INSERT INTO t$t (ref, name, body, n) WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 6500)
			SELECT 1 + i % 1000, LEFT(SHA2(i, 256), 32), REPEAT(LEFT(SHA2(i * $t, 256), 32), 5), RAND() FROM s;"
	done
	mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "$1" -e "CREATE VIEW v AS SELECT t2.id, t1.name FROM t2 JOIN t1 ON t1.id = t2.ref;
		CREATE TRIGGER t3_ins BEFORE INSERT ON t3 FOR EACH ROW SET NEW.name = UPPER(NEW.name);
		CREATE PROCEDURE touch(IN k INT) UPDATE t1 SET n = n + 1 WHERE id = k;"
}
