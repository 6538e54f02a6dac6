#!/usr/bin/env bash
# native_overhead.sh: per-test overhead of partest vs Criterion on N trivial tests.
#
# Builds N (default 10000) one-assertion tests, 100 per suite, once for partest
# and once for Criterion 2.x, both with -O2, and times with hyperfine:
#   build/partest -j2 ./pt10k      (runner + native workers)
#   ./pt10k -j2                    (the test binary on its own)
#   ./criterion10k --jobs 2        (Criterion; it forks a process per test)
# Per-test overhead = mean wall / N. Target: partest's is >= 100x lower than
# Criterion --jobs 2's.
#
# Env: N (10000), PT_RUNS (10), PT_WARMUP (1), CR_RUNS (3), CR_WARMUP (0),
#      RESULTS_DIR (if set, the hyperfine JSON/markdown exports are copied there).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${N:-10000}
PT_RUNS=${PT_RUNS:-10}
PT_WARMUP=${PT_WARMUP:-1}
CR_RUNS=${CR_RUNS:-3}
CR_WARMUP=${CR_WARMUP:-0}

needs hyperfine jq pkg-config gcc


cd "$tmp"

echo "== building $N partest tests and $N Criterion tests (-O2)"
"$repo/bench/gen_native.sh" partest "$N" > pt.c
"$repo/bench/gen_native.sh" criterion "$N" > cr.c
build_native pt.c pt10k
gcc -std=c17 -O2 cr.c -lcriterion -o criterion10k

echo "== checking that every runner runs all $N tests"
"$partest" -j2 --color never --state-dir "$tmp/state" ./pt10k > out.partest
./pt10k -j2 --color never > out.native
./criterion10k --jobs 2 --color=never > out.criterion 2>&1
grep -q "^$N passed, 0 failed" out.partest || { echo "partest did not pass $N tests:"; cat out.partest; exit 1; }
grep -q "^$N passed, 0 failed" out.native || { echo "./pt10k did not pass $N tests:"; cat out.native; exit 1; }
grep -q "Tested: $N | Passing: $N" out.criterion || { echo "criterion did not pass $N tests:"; tail -3 out.criterion; exit 1; }
tail -1 out.partest; tail -1 out.native; tail -1 out.criterion

echo "== hyperfine: partest ($PT_WARMUP warm-up, $PT_RUNS runs)"
hyperfine -N --warmup "$PT_WARMUP" --runs "$PT_RUNS" \
	--export-json pt.json --export-markdown pt.md \
	-n "partest -j2 ./pt10k" "$partest -j2 --state-dir $tmp/state ./pt10k" \
	-n "./pt10k -j2" "./pt10k -j2"

echo "== hyperfine: Criterion ($CR_WARMUP warm-up, $CR_RUNS runs; ~75 s a run on 2 cores)"
hyperfine -N --warmup "$CR_WARMUP" --runs "$CR_RUNS" \
	--export-json cr.json --export-markdown cr.md \
	-n "./criterion10k --jobs 2" "./criterion10k --jobs 2"

if [ -n "${RESULTS_DIR:-}" ]; then
	mkdir -p "$RESULTS_DIR"
	cp pt.json pt.md cr.json cr.md "$RESULTS_DIR/"
fi

echo
echo "== summary: native_overhead, N=$N, $(nproc) CPUs"
jq -s -r --argjson n "$N" '
	(map(.results) | add) as $r
	| ($r[] | select(.command == "./criterion10k --jobs 2") | .mean) as $cr
	| "| command | mean wall (ms) | stddev (ms) | per test (µs) | Criterion / this |",
	  "| --- | ---: | ---: | ---: | ---: |",
	  ($r[] | "| `\(.command)` | \(.mean * 1e4 | round / 10) | \(.stddev // 0 | . * 1e4 | round / 10) | \(.mean / $n * 1e6 * 100 | round / 100) | \($cr / .mean | round)x |")
' pt.json cr.json
ratio=$(jq -s -r '(map(.results) | add) as $r
	| ($r[] | select(.command == "./criterion10k --jobs 2") | .mean)
	  / ($r[] | select(.command == "partest -j2 ./pt10k") | .mean) | floor' pt.json cr.json)
if [ "$ratio" -ge 100 ]; then
	echo "target (partest per-test overhead >= 100x lower than Criterion --jobs 2): MET (${ratio}x)"
else
	echo "target (partest per-test overhead >= 100x lower than Criterion --jobs 2): NOT MET (${ratio}x)"
fi
