#!/bin/sh
# PostgreSQL: one worker's clone is made anew from the template under the
# same URL, the other worker's left as it is, and --keep-failed's keeping
# renames the clone with its rows to a kept name that outlives the run's
# tear-down and reaping (tests/unit/test_db_renew.c against a real server).
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
# The unit tests' binary, which make check builds and make e2e does not.
renew="$PARTEST_BUILD/tests/unit/test_db_renew"
[ -x "$renew" ] || make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" ${PARTEST_TEST_CFLAGS:+SANITIZE=1} \
	"$renew" >/dev/null ||
	{ echo "Bail out! cannot build $renew"; exit 1; }
pg_start

cat >"$work/sql" <<'SCRIPT'
#!/bin/sh
psql -X -q -t -A -v ON_ERROR_STOP=1 "$1" -c "$2"
SCRIPT
chmod +x "$work/sql"
PARTEST_TEST_RENEW_URL=$(url app) \
PARTEST_TEST_RENEW_SETUP="psql -X -q \"\$DATABASE_URL\" -c 'CREATE TABLE t (x int)'" \
PARTEST_TEST_RENEW_SQL="$work/sql" \
	"$renew" >out 2>err
status=$?
check "renew and keep pass on PostgreSQL" status_is 0
check "none was skipped" out_has "5 passed, 0 failed, 0 skipped"
check "the kept clone is on the server, marked as kept" \
	[ "$(sql postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'app_pt%kept1' AND shobj_description(oid, 'pg_database') LIKE 'partest kept v1 %'")" = 1 ]
check "no clone of the runs is left" [ -z "$(databases 'app_pt%' | grep -v kept)" ]
done_testing
