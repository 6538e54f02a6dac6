#!/bin/sh
# --keep-failed on MariaDB (and, through the _on_mysql script, on Oracle
# MySQL, whose databases keep no comment): a failed test's clone is copied,
# with the row the test committed, into a kept database registered and
# marked as kept; the console gives its URL (password masked) and export
# lines; the kept clone survives the next run and a plain `partest db
# clean`, and `partest db clean --kept` drops it, but never a database the
# user made again under a kept one's name.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

cat >"$work/sql" <<SCRIPT
#!/bin/sh
db=\${1#*localhost/}
mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "\${db%%\\?*}" -e "\$2"
SCRIPT
cat >"$work/fails.sh" <<SCRIPT
#!/bin/sh
"$work/sql" "\$DATABASE_URL" 'INSERT INTO t VALUES (42)'
exit 1
SCRIPT
printf '#!/bin/sh\nexit 0\n' >"$work/passes.sh"
chmod +x "$work/sql" "$work/fails.sh" "$work/passes.sh"
setup="$work/sql \"\$DATABASE_URL\" 'CREATE TABLE t (x int)'"
db=$(url app)

run -j1 --keep-failed --db "$db" --db-setup "$setup" "$work/fails.sh" "$work/passes.sh"
check "the run fails" status_is 1
kept=$(databases 'app_pt%kept1')
check "the clone is kept under a kept name" [ -n "$kept" ]
check "with the row the test committed" [ "$(sql "$kept" 'SELECT x FROM t')" = 42 ]
check "the console gives its URL" out_has "--db default kept as mysql://root@localhost/$kept?socket="
check "and the export lines" out_has "export DATABASE_URL='mysql://root@localhost/$kept?socket="
check "no clone of the run is left but the kept one" [ "$(databases 'app_pt%')" = "$kept" ]

run -j1 --db "$db" --db-setup "$setup" "$work/passes.sh"
check "the next run passes" status_is 0
check "and leaves the kept clone" [ "$(databases 'app_pt%')" = "$kept" ]

run db clean --db "$db"
check "a plain db clean says what it left" out_has "left what --keep-failed kept: 1 database and 1 directory"
check "which is still there" [ "$(databases 'app_pt%')" = "$kept" ]

run db clean --kept --db "$db"
check "db clean --kept succeeds" status_is 0
check "and drops the kept clone" out_has "dropped the kept MySQL database \"$kept\""
check "which is gone" [ -z "$(databases 'app_pt%')" ]

run -j1 --keep-failed --db "$db" --db-setup "$setup" "$work/fails.sh"
kept=$(databases 'app_pt%kept1')
check "a kept clone carries partest's kept marker" \
	[ "$(sql "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$kept'")" = partest_kept ]
sql "DROP DATABASE \`$kept\`; CREATE DATABASE \`$kept\`; CREATE TABLE \`$kept\`.precious (x INT); INSERT INTO \`$kept\`.precious VALUES (7)"
run db clean --kept --db "$db"
check "db clean --kept then succeeds" status_is 0
check "and leaves a database made again under the kept name alone" \
	[ "$(sql "SELECT x FROM \`$kept\`.precious")" = 7 ]
done_testing
