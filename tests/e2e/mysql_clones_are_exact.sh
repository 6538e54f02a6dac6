#!/bin/sh
# On a MariaDB (or, through the *_on_*.sh scripts, MySQL or another
# MariaDB) server the test starts itself: every clone of a template with
# foreign keys (several to a table, among unique, plain and check
# constraints), charsets, partitions, a generated column, an expression default, an
# invisible column, a check constraint, AUTO_INCREMENT counters, views on
# views, triggers, procedures (naming the template's schema, quoted or not),
# a function and an event, and on MariaDB a sequence and a system-versioned
# table with its history (on MySQL a functional index), is exact (the SHOW
# CREATE text of every object, row counts, CHECKSUM TABLE, the next
# AUTO_INCREMENT), with the default strategy and with dump; each worker
# writes only to its own clone.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start
vendor=mariadb
[ "$MY_FLAVOUR" = mysql ] && vendor=mysql
# MariaDB 10.11 and later can insert history rows with their own times.
history=no
sql 'SELECT @@system_versioning_insert_history' >/dev/null 2>&1 && history=yes

cat >schema.sql <<'SQL'
CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
  total INT GENERATED ALWAYS AS (CHAR_LENGTH(name) * 2) STORED,
  created DATETIME DEFAULT CURRENT_TIMESTAMP, KEY (name),
  CONSTRAINT named CHECK (CHAR_LENGTH(name) < 40)) ENGINE=InnoDB;
CREATE TABLE child (id BIGINT AUTO_INCREMENT PRIMARY KEY, parent_id INT NOT NULL, note TEXT,
  hidden INT INVISIBLE DEFAULT 0,
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(50));
CREATE TABLE link (id INT PRIMARY KEY, a INT, b INT, note VARCHAR(20), UNIQUE KEY u (note),
  KEY zz (b), KEY aa (a, b), CONSTRAINT z_fk FOREIGN KEY (a) REFERENCES parent (id),
  CONSTRAINT a_fk FOREIGN KEY (b) REFERENCES parent (id) ON UPDATE CASCADE, CONSTRAINT ck CHECK (id > 0));
CREATE TABLE parted (id INT NOT NULL, v INT, PRIMARY KEY (id))
  PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE `odd ``name` (id INT AUTO_INCREMENT PRIMARY KEY, b BLOB) ENGINE=InnoDB;
INSERT INTO parent (name) VALUES ('a'), ('b'), ('c'), ('Ä');
INSERT INTO child (parent_id, note) VALUES (1, 'x'), (2, 'y'), (4, 'ü');
INSERT INTO link VALUES (1, 1, 2, 'x'), (2, 2, 4, NULL);
UPDATE parent SET created = '2001-02-03 04:05:06';
UPDATE child SET hidden = id * 3;
INSERT INTO parted VALUES (1, 1), (200, 2);
INSERT INTO `odd ``name` (b) VALUES (0x00FF10);
DELETE FROM parent WHERE id = 3;
ALTER TABLE parent AUTO_INCREMENT = 1000;
CREATE VIEW v_child AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id;
CREATE VIEW v_all AS SELECT * FROM v_child;
CREATE TRIGGER child_ins BEFORE INSERT ON child FOR EACH ROW SET NEW.note = CONCAT('t:', NEW.note);
CREATE TRIGGER parent_ins AFTER INSERT ON parent FOR EACH ROW
  INSERT INTO app.audit (what) VALUES (CONCAT('app.', NEW.name));
DELIMITER //
CREATE PROCEDURE add_parent(IN n VARCHAR(50)) BEGIN INSERT INTO `app`.parent (name) VALUES (n); END//
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2//
DELIMITER ;
CREATE EVENT ev ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE DO DELETE FROM child WHERE id < 0;
SQL
cat >versioned.sql <<'SQL'
CREATE TABLE versioned (id INT PRIMARY KEY, x INT) WITH SYSTEM VERSIONING;
INSERT INTO versioned VALUES (1, 1);
UPDATE versioned SET x = 2;
UPDATE versioned SET x = 3;
SQL
if [ "$vendor" = mariadb ]; then
	cat >>schema.sql <<'SQL'
CREATE SEQUENCE seq START WITH 100 INCREMENT BY 5;
DO NEXTVAL(seq);
SQL
	[ "$history" = yes ] && cat versioned.sql >>schema.sql
else
	cat >>schema.sql <<'SQL'
CREATE TABLE functional (id INT PRIMARY KEY, v INT, INDEX by_abs ((ABS(v))));
INSERT INTO functional VALUES (1, -5), (2, 4);
SQL
fi
cat >setup.sh <<SCRIPT
#!/bin/sh
db=\${DATABASE_URL##*/}; db=\${db%%\\?*}
mariadb --no-defaults -S "$MYSERVER/sock" -u root "\$db" <"$work/schema.sql" || exit 1
"$work/describe.sh" "\$db" | sed "s/\$db/DB/g" >"$work/template.txt"
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
sql "$1" 'SELECT SUM(hidden) FROM child'
if [ "$vendor" = mariadb ]; then
	sql "$1" 'SHOW CREATE SEQUENCE seq'
	sql "$1" 'SELECT * FROM seq'
fi
if [ "$history" = yes ]; then
	sql "$1" 'SELECT id, x, ROW_START, ROW_END FROM versioned FOR SYSTEM_TIME ALL ORDER BY ROW_START'
fi
sql "$1" "SELECT TABLE_NAME, TABLE_TYPE, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1' ORDER BY 1"
sql "$1" "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$1'"
SCRIPT
export MY_SOCKET="$MYSERVER/sock" vendor history
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
[ "$(q "SELECT COUNT(*) FROM audit WHERE what = 'app.w$w'")" = "$(q "SELECT COUNT(*) FROM parent WHERE name = 'w$w'")" ] || exit 1
[ "$(q "SELECT MIN(id) FROM parent WHERE name = 'w$w'")" = 1000 ]
SCRIPT
chmod +x compare.sh describe.sh

for strategy in copy dump; do
	rm -f workers clone.* template.txt
	# dump replays the template's text as it is: a trigger or procedure
	# naming the template's schema would go on writing to the template
	# (documented), so the dump run's schema leaves those names unqualified.
	[ "$strategy" = dump ] && sed -i 's/INTO app\.audit/INTO audit/; s/INTO `app`\.parent/INTO parent/' schema.sql
	run -j2 --db "$(url app "partest_strategy=$strategy")" --db-setup ./setup.sh ./compare.sh ./compare.sh ./compare.sh ./compare.sh
	check "$strategy: the run passes (each worker sees its own writes, the trigger fires, the counter goes on)" status_is 0
	check "$strategy: two clones were used" [ "$(cut -d' ' -f2 workers | sort -u | wc -l)" -eq 2 ]
	if [ "$strategy" = dump ] && [ "$vendor" = mysql ]; then
		# MySQL's mysqldump replays a column's inherited collation as an
		# explicit one, which SHOW CREATE TABLE then shows with its
		# character set (documented); the copy strategy keeps it inherited.
		for f in template.txt clone.1 clone.2; do
			[ -f "$f" ] && sed -i 's/ CHARACTER SET [a-z0-9_]* COLLATE / COLLATE /g' "$f"
		done
	fi
	check "$strategy: the template was described by --db-setup" grep -q 'CONSTRAINT `fk_parent`' template.txt
	check "$strategy: worker 1's clone was exact" cmp -s template.txt clone.1
	check "$strategy: worker 2's clone was exact" cmp -s template.txt clone.2
	check "$strategy: nothing is left but the registry" [ -z "$(databases 'app%')" ]
	! cmp -s template.txt clone.1 && diff template.txt clone.1 | sed "s/^/# $strategy: /" | head -6
done
if [ "$vendor" = mariadb ] && [ "$history" = no ]; then
	# A server that cannot insert history rows (before MariaDB 10.11): the
	# copy refuses a system-versioned table rather than drop its history;
	# dump gives the clones its current rows.
	sql 'CREATE DATABASE hist'
	sql hist "SOURCE $work/versioned.sql"
	cat >current.sh <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL##*/}; db=${db%%\?*}
[ "$(mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B "$db" -e 'SELECT x FROM versioned')" = 3 ]
SCRIPT
	chmod +x current.sh
	run -j2 --db "$(url hist)" ./current.sh ./current.sh
	check "versioned table, no history support: the copy exits 3" status_is 3
	check "in one line" err_is_one_line
	check "that says why" err_has "cannot copy the history of the system-versioned tables"
	check "no clone of it is left" [ -z "$(databases 'hist\_pt%')" ]
	run -j2 --db "$(url hist partest_strategy=dump)" ./current.sh ./current.sh
	check "dump copies its current rows" status_is 0
	sql 'DROP DATABASE hist'
fi
check "the registry is empty" [ -z "$(sql 'SELECT name FROM partest_registry.databases')" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
