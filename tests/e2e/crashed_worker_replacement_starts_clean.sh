#!/bin/sh
# After a test crashes, the test that runs next on that slot (-j1) sees
# none of what the crashed one left: not the row it committed to its
# SQLite clone, not the file it left in its TMPDIR. Its worker is a
# replacement, given fresh clones and an emptied TMPDIR under the same
# names; under isolate, the next test's process gets the same.
. "$(dirname "$0")/lib.sh"

setup="sqlite3 \"\${DATABASE_URL#sqlite:}\" 'CREATE TABLE t (x INTEGER)'"
for start in spawn fork isolate; do
	run -j1 --start $start --db "sqlite:$work/app.db" --db-setup "$setup" \
		"$PROGRAMS/crash_after_insert"
	check "$start: the run fails for the crash alone" status_is 1
	check "$start: the crashed test is reported as such" out_has "a_commits_a_row_and_leaves_a_file_then_aborts"
	check "$start: the next test passes: no row, no file" out_has "1 passed, 1 failed"
	check "$start: nothing of the run is left" no_run_dirs_left
done
done_testing
