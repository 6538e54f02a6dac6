#!/bin/sh
# A test that leaves a child running is reported as leaky; the child is killed.
. "$(dirname "$0")/lib.sh"

run -j1 --filter '*behaviours::leak::*' "$PROGRAMS/behaviours"
check "a leak fails the run" status_is 1
check "the test is marked LEAK" grep -q '^LEAK .*behaviours::leak::leaves_a_child' out
child=$(sed -n 's/.*started child \([0-9]*\)$/\1/p' out)
check "the leaked process is named by its pid" out_has "killed: pid $child"
check "the summary counts it" out_has '1 leaked processes'
check "the leaked child was killed" sh -c "[ -n '$child' ] && ! kill -0 '$child' 2>/dev/null"

cat >leaky.sh <<'SCRIPT'
#!/bin/sh
sleep 300 &
echo $! >"$work/leaky.pid"
exit 0
SCRIPT
chmod +x leaky.sh
run leaky.sh
check "an executable that leaves a child is leaky" out_has 'LEAK    leaky.sh'
check "and its child was killed" sh -c '! kill -0 "$(cat "$work/leaky.pid")" 2>/dev/null'

run -j1 "$PROGRAMS/worker_server"
check "a skipped test leaks nothing of the worker set-up's" out_lacks LEAK
check "and the worker's server survives it" status_is 0
done_testing
