#!/bin/sh
# A MySQL or MariaDB database that someone dropped and made again under a
# name partest's registry remembers (a --keepdb template, a killed run's
# clone) is never dropped, by a run or by `partest db clean`: partest's own
# carry its marker (an empty procedure whose comment names the run), which
# the new one lacks, on every server version (see the _on_mysql and
# _on_mariadb10.5 scripts). A run that would rebuild such a template stops
# with exit 2, as on PostgreSQL and SQLite.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

cat >setup.sh <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL##*/}; db=${db%%\?*}
mariadb --no-defaults -S "$MY_SOCKET" -u root "$db" -e "CREATE TABLE items (x INT)"
SCRIPT
cat >hang.sh <<'SCRIPT'
#!/bin/sh
touch "$work/started"
exec sleep 300
SCRIPT
printf '#!/bin/sh\necho 1..1\necho ok 1\n' >ok.sh
# What a test sees in its clone: its tables and routines, one line each.
cat >contents.sh <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL##*/}; db=${db%%\?*}
{
	mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B "$db" -e "SHOW TABLES"
	mariadb --no-defaults -S "$MY_SOCKET" -u root -N -B -e "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$db'"
} >"$work/contents.$1"
SCRIPT
chmod +x setup.sh hang.sh ok.sh contents.sh
export MY_SOCKET="$MYSERVER/sock"

run --keepdb --db "$(url tpl)" --db-setup ./setup.sh ./ok.sh
check "a --keepdb run builds the template" status_is 0
check "the template carries partest's marker" \
	[ "$(sql "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'tpl'")" = partest_template ]
for strategy in copy dump; do
	run -j1 --keepdb --db "$(url tpl "partest_strategy=$strategy")" --db-setup ./setup.sh \
		./contents.sh :: $strategy
	check "a $strategy clone holds the table and its own marker, not the template's" \
		[ "$(sort "$work/contents.$strategy" | tr '\n' ' ')" = "items partest_clone " ]
done
sql "DROP DATABASE tpl; CREATE DATABASE tpl; CREATE TABLE tpl.precious (x INT); INSERT INTO tpl.precious VALUES (42)"
run --db "$(url tpl)" --db-setup ./setup.sh ./ok.sh
check "a run that would rebuild the re-created template: exit 2" status_is 2
check "one line saying it is not partest's" sh -c 'grep -q "exists and was not created by partest" err && [ "$(wc -l <err)" -eq 1 ]'
check "the re-created database and its data are intact" [ "$(sql "SELECT x FROM tpl.precious")" = 42 ]

sql "DROP DATABASE IF EXISTS tpl; CREATE DATABASE src; CREATE TABLE src.items (x INT)"
rm -f "$work/started"
"$PARTEST" -j1 --db "$(url src)" ./hang.sh >out 2>err </dev/null &
pid=$!
for i in $(seq 300); do [ -e "$work/started" ] && break; sleep 0.1; done
kill -KILL $pid
wait $pid 2>/dev/null
clone=$(databases 'src\_pt%')
check "a killed run left its clone" [ -n "$clone" ]
sql "DROP DATABASE \`$clone\`; CREATE DATABASE \`$clone\`; CREATE TABLE \`$clone\`.precious (x INT); INSERT INTO \`$clone\`.precious VALUES (7)"
run db clean --db "$(url src)"
check "partest db clean exits 0" status_is 0
check "and leaves the re-created database alone" [ "$(sql "SELECT x FROM \`$clone\`.precious")" = 7 ]
run --db "$(url src)" ./ok.sh
check "so does the next run" [ "$(sql "SELECT x FROM \`$clone\`.precious")" = 7 ]

"$PARTEST" -j1 --db "$(url src)" ./hang.sh >out 2>err </dev/null &
pid=$!
rm -f "$work/started"
for i in $(seq 300); do [ -e "$work/started" ] && break; sleep 0.1; done
kill -KILL $pid
wait $pid 2>/dev/null
run db clean --db "$(url src)"
check "a killed run's own clone is still dropped by partest db clean" \
	[ "$(databases 'src\_pt%')" = "$clone" ]
done_testing
