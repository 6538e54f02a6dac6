#!/bin/sh
# Ready clones between runs on PostgreSQL (docs/ready_pools.md): a --keepdb
# run leaves a pool that the next run claims; a changed template's pool is
# dropped, never used; two concurrent runs never share a clone; a filler
# killed by SIGKILL leaves only what the next run or `partest db clean`
# removes; db clean removes the pool, and nothing is left after it.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
unset PARTEST_POOL
pg_start

echo 1 >inputs
cat >setup.sh <<'SH'
#!/bin/sh
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE TABLE t (v int); INSERT INTO t VALUES ($(cat inputs))" >/dev/null
SH
# Each test checks the template's row and writes the clone it used.
cat >t.sh <<'SH'
#!/bin/sh
echo 1..1
v=$(psql -X -q -t -A "$DATABASE_URL" -c "SELECT v FROM t")
echo "${DATABASE_URL%%\?*}" >>"$work/urls.$RUN"
[ "$v" = "$(cat "$work/inputs")" ] && echo "ok 1 - the template's row" || echo "not ok 1 - row $v"
SH
chmod +x setup.sh t.sh
export work

ready() { databases 'tpl\_%\_ready%'; }
filled() { grep -q 'the pool holds' .partest/ready/fill.log 2>/dev/null; }
# keep RUN ARGS...: a --keepdb run on tpl whose tests write to urls.RUN.
keep() {
	name=$1
	shift
	rm -f .partest/ready/fill.log
	RUN=$name run --keepdb --db "$(url tpl)" --db-setup ./setup.sh --db-inputs inputs "$@" \
		./t.sh ./t.sh ./t.sh ./t.sh
}

keep first -j2
check "a first --keepdb run builds the template and passes" status_is 0
check "it claims nothing" out_lacks 'ready clone'
until_true 600 filled
check "its filler leaves two ready clones, one per worker" [ "$(ready | wc -l)" -eq 2 ]
check "no clone in making is left" [ -z "$(databases 'tpl\_pt%' | grep -v _ready)" ]
first_pool=$(ready)

keep second -j2
check "a second run passes" status_is 0
check "and claims the two ready clones" out_has 'claimed 2 ready clones of --db default'
check "its tests ran on its own clones" \
	[ "$(sort -u urls.second | wc -l)" -eq 2 ] && ! grep -q _ready urls.second
until_true 600 filled
check "its clones are gone and the pool is refilled" \
	[ -z "$(databases 'tpl\_pt%' | grep -v _ready)" ] && [ "$(ready | wc -l)" -eq 2 ]
for db in $first_pool; do
	check "the claimed $db is no longer ready" sh -c '! echo "$1" | grep -qx "$2"' - "$(ready)" "$db"
done

# A changed input: the pool is stale, dropped and never used.
stale=$(ready)
echo 2 >inputs
keep changed -j2
check "a run after the inputs changed passes on the rebuilt template" status_is 0
check "it claims no stale clone" out_lacks 'claimed'
for db in $stale; do
	check "the stale $db is dropped" [ -z "$(databases "$db")" ]
done
until_true 600 filled
check "the new pool is of the new template" [ "$(ready | wc -l)" -eq 2 ]

# Two concurrent runs, a pool of four: no clone goes to both.
"$PARTEST" db fill --pool 4 --db "$(url tpl)" --db-setup ./setup.sh --db-inputs inputs >out 2>err
check "partest db fill fills the pool to four" sh -c '[ "$(echo "$1" | wc -l)" -eq 4 ]' - "$(ready)"
RUN=a "$PARTEST" -j3 --pool 0 --keepdb --db "$(url tpl)" --db-setup ./setup.sh --db-inputs inputs \
	./t.sh ./t.sh ./t.sh ./t.sh ./t.sh ./t.sh >out.a 2>&1 </dev/null &
a=$!
RUN=b "$PARTEST" -j3 --pool 0 --keepdb --db "$(url tpl)" --db-setup ./setup.sh --db-inputs inputs \
	./t.sh ./t.sh ./t.sh ./t.sh ./t.sh ./t.sh >out.b 2>&1 </dev/null
b_status=$?
wait $a
a_status=$?
check "two concurrent runs pass" [ "$a_status" = 0 ] && [ "$b_status" = 0 ]
claimed_a=$(sed -n 's/^claimed \([0-9]*\) ready.*/\1/p' out.a)
claimed_b=$(sed -n 's/^claimed \([0-9]*\) ready.*/\1/p' out.b)
check "they claimed the four between them" [ "$((${claimed_a:-0} + ${claimed_b:-0}))" -eq 4 ]
sort -u urls.a >urls.a.sorted
sort -u urls.b >urls.b.sorted
check "no clone served both" [ -z "$(comm -12 urls.a.sorted urls.b.sorted)" ]
check "each used its three workers' clones" \
	[ "$(wc -l <urls.a.sorted)" -eq 3 ] && [ "$(wc -l <urls.b.sorted)" -eq 3 ]
check "the pool is used up" [ -z "$(ready)" ]

# A filler killed by SIGKILL while the server copies, from a template of
# some 50 MB so that a copy takes long enough to be caught: the server rolls
# the copy back, and the clone it made before, if any, carries its marker.
cat >big.sh <<'SH'
#!/bin/sh
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "CREATE TABLE t AS SELECT 2 AS v; CREATE TABLE b AS SELECT g, repeat('x', 400) AS x FROM generate_series(1, 100000) g" >/dev/null
SH
chmod +x big.sh
"$PARTEST" db fill --pool 0 --db "$(url tpl)" --db-setup ./big.sh >out 2>err
check "partest db fill --pool 0 builds the template and makes no clone" \
	out_has 'made 0 ready clones; the pool holds 0'
"$PARTEST" db fill --pool 10 --db "$(url tpl)" --db-setup ./big.sh >fill.out 2>&1 &
filler=$!
copying() { [ -n "$(sql postgres "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE DATABASE % TEMPLATE %' AND application_name = 'partest'")" ]; }
caught=false
while kill -0 $filler 2>/dev/null && ! $caught; do copying && caught=true; done
kill -9 $filler
wait $filler 2>/dev/null
check "the filler was caught copying" $caught
until_true 600 eval '! copying'
run -j1 --pool 0 --keepdb --db "$(url tpl)" --db-setup ./big.sh ./t.sh
check "the next run passes" status_is 0
check "no clone of any run is left" [ -z "$(databases 'tpl\_pt%' | grep -v _ready)" ]

# The moment no marker covers: a runner killed after its CREATE DATABASE
# committed and before the COMMENT. Its clone carries the connection limit
# partest creates clones with (made from the host's name) and the runner's
# pid in its name, so a reap drops it once that runner is gone; it leaves
# a database of such a name without that limit, and one whose runner lives.
limit=$(python3 -c 'import socket
h = 0xcbf29ce484222325
for b in socket.gethostname().replace(" ", "_").encode():
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
print(1000000000 + h % 1000000000)')
dead=$(sh -c 'echo $$')
sleep 300 &
live=$!
sql postgres "CREATE DATABASE tpl_pt${dead}_abcd_1 TEMPLATE template0 CONNECTION LIMIT $limit"
sql postgres "CREATE DATABASE tpl_pt${dead}_abcd_2 TEMPLATE template0"
sql postgres "CREATE DATABASE tpl_pt${live}_abcd_3 TEMPLATE template0 CONNECTION LIMIT $limit"
run db clean --db "$(url tpl)"
check "db clean drops an unmarked clone whose runner is gone" \
	out_has "dropped PostgreSQL database \"tpl_pt${dead}_abcd_1\" on "
check "and leaves one without partest's connection limit, and one whose runner lives" \
	[ "$(databases 'tpl\_pt%\_abcd\_%' | tr '\n' ' ')" = "tpl_pt${dead}_abcd_2 tpl_pt${live}_abcd_3 " ]
kill $live
sql postgres "DROP DATABASE tpl_pt${dead}_abcd_2"
sql postgres "DROP DATABASE tpl_pt${live}_abcd_3"

"$PARTEST" db fill --pool 2 --db "$(url tpl)" --db-setup ./big.sh >out 2>err
check "partest db fill makes two ready clones" [ "$(ready | wc -l)" -eq 2 ]
run db clean --db "$(url tpl)"
check "partest db clean passes" status_is 0
check "and says it dropped the ready clones" out_has 'dropped the ready PostgreSQL database "tpl_pt'
check "nothing but the template is left" [ "$(databases 'tpl%')" = tpl ]

echo "1..$checks"
[ "$failures" -eq 0 ]
