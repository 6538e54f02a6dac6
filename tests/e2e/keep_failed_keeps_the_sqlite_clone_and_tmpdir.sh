#!/bin/sh
# --keep-failed on SQLite: a failed test's clone (with the row it
# committed) and its TMPDIR are kept in the state directory; the end of the
# run says where, with export lines and the command that re-runs the test
# alone; they survive the next run and a plain `partest db clean`, which
# says it left them, and `partest db clean --kept` removes them.
. "$(dirname "$0")/lib.sh"

cat >"$work/fails.sh" <<'SCRIPT'
#!/bin/sh
sqlite3 "${DATABASE_URL#sqlite:}" 'INSERT INTO t VALUES (42)'
echo evidence >"$TMPDIR/evidence"
exit 1
SCRIPT
printf '#!/bin/sh\nexit 0\n' >"$work/passes.sh"
chmod +x "$work/fails.sh" "$work/passes.sh"
setup="sqlite3 \"\${DATABASE_URL#sqlite:}\" 'CREATE TABLE t (x INTEGER)'"
db="sqlite:$work/app.db"

run -j1 --keep-failed --db "$db" --db-setup "$setup" "$work/fails.sh" "$work/passes.sh"
check "the run fails" status_is 1
check "the end of the run names what was kept" out_has "Kept what $work/fails.sh left"
kept=$(ls -d "$work"/.partest/kept/*/ 2>/dev/null | head -n 1)
check "in the state directory" [ -n "$kept" ]
check "the clone, with the row the test committed" \
	[ "$(sqlite3 "$kept/default.sqlite3" 'SELECT x FROM t')" = 42 ]
check "its URL on the console" out_has "--db default kept as sqlite:${kept}default.sqlite3"
check "the export lines" out_has "export DATABASE_URL=sqlite:${kept}default.sqlite3"
check "and where to source them from" out_has "(to export them unmasked: . ${kept}env)"
check "and PARTEST_DB_DEFAULT_URL" out_has "export PARTEST_DB_DEFAULT_URL=sqlite:${kept}default.sqlite3"
check "the TMPDIR, with what the test left in it" [ "$(cat "$kept/tmp/evidence")" = evidence ]
check "where the unmasked lines are: a file of mode 600" \
	eval '[ "$(stat -c %a "$kept/env")" = 600 ] && grep -q "^export DATABASE_URL=" "$kept/env"'
check "which also holds the re-run command" grep -q "^# re-run it alone on fresh clones: partest --db" "$kept/env"
rerun=$(sed -n 's/^  re-run it alone on fresh clones: //p' out)
check "the re-run command names the --db and its set-up" \
	eval 'case "$rerun" in "partest --db "*--db-setup*fails.sh) true ;; *) false ;; esac'
(cd "$work" && eval "\"$PARTEST\" ${rerun#partest }") >rerun.out 2>&1
check "and runs that test alone, on a fresh clone" \
	eval 'grep -q "fails.sh" rerun.out && ! grep -q "passes.sh" rerun.out'
check "the kept clone still holds its one row" \
	[ "$(sqlite3 "$kept/default.sqlite3" 'SELECT count(*) FROM t')" = 1 ]
check "nothing of the run is left in TMPDIR" no_run_dirs_left

run -j1 --db "$db" --db-setup "$setup" "$work/passes.sh"
check "the next run passes" status_is 0
check "and leaves the kept clone" [ -f "$kept/default.sqlite3" ]

run db clean --db "$db"
check "a plain db clean succeeds" status_is 0
check "and says what it left" out_has "left what --keep-failed kept: 0 databases and 1 directory"
check "which is still there" [ -f "$kept/default.sqlite3" ]

# The run directory on another file system than the state directory (a
# tmpfs): the clone and the TMPDIR are copied there, then removed.
if shm=$(mktemp -d /dev/shm/partest-e2e.XXXXXX 2>/dev/null) &&
	[ "$(stat -f -c %i "$shm")" != "$(stat -f -c %i "$work")" ]; then
	TMPDIR=$shm run -j1 --keep-failed --db "$db" --db-setup "$setup" "$work/fails.sh"
	other=$(ls -d "$work"/.partest/kept/*/ | grep -vF "$kept")
	check "across file systems: the clone is kept, with its row" \
		[ "$(sqlite3 "$other/default.sqlite3" 'SELECT x FROM t')" = 42 ]
	check "and the TMPDIR, with what the test left" [ "$(cat "$other/tmp/evidence")" = evidence ]
	check "nothing is left on the other file system" [ -z "$(ls -A "$shm")" ]
	rm -rf "$shm"
fi

run db clean --kept
check "db clean --kept succeeds" status_is 0
check "and says what it removed" out_has "removed the kept $work/.partest/kept/"
check "the kept clone and TMPDIR are gone" [ ! -e "$kept" ]
run db clean --kept
check "a second db clean --kept finds nothing" out_has "nothing to clean: nothing kept by --keep-failed"
done_testing
