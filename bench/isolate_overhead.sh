#!/usr/bin/env bash
# isolate_overhead.sh: a fresh process per test. 10 000 trivial native tests
# at -j2 under --start isolate (each forked from the program's server, no
# exec) beside Criterion --jobs 2 (which also runs each test in a process of
# its own). Target: at most 0.5 ms per test for partest.
# Env: N (10000), RUNS (3), CR_RUNS (1).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs hyperfine gcc
N=${N:-10000}
RUNS=${RUNS:-3}
CR_RUNS=${CR_RUNS:-1}
cd "$tmp"

"$repo/bench/gen_native.sh" partest "$N" > pt.c
"$repo/bench/gen_native.sh" criterion "$N" > cr.c
build_native pt.c pt
gcc -std=c17 -O2 cr.c -lcriterion -o cr
"$partest" -j2 --start isolate ./pt | tail -n 1
hyperfine -N --runs "$RUNS" --export-json iso.json -n "partest --start isolate -j2" \
	"$partest -j2 --start isolate ./pt"
hyperfine -N --runs "$CR_RUNS" --export-json cr.json -n "criterion --jobs 2" "./cr --jobs 2"
mean() { sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$1" | head -n 1; }
awk -v n="$N" -v p="$(mean iso.json)" -v c="$(mean cr.json)" 'BEGIN {
	printf "partest isolate: %.1f ms per test; Criterion: %.1f ms per test; target <= 0.5 ms: %s\n",
		p * 1000 / n, c * 1000 / n, (p * 1000 / n <= 0.5) ? "MET" : "NOT MET" }'
