#!/bin/sh
# --fresh-db test on MariaDB: executables that each insert a row and assert
# the table holds exactly that row pass at -j2, where one clone per worker
# fails them, and no clone is left on the server after either run; clones
# made by mysqldump, a child process, are refused.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

# one_row.sh: DATABASE_URL's database must hold the test's row alone.
cat >"$work/one_row.sh" <<SCRIPT
#!/bin/sh
db=\${DATABASE_URL#*localhost/}
rows=\$(mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "\${db%%\\?*}" \\
	-e "INSERT INTO t VALUES ('\$0'); SELECT count(*) FROM t")
[ "\$rows" = 1 ] || { echo "\$db holds \$rows rows" >&2; exit 1; }
SCRIPT
chmod +x "$work/one_row.sh"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do ln -s "$work/one_row.sh" "$work/row$i.sh"; done
sql "CREATE DATABASE app"
sql app "CREATE TABLE t (name varchar(200))"

run -j2 --fresh-db test --db "$(url app)" "$work"/row*.sh
check "test: every test finds the table empty at -j2" last_line_is "12 passed, 0 failed, 0 skipped"
check "test: no clone is left on the server" [ -z "$(databases 'app_pt%')" ]
run -j2 --db "$(url app)" "$work"/row*.sh
check "worker (the default): tests see the rows of the tests before them" status_is 1
check "worker: no clone is left on the server" [ -z "$(databases 'app_pt%')" ]
run -j2 --fresh-db test --db "$(url app partest_strategy=DUMP)" "$work"/row*.sh
check "mysqldump's clones (partest_strategy=dump): refused, exit status 2" status_is 2
check "... in one line that says why" \
	eval 'err_is_one_line && err_has "copies its clones with mysqldump"'
check "nor a run directory" no_run_dirs_left
done_testing
