#!/bin/sh
# --db-inputs naming a FIFO or a device is refused (exit 2, one line) rather
# than read for ever; a directory stands for every file below it, so a
# changed migration in it rebuilds a --keepdb template.
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\necho 1..1\necho ok 1\n' >"$work/t.sh"
printf '#!/bin/sh\necho built >>"%s/setup.log"\nexec "%s/items_setup"\n' "$work" "$PROGRAMS" >"$work/setup.sh"
chmod +x "$work/t.sh" "$work/setup.sh"
db="sqlite:$work/items.db"
builds() { if [ -f "$work/setup.log" ]; then wc -l <"$work/setup.log"; else echo 0; fi; }

# The guard only turns a hang into a failure: partest answers at once.
guarded_run() { timeout 60 "$PARTEST" "$@" >out 2>err </dev/null; status=$?; }

mkfifo "$work/fifo"
guarded_run --db "$db" --db-setup "$work/setup.sh" --db-inputs "$work/fifo" "$work/t.sh"
check "a FIFO: exit 2" status_is 2
check "one line saying what it is" sh -c 'grep -q "fifo\": is a FIFO" err && [ "$(wc -l <err)" -eq 1 ]'

guarded_run --db "$db" --db-setup "$work/setup.sh" --db-inputs /dev/zero "$work/t.sh"
check "a device: exit 2" status_is 2
check "one line" err_is_one_line

mkdir -p "$work/migrations/0001" "$work/migrations/0002"
echo 'CREATE TABLE a (x);' >"$work/migrations/0001/up.sql"
echo 'CREATE TABLE b (y);' >"$work/migrations/0002/up.sql"
guarded_run --keepdb --db "$db" --db-setup "$work/setup.sh" --db-inputs "$work/migrations" "$work/t.sh"
check "a directory is accepted" status_is 0
check "the template was built" [ "$(builds)" = 1 ]
guarded_run --keepdb --db "$db" --db-setup "$work/setup.sh" --db-inputs "$work/migrations" "$work/t.sh"
check "unchanged, the template is reused" [ "$(builds)" = 1 ]
echo 'CREATE TABLE b (y, z);' >"$work/migrations/0002/up.sql"
guarded_run --keepdb --db "$db" --db-setup "$work/setup.sh" --db-inputs "$work/migrations" "$work/t.sh"
check "a file changed deep in the directory rebuilds it" [ "$(builds)" = 2 ]
check "and the run passes" status_is 0

mkfifo "$work/migrations/0002/pipe"
guarded_run --keepdb --db "$db" --db-setup "$work/setup.sh" --db-inputs "$work/migrations" "$work/t.sh"
check "a FIFO inside the directory: exit 2" status_is 2
check "named in one line" sh -c 'grep -q "0002/pipe\" is a FIFO" err && [ "$(wc -l <err)" -eq 1 ]'
done_testing
