#!/bin/sh
# On a MariaDB server the test starts itself: every clone of a template with
# foreign keys, charsets, partitions, a generated column, AUTO_INCREMENT
# counters, views on views, a trigger, a procedure, a function and an event
# is exact (the SHOW CREATE text of every object, row counts, CHECKSUM TABLE,
# the next AUTO_INCREMENT), with the default strategy and with dump; each
# worker writes only to its own clone.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

cat >schema.sql <<'SQL'
CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
  total INT GENERATED ALWAYS AS (CHAR_LENGTH(name) * 2) STORED, KEY (name)) ENGINE=InnoDB;
CREATE TABLE child (id BIGINT AUTO_INCREMENT PRIMARY KEY, parent_id INT NOT NULL, note TEXT,
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE parted (id INT NOT NULL, v INT, PRIMARY KEY (id))
  PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE `odd ``name` (id INT AUTO_INCREMENT PRIMARY KEY, b BLOB) ENGINE=InnoDB;
INSERT INTO parent (name) VALUES ('a'), ('b'), ('c'), ('Ä');
INSERT INTO child (parent_id, note) VALUES (1, 'x'), (2, 'y'), (4, 'ü');
INSERT INTO parted VALUES (1, 1), (200, 2);
INSERT INTO `odd ``name` (b) VALUES (0x00FF10);
DELETE FROM parent WHERE id = 3;
ALTER TABLE parent AUTO_INCREMENT = 1000;
CREATE VIEW v_child AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id;
CREATE VIEW v_all AS SELECT * FROM v_child;
CREATE TRIGGER child_ins BEFORE INSERT ON child FOR EACH ROW SET NEW.note = CONCAT('t:', NEW.note);
DELIMITER //
CREATE PROCEDURE add_parent(IN n VARCHAR(50)) BEGIN INSERT INTO parent (name) VALUES (n); END//
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2//
DELIMITER ;
CREATE EVENT ev ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM child WHERE id < 0;
SQL
cat >setup.sh <<SCRIPT
#!/bin/sh
db=\${DATABASE_URL##*/}; db=\${db%%\\?*}
mariadb --no-defaults -S "$MYSERVER/sock" -u root "\$db" <"$work/schema.sql"
SCRIPT
chmod +x setup.sh

# describe.sh DB: everything that must agree, with the database's name taken out.
cat >describe.sh <<'SCRIPT'
#!/bin/sh
sql() { mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B "$1" -e "$2"; }
for t in $(sql "$1" "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE '% %' ORDER BY 1"); do
	sql "$1" "SHOW CREATE TABLE \`$t\`"
	sql "$1" "SELECT COUNT(*) FROM \`$t\`"
	sql "$1" "CHECKSUM TABLE \`$t\`" | cut -f2
done
sql "$1" 'SHOW CREATE TABLE `odd ``name`'
sql "$1" 'CHECKSUM TABLE `odd ``name`' | cut -f2
for v in v_child v_all; do sql "$1" "SHOW CREATE VIEW $v" | cut -f1-2; done
sql "$1" 'SHOW CREATE TRIGGER child_ins' | cut -f1-3
sql "$1" 'SHOW CREATE PROCEDURE add_parent' | cut -f1-3
sql "$1" 'SHOW CREATE FUNCTION twice' | cut -f1-3
sql "$1" 'SHOW CREATE EVENT ev' | cut -f1-4
sql "$1" "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1' ORDER BY 1"
sql "$1" "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$1'"
SCRIPT
export MY_SOCKET="$MYSERVER/sock"
# The workers' test: its clone described like the template, then written to.
cat >compare.sh <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL##*/}; db=${db%%\?*}
w=$PARTEST_WORKER
q() { mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B "$db" -e "$1"; }
echo "$w $db" >>"$work/workers"
if [ ! -e "$work/clone.$w" ]; then
	"$work/describe.sh" "$db" | sed "s/$db/DB/g" >"$work/clone.$w" || exit 1
fi
q "CALL add_parent('w$w'); INSERT INTO child (parent_id, note) VALUES (1, 'w')" || exit 1
[ "$(q "SELECT COUNT(*) FROM parent WHERE name LIKE 'w%' AND name <> 'w$w'")" = 0 ] || exit 1
[ "$(q "SELECT note FROM child ORDER BY id DESC LIMIT 1")" = t:w ] || exit 1
[ "$(q "SELECT MIN(id) FROM parent WHERE name = 'w$w'")" = 1000 ]
SCRIPT
chmod +x compare.sh describe.sh

for strategy in copy dump; do
	rm -f workers clone.*
	run -j2 --db "$(url app "partest_strategy=$strategy")" --db-setup ./setup.sh ./compare.sh ./compare.sh ./compare.sh ./compare.sh
	check "$strategy: the run passes (each worker sees its own writes, the trigger fires, the counter goes on)" status_is 0
	check "$strategy: two clones were used" [ "$(cut -d' ' -f2 workers | sort -u | wc -l)" -eq 2 ]
	# The template is gone after the run; rebuild it to compare with.
	sql 'DROP DATABASE IF EXISTS app; CREATE DATABASE app'
	sql app "SOURCE $work/schema.sql"
	./describe.sh app | sed 's/app/DB/g' >template.txt
	sql 'DROP DATABASE app'
	check "$strategy: the template was described" grep -q 'CONSTRAINT `fk_parent`' template.txt
	check "$strategy: worker 1's clone was exact" cmp -s template.txt clone.1
	check "$strategy: worker 2's clone was exact" cmp -s template.txt clone.2
	check "$strategy: nothing is left but the registry" [ -z "$(databases 'app%')" ]
	! cmp -s template.txt clone.1 && diff template.txt clone.1 | sed "s/^/# $strategy: /" | head -6
done
check "the registry is empty" [ -z "$(sql 'SELECT name FROM partest_registry.databases')" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
