#!/bin/sh
# A run killed with SIGKILL cannot clean up; the next run removes its run
# directory (clones, temp dirs) and kills the processes it left.
. "$(dirname "$0")/lib.sh"

sleepy=$(private_copy sleepy)
cat >hang.sh <<'SCRIPT'
#!/bin/sh
echo $$ >"$work/hang.pid"
exec sleep 300
SCRIPT
chmod +x hang.sh
DATABASE_URL="sqlite:$work/given.db" "$PROGRAMS/items_setup" >/dev/null
"$PARTEST" -j2 --db "sqlite:$work/given.db" --filter '*forever*' --filter hang.sh "$sleepy" ./hang.sh \
	>out 2>err </dev/null &
pid=$!
# Killed once its tests are running (slow to come under sanitizers and load).
until_true 300 [ -s "$work/hang.pid" ]
# Its run directory, named while it lives: once it is dead, any partest run
# on the machine (make check runs many at once) may remove it.
left=$(ls "$TMPDIR")
kill -KILL $pid
wait $pid 2>/dev/null
check "the run had a run directory" [ -n "$left" ]

printf '#!/bin/sh\nexit 0\n' >ok.sh
chmod +x ok.sh
run ok.sh
check "the next run passes" status_is 0
check "and removed the dead run's directory, clones included" [ ! -e "$TMPDIR/$left" ]
until_true 50 none_running "$sleepy"
check "and no worker of the dead run is left" none_running "$sleepy"
check "nor what its tests started" gone "$(cat "$work/hang.pid")"

SLEEPY_LOG="$work/sleepy.log" "$PARTEST" --filter '*forever*' "$sleepy" >out 2>err </dev/null &
pid=$!
# Killed once its test runs: its run directory and clone are made by then.
until_true 300 [ -s "$work/sleepy.log" ]
kill -KILL $pid
wait $pid 2>/dev/null
run db clean --db "sqlite:$work/given.db"
check "partest db clean exits 0" status_is 0
check "and removes what the dead run left" no_run_dirs_left
check "the template is untouched" [ -s "$work/given.db" ]
done_testing
