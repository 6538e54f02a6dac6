#!/usr/bin/env bash
# output_memory.sh: partest's own peak memory (maximum resident set size,
# /usr/bin/time -v) on TESTS passing tests that each write BYTES to stdout,
# -j2, with --junit; this tree against BASE (default main, before only a
# failed test's output was kept), built beside it and run in the same
# invocation, RUNS times each, alternating. Also prints the JUnit report's
# size and each run's wall time.
#
# Env: BASE (main), BYTES (4194304), RUNS (3). The test program is
# tests/programs/noisy.c (100 tests), linked against each build's library.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE=${BASE:-main}
BYTES=${BYTES:-4194304}
RUNS=${RUNS:-3}

needs gcc git /usr/bin/time

cd "$tmp"
echo "== building $BASE and this tree ($(git -C "$repo" rev-parse --short HEAD))"
mkdir base
git -C "$repo" archive "$BASE" | tar -x -C base
make -s -C base >/dev/null 2>&1

# link TREE OUTPUT: tests/programs/noisy.c (this tree's) against TREE's test library.
link() {
	local libs
	libs=$(make -s --no-print-directory -C "$1" --eval='print-libs: ; @echo $(LIBS)' print-libs)
	# shellcheck disable=SC2086
	gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -I"$1/include" "$repo/tests/programs/noisy.c" \
		"$1/build/libpartest.a" $libs -o "$2"
}
link base noisy_base
link "$repo" noisy_new

# measure NAME PARTEST PROGRAM: one run (100 noisy tests and a quiet one); prints NAME,
# peak RSS in MB, wall s, report MB.
measure() {
	local status=0
	NOISY_BYTES=$BYTES /usr/bin/time -v -o time.txt "$2" -j2 --junit report.xml "./$3" \
		>out.txt 2>&1 || status=$?
	if [ "$status" -ne 0 ] || ! grep -q '^101 passed, 0 failed' out.txt; then
		echo "$1: the run did not pass every test (status $status)" >&2
		tail -n 3 out.txt >&2
		exit 1
	fi
	awk -v name="$1" -v report="$(wc -c <report.xml)" '
		/Maximum resident set size/ { rss = $NF / 1024 }
		/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = t[n] + (n > 1 ? t[n - 1] * 60 : 0) }
		END { printf "%-6s %9.1f MB %8.2f s %10.1f MB\n", name, rss, wall, report / 1048576 }' time.txt
}

echo "== 100 passing tests x $BYTES bytes of stdout, -j2, --junit; $RUNS runs each"
printf '%-6s %12s %10s %13s\n' build 'peak RSS' wall 'JUnit report'
for _ in $(seq "$RUNS"); do
	measure base "base/build/partest" noisy_base
	measure new "$partest" noisy_new
done
