#!/bin/sh
# On a throwaway server (postgresql+tmp://, which partest starts itself): each
# worker gets its own clone of the template built by --db-setup, sees only its
# own rows, and nothing is left at the end: clones, template, server, its files.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"

export ENV_LOG="$work/env.log"
# The server's directory is /tmp/partest-pg-<partest's pid>-XXXXXX, and
# partest's pid is in the clones' names (<template>_pt<pid>_<random>_<k>).
server_dirs() { ls -d "/tmp/partest-pg-$1-"* 2>/dev/null; }
run -j2 --db 'postgresql+tmp:///app' --db-setup "$PROGRAMS/pg_items_setup" "$PROGRAMS/pg_writers"
check "the writers pass, each seeing only its own rows and the fixture" status_is 0
check "all four ran" last_line_is '4 passed, 0 failed, 0 skipped'
check "two clones were used, one per worker" \
	sh -c '[ "$(sort -u "$ENV_LOG" | wc -l)" -eq 2 ] && [ "$(cut -d" " -f2 "$ENV_LOG" | sort -u | wc -l)" -eq 2 ]'
check "clones are named after the template and the run" \
	sh -c '! grep -v " app_pt[0-9A-Za-z_]*_[12]\$" "$ENV_LOG"'
runner=$(cut -d" " -f2 "$ENV_LOG" | head -n 1 | sed 's/^app_pt//; s/_.*//')
check "the throwaway server's directory is gone" [ -z "$(server_dirs "$runner")" ]
check "no server of this run is left" sh -c "! pgrep -f '^[^ ]*postgres -D /tmp/partest-pg-$runner-'"
check "nothing is left in TMPDIR" no_run_dirs_left

# A failing set-up: exit 2, its output shown, and the server still cleaned up.
run --db 'postgresql+tmp:///app' --db-setup 'echo "$DATABASE_URL" >"$work/setup_url"; echo "migration failed"; exit 4' "$PROGRAMS/pg_writers"
check "a failing --db-setup on a throwaway server exits 2" status_is 2
check "and shows its output" err_has 'migration failed'
server_dir=$(sed 's/.*host=//; s/&.*//; s/%2F/\//g' "$work/setup_url")
check "the set-up was given the throwaway server's URL" sh -c "[ -n '$server_dir' ] && grep -q '^postgresql:///app?host=%2F' '$work/setup_url'"
check "and leaves no server directory" [ ! -e "$server_dir" ]

# Bad URLs are usage errors, before any server is started.
run --db 'postgresql://u:s3cret@localhost' "$PROGRAMS/pg_writers"
check "a URL without a database name: exit 2" status_is 2
check "it asks for the name" err_has 'name the template database'
check "one line, no password" sh -c '[ "$(wc -l <err)" -eq 1 ] && ! grep -q s3cret err'
run --db 'postgresql://localhost/app?partest_strategy=fast' "$PROGRAMS/pg_writers"
check "an unknown partest_strategy: exit 2" status_is 2
check "it lists the choices" err_has 'file_copy, wal_log'
done_testing
