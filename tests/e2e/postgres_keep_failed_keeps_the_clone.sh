#!/bin/sh
# --keep-failed on PostgreSQL: a failed test's clone is renamed to a kept
# name and marked as kept, holding the row the test committed; the console
# gives its URL and export lines with the password masked (the unmasked
# ones in a 0600 file); the kept clone survives the next run and a plain
# `partest db clean`, and `partest db clean --kept` drops it.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
pg_start

cat >"$work/fails.sh" <<'SCRIPT'
#!/bin/sh
psql -X -q "$DATABASE_URL" -c 'INSERT INTO t VALUES (42)'
exit 1
SCRIPT
printf '#!/bin/sh\nexit 0\n' >"$work/passes.sh"
chmod +x "$work/fails.sh" "$work/passes.sh"
setup="psql -X -q \"\$DATABASE_URL\" -c 'CREATE TABLE t (x int)'"
db=$(url partest:s3cret-pw app)

run -j1 --keep-failed --db "$db" --db-setup "$setup" "$work/fails.sh" "$work/passes.sh"
check "the run fails" status_is 1
kept=$(databases 'app_pt%kept1')
check "the clone is kept under a kept name" [ -n "$kept" ]
check "with the row the test committed" [ "$(sql "$kept" 'SELECT x FROM t')" = 42 ]
check "marked as kept" \
	eval '[ "$(sql postgres "SELECT shobj_description(oid, '"'pg_database'"') FROM pg_database WHERE datname = '"'$kept'"'" | cut -d" " -f1-3)" = "partest kept v1" ]'
check "the console gives its URL, the password masked" \
	out_has "--db default kept as postgresql://partest:***@/$kept?host="
check "and the export lines" out_has "export DATABASE_URL='postgresql://partest:***@/$kept?host="
check "no password on the console" eval '! grep -q s3cret-pw out err'
envfile=$(ls "$work"/.partest/kept/*/env)
check "the unmasked lines are in a file of mode 600" \
	eval '[ "$(stat -c %a "$envfile")" = 600 ] && grep -q "s3cret-pw@/$kept" "$envfile"'
check "no clone of the run is left but the kept one" [ "$(databases 'app_pt%')" = "$kept" ]

run -j1 --db "$db" --db-setup "$setup" "$work/passes.sh"
check "the next run passes" status_is 0
check "and leaves the kept clone" [ "$(databases 'app_pt%kept%')" = "$kept" ]

run db clean --db "$db"
check "a plain db clean succeeds" status_is 0
check "and says what it left" out_has "left what --keep-failed kept: 1 database and 1 directory"
check "which is still there" [ "$(databases 'app_pt%kept%')" = "$kept" ]

run db clean --kept --db "$db"
check "db clean --kept succeeds" status_is 0
check "and says it dropped the kept clone" out_has "dropped the kept PostgreSQL database \"$kept\""
check "which is gone" [ -z "$(databases 'app_pt%')" ]
check "with the kept directory" [ -z "$(ls "$work/.partest/kept")" ]

# A throwaway server is stopped at the end of the run: nothing could be kept.
run --keep-failed --db 'postgresql+tmp:///app' "$work/passes.sh"
check "--keep-failed on a throwaway server is a usage error" status_is 2
check "said on one line" eval 'err_is_one_line && err_has "--keep-failed: a throwaway server'"'"'s clones go with it"'
done_testing
