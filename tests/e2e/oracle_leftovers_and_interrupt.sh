#!/bin/sh
# Oracle: what a killed run left is dropped by the next run and by
# `partest db clean` (only clones whose run on this host is dead; never a
# live run's or another host's), and Ctrl-C while clones are being made
# breaks the statements in flight and drops what was made.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/oracle_lib.sh"
tests_for 2 >/dev/null

sh -c 'exit 0' &
dead=$!
wait $dead
marker() { echo "partest clone v1 run=partest-$1-abc host=$2 pid=$1 start=0"; }
LEFTOVERS="FROM PARTEST_REGISTRY WHERE MARKER LIKE => rows APP_PT${dead}_ABC_1|user|$(marker $dead "$HOST");;APP_PT$$_ABC_1|user|$(marker $$ "$HOST");;APP_PT${dead}_ABC_2|user|$(marker $dead elsewhere);;TPL_PT${dead}_ABC_1|pdb|$(marker $dead "$HOST");;PT_LINK_${dead}_ABC|link|$(marker $dead "$HOST")"

answers "$LEFTOVERS"
run db clean --db "$URL"
check "partest db clean exits 0" status_is 0
check "it drops the dead run's user" out_has "dropped Oracle user \"APP_PT${dead}_ABC_1\" on db.example:1521/ORCLPDB1, left by run partest-$dead-abc (pid $dead, no longer running)"
check "and its PDB" out_has "dropped Oracle PDB \"TPL_PT${dead}_ABC_1\""
check "and its database link" out_has "dropped Oracle database link \"PT_LINK_${dead}_ABC\""
check "each proven partest's by its exact marker" \
	logged "r.NAME = 'APP_PT${dead}_ABC_1' AND r.MARKER = '$(marker $dead "$HOST")'"
check "a live run's clone is left alone" never_logged "DROP USER \"APP_PT$$_ABC_1\""
check "another host's clone is left alone" never_logged "DROP USER \"APP_PT${dead}_ABC_2\""
check "no password shown" no_password_shown

answers "$TEMPLATE_EXISTS" "$LEFTOVERS"
run -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh"
check "a run drops them too, before making its clones" before "DROP USER \"APP_PT${dead}_ABC_1\"" 'CREATE USER'
check "and passes" status_is 0

# No registry yet: nothing to reap, and that is no error.
answers 'FROM PARTEST_REGISTRY WHERE MARKER LIKE => ORA-00942: table or view does not exist'
run db clean --db "$URL"
check "db clean without a registry exits 0" status_is 0
check "and drops nothing" out_has "nothing to clean"

# Ctrl-C during the imports.
answers "$TEMPLATE_EXISTS" 'DBMS_DATAPUMP => sleep=20000 ok'
"$PARTEST" -j2 --db "$URL" "$work/t1.sh" "$work/t2.sh" >out 2>err </dev/null &
pid=$!
for i in $(seq 100); do
	[ "$(count_logged DBMS_DATAPUMP)" = 2 ] && break
	sleep 0.1
done
start=$(date +%s)
kill -INT $pid
wait $pid
status=$?
check "Ctrl-C during the imports ends the run with 130" status_is 130
check "at once: the imports are broken off" [ $(($(date +%s) - start)) -lt 5 ]
check "it says so on one line" eval 'err_is_one_line && err_has interrupted'
check "both clones are dropped" logged_times 2 'DROP USER "APP_PT'
check "and the link" logged 'DROP DATABASE LINK'
check "nothing of the run is left" no_run_dirs_left
done_testing
