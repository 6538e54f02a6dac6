#!/bin/sh
# --fresh-db on SQLite: under test, 200 tests that each insert a row and
# assert the table holds exactly that row pass at -j2 (C tests through
# pt_database_url, executables through DATABASE_URL), where one clone per
# worker fails them; under group each suite runs on a clone of its own; a
# retry and --keep-failed get and keep the test's own clone; script
# workers and the adapter (ctest) switch clones between tests; a run leaves nothing behind; and
# what cannot be given fresh clones is refused.
. "$(dirname "$0")/lib.sh"

rows="$PROGRAMS/fresh_rows"
db="sqlite:$work/app.db"
setup="$rows --setup"
export ENV_LOG="$work/log"

# $ENV_LOG: "SUITE NAME URL ROWS_BEFORE", a line per test.
run -j2 --fresh-db test --db "$db" --db-setup "$setup" "$rows"
check "test: the 200 tests pass at -j2" last_line_is "200 passed, 0 failed, 0 skipped"
check "test: exit status 0" status_is 0
check "test: every test found the table empty" \
	[ "$(awk '$4 == 0' "$ENV_LOG" | wc -l)" -eq 200 ]
check "test: the clones' URLs are in the run's directory" \
	[ "$(awk '$3 !~ "^sqlite:'"$TMPDIR"'/"' "$ENV_LOG" | wc -l)" -eq 0 ]
check "test: the run left nothing behind" no_run_dirs_left

rm -f "$ENV_LOG"
run -j2 --db "$db" --db-setup "$setup" "$rows"
check "worker (the default): tests see the rows of the tests before them" status_is 1
check "worker: all but the first on each worker fail" last_line_is "2 passed, 198 failed, 0 skipped"
rm -f "$ENV_LOG"
run -j2 --fresh-db worker --db "$db" --db-setup "$setup" "$rows"
check "--fresh-db worker is the default" last_line_is "2 passed, 198 failed, 0 skipped"

rm -f "$ENV_LOG"
FRESH_ROWS_SCOPE=group run -j2 --fresh-db group --db "$db" --db-setup "$setup" "$rows"
check "group: each suite sees none of another's rows" last_line_is "200 passed, 0 failed, 0 skipped"
check "group: one clone per suite" \
	[ "$(awk '{print $1, $3}' "$ENV_LOG" | sort -u | wc -l)" -eq 20 ]
check "group: each suite's first test found the table empty" \
	[ "$(awk '$4 == 0' "$ENV_LOG" | wc -l)" -eq 20 ]
check "group: and each test after it the rows of those before it in its suite" \
	[ "$(awk '{print $1, $4}' "$ENV_LOG" | sort -u | awk '$2 <= 9' | wc -l)" -eq 200 ]
FRESH_ROWS_SCOPE=group run -j2 --db "$db" --db-setup "$setup" "$rows"
check "worker: suites see each other's rows" status_is 1

# Executables: one test each, judged by exit status.
for i in 1 2 3 4 5 6 7 8; do
	printf '#!/bin/sh\nexec "%s" --as-executable e%s\n' "$rows" "$i" >"$work/exec$i.sh"
	chmod +x "$work/exec$i.sh"
done
rm -f "$ENV_LOG"
run -j2 --fresh-db test --db "$db" --db-setup "$setup" "$work"/exec*.sh
check "test: every executable finds DATABASE_URL's table empty" \
	last_line_is "8 passed, 0 failed, 0 skipped"
run -j2 --db "$db" --db-setup "$setup" "$work"/exec*.sh
check "worker: executables see the rows of those before them" status_is 1

# Script workers take an env command before a test on other clones: one
# process, two tests, two clones.
for worker in sh_worker.sh py_worker.py; do
	rm -f "$ENV_LOG"
	run -j1 --fresh-db test --db "$db" --db-setup "$setup" --filter '*::arith::adds' \
		--filter '*::strings::prints' --filter '*::basics::passes' --filter '*::basics::prints' \
		"$PARTEST_SOURCE/tests/workers/$worker"
	check "$worker: its two tests pass" last_line_is "2 passed, 0 failed, 0 skipped"
	check "$worker: each on clones of its own" \
		[ "$(sort -u "$ENV_LOG" | grep -c "^sqlite:$TMPDIR/")" -eq 2 ]
done

# A build's tests through partest's adapter: each ctest entry a process,
# given the environment of the env command before it.
if command -v cmake >/dev/null && command -v ninja >/dev/null; then
	mkdir -p cmake
	cat >cmake/CMakeLists.txt <<CMAKE
cmake_minimum_required(VERSION 3.10)
project(fresh NONE)
enable_testing()
foreach(i 1 2 3 4 5 6)
  add_test(NAME row\${i} COMMAND "$rows" --as-executable row\${i})
endforeach()
CMAKE
	cmake -S cmake -B cmake/build -G Ninja >cmake.log 2>&1 || { cat cmake.log; exit 1; }
	run -j1 --fresh-db test --db "$db" --db-setup "$setup" --ctest cmake/build
	check "ctest: each entry finds the table empty" last_line_is "6 passed, 0 failed, 0 skipped"
	run -j1 --db "$db" --db-setup "$setup" --ctest cmake/build
	check "ctest, worker: entries see the rows of those before them" \
		last_line_is "1 passed, 5 failed, 0 skipped"
fi

# A retry runs on clones no attempt touched: the first attempt leaves a row.
cat >"$work/flaky.sh" <<SCRIPT
#!/bin/sh
"$rows" --as-executable flaky || exit 1
[ "\$PARTEST_ATTEMPT" -ge 2 ]
SCRIPT
chmod +x "$work/flaky.sh"
run -j1 --retries 2 --fresh-db test --db "$db" --db-setup "$setup" "$work/flaky.sh" "$work/exec1.sh"
check "test: the retry passes on a fresh clone" status_is 0
check "test: ... reported flaky" out_has "1 flaky"

# --keep-failed keeps the clone the failed test used, with its row alone.
cat >"$work/fails.sh" <<SCRIPT
#!/bin/sh
"$rows" --as-executable kept
exit 1
SCRIPT
chmod +x "$work/fails.sh"
run -j1 --keep-failed --fresh-db test --db "$db" --db-setup "$setup" "$work/exec1.sh" \
	"$work/fails.sh" "$work/exec2.sh"
check "keep-failed: the run fails" status_is 1
kept=$(ls -d "$work"/.partest/kept/*/ 2>/dev/null | head -n 1)
check "keep-failed: the failed test's clone, with its row alone" \
	[ "$(sqlite3 "$kept/default.sqlite3" 'SELECT name FROM rows')" = kept ]
check "keep-failed: the others passed on fresh clones" out_has "2 passed, 1 failed"
run db clean --kept
check "keep-failed: and it is removed as every kept clone is" status_is 0
check "the runs left nothing behind" no_run_dirs_left

run --fresh-db test "$work/exec1.sh"
check "no --db: exit status 2" status_is 2
check "... said in one line" err_is_one_line
check "... naming the option" err_has "--fresh-db test: no --db to give fresh clones of"
run --fresh-db sometimes --db "$db" "$work/exec1.sh"
check "an unknown scope: exit status 2" status_is 2
check "... said in one line" err_has '--fresh-db "sometimes": expected test, group or worker'
cp "$PARTEST_SOURCE/tests/django/unittest_suite/test_units.py" test_units.py
run --fresh-db group --db "$db" --db-setup "$setup" test_units.py
check "the Python adapter's worker: refused, exit status 2" status_is 2
check "... in one line that says why" \
	eval 'err_is_one_line && err_has "is run by partest'"'"'s Python adapter"'
check "refusals left nothing behind" no_run_dirs_left
done_testing
