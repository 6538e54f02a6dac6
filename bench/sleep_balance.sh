#!/usr/bin/env bash
# sleep_balance.sh: how close partest's runtime-balanced plan gets to the ideal wall.
#
# A native test binary with 8 suites of 4 tests; each test sleeps a fixed time,
# so the suites' totals are known and uneven (40 ms ... 800 ms, 2200 ms in all),
# and they are defined shortest first, the worst order for first-come scheduling.
# A suite runs on one worker, so with 2 workers the ideal wall is
#     max(total / 2, longest suite) = max(1100, 800) ms = 1100 ms.
# Runs:
#   no timings:   partest -j2 with an empty state dir each run (hyperfine --prepare)
#   with timings: partest -j2 with the state dir a recording run filled
# Target: the run with timings within 10% of the ideal.
#
# Env: RUNS (5), RESULTS_DIR (keep the hyperfine exports).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-5}

needs hyperfine jq pkg-config gcc


cd "$tmp"

# Per-test sleep of each suite in ms; 4 tests a suite.
sleeps=(10 20 30 40 50 80 120 200)
{
	echo '#include <partest.h>'
	echo '#include <time.h>'
	echo 'static void sleep_ms(long ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&t, &t)) {} }'
	for s in "${!sleeps[@]}"; do
		for t in 0 1 2 3; do
			echo "PT_TEST(s${s}_${sleeps[$s]}ms, t$t) { sleep_ms(${sleeps[$s]}); PT_ASSERT_TRUE(1); }"
		done
	done
} > sleep.c
build_native sleep.c sleeptests

total=0 longest=0
for ms in "${sleeps[@]}"; do
	suite=$((4 * ms))
	total=$((total + suite))
	[ "$suite" -gt "$longest" ] && longest=$suite
done
ideal=$((total / 2 > longest ? total / 2 : longest))
echo "== 8 suites x 4 tests; suite totals ${sleeps[*]/%/x4} ms; total $total ms, longest $longest ms, ideal wall with 2 workers $ideal ms"

echo "== recording run (fills $tmp/state)"
"$partest" -j2 --color never -v --state-dir "$tmp/state" ./sleeptests | sed -n '/^[0-9]* tests in/,$p'
"$partest" -j2 --color never -v --state-dir "$tmp/state" ./sleeptests > second.out
grep -q '^32 passed, 0 failed' second.out || { cat second.out; exit 1; }
echo "== second run (with timings), who ran what:"
awk '/^PASS/ { sub(/::t[0-9]+$/, "", $2); sub(/,$/, "", $4); if (!seen[$2]++) print "  " $2 " on worker " $4 }' second.out

echo "== hyperfine ($RUNS runs each)"
hyperfine -N --runs "$RUNS" --prepare "rm -rf $tmp/state0" \
	--export-json none.json --export-markdown none.md \
	-n "no timings (fresh state dir)" "$partest -j2 --state-dir $tmp/state0 ./sleeptests"
hyperfine -N --runs "$RUNS" \
	--export-json timed.json --export-markdown timed.md \
	-n "with timings (recorded)" "$partest -j2 --state-dir $tmp/state ./sleeptests"

if [ -n "${RESULTS_DIR:-}" ]; then
	mkdir -p "$RESULTS_DIR"
	cp none.json none.md timed.json timed.md "$RESULTS_DIR/"
fi

echo
echo "== summary: sleep_balance, ideal $ideal ms, $(nproc) CPUs"
jq -s -r --argjson ideal "$ideal" '
	(map(.results) | add) as $r
	| "| run | mean wall (ms) | stddev (ms) | min (ms) | ideal (ms) | over ideal |",
	  "| --- | ---: | ---: | ---: | ---: | ---: |",
	  ($r[] | "| \(.command) | \(.mean * 1e4 | round / 10) | \(.stddev * 1e4 | round / 10) | \(.min * 1e4 | round / 10) | \($ideal) | \((.mean * 1000 / $ideal - 1) * 1000 | round / 10)% |")
' none.json timed.json
jq -r --argjson ideal "$ideal" '
	.results[0].mean * 1000 / $ideal - 1 | . * 1000 | round / 10
	| "target (with timings within 10% of ideal): " + (if . <= 10 then "MET" else "NOT MET" end) + " (\(.)% over)"
' timed.json
