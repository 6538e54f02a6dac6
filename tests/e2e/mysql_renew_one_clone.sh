#!/bin/sh
# MySQL/MariaDB: one worker's clone is made anew from the template under
# the same URL, the other worker's left as it is
# (tests/unit/test_db_renew.c against a real server); --keep-failed is
# refused before the run, since partest cannot keep a MySQL clone yet.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
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
	"$PARTEST_BUILD/tests/unit/test_db_renew" >out 2>err
status=$?
check "renew passes on MySQL/MariaDB" status_is 0
check "keeping is the one skipped" out_has "2 passed, 0 failed, 1 skipped"
check "no clone of the runs is left" [ -z "$(databases 'app_pt%')" ]

printf '#!/bin/sh\nexit 1\n' >"$work/fails.sh"
chmod +x "$work/fails.sh"
run --keep-failed --db "$(url app)" "$work/fails.sh"
check "--keep-failed with a MySQL --db is a usage error" status_is 2
check "said on one line" eval 'err_is_one_line && err_has "--keep-failed: partest cannot keep a mysql clone yet"'
done_testing
