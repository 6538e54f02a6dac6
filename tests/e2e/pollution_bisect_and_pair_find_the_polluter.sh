#!/bin/sh
# A polluter among 30 tests: --bisect finds it among the tests that ran
# before the victim on its worker (or in a given order) by halving, --pair by
# trying the victim after each other test; each trial is a run of its own
# with a fresh TMPDIR and fresh clones, so the victim run alone passes. Both
# print the command that shows the failure with the two tests.
. "$(dirname "$0")/lib.sh"

polluter="$PROGRAMS/polluter"
victim="$polluter::c::minds_the_mark"
culprit="$polluter::b::leaves_a_mark"

# reproduce: runs the command after "reproduce: " in ./out; its status in $status.
reproduce() {
	command=$(sed -n 's/^reproduce: //p' out | head -n 1)
	[ -n "$command" ] || return 1
	eval "$command" >reproduced 2>&1 </dev/null
	status=$?
}

export POLLUTE=file
run -j1 "$polluter"
check "the victim fails after the polluter" status_is 1
check "the run recorded each worker's order" [ -s .partest/order ]

run --bisect "$victim" "$polluter"
check "--bisect finds a polluter: exit 1" status_is 1
check "the victim alone passes (a fresh TMPDIR per trial)" out_has "$victim alone: passes"
check "--bisect names the polluter" out_has "polluter: $culprit makes $victim fail"
check "the state dir still holds the searched run's order" \
	sh -c '[ "$(wc -l <.partest/order)" = 30 ]'
check "the command it prints shows the failure" reproduce
check "with exit 1" status_is 1
check "running the two tests in that order" grep -qF '2 tests in' reproduced
check "no run directory is left" no_run_dirs_left

printf '%s\n' "$polluter::a::one" "$polluter::b::six" "$culprit" "$polluter::c::two" \
	"$victim" >order
run --bisect "$victim" --order-file order "$polluter"
check "--bisect searches the order given" status_is 1
check "and finds the polluter there" out_has "polluter: $culprit makes $victim fail"

run --bisect "$victim" --order "$polluter::a::one" --order "$polluter::a::two" "$polluter"
check "no polluter in the order given: exit 0" status_is 0
check "and says so" out_has "no polluter: $victim passes after the 2 tests before it"

run -j2 --pair "$victim" "$polluter"
check "--pair finds a polluter: exit 1" status_is 1
check "it names the one test after which the victim fails" \
	sh -c '[ "$(grep -c "^polluter: " out)" = 1 ]'
check "that is the polluter" out_has "polluter: $culprit makes $victim fail"
check "and tried the victim after every other test" \
	sh -c '[ "$(grep -c "^$0 after " out)" = 29 ]' "$victim"
check "its command shows the failure" reproduce
check "with exit 1" status_is 1

# The pollution is a row in the worker's SQLite clone.
export POLLUTE=row
rm -rf .partest
db="--db sqlite:$work/items.db --db-setup $PROGRAMS/items_setup"
run -j1 $db "$polluter"
check "on SQLite the victim fails after the polluter's row" status_is 1
run --bisect "$victim" $db "$polluter"
check "--bisect on SQLite: exit 1" status_is 1
check "the victim alone passes on a fresh clone" out_has "$victim alone: passes"
check "the polluter is found" out_has "polluter: $culprit makes $victim fail"
check "the command it prints shows the failure" reproduce
check "with exit 1" status_is 1
run -j2 --pair "$victim" $db "$polluter"
check "--pair on SQLite finds it too" out_has "polluter: $culprit makes $victim fail"
check "and only it" sh -c '[ "$(grep -c "^polluter: " out)" = 1 ]'
check "no clone and no template is left" sh -c '! ls "$work"/items.db* 2>/dev/null | grep -q .'
check "no run directory is left" no_run_dirs_left

# The record is replaced, never written through a planted link.
echo "not partest's" >elsewhere
ln -sf "$work/elsewhere" .partest/order
run -j1 $db "$polluter"
check "a planted link to another file is left alone" grep -qx "not partest's" elsewhere
check "and the record replaces the link" sh -c '[ ! -L .partest/order ] && [ -s .partest/order ]'

unset POLLUTE
rm -rf .partest
run --bisect "$victim" "$polluter"
check "--bisect without a record of the last run is a usage error" status_is 2
check "said in one line" err_is_one_line
# Ctrl-C stops the trials under way, which clean up after themselves.
printf '#!/bin/sh\nexit 0\n' >quick.sh
printf '#!/bin/sh\nsleep 300\n' >"$work/slow_trial.sh"
chmod +x quick.sh "$work/slow_trial.sh"
"$PARTEST" --pair quick.sh ./quick.sh "$work/slow_trial.sh" >out 2>err </dev/null &
hunt=$!
tries=0
until grep -q "alone: passes" out && pgrep -f "^/bin/sh $work/slow_trial.sh" >/dev/null; do
	tries=$((tries + 1))
	[ "$tries" -lt 600 ] || break
	sleep 0.1
done
kill -INT "$hunt"
wait "$hunt"
status=$?
check "an interrupted --pair exits 130" status_is 130
check "and says so" err_has 'interrupted'
check "its trials are stopped" none_running "/bin/sh $work/slow_trial.sh"
check "no run directory is left" no_run_dirs_left

run --pair "$polluter::nope" "$polluter"
check "--pair of an unknown test is a usage error" status_is 2
check "that names it" err_has "--pair \"$polluter::nope\": no such test"
done_testing
