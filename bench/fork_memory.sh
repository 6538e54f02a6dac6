#!/usr/bin/env bash
# fork_memory.sh: memory of N workers after a global set-up that builds
# 200 MB of data. Forked workers share those pages copy-on-write; spawned
# workers each build their own. Measured as the sum of the proportional set
# size (PSS, /proc/PID/smaps_rollup) of the server and every worker while
# each worker sits in a test, so shared pages count once.
# Env: WORKERS (4), MB (200).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs gcc pgrep
WORKERS=${WORKERS:-4}
MB=${MB:-200}
cd "$tmp"

cat > big.c <<C
#include <partest.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static char *data;
PT_GLOBAL_SETUP() { data = malloc((size_t)$MB << 20); memset(data, 7, (size_t)$MB << 20); }
$(for i in $(seq 1 "$WORKERS"); do
	echo "PT_TEST(s$i, reads) { long sum = 0; for (size_t i = 0; i < ((size_t)$MB << 20); i += 4096) sum += data[i]; PT_ASSERT_INT(sum, >, 0); nanosleep(&(struct timespec){ 3, 0 }, NULL); }"
done)
C
build_native big.c bigdata

pss_total() {
	local total=0 kb
	for pid in $(pgrep -f "^$tmp/bigdata"); do
		kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}

for method in fork spawn; do
	"$partest" -j"$WORKERS" --start "$method" "$tmp/bigdata" > "out.$method" &
	runner=$!
	sleep 2.5
	kb=$(pss_total)
	procs=$(pgrep -fc "^$tmp/bigdata" || true)
	wait "$runner"
	printf '%-6s %d processes, %d MB PSS in all (%d MB of data each)\n' \
		"$method" "$procs" $((kb / 1024)) "$MB"
	tail -n 1 "out.$method"
done
