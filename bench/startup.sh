#!/usr/bin/env bash
# startup.sh: what a developer waits for before partest runs anything, with
# libxml2 linked (BASE, main before it was loaded on demand) and loaded on
# demand (this tree), and, as the floor, main before jansson and libxml2
# came in (PRE_XML). Each is exported with git archive and built beside this tree;
# one hyperfine invocation a workload holds every build, so they share its
# conditions:
#   version   partest --version
#   one_test  a run of one trivial shell script
#   merge     partest merge of that run's JUnit report (the path that still
#             loads libxml2; PRE_XML has no merge command)
# Also prints what each binary's dynamic linker loads at start (ldd).
# Start-up lasts tens of milliseconds and this machine is shared, so each
# workload is timed in ROUNDS hyperfine invocations of RUNS runs a build,
# one after the other: a change of load weighs on every build alike. The
# summary gives the median and the minimum of all runs, and the mean CPU.
#
# Env: BASE (192f36a), PRE_XML (1d53128~1), ROUNDS (5), RUNS (20), WARMUP (3),
#      RESULTS_DIR (keep the hyperfine JSON).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BASE=${BASE:-192f36a}
PRE_XML=${PRE_XML:-1d53128~1}
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}

needs hyperfine jq git ldd

cd "$tmp"
echo "== building $PRE_XML, $BASE and this tree ($(git -C "$repo" rev-parse --short HEAD))"
for tree in pre base; do
	mkdir "$tree"
	git -C "$repo" archive "$([ $tree = pre ] && echo "$PRE_XML" || echo "$BASE")" |
		tar -x -C "$tree"
	make -s -C "$tree" >/dev/null 2>&1
done
declare -A runner=([pre]=pre/build/partest [base]=base/build/partest [new]=$partest)
declare -A label=([pre]="before jansson, libxml2 ($PRE_XML)" [base]="libxml2 linked ($BASE)"
	[new]="libxml2 on demand")

echo "== what the dynamic linker loads at start: libraries, of which libxml2 and ICU"
for tree in pre base new; do
	printf '%-28s %3d libraries, %d of libxml2/ICU\n' "${label[$tree]}" \
		"$(ldd "${runner[$tree]}" | wc -l)" "$(ldd "${runner[$tree]}" | grep -c 'libxml2\|libicu')"
done

printf '#!/bin/sh\nexit 0\n' > pass.sh
chmod +x pass.sh
for tree in pre base new; do
	"${runner[$tree]}" --state-dir "state_$tree" pass.sh --color never > "check_$tree.out"
	grep -q '^1 passed, 0 failed' "check_$tree.out" || { echo "$tree:"; cat "check_$tree.out"; exit 1; }
done
"$partest" --junit report.xml pass.sh > /dev/null
for tree in base new; do
	"${runner[$tree]}" merge report.xml | grep -q '1 passed' || { echo "$tree merge fails"; exit 1; }
done

# bench WORKLOAD TREE...: one hyperfine run of the workload on each tree.
bench() {
	local workload=$1 args=() tree
	shift
	for tree in "$@"; do
		case $workload in
		version) args+=(-n "${label[$tree]}" "${runner[$tree]} --version") ;;
		one_test) args+=(-n "${label[$tree]}" "${runner[$tree]} --state-dir state_$tree pass.sh") ;;
		merge) args+=(-n "${label[$tree]}" "${runner[$tree]} merge report.xml") ;;
		esac
	done
	echo "== hyperfine: $workload ($ROUNDS rounds of $WARMUP warm-up, $RUNS runs)"
	for round in $(seq "$ROUNDS"); do
		hyperfine -N --warmup "$WARMUP" --runs "$RUNS" \
			--export-json "$workload.$round.json" "${args[@]}" > /dev/null 2>&1
	done
}
bench version pre base new
bench one_test pre base new
bench merge base new
[ -z "${RESULTS_DIR:-}" ] || { mkdir -p "$RESULTS_DIR" && cp ./*.json "$RESULTS_DIR/"; }

echo
echo "== summary: $(nproc) CPUs, $((ROUNDS * RUNS)) runs a build; CPU is user + system"
echo "| workload | build | median wall (ms) | min wall (ms) | mean CPU (ms) |"
echo "| --- | --- | ---: | ---: | ---: |"
for workload in version one_test merge; do
	jq -s -r --arg w "$workload" '[.[].results[]] | group_by(.command)
		| sort_by(.[0].command | (if startswith("before") then 0 elif startswith("libxml2 linked") then 1 else 2 end))[]
		| (map(.times[]) | sort) as $t
		| "| \($w) | \(.[0].command) | \($t[($t | length) / 2 | floor] * 1e4 | round / 10) | \($t[0] * 1e4 | round / 10) | \(map(.user + .system) | add / length * 1e4 | round / 10) |"' \
		"$workload".*.json
done
