#!/bin/sh
# --partition slice:, hash: and time: split groups (a suite, an executable)
# so that every selected test runs in exactly one shard, with --filter too;
# an empty shard passes with a note; time: weighs groups from a JUnit file.
. "$(dirname "$0")/lib.sh"

cp "$PROGRAMS/fixtures" "$PROGRAMS/attributes" .
for name in one two three four five; do
	printf '#!/bin/sh\nexit 0\n' >"$name.sh"
	chmod +x "$name.sh"
done
programs="./fixtures ./attributes one.sh two.sh three.sh four.sh five.sh"

# shards METHOD N [OPTIONS]: lists every shard K/N into shard-K, all of them into shards.
shards() {
	method=$1 total=$2
	shift 2
	: >shards
	k=1
	while [ "$k" -le "$total" ]; do
		"$PARTEST" --list --partition "$method:$k/$total" "$@" $programs >"shard-$k" 2>err ||
			return 1
		cat "shard-$k" >>shards
		k=$((k + 1))
	done
}

# The suite of each listed native test, and each executable, is in one shard only.
groups_whole() {
	for f in shard-*; do sed -E 's/::[^:]*$//' "$f" | sort -u; done | sort | uniq -d | grep -q . &&
		return 1
	return 0
}

"$PARTEST" --list $programs | sort >all
for method in slice hash time; do
	for total in 2 3 5; do
		rm -f shard-*
		shards "$method" "$total"
		sort shards >sorted
		check "$method:K/$total runs every test in exactly one shard" cmp -s sorted all
		check "$method:K/$total keeps each suite in one shard" groups_whole
	done
done

"$PARTEST" --list --filter '*alpha*' --filter '*.sh' $programs | sort >filtered
shards hash 3 --filter '*alpha*' --filter '*.sh'
sort shards >sorted
check "with --filter on every shard, the filtered tests are covered once" cmp -s sorted filtered

# Two runs compute the same shard.
shards hash 4
cp shard-2 first
shards hash 4
check "every machine computes the same shard" cmp -s shard-2 first

# An empty shard passes with a note, and its JUnit report is valid and empty.
run --partition slice:9/9 --junit empty.xml ./attributes
check "an empty shard exits 0" status_is 0
check "it says why it ran nothing" err_has "shard slice:9/9 is empty"
check "its JUnit report has no test" grep -q 'tests="0"' empty.xml

# time: from a JUnit file an earlier run wrote: the long suite goes alone.
export SLEEPY_LOG="$work/log"
filters="--filter *short* --filter *long* --filter *medium*"
run --junit durations.xml $filters "$PROGRAMS/sleepy"
check "the run that records durations passes" status_is 0
mkdir elsewhere && cd elsewhere || exit 1
run --list --partition time:1/2 --durations-from ../durations.xml $filters "$PROGRAMS/sleepy"
check "time: with --durations-from puts the longest suite in a shard of its own" \
	sh -c "sed -E 's/.*::([^:]*)::[^:]*$/\1/' out | sort -u | tr '\n' ' ' | grep -qx 'long_suite '"
check "no state dir was needed" [ ! -e .partest ]
cp out from-junit
"$PARTEST" merge --events ../durations.jsonl ../durations.xml >/dev/null
run --list --partition time:1/2 --durations-from ../durations.jsonl $filters "$PROGRAMS/sleepy"
check "an event file gives the same durations as the JUnit file" cmp -s out from-junit
cd .. || exit 1

run --partition hash:5/4 ./attributes
check "a shard beyond the total is a usage error" status_is 2
check "named in one line" err_is_one_line
check "that says the expected form" err_has 'expected slice:K/N, hash:K/N, time:K/N'
run --partition time:1/2 --durations-from missing.xml ./attributes
check "an unreadable --durations-from is a usage error" status_is 2
check "that names the file" err_has 'cannot read the report "missing.xml"'
check "nothing is left behind" no_run_dirs_left
done_testing
