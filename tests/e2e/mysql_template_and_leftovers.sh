#!/bin/sh
# On a MariaDB server the test starts itself: a given template is cloned and
# never touched; clones are gone after a run, after Ctrl-C, and after a
# SIGKILLed run (by `partest db clean` or by the next run); a database
# partest did not create, or a live run's, is never dropped; two runs at
# once on one template do not collide; --keepdb reuses a template; the
# throwaway mysql+tmp:// server leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

export MY_SOCKET="$MYSERVER/sock" ENV_LOG="$work/env.log"
cat >writer.sh <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL##*/}; db=${db%%\?*}
sock=$(echo "$DATABASE_URL" | sed 's/.*socket=//; s/&.*//; s/%2F/\//g')
echo "$PARTEST_WORKER $db" >>"$ENV_LOG"
q() { mariadb --no-defaults -S "$sock" -u root -N -B "$db" -e "$1"; }
q "INSERT INTO items (worker) VALUES ('$PARTEST_WORKER')" || exit 1
[ "$(q "SELECT COUNT(*) FROM items WHERE worker NOT IN ('$PARTEST_WORKER', '0')")" = 0 ] || exit 1
sleep "${HOLD:-0}"
SCRIPT
cat >setup.sh <<'SCRIPT'
#!/bin/sh
echo built >>"$work/builds"
db=${DATABASE_URL##*/}; db=${db%%\?*}
sock=$(echo "$DATABASE_URL" | sed 's/.*socket=//; s/&.*//; s/%2F/\//g')
mariadb --no-defaults -S "$sock" -u root "$db" -e \
	"CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, worker VARCHAR(8)); INSERT INTO items (worker) VALUES ('0')"
SCRIPT
chmod +x writer.sh setup.sh
sql 'CREATE DATABASE given'
sql given "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, worker VARCHAR(8)); INSERT INTO items (worker) VALUES ('0')"
sql 'CREATE DATABASE given_pt1_AAAAAA_1'
template_state() { sql given 'SELECT GROUP_CONCAT(worker ORDER BY id) FROM items'; }
before=$(template_state)
clones() { databases 'given\_pt%' | grep -v given_pt1_AAAAAA_1; }

run -j2 --db "$(url given)" ./writer.sh ./writer.sh ./writer.sh ./writer.sh
check "an existing template is cloned, one clone per worker" status_is 0
check "the workers used two clones" [ "$(cut -d' ' -f2 "$ENV_LOG" | sort -u | wc -l)" -eq 2 ]
check "the template is untouched" [ "$(template_state)" = "$before" ]
check "the clones are gone after the run" [ -z "$(clones)" ]
check "a clone-like database partest did not create is still there" \
	[ "$(databases 'given\_pt1\_AAAAAA\_1')" = given_pt1_AAAAAA_1 ]

run --db "mysql://root:s3cret@localhost/given?socket=$MYSOCKET_ENCODED" --db-setup ./setup.sh ./writer.sh
check "--db-setup refuses a database partest did not create (or a bad password): one line, no password" \
	sh -c '[ "$(wc -l <err)" -eq 1 ] && ! grep -q s3cret err'
run --db "$(url given)" --db-setup ./setup.sh ./writer.sh
check "--db-setup refuses a database partest did not create: exit 2" status_is 2
check "and says so" err_has 'not created by partest'
check "and leaves it alone" [ "$(template_state)" = "$before" ]

start_held() {
	: >"$ENV_LOG"
	HOLD=20 "$PARTEST" -j2 --db "$(url given)" ./writer.sh ./writer.sh >out 2>err </dev/null &
	pid=$!
	for i in $(seq 100); do [ "$(wc -l <"$ENV_LOG")" -ge 2 ] && break; sleep 0.1; done
}
start_held
check "while the run goes on, its two clones exist" [ "$(clones | wc -l)" -eq 2 ]
kill -INT "$pid"
wait "$pid"
status=$?
check "Ctrl-C: exit 130" status_is 130
check "Ctrl-C: the clones are gone" [ -z "$(clones)" ]

start_held
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 0.3
check "SIGKILL leaves the clones" [ "$(clones | wc -l)" -eq 2 ]
run db clean --db "$(url given)"
check "partest db clean succeeds" status_is 0
check "it names the two clones it dropped" sh -c '[ "$(grep -c "dropped MySQL database \"given_pt" out)" -eq 2 ]'
check "they are gone" [ -z "$(clones)" ]
start_held
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 0.3
host=$(hostname)
sql "CREATE DATABASE given_live; INSERT INTO partest_registry.databases (name, kind, run_id, host, pid, start) VALUES ('given_live', 'clone', 'partest-$$-live', '$host', $$, 0)"
run -j2 --db "$(url given)" ./writer.sh ./writer.sh
check "the next run passes" status_is 0
check "and dropped what the killed run left" [ -z "$(clones)" ]
check "a clone registered by a live run is never dropped" [ "$(databases given_live)" = given_live ]
check "the template is still untouched" [ "$(template_state)" = "$before" ]

# Two runs at once on one template, then two that both build it with
# --db-setup (they take turns holding it): each run gets clones of its own,
# both pass, and nothing is left when both have ended.
two_at_once() {
	: >"$ENV_LOG"
	HOLD=1 "$PARTEST" -j2 "$@" ./writer.sh ./writer.sh >out 2>err </dev/null &
	first=$!
	HOLD=1 "$PARTEST" -j2 "$@" ./writer.sh ./writer.sh >out.2 2>err.2 </dev/null &
	second=$!
	wait "$first"
	status=$?
	wait "$second"
	status2=$?
}
two_at_once --db "$(url given)"
check "two runs at once on one template: the first passes" status_is 0
check "and so does the second" [ "$status2" = 0 ]
check "they used four clones" [ "$(cut -d' ' -f2 "$ENV_LOG" | sort -u | wc -l)" -eq 4 ]
check "none is left" [ -z "$(clones)" ]
check "the template is untouched" [ "$(template_state)" = "$before" ]
two_at_once --db "$(url shared)" --db-setup ./setup.sh
check "two runs at once building one template: the first passes" status_is 0
check "and so does the second" [ "$status2" = 0 ]
check "they used four clones" [ "$(cut -d' ' -f2 "$ENV_LOG" | sort -u | wc -l)" -eq 4 ]
check "neither template nor clone is left" [ -z "$(databases 'shared%')" ]
check "nor a registry row" [ -z "$(sql "SELECT name FROM partest_registry.databases WHERE name LIKE 'shared%'")" ]

: >"$work/builds"
keep() { run -j2 --keepdb --db "$(url built)" --db-setup ./setup.sh ./writer.sh ./writer.sh; }
keep
check "--keepdb: the first run builds the template and passes" status_is 0
check "--keepdb: it is registered as partest's template" \
	[ "$(sql "SELECT kind FROM partest_registry.databases WHERE name = 'built'")" = template ]
keep
check "--keepdb: an unchanged run reuses it" [ "$(wc -l <"$work/builds")" -eq 1 ]
run -j2 --db "$(url built)" --db-setup ./setup.sh ./writer.sh
check "without --keepdb the built template is dropped at the end" [ -z "$(databases built)" ]

: >"$ENV_LOG"
run -j2 --db 'mysql+tmp:///app?partest_threads=2' --db-setup ./setup.sh ./writer.sh ./writer.sh
check "mysql+tmp://: a throwaway server is started and used" status_is 0
# Its directory is /tmp/partest-my-<partest's pid>-XXXXXX, and partest's pid
# is in the clones' names; other scripts' servers may be running meanwhile.
runner=$(cut -d" " -f2 "$ENV_LOG" | head -n 1 | sed 's/^app_pt//; s/_.*//')
check "mysql+tmp://: its directory is gone" \
	sh -c "[ -n '$runner' ] && ! ls -d /tmp/partest-my-$runner-* 2>/dev/null"
run --db 'mysql://localhost/app?partest_strategy=fast' ./writer.sh
check "an unknown partest_strategy: exit 2" status_is 2
check "it lists the choices" err_has 'copy or dump'
run --db "mysql://root@localhost/nothere?socket=$MYSOCKET_ENCODED" ./writer.sh
check "a missing template: exit 3" status_is 3
check "in one line" err_is_one_line
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
