#!/usr/bin/env bash
# run_all.sh: runs every benchmark in bench/ one after another (about 10 minutes
# on 2 CPUs, most of it Criterion's 10000 forks) and prints the machine first.
# Env is passed through (e.g. RESULTS_DIR=/some/dir keeps hyperfine exports).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "== partest: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'), $(hyperfine --version)"
make -s -C "$repo" >/dev/null

status=0
for b in tap_scripts sleep_balance sqlite_clones native_overhead; do
	echo
	echo "################ $b"
	if ! bash "$here/$b.sh"; then
		echo "!! $b failed"
		status=1
	fi
done
exit $status
