#!/bin/sh
# Oracle, against the stand-in client library: one worker's clone is made
# anew (its user dropped, proven this run's, and created again with the
# same name and password), for the datapump strategy by a fresh import and
# for the setup strategy by running --db-setup on the new, empty schema;
# --keep-failed, which cannot keep an Oracle clone, is refused.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/oracle_lib.sh"
# The unit tests' binary, which make check builds and make e2e does not.
renew="$PARTEST_BUILD/tests/unit/test_db_renew"
[ -x "$renew" ] || make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" ${PARTEST_TEST_CFLAGS:+SANITIZE=1} \
	"$renew" >/dev/null ||
	{ echo "Bail out! cannot build $renew"; exit 1; }

answers "$TEMPLATE_EXISTS"
PARTEST_TEST_RENEW_URL=$URL PARTEST_TEST_RENEW_SETUP= \
	"$renew" --filter '*renew_makes*' >out 2>err
status=$?
check "datapump: renew passes" status_is 0
check "clone 2 is dropped to be made anew, and again at the end" \
	[ "$(grep -c 'DROP USER "APP_PT[A-Z0-9_]*_2"' "$OCI_STANDIN_LOG")" = 2 ]
clone2=$(grep -o 'CREATE USER "APP_PT[A-Z0-9_]*_2" IDENTIFIED BY "[A-Za-z0-9]*"' "$OCI_STANDIN_LOG" | sort -u)
check "and created again under its name and password" \
	[ "$(grep -cF "$clone2" "$OCI_STANDIN_LOG")" = 2 ]
check "and imported again" logged_times 3 "remote_link => 'PT_LINK_"
check "clone 1 only at the end" \
	[ "$(grep -c 'DROP USER "APP_PT[A-Z0-9_]*_1"' "$OCI_STANDIN_LOG")" = 1 ]

answers ""
PARTEST_TEST_RENEW_URL="$URL?partest_strategy=setup" \
PARTEST_TEST_RENEW_SETUP="echo \"\$DATABASE_URL\" >>'$work/setups'" \
	"$renew" --filter '*renew_makes*' >out 2>err
status=$?
check "setup: renew passes" status_is 0
check "--db-setup ran on each clone, then on clone 2 again" \
	[ "$(wc -l <"$work/setups")" = 3 ] && [ "$(sed -n 3p "$work/setups")" = "$(sed -n 2p "$work/setups")" ]
# Oracle clones cannot be kept: --keep-failed says so before the run.
answers "$TEMPLATE_EXISTS"
run --keep-failed --db "$URL" $(tests_for 1)
check "--keep-failed with an Oracle --db is a usage error" status_is 2
check "said on one line" eval 'err_is_one_line && err_has "--keep-failed: partest cannot keep oracle clones yet"'
check "before any clone is made" never_logged 'CREATE USER'
done_testing
