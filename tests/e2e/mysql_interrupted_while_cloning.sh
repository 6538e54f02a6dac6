#!/bin/sh
# On a MariaDB server the test starts itself: Ctrl-C while partest is still
# making the clones, with either strategy, ends the run with exit 130 and
# one line saying so, and leaves no clone, no registry row, no mysqldump or
# mysql process, and the template as it was. Another session holds the
# template's table with LOCK TABLES ... WRITE, so the copy (or the dump)
# is certainly under way, waiting for that table, when the signal comes.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

sql 'CREATE DATABASE held'
sql held "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20));
	INSERT INTO items (name) VALUES ('a'), ('b'), ('c')"
printf '#!/bin/sh\nexit 0\n' >ok.sh
chmod +x ok.sh
template_state() { sql held 'SELECT GROUP_CONCAT(name ORDER BY id) FROM items'; }
before=$(template_state)

# waiting_for STATE: whether a session of the server shows that state.
waiting_for() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = '$1'")" -gt 0 ]
}

# clients_running: whether a mysqldump or mysql that partest started (with
# the option file in its run directory, under $TMPDIR) is still running.
clients_running() { pgrep -f "[d]efaults-extra-file=$TMPDIR/" >/dev/null; }
not() { ! "$@"; }
# cloning_blocked: the run's clones exist and a session waits for the table.
cloning_blocked() {
	[ -n "$(databases 'held\_pt%')" ] && waiting_for 'Waiting for table metadata lock'
}

for strategy in copy dump; do
	mariadb --no-defaults -S "$MYSERVER/sock" -u root held \
		-e 'LOCK TABLES items WRITE; SELECT SLEEP(120)' >/dev/null 2>&1 &
	holder=$!
	for i in $(seq 100); do waiting_for 'User sleep' && break; sleep 0.1; done
	"$PARTEST" -j2 --db "$(url held "partest_strategy=$strategy")" ./ok.sh ./ok.sh \
		>out 2>err </dev/null &
	pid=$!
	for i in $(seq 100); do waiting_for 'Waiting for table metadata lock' && break; sleep 0.1; done
	check "$strategy: the clones exist and wait for the template when Ctrl-C comes" cloning_blocked
	[ "$strategy" = dump ] &&
		check "dump: mysqldump and mysql are running when Ctrl-C comes" clients_running
	kill -INT "$pid"
	wait "$pid"
	status=$?
	sql "KILL $(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE STATE = 'User sleep'")"
	wait "$holder"
	check "$strategy: exit 130" status_is 130
	check "$strategy: one line on stderr" err_is_one_line
	check "$strategy: it says why" err_has 'interrupted while making the database clones'
	check "$strategy: no clone is left" [ -z "$(databases 'held\_pt%')" ]
	check "$strategy: nor a registry row" \
		[ -z "$(sql "SELECT name FROM partest_registry.databases WHERE name LIKE 'held%'")" ]
	check "$strategy: no mysqldump or mysql process is left" not clients_running
	check "$strategy: the template is untouched" [ "$(template_state)" = "$before" ]
	check "$strategy: no run directory is left" no_run_dirs_left
done
done_testing
