#!/bin/sh
# MySQL/MariaDB: one worker's clone is made anew from the template under
# the same URL, the other worker's left as it is, and --keep-failed's
# keeping copies the clone with its rows into a kept database that outlives
# the run's tear-down and reaping (tests/unit/test_db_renew.c against a
# real server); `partest db clean --kept` drops it once its run is gone.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
# The unit tests' binary, which make check builds and make e2e does not.
renew="$PARTEST_BUILD/tests/unit/test_db_renew"
[ -x "$renew" ] || make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" ${PARTEST_TEST_CFLAGS:+SANITIZE=1} \
	"$renew" >/dev/null ||
	{ echo "Bail out! cannot build $renew"; exit 1; }
my_start

cat >"$work/sql" <<SCRIPT
#!/bin/sh
db=\${1#*localhost/}
mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "\${db%%\\?*}" -e "\$2"
SCRIPT
chmod +x "$work/sql"
PARTEST_TEST_RENEW_URL=$(url app) \
PARTEST_TEST_RENEW_SETUP="$work/sql \"\$DATABASE_URL\" 'CREATE TABLE t (x int)'" \
PARTEST_TEST_RENEW_SQL="$work/sql" \
	"$renew" >out 2>err
status=$?
check "renew and keep pass on MySQL/MariaDB" status_is 0
check "all ran but the PostgreSQL-only one" out_has "4 passed, 0 failed, 1 skipped"
kept=$(databases 'app_pt%kept1')
check "the kept clone is on the server" [ -n "$kept" ]
check "registered as kept" [ "$(sql "SELECT kind FROM partest_registry.databases WHERE name = '$kept'")" = kept ]
check "and marked as kept" \
	eval '[ "$(sql "SELECT ROUTINE_COMMENT FROM information_schema.ROUTINES WHERE ROUTINE_NAME = '"'partest_kept'"' AND ROUTINE_SCHEMA = '"'$kept'"'" | cut -d" " -f1-3)" = "partest kept v1" ]'
check "no other clone of the runs is left" [ "$(databases 'app_pt%')" = "$kept" ]
run db clean --db "$(url app)"
check "a plain db clean leaves it" eval '[ "$(databases "app_pt%")" = "$kept" ] && out_has "left what --keep-failed kept: 1 database"'
run db clean --kept --db "$(url app)"
check "db clean --kept drops it" eval '[ -z "$(databases "app_pt%")" ] && out_has "dropped the kept MySQL database \"$kept\""'
done_testing
