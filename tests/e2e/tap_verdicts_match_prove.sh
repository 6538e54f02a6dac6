#!/bin/sh
# Every TAP stream in tests/tap/ (plans, TODO, SKIP, bail-outs, subtests,
# YAML, escapes, numbering errors, version lines, line ends) gets from
# partest the verdict prove gives it, prove being run here on the same
# program: pass, fail, skip, or bail (a bail-out, which fails the run).
# tests/tap/divergences lists the few streams where partest differs, and why.
. "$(dirname "$0")/lib.sh"

if ! command -v prove >/dev/null 2>&1; then
	echo "1..0 # SKIP prove (Debian's perl) is not installed"
	exit 0
fi
streams="$PARTEST_SOURCE/tests/tap"

# prove_verdict NAME: what prove says of ./NAME.
prove_verdict() {
	prove "./$1" >prove.out 2>&1
	rc=$?
	if grep -q 'Further testing stopped' prove.out; then
		echo bail
	elif [ $rc -ne 0 ]; then
		echo fail
	elif grep -q "^\./$1 \.\. skipped" prove.out; then
		echo skip
	else
		echo pass
	fi
}

# partest_verdict NAME: what partest says of ./NAME.
partest_verdict() {
	"$PARTEST" -v --state-dir state "./$1" >out 2>err </dev/null
	word=$(awk -v id="$1" '$2 == id || $2 == "./" id { print $1 }' out)
	if [ "$word" = FAIL ] && grep -q 'bailed out: no further test starts' out; then
		echo bail
	else
		echo "$word" | tr 'A-Z' 'a-z'
	fi
}

for stream in "$streams"/*.tap; do
	name=$(basename "$stream" .tap)
	printf '#!/bin/sh\ncat "%s"\n' "$stream" >"$name"
	chmod +x "$name"
	expected=$(prove_verdict "$name")
	why="prove says $expected"
	diverges=$(sed -n "s/^$name \([a-z]*\) \(.*\)/\1|\2/p" "$streams/divergences")
	if [ -n "$diverges" ]; then
		expected=${diverges%%|*}
		why="not as prove: ${diverges#*|}"
	fi
	got=$(partest_verdict "$name")
	check "$name: $expected ($why)" [ "$got" = "$expected" ]
	[ "$got" = "$expected" ] || echo "# partest says $got"
done
done_testing
