#!/bin/sh
# Builds the libFuzzer target with clang (ASan and UBSan on) and fuzzes for
# the given number of seconds (default 60), starting from the corpus here.
# Usage: tests/fuzz/run.sh [SECONDS]
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${FUZZ_BUILD:-$repo/build/fuzz}

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
mkdir -p "$out/corpus"
cp "$here"/corpus/* "$out/corpus/"
clang -g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$repo/src" \
	"$here/fuzz_protocol.c" "$repo/src/protocol.c" "$repo/src/tap.c" "$repo/src/buf.c" \
	"$repo/src/xalloc.c" -o "$out/fuzz_protocol"
"$out/fuzz_protocol" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
	"$out/corpus" 2>"$out/fuzz.log" || { tail -n 40 "$out/fuzz.log" >&2; exit 1; }
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' "$out/fuzz.log" | tail -n 2
echo "fuzz: no crash in $seconds s"
