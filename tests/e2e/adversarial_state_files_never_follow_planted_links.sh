#!/bin/sh
# A symbolic link planted where partest writes its state (durations, template
# records, SQLite ownership records, their temporary files) is never
# followed, even as root: the file it points at stays as it was. The
# temporary names of today's main are predictable from the pid, which a
# script keeps across exec.
. "$(dirname "$0")/lib.sh"

export ENV_LOG="$work/env.log"
printf 'precious\n' >"$work/victim"
victim_intact() { [ "$(cat "$work/victim")" = precious ]; }

# plant NAME...: symbolic links to the victim in .partest, named as given
# with PID replaced by the pid the next partest runs as.
plant_and_run() {
	names=$1
	shift
	sh -c 'for name in $1; do ln -sf "$2/victim" ".partest/$(echo "$name" | sed "s/PID/$$/")"; done
		shift 2; exec "$@" >out 2>err </dev/null' sh "$names" "$work" "$PARTEST" "$@"
	status=$?
}

printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$work/t.sh"
chmod +x "$work/t.sh"
mkdir -p .partest/templates .partest/sqlite
plant_and_run "durations.PID durations" "$work/t.sh"
check "a run with links planted at the durations and its temporary file works" status_is 0
check "the linked file is untouched" victim_intact
check "the durations are a file of partest's own now" [ -f .partest/durations ] && [ ! -L .partest/durations ]

plant_and_run "templates/default templates/default.PID.tmp" \
	--keepdb --db "sqlite:$work/items.db" --db-setup "$PROGRAMS/items_setup" \
	--filter '*writer*' "$PROGRAMS/environment"
check "a --keepdb run with links planted at the template record works" status_is 0
check "the linked file is untouched" victim_intact
check "the record is a file of partest's own" [ -f .partest/templates/default ] && [ ! -L .partest/templates/default ]

# The SQLite ownership record's temporary file: every name it could have.
rm -f "$work/items.db" .partest/sqlite/* .partest/templates/*
names=""
for record in $(ls .partest/sqlite 2>/dev/null); do names="$names sqlite/$record.PID.tmp"; done
run --db "sqlite:$work/other.db" --db-setup "$PROGRAMS/items_setup" --filter '*writer*' "$PROGRAMS/environment"
for record in $(ls .partest/sqlite); do names="$names sqlite/$record.PID.tmp"; done
rm -f .partest/sqlite/*
plant_and_run "$names" --db "sqlite:$work/other.db" --db-setup "$PROGRAMS/items_setup" \
	--filter '*writer*' "$PROGRAMS/environment"
check "a run with a link planted at the SQLite record's temporary file works" status_is 0
check "the linked file is untouched" victim_intact

# A directory of partest's replaced by a link to someone else's.
rm -rf .partest/templates
mkdir "$work/elsewhere"
printf 'theirs\n' >"$work/elsewhere/default"
ln -s "$work/elsewhere" .partest/templates
run --keepdb --db "sqlite:$work/third.db" --db-setup "$PROGRAMS/items_setup" \
	--filter '*writer*' "$PROGRAMS/environment"
check "a run with STATE/templates linked elsewhere goes on" status_is 0
check "nothing in the linked directory was removed or replaced" \
	[ "$(cat "$work/elsewhere/default")" = theirs ]
check "and nothing was added there" [ "$(ls "$work/elsewhere")" = default ]
done_testing
