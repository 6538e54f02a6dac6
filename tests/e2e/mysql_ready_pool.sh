#!/bin/sh
# Ready clones between runs on MariaDB: a --keepdb run leaves a filler that
# makes ready clones (registered as ready, marked with the ready marker);
# the next run claims them and copies nothing, and a run whose template
# changed drops them instead of using them; two runs at once never get one
# clone; a filler SIGKILLed while it copies leaves only what `partest db
# clean` or the next run removes, and so does a claim cut short between
# the registry row and the marker; `partest db clean` drops the ready
# clones of its template, and no other template's.
. "$(dirname "$0")/lib.sh"
unset PARTEST_POOL
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
my_start

export ENV_LOG="$work/env.log"
cat >"$work/sql" <<SCRIPT
#!/bin/sh
db=\${1#*localhost/}
mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "\${db%%\\?*}" -e "\$2"
SCRIPT
# A test: says which database it got, and fails unless that database holds
# the template's three rows and, after its own, no row of another test.
cat >"$work/uses.sh" <<SCRIPT
#!/bin/sh
db=\${DATABASE_URL#*localhost/}
echo "\${db%%\\?*}" >>"\$ENV_LOG"
"$work/sql" "\$DATABASE_URL" 'INSERT INTO t VALUES (10)'
[ "\$("$work/sql" "\$DATABASE_URL" 'SELECT COUNT(*) FROM t')" = 4 ]
SCRIPT
printf '#!/bin/sh\nexit 0\n' >"$work/passes.sh"
chmod +x "$work/sql" "$work/uses.sh" "$work/passes.sh"
echo "CREATE TABLE t (x INT)" >"$work/schema.sql"
setup="echo built >>'$work/builds'; '$work/sql' \"\$DATABASE_URL\" 'CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2), (3)'"
db=$(url app)
app() { run -j2 --keepdb --db "$db" --db-setup "$setup" --db-inputs "$work/schema.sql" "$@"; }

# ready_rows [TEMPLATE]: the registry's ready clones of TEMPLATE (app).
ready_rows() {
	sql "SELECT name FROM partest_registry.databases WHERE kind = 'ready' AND name LIKE '${1:-app}\_pt%' ORDER BY name"
}
ready_count_is() { [ "$(ready_rows "${2:-app}" | grep -c .)" -eq "$1" ]; }
fillers_gone() { ! pgrep -f "db fill .*$MYSOCKET_ENCODED" >/dev/null; }
# wait_ready N [TEMPLATE]: until the filler a run left has made N and ended.
wait_ready() {
	until_true 600 ready_count_is "$@"
	until_true 600 fillers_gone
}
export LC_ALL=C
used() { sort -u "$ENV_LOG"; }
all_gone() {
	for name in "$@"; do [ -z "$(databases "$name")" ] || return 1; done
}

app ./uses.sh ./uses.sh
check "a --keepdb run passes" status_is 0
check "with nothing to claim it says nothing of claiming" out_lacks "claimed"
wait_ready 2
check "its filler leaves two ready clones, one per worker" ready_count_is 2
# Without them, every later wait would only run out.
ready_count_is 2 || { echo "Bail out! no ready clones after a --keepdb run: $(cat .partest/ready/fill.log 2>/dev/null | tr "\n" " ")"; exit 1; }
check "each carries the ready marker of its template" \
	[ "$(sql "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'partest_clone' AND ROUTINE_SCHEMA LIKE 'app\_pt%' AND ROUTINE_COMMENT LIKE 'partest ready v1 template=% fingerprint=%'")" = 2 ]
first=$(ready_rows)

: >"$ENV_LOG"
app ./uses.sh ./uses.sh
check "the next run passes" status_is 0
check "it claims the two ready clones" out_has "claimed 2 ready clones of --db default"
check "its workers use them" [ "$(used)" = "$first" ]
check "the set-up ran once in all" [ "$(wc -l <"$work/builds")" -eq 1 ]
check "the claimed clones are dropped at its end" all_gone $first
wait_ready 2
check "and its filler makes two new ones" [ -z "$(ready_rows | grep -Fx "$first")" ]

stale=$(ready_rows)
echo "CREATE INDEX i ON t (x)" >>"$work/schema.sql"
: >"$ENV_LOG"
app ./uses.sh ./uses.sh
check "a run whose template changed passes" status_is 0
check "it rebuilt the template" [ "$(wc -l <"$work/builds")" -eq 2 ]
check "it claims nothing" out_lacks "claimed"
check "its workers use none of the stale ready clones" [ -z "$(used | grep -Fx "$stale")" ]
check "the stale ready clones are dropped" all_gone $stale
wait_ready 2

# Four ready clones; two runs of three workers at once claim them, each
# clone by one run only.
app --pool 4 ./uses.sh
wait_ready 4
pool=$(ready_rows)
ENV_LOG="$work/env.1" "$PARTEST" -j3 --keepdb --pool 4 --db "$db" --db-setup "$setup" \
	--db-inputs "$work/schema.sql" ./uses.sh ./uses.sh ./uses.sh >out 2>err </dev/null &
one=$!
ENV_LOG="$work/env.2" "$PARTEST" -j3 --keepdb --pool 4 --db "$db" --db-setup "$setup" \
	--db-inputs "$work/schema.sql" ./uses.sh ./uses.sh ./uses.sh >out.2 2>err.2 </dev/null &
two=$!
wait "$one"
status=$?
wait "$two"
status2=$?
check "two runs at once: the first passes" status_is 0
check "and so does the second" [ "$status2" = 0 ]
check "both claimed ready clones" sh -c 'grep -q "claimed [1-3] ready clone" out && grep -q "claimed [1-3] ready clone" out.2'
check "no clone was used by both" [ -z "$(sort -u "$work/env.1" | grep -Fx "$(sort -u "$work/env.2")")" ]
check "every ready clone went to one of them" \
	[ "$(cat "$work/env.1" "$work/env.2" | grep -Fx "$pool" | sort -u | wc -l)" -eq 4 ]
wait_ready 4

run db clean --db "$(url other)"
check "db clean of another template succeeds" status_is 0
check "and leaves this template's ready clones" ready_count_is 4

# A claim cut short between the registry row and the marker: the row is a
# dead run's clone, the marker still the ready one.
victim=$(ready_rows | head -n 1)
dead=$(sh -c 'echo $$')
sql "UPDATE partest_registry.databases SET kind = 'clone', run_id = 'partest-$dead-gone', host = '$(hostname)', pid = $dead, start = 0 WHERE name = '$victim'"
run db clean --db "$db"
check "db clean succeeds" status_is 0
check "it drops the clone whose claim was cut short" \
	out_has "dropped MySQL database \"$victim\" on the server at $MYSERVER/sock, left by run partest-$dead-gone"
check "it drops the ready clones, a line each" \
	[ "$(grep -c "^dropped the ready MySQL database \"app_pt" out)" -eq 3 ]
check "it counts none of them as kept" out_lacks "left what --keep-failed kept"
check "no clone of the template is left" [ -z "$(databases 'app\_pt%')" ]
check "nor a registry row of one" \
	[ -z "$(sql "SELECT name FROM partest_registry.databases WHERE name LIKE 'app\_pt%'")" ]

# A filler SIGKILLed while it copies a clone: its template large enough
# that the copy takes a while.
slow=$(url slow)
depth=max_recursive_iterations
[ "$MY_FLAVOUR" = mysql ] && depth=cte_max_recursion_depth
slow_setup="'$work/sql' \"\$DATABASE_URL\" 'SET SESSION $depth = 300000; CREATE TABLE t (x INT, y CHAR(100)); INSERT INTO t WITH RECURSIVE s (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300000) SELECT i, i FROM s'"
in_making() { sql "SELECT name FROM partest_registry.databases WHERE kind = 'clone' AND name LIKE 'slow\_pt%'"; }
copying() { [ -n "$(in_making)" ]; }
kill_filler() {
	"$PARTEST" db fill --pool 2 --db "$slow" --db-setup "$slow_setup" >fill.out 2>&1 </dev/null &
	filler=$!
	until_true 1200 copying
	kill -KILL "$filler"
	wait "$filler" 2>/dev/null
	making=$(in_making)
}
kill_filler
check "a filler killed while it copies leaves the clone in making" [ -n "$making" ]
check "registered as the filler's clone, not as ready" ready_count_is 0 slow
run db clean --db "$slow"
check "db clean then succeeds" status_is 0
check "and drops the clone in making" out_has "dropped MySQL database \"$making\""
check "nothing of the filler is left" [ -z "$(databases 'slow\_pt%')" ]
kill_filler
run -j1 --keepdb --pool 0 --db "$slow" --db-setup "$slow_setup" "$work/passes.sh"
check "the next run after a killed filler passes" status_is 0
check "and drops the clone in making" all_gone $making
check "nothing of the filler is left after the run" [ -z "$(databases 'slow\_pt%')" ]
check "nor a registry row" \
	[ -z "$(sql "SELECT name FROM partest_registry.databases WHERE name LIKE 'slow\_pt%'")" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
