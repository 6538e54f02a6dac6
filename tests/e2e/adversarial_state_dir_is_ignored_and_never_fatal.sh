#!/bin/sh
# The state directory carries its own .gitignore ("*"), so it never ends up
# in a commit; one that cannot be used is one warning line, and the run
# goes on.
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$work/t.sh"
chmod +x "$work/t.sh"

run "$work/t.sh"
check "a run passes" status_is 0
check "the state directory has a .gitignore holding *" [ "$(cat .partest/.gitignore)" = '*' ]

mkdir kept
printf 'durations\n' >kept/.gitignore
run --state-dir kept "$work/t.sh"
check "a .gitignore the user wrote is left as it was" [ "$(cat kept/.gitignore)" = durations ]

printf 'a file\n' >not-a-dir
run --state-dir not-a-dir "$work/t.sh"
check "a state directory that is a file: the run passes" status_is 0
check "with one warning line" err_is_one_line
check "which names it and says why" sh -c 'grep -q "warning: cannot use the state directory \"not-a-dir\": .*Not a directory" err'
check "the file is untouched" [ "$(cat not-a-dir)" = 'a file' ]

run --state-dir /proc/self/partest-state "$work/t.sh"
check "a state directory that cannot be made: the run passes" status_is 0
check "with one warning line" err_is_one_line

DATABASE_URL="sqlite:$work/given.db" "$PROGRAMS/items_setup" >/dev/null
run --state-dir not-a-dir --db "sqlite:$work/given.db" "$work/t.sh"
check "a run with a database and no usable state directory passes" status_is 0
check "with one warning line" err_is_one_line
done_testing
