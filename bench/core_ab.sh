#!/usr/bin/env bash
# core_ab.sh: the runner's rebuilt core (issue 11) against the commit before
# it, on the same machine in the same run. BASE (default e6e869b, main before
# the rebuild) is exported with git archive and built beside this tree; every
# workload is then timed with one hyperfine invocation holding both builds, so
# each pair shares its conditions:
#   native   N trivial native tests, -j2 (fork server, the default)
#   spawn    the same, --start spawn
#   isolate  ISO_N trivial native tests, --start isolate -j2 (a process per test)
#   tap      COUNT trivial TAP scripts, -j2
#   sqlite   8 scripts, -j4, each worker on its clone of a 50 MiB template
# Each build's test program is linked against that build's libpartest.a.
# Checks first that both builds run every test and pass.
#
# Env: BASE (e6e869b), N (10000), ISO_N (2000), COUNT (300), RUNS (10),
#      WARMUP (1), RESULTS_DIR (keep the hyperfine JSON and markdown).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE=${BASE:-e6e869b}
N=${N:-10000}
ISO_N=${ISO_N:-2000}
COUNT=${COUNT:-300}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}

needs hyperfine jq gcc git sqlite3

cd "$tmp"
echo "== building $BASE and this tree ($(git -C "$repo" rev-parse --short HEAD))"
mkdir base
git -C "$repo" archive "$BASE" | tar -x -C base
make -s -C base >/dev/null 2>&1
old=base/build/partest new=$partest

# link TREE SOURCE OUTPUT: a test program against TREE's test library.
link() {
	local libs
	libs=$(make -s --no-print-directory -C "$1" --eval='print-libs: ; @echo $(LIBS)' print-libs)
	# shellcheck disable=SC2086
	gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -I"$1/include" "$2" "$1/build/libpartest.a" \
		$libs -o "$3"
}
"$repo/bench/gen_native.sh" partest "$N" > native.c
"$repo/bench/gen_native.sh" partest "$ISO_N" > isolate.c
for tree in old new; do
	dir=$([ $tree = old ] && echo base || echo "$repo")
	link "$dir" native.c "native_$tree"
	link "$dir" isolate.c "isolate_$tree"
done
mkdir tap
for i in $(seq -w 1 "$COUNT"); do printf '#!/bin/sh\necho 1..1\necho ok 1\n' > "tap/t$i.sh"; done
sqlite3 template.db "pragma page_size=4096;
	create table t(id integer primary key, b blob);
	with recursive c(x) as (select 1 union all select x + 1 from c where x < 51200)
	insert into t(b) select randomblob(900) from c;"
mkdir db
for i in 1 2 3 4 5 6 7 8; do
	printf '#!/bin/sh\necho 1..1\n[ -f "${DATABASE_URL#sqlite:}" ] && echo ok 1 || echo not ok 1\n' \
		> "db/t$i.sh"
done
chmod +x tap/*.sh db/*.sh

# The command of one workload for one build.
command_for() {
	local tree=$1 runner
	runner=$([ "$tree" = old ] && echo "$old" || echo "$new")
	case $2 in
	native) echo "$runner -j2 --state-dir state_$tree ./native_$tree" ;;
	spawn) echo "$runner -j2 --start spawn --state-dir state_$tree ./native_$tree" ;;
	isolate) echo "$runner -j2 --start isolate --state-dir state_$tree ./isolate_$tree" ;;
	tap) echo "$runner -j2 --state-dir state_$tree" tap/*.sh ;;
	sqlite) echo "$runner -j4 --state-dir state_$tree --db sqlite:$tmp/template.db" db/*.sh ;;
	esac
}
expected() {
	case $1 in native | spawn) echo "$N" ;; isolate) echo "$ISO_N" ;; tap) echo "$COUNT" ;; sqlite) echo 8 ;; esac
}

echo "== checking that both builds run and pass every test"
for workload in native spawn isolate tap sqlite; do
	for tree in old new; do
		# shellcheck disable=SC2046
		$(command_for $tree $workload) --color never > "check_$tree.out"
		grep -q "^$(expected $workload) passed, 0 failed" "check_$tree.out" ||
			{ echo "$tree $workload:"; tail -3 "check_$tree.out"; exit 1; }
	done
done

for workload in native spawn isolate tap sqlite; do
	echo "== hyperfine: $workload ($WARMUP warm-up, $RUNS runs)"
	hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$workload.json" \
		--export-markdown "$workload.md" \
		-n "$workload before ($BASE)" "$(command_for old $workload)" \
		-n "$workload after" "$(command_for new $workload)" >/dev/null
done
[ -z "${RESULTS_DIR:-}" ] || { mkdir -p "$RESULTS_DIR" && cp ./*.json ./*.md "$RESULTS_DIR/"; }

echo
echo "== summary: before ($BASE) and after, $(nproc) CPUs, mean ± stddev of $RUNS runs"
echo "| workload | before (ms) | after (ms) | after / before |"
echo "| --- | ---: | ---: | ---: |"
for workload in native spawn isolate tap sqlite; do
	jq -r --arg w "$workload" '.results as [$b, $a]
		| "| \($w) | \($b.mean * 1e4 | round / 10) ± \($b.stddev * 1e4 | round / 10) | \($a.mean * 1e4 | round / 10) ± \($a.stddev * 1e4 | round / 10) | \($a.mean / $b.mean * 100 | round / 100) |"' \
		"$workload.json"
done
