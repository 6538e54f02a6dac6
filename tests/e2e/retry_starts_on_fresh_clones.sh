#!/bin/sh
# A retried test starts on fresh clones and an empty TMPDIR: the script
# commits a row and leaves a file, fails its first attempt, and passes its
# second only if it finds neither (FLAKY). Under --keep-failed, a test that
# fails every attempt is kept once, after its last one.
. "$(dirname "$0")/lib.sh"

mkdir "$work/marks"
cat >"$work/once.sh" <<'SCRIPT'
#!/bin/sh
db=${DATABASE_URL#sqlite:}
rows=$(sqlite3 "$db" 'SELECT count(*) FROM t')
sqlite3 "$db" 'INSERT INTO t VALUES (1)'
[ -e "$TMPDIR/left" ] && exit 1
touch "$TMPDIR/left"
[ -e "$MARKS/once" ] || { touch "$MARKS/once"; exit 1; }
[ "$rows" = 0 ]
SCRIPT
cat >"$work/always.sh" <<'SCRIPT'
#!/bin/sh
sqlite3 "${DATABASE_URL#sqlite:}" "INSERT INTO t VALUES ($PARTEST_ATTEMPT)"
exit 1
SCRIPT
chmod +x "$work/once.sh" "$work/always.sh"
export MARKS="$work/marks"
setup="sqlite3 \"\${DATABASE_URL#sqlite:}\" 'CREATE TABLE t (x INTEGER)'"

run -j1 --retries 1 --db "sqlite:$work/app.db" --db-setup "$setup" "$work/once.sh"
check "the retry passes: it found no row and no file" status_is 0
check "and the test is flaky" out_has "FLAKY"

run -j1 --retries 2 --keep-failed --db "sqlite:$work/app.db" --db-setup "$setup" "$work/always.sh"
check "a test failing every attempt fails the run" status_is 1
check "it is kept once" [ "$(ls "$work/.partest/kept" | wc -l)" = 1 ]
kept=$(ls -d "$work"/.partest/kept/*/)
check "as its last attempt left it: its row alone" \
	[ "$(sqlite3 "$kept/default.sqlite3" 'SELECT group_concat(x) FROM t')" = 3 ]
done_testing
