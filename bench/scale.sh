#!/usr/bin/env bash
# scale.sh: 100 000 trivial native tests in 1 000 suites at -j2, with and
# without the JUnit report and the event stream, against the target of
# issue 12: at most 20 µs of runner CPU and 1 KiB of runner memory per test.
#
# - runner CPU: perf stat --no-inherit, the partest process alone (its
#   workers and fork server not counted);
# - peak memory: /usr/bin/time -v's maximum resident set size (partest or
#   any of its descendants, whichever is largest), and partest's own peak
#   (VmHWM, read from /proc/self/status as it exits, by a preloaded
#   destructor); memory per test is the slope between this run and one of
#   1 000 tests (SCALE_SMALL).
# SCALE_PARTEST=PATH measures another build of partest (a patched one, say)
# on the same generated programs.
# The test programs are generated (bench/gen_native.sh) and built with -O0:
# their bodies are trivial, and -O2 on 100 000 functions takes minutes.
set -euo pipefail
cd "$(dirname "$0")"
source ./lib.sh
needs perf /usr/bin/time gcc

partest=${SCALE_PARTEST:-$partest}
N=${SCALE_TESTS:-100000}
SMALL=${SCALE_SMALL:-1000}

bash gen_native.sh partest "$N" >"$tmp/big.c"
bash gen_native.sh partest "$SMALL" >"$tmp/small.c"
cat >"$tmp/peak.c" <<'C'
/* Preloaded: at exit, appends "PID VmHWM-in-KiB" to $SCALE_PEAKS. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((destructor)) static void record_peak(void)
{
	const char *path = getenv("SCALE_PEAKS");
	char line[256];
	long kib = -1;
	FILE *status = fopen("/proc/self/status", "r"), *out;

	if (!path || !status)
		return;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "VmHWM: %ld", &kib) == 1)
			break;
	fclose(status);
	if ((out = fopen(path, "a"))) {
		fprintf(out, "%ld %ld\n", (long)getpid(), kib);
		fclose(out);
	}
}
C
cd "$tmp"
gcc -shared -fPIC -O2 -o peak.so peak.c
libs=$(make -s --no-print-directory -C "$repo" --eval='print-libs: ; @echo $(LIBS)' print-libs)
for program in big small; do
	# shellcheck disable=SC2086
	gcc -std=c17 -O0 -D_POSIX_C_SOURCE=200809L -I"$repo/include" "$program.c" \
		"$repo/build/libpartest.a" $libs -o "$program"
done

# measure NAME PROGRAM ARGS...: NAME.cpu (ms), NAME.tree (KiB), NAME.hwm (KiB), NAME.out.
measure() {
	local name=$1 program=$2 pid
	shift 2
	rm -rf state
	perf stat -e task-clock --no-inherit -x, -o "$name.perf" \
		"$partest" -j2 --color never --state-dir state "$@" "./$program" >"$name.out" 2>&1 || true
	awk -F, '/task-clock/ { print $1 }' "$name.perf" >"$name.cpu"
	rm -rf state
	/usr/bin/time -v -o "$name.time" \
		"$partest" -j2 --color never --state-dir state "$@" "./$program" >/dev/null 2>&1 || true
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$name.time" >"$name.tree"
	rm -rf state "$name.peaks"
	SCALE_PEAKS="$tmp/$name.peaks" LD_PRELOAD="$tmp/peak.so" \
		"$partest" -j2 --color never --state-dir state "$@" "./$program" >/dev/null 2>&1 &
	pid=$!
	wait "$pid" || true
	awk -v pid="$pid" '$1 == pid { print $2 }' "$name.peaks" >"$name.hwm"
}

measure plain big
measure reports big --junit report.xml --events events.jsonl
measure small small --junit small.xml --events small.jsonl

for name in plain reports; do
	grep -q "^$N passed, 0 failed" "$name.out" || { echo "$name: not $N passed"; tail -3 "$name.out"; exit 1; }
done
[ "$(grep -c '<testcase ' report.xml)" = "$N" ] || { echo "the JUnit report lacks tests"; exit 1; }
[ "$(grep -c '"type":"test_end"' events.jsonl)" = "$N" ] || { echo "the event stream lacks tests"; exit 1; }

printf '%-36s %11s %12s %14s %14s\n' run "runner CPU" "per test" "peak (tree)" "peak (runner)"
for name in plain reports small; do
	tests=$N
	[ "$name" = small ] && tests=$SMALL
	awk -v name="$name" -v ms="$(cat "$name.cpu")" -v tree="$(cat "$name.tree")" \
		-v hwm="$(cat "$name.hwm")" -v n="$tests" 'BEGIN {
		printf "%-36s %8.1f ms %9.2f µs %10d KiB %10d KiB\n",
			name " (" n " tests)", ms, ms * 1000 / n, tree, hwm }'
done
awk -v ms="$(cat reports.cpu)" -v big="$(cat reports.hwm)" -v small="$(cat small.hwm)" \
	-v n="$N" -v s="$SMALL" 'BEGIN {
	cpu = ms * 1000 / n; mem = (big - small) * 1024 / (n - s)
	printf "with --junit and --events: %.2f µs of runner CPU per test (target 20), %.0f bytes of runner memory per test (target 1024)\n", cpu, mem
	print (cpu <= 20 && mem <= 1024) ? "MET" : "NOT MET"
}'
