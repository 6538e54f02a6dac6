#!/bin/sh
# Ready clones between runs on SQLite (docs/ready_pools.md): a --keepdb run
# leaves a pool that the next run claims; a changed template's pool is
# removed, never used; two concurrent runs never share a clone; a filler
# killed by SIGKILL leaves only what the next run or `partest db clean`
# removes; db clean removes the pool, and nothing is left after it.
. "$(dirname "$0")/lib.sh"
unset PARTEST_POOL
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

echo 1 >inputs
cat >setup.sh <<'SH'
#!/bin/sh
sqlite3 "${DATABASE_URL#sqlite:}" "CREATE TABLE t (v int); INSERT INTO t VALUES ($(cat inputs))"
SH
# Each test checks the template's row and writes the clone it used.
cat >t.sh <<'SH'
#!/bin/sh
echo 1..1
v=$(sqlite3 "${DATABASE_URL#sqlite:}" "SELECT v FROM t")
echo "$DATABASE_URL" >>"$work/urls.$RUN"
[ "$v" = "$(cat "$work/inputs")" ] && echo "ok 1 - the template's row" || echo "not ok 1 - row $v"
SH
chmod +x setup.sh t.sh

pool_dir() { ls -d .partest/sqlite/*.ready 2>/dev/null; }
ready() { ls "$(pool_dir)" 2>/dev/null | grep '^ready-'; }
others() { ls "$(pool_dir)" 2>/dev/null | grep -v '^ready-'; }
filled() { grep -q 'the pool holds' .partest/ready/fill.log 2>/dev/null; }
# keep RUN ARGS...: a --keepdb run on tpl.db whose tests write to urls.RUN.
keep() {
	name=$1
	shift
	rm -f .partest/ready/fill.log
	RUN=$name run --keepdb --db sqlite:tpl.db --db-setup ./setup.sh --db-inputs inputs "$@" \
		./t.sh ./t.sh ./t.sh ./t.sh
}

keep first -j2
check "a first --keepdb run builds the template and passes" status_is 0
check "it claims nothing" out_lacks 'ready clone'
until_true 600 filled
check "its filler leaves two ready clones, one per worker" [ "$(ready | wc -l)" -eq 2 ]
check "nothing in making or claimed is left" [ -z "$(others)" ]
first_pool=$(ready)

keep second -j2
check "a second run passes" status_is 0
check "and claims the two ready clones" out_has 'claimed 2 ready clones of --db default'
check "its tests ran on the claimed clones" \
	[ "$(sort -u urls.second | grep -c '/claimed-')" -eq 2 ]
until_true 600 filled
check "its clones are gone and the pool is refilled" [ -z "$(others)" ] && [ "$(ready | wc -l)" -eq 2 ]
for file in $first_pool; do
	check "the claimed $file is no longer ready" sh -c '! echo "$1" | grep -qx "$2"' - "$(ready)" "$file"
done

# A changed input: the pool is stale, removed and never used.
stale=$(ready)
echo 2 >inputs
keep changed -j2
check "a run after the inputs changed passes on the rebuilt template" status_is 0
check "it claims no stale clone" out_lacks 'claimed'
until_true 600 filled
for file in $stale; do
	check "the stale $file is removed" sh -c '! echo "$1" | grep -qx "$2"' - "$(ls "$(pool_dir)")" "$file"
done
check "the new pool is of the new template" [ "$(ready | wc -l)" -eq 2 ]

# Two concurrent runs, a pool of four: no clone goes to both.
"$PARTEST" db fill --pool 4 --db sqlite:tpl.db --db-setup ./setup.sh --db-inputs inputs >out 2>err
check "partest db fill fills the pool to four" [ "$(ready | wc -l)" -eq 4 ]
RUN=a "$PARTEST" -j3 --pool 0 --keepdb --db sqlite:tpl.db --db-setup ./setup.sh --db-inputs inputs \
	./t.sh ./t.sh ./t.sh ./t.sh ./t.sh ./t.sh >out.a 2>&1 </dev/null &
a=$!
RUN=b "$PARTEST" -j3 --pool 0 --keepdb --db sqlite:tpl.db --db-setup ./setup.sh --db-inputs inputs \
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
check "the pool is used up and nothing claimed is left" [ -z "$(ls "$(pool_dir)")" ]

# A filler killed by SIGKILL while copying, from a template of some 60 MB so
# that a copy takes long enough to be caught.
cat >big.sh <<'SH'
#!/bin/sh
sqlite3 "${DATABASE_URL#sqlite:}" "CREATE TABLE t AS SELECT 2 AS v; CREATE TABLE b AS WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 150000) SELECT n, randomblob(400) AS x FROM g"
SH
chmod +x big.sh
"$PARTEST" db fill --pool 0 --db sqlite:tpl.db --db-setup ./big.sh >out 2>err
check "partest db fill --pool 0 builds the template and makes no clone" \
	out_has 'made 0 ready clones; the pool holds 0'
"$PARTEST" db fill --pool 20 --db sqlite:tpl.db --db-setup ./big.sh >fill.out 2>&1 &
filler=$!
making() { ls "$(pool_dir)" 2>/dev/null | grep "^making-$filler-"; }
while kill -0 $filler 2>/dev/null && [ -z "$(making)" ]; do :; done
kill -9 $filler
wait $filler 2>/dev/null
check "the filler was caught with a clone in making" [ -n "$(making)" ]
run -j1 --pool 0 --keepdb --db sqlite:tpl.db --db-setup ./big.sh ./t.sh
check "the next run passes" status_is 0
check "and its reap removed the killed filler's clone in making" [ -z "$(making)" ]
check "nothing in making or claimed is left" [ -z "$(others)" ]

"$PARTEST" db fill --pool 2 --db sqlite:tpl.db --db-setup ./big.sh >out 2>err
check "partest db fill makes two ready clones" [ "$(ready | wc -l)" -eq 2 ]
run db clean --db sqlite:tpl.db
check "partest db clean passes" status_is 0
check "and says it removed the ready clones" out_has 'removed the ready sqlite clone'
check "no ready clone is left" [ -z "$(pool_dir)" ]
check "the template is left" [ -f tpl.db ]
check "no run directory is left" no_run_dirs_left

echo "1..$checks"
[ "$failures" -eq 0 ]
