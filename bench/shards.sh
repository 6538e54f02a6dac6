#!/usr/bin/env bash
# shards.sh: how evenly --partition splits a suite over 4 CI machines.
#
# A native test binary with 20 suites of 4 tests; each test sleeps a fixed
# time, so the suites' totals are known and uneven (40 ms ... 1200 ms, 7160 ms
# in all), defined in a scrambled order. A suite is never split, so with 4
# shards the ideal slowest shard is
#     max(total / 4, longest suite) = max(1790, 1200) ms = 1790 ms.
# A recording run writes a JUnit report (the CI artifact). Then, for each of
# slice:K/4, hash:K/4 and time:K/4 --durations-from that report, each of the
# 4 shards runs alone with one worker (as on its own one-CPU machine: run at
# once, they would contend for this machine's CPUs) and its wall is timed,
# partest's start and end included; the slowest shard decides when the CI
# job is done.
# Target: time:'s slowest shard within 10% of the ideal.
#
# Every shard also pays partest's fixed cost a run (start, listing, the fork
# server), measured here too; SCALE multiplies every sleep, so that shards
# last as long as CI shards do and that cost weighs what it weighs there.
#
# Env: RUNS (3), SCALE (4), RESULTS_DIR (keep the per-shard walls).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
SCALE=${SCALE:-4}

needs pkg-config gcc awk

cd "$tmp"

# Each suite's total in ms (times SCALE), in definition order; 4 tests a suite.
suites=()
for ms in 250 60 1200 150 480 40 700 200 350 100 900 120 280 80 650 180 400 300 500 220; do
	suites+=($((ms * SCALE)))
done
{
	echo '#include <partest.h>'
	echo '#include <time.h>'
	echo 'static void sleep_ms(long ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }; while (nanosleep(&t, &t)) {} }'
	for s in "${!suites[@]}"; do
		for t in 0 1 2 3; do
			echo "PT_TEST(s${s}_${suites[$s]}ms, t$t) { sleep_ms(${suites[$s]} / 4); PT_ASSERT_TRUE(1); }"
		done
	done
} > shards.c
build_native shards.c shardtests

total=0 longest=0
for ms in "${suites[@]}"; do
	total=$((total + ms))
	[ "$ms" -gt "$longest" ] && longest=$ms
done
ideal=$((total / 4 > longest ? total / 4 : longest))
echo "== 20 suites x 4 tests (SCALE=$SCALE); total $total ms, longest suite $longest ms, ideal slowest of 4 shards $ideal ms"

echo "== recording run: the JUnit artifact"
"$partest" -j2 --color never --state-dir "$tmp/record" --junit artifact.xml ./shardtests | tail -n 1

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# shard_walls METHOD [OPTIONS]: runs the 4 shards one after another, prints their walls in ms.
shard_walls() {
	local method=$1 k start
	shift
	for k in 1 2 3 4; do
		start=$(now_ms)
		"$partest" -j1 --color never --state-dir "$tmp/state-$k" \
			--partition "$method:$k/4" "$@" ./shardtests >"shard-$k.out" 2>&1
		echo $(($(now_ms) - start)) >"wall-$k"
	done
	# Every shard passed, and together they ran the 80 tests once.
	local ran=0
	for k in 1 2 3 4; do
		grep -q ' 0 failed' "shard-$k.out" || { cat "shard-$k.out"; exit 1; }
		ran=$((ran + $(awk '/^[0-9]+ tests in/ { print $1 }' "shard-$k.out")))
	done
	[ "$ran" -eq 80 ] || { echo "$method: the shards ran $ran tests, not 80" >&2; exit 1; }
	cat wall-1 wall-2 wall-3 wall-4 | tr '\n' ' '
}

# planned METHOD [OPTIONS]: each shard's known total (ms), as the split chose its suites.
planned() {
	local method=$1 k
	shift
	for k in 1 2 3 4; do
		"$partest" --list --partition "$method:$k/4" "$@" ./shardtests |
			sed -E 's/.*::s[0-9]+_([0-9]+)ms::t[0-9]+$/\1/' | awk '{ sum += $1 / 4 } END { printf "%d ", sum }'
	done
}

echo "== the split, by the suites' known totals (ms a shard)"
: >plans
for method in slice hash time; do
	if [ "$method" = time ]; then
		p=$(planned time --durations-from artifact.xml)
	else
		p=$(planned "$method")
	fi
	echo "$method $p" | tee -a plans
done

echo "== partest's fixed cost a run: one test (its sleep taken off), one worker (ms, best of 5)"
fixed=999999
for i in 1 2 3 4 5; do
	start=$(now_ms)
	"$partest" -j1 --color never --state-dir "$tmp/fixed" --filter "*s5_$((40 * SCALE))ms::t0" \
		./shardtests >fixed.out
	w=$(($(now_ms) - start - 10 * SCALE))
	[ "$w" -lt "$fixed" ] && fixed=$w
done
echo "$fixed"

echo "== a single run of the whole suite, one worker (ms)"
start=$(now_ms)
"$partest" -j1 --color never --state-dir "$tmp/whole" ./shardtests >whole.out
whole=$(($(now_ms) - start))
grep -q '^80 passed' whole.out || { cat whole.out; exit 1; }
echo "$whole"

: >walls
for run in $(seq "$RUNS"); do
	for method in slice hash time; do
		if [ "$method" = time ]; then
			w=$(shard_walls time --durations-from artifact.xml)
		else
			w=$(shard_walls "$method")
		fi
		echo "$method $run $w" | tee -a walls
	done
done

if [ -n "${RESULTS_DIR:-}" ]; then
	mkdir -p "$RESULTS_DIR"
	cp walls plans artifact.xml "$RESULTS_DIR/"
fi

echo
echo "== summary: shards, SCALE=$SCALE, 4 shards at -j1, ideal slowest shard $ideal ms, $RUNS runs, $(nproc) CPUs"
echo "   (the whole suite in one run at -j1: $whole ms; a quarter of it: $((whole / 4)) ms;"
echo "    partest's fixed cost a run, which every shard pays: $fixed ms)"
awk -v ideal="$ideal" '
	FILENAME == "plans" {
		most = 0
		for (i = 2; i <= 5; i++) if ($i > most) most = $i
		plan[$1] = most
		next
	}
	{
		slowest = 0
		for (i = 3; i <= 6; i++) if ($i > slowest) slowest = $i
		sum[$1] += slowest; n[$1]++
		if (!($1 in best) || slowest < best[$1]) best[$1] = slowest
		if ($2 == 1) first[$1] = $3 " / " $4 " / " $5 " / " $6
	}
	END {
		print "| --partition | planned slowest (ms) | shard walls, run 1 (ms) | mean slowest shard (ms) | best slowest (ms) | ideal (ms) | over ideal |"
		print "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
		split("slice hash time", order, " ")
		for (m = 1; m <= 3; m++) {
			k = order[m]
			mean = sum[k] / n[k]
			printf "| %s:K/4%s | %d | %s | %.0f | %d | %d | %.1f%% |\n", k,
				k == "time" ? " --durations-from" : "", plan[k], first[k], mean, best[k], ideal,
				(mean / ideal - 1) * 100
		}
		over = (sum["time"] / n["time"] / ideal - 1) * 100
		printf "target (time: slowest shard within 10%% of ideal): %s (%.1f%% over)\n",
			over <= 10 ? "MET" : "NOT MET", over
	}
' plans walls
