#!/bin/sh
# Each worker gets its own clone of the SQLite template: it sees only its own
# writes; the template is never touched; clones are removed at the end.
. "$(dirname "$0")/lib.sh"

export ENV_LOG="$work/env.log"
run -j2 --db "sqlite:$work/items.db" --db-setup "$PROGRAMS/items_setup" \
	--filter '*writer*' "$PROGRAMS/environment"
check "the writers pass, each seeing only its own rows" status_is 0
check "all four ran" last_line_is '4 passed, 0 failed, 0 skipped'
check "two clones were used" sh -c '[ "$(cut -d" " -f3 "$ENV_LOG" | sort -u | wc -l)" -eq 2 ]'
check "the clones are gone" sh -c 'for f in $(cut -d" " -f3 "$ENV_LOG"); do [ ! -e "$f" ] || exit 1; done'
check "the template built for the run is gone (no --keepdb)" [ ! -e "$work/items.db" ]

# An existing template is used as it is and never modified.
DATABASE_URL="sqlite:$work/given.db" "$PROGRAMS/items_setup" >/dev/null
sum_before=$(cksum <"$work/given.db")
run -j2 --db "sqlite:$work/given.db" --filter '*writer*' "$PROGRAMS/environment"
check "an existing template is cloned" status_is 0
check "and is not modified" [ "$(cksum <"$work/given.db")" = "$sum_before" ]
check "and is not removed" [ -e "$work/given.db" ]

# A second alias gets its own clones and variable.
cp "$work/given.db" "$work/given2.db"
run -j2 --db "sqlite:$work/given.db" --db "cache=sqlite:$work/given2.db" \
	--filter '*alias*' "$PROGRAMS/environment"
check "PARTEST_DB_CACHE_URL names a clone of its own" status_is 0

# --db-setup refuses a template it did not create.
run --db "sqlite:$work/given.db" --db-setup "$PROGRAMS/items_setup" "$PROGRAMS/environment"
check "--db-setup refuses to replace a database partest did not create" status_is 2
check "and says so" err_has 'not created by partest'
check "and leaves it alone" [ "$(cksum <"$work/given.db")" = "$sum_before" ]

# --keepdb: built once, reused while the inputs hold, rebuilt when they change.
echo "v1" >migrations.sql
cat >setup.sh <<SCRIPT
#!/bin/sh
echo built >>"$work/builds"
exec "$PROGRAMS/items_setup"
SCRIPT
chmod +x setup.sh
keep() { run -j2 --keepdb --db "sqlite:$work/kept.db" --db-setup ./setup.sh \
	--db-inputs migrations.sql --filter '*writer*' "$PROGRAMS/environment"; }
keep
check "--keepdb: the first run builds the template" sh -c '[ "$(wc -l <"$work/builds")" -eq 1 ]'
check "--keepdb: the template is kept" [ -e "$work/kept.db" ]
keep
check "--keepdb: an unchanged run reuses it" sh -c '[ "$(wc -l <"$work/builds")" -eq 1 ]'
check "--keepdb: and its tests pass on it" status_is 0
echo "v2" >migrations.sql
keep
check "--keepdb: a changed input rebuilds it" sh -c '[ "$(wc -l <"$work/builds")" -eq 2 ]'
check "nothing is left behind" no_run_dirs_left
done_testing
