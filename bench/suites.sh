#!/usr/bin/env bash
# suites.sh: the C and C++ suites people already have (issue 14), run by
# partest beside their own runners, in one run on one machine:
#   - a CMake build: a GoogleTest binary of S suites x T trivial tests
#     registered by gtest_discover_tests, plus P plain add_test entries:
#     `ctest -j2` vs `partest -j2 --ctest build`;
#   - the same GoogleTest binary alone: `partest -j2 ./gtest_bench`, and how
#     many processes of it each runner started (ctest: one per test);
#   - a meson build with the same P plain tests and the binary under the gtest
#     protocol: `meson test --num-processes 2` vs `partest -j2 --meson build`;
#   - a Criterion binary of S x T trivial tests: `./cr --jobs 2` vs
#     `partest -j2 ./cr`.
# Targets: partest faster than each peer; for GoogleTest at least 5x fewer
# processes than one per test. Env: S (20), T (25), P (100), RUNS (3).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
needs hyperfine cmake meson ninja g++ gcc
S=${S:-20}
T=${T:-25}
P=${P:-100}
RUNS=${RUNS:-3}
cd "$tmp"
mkdir project

# The GoogleTest binary: each process of it appends a line to $BENCH_LOG.
{
	echo '#include <cstdio>'
	echo '#include <cstdlib>'
	echo '#include <gtest/gtest.h>'
	echo 'static int logged = [] { const char *l = std::getenv("BENCH_LOG");'
	echo '	if (std::FILE *f = l ? std::fopen(l, "a") : nullptr) { std::fputs("x\n", f); std::fclose(f); }'
	echo '	return 0; }();'
	for s in $(seq "$S"); do for t in $(seq "$T"); do
		echo "TEST(Suite$s, Test$t) { EXPECT_EQ($s + $t, $t + $s); }"
	done; done
} >project/gtest_bench.cc
printf '#include <stdlib.h>\nint main(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) : 0; }\n' \
	>project/probe.c
{
	echo 'cmake_minimum_required(VERSION 3.16)'
	echo 'project(bench LANGUAGES C CXX)'
	echo 'find_package(GTest REQUIRED)'
	echo 'include(GoogleTest)'
	echo 'enable_testing()'
	echo 'add_executable(gtest_bench gtest_bench.cc)'
	echo 'target_link_libraries(gtest_bench GTest::gtest GTest::gtest_main)'
	echo 'gtest_discover_tests(gtest_bench)'
	echo 'add_executable(probe probe.c)'
	for p in $(seq "$P"); do echo "add_test(NAME plain$p COMMAND probe 0)"; done
} >project/CMakeLists.txt
{
	echo "project('bench', 'c', 'cpp')"
	echo "probe = executable('probe', 'probe.c')"
	echo "gtest_bench = executable('gtest_bench', 'gtest_bench.cc', dependencies: dependency('gtest', main: true))"
	for p in $(seq "$P"); do echo "test('plain$p', probe, args: ['0'])"; done
	echo "test('gtest_bench', gtest_bench, protocol: 'gtest')"
} >project/meson.build
cmake -S project -B cmake-build -G Ninja >/dev/null && ninja -C cmake-build >/dev/null
meson setup meson-build project >/dev/null && ninja -C meson-build >/dev/null
"$repo/bench/gen_native.sh" criterion $((S * T)) >cr.c
gcc -std=c17 -O2 cr.c -lcriterion -o cr

# Every runner runs every test: the summaries, once.
tests=$((S * T + P))
(cd cmake-build && ctest -j2 | grep 'tests passed')
"$partest" -j2 --ctest cmake-build | tail -n 1
"$partest" -j2 cmake-build/gtest_bench | tail -n 1
(cd meson-build && meson test --num-processes 2 --no-rebuild | grep -E '^(Ok|Fail):')
"$partest" -j2 --meson meson-build | tail -n 1
./cr --jobs 2 2>&1 | tail -n 1
"$partest" -j2 ./cr | tail -n 1

# Processes of the GoogleTest binary each runner started.
count() { rm -f "$tmp/log"; BENCH_LOG="$tmp/log" "$@" >/dev/null 2>&1 || true; wc -l <"$tmp/log"; }
ctest_procs=$(cd cmake-build && count ctest -j2)
partest_ctest_procs=$(count "$partest" -j2 --ctest cmake-build)
partest_gtest_procs=$(count "$partest" -j2 cmake-build/gtest_bench)
meson_procs=$(cd meson-build && count meson test --num-processes 2 --no-rebuild)
partest_meson_procs=$(count "$partest" -j2 --meson meson-build)

hyperfine -N --runs "$RUNS" --export-json cmake.json \
	-n "ctest -j2" "ctest --test-dir cmake-build -j2" \
	-n "partest -j2 --ctest" "$partest -j2 --ctest cmake-build" \
	-n "partest -j2 gtest_bench" "$partest -j2 cmake-build/gtest_bench" || true
hyperfine -N --runs "$RUNS" --export-json meson.json \
	-n "meson test --num-processes 2" "meson test -C meson-build --num-processes 2 --no-rebuild" \
	-n "partest -j2 --meson" "$partest -j2 --meson meson-build" || true
hyperfine -N --runs "$RUNS" --export-json criterion.json \
	-n "criterion --jobs 2" "./cr --jobs 2" \
	-n "partest -j2 criterion" "$partest -j2 ./cr" || true

# mean FILE N: the N-th command's mean, in seconds.
mean() { sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$1" | sed -n "${2}p"; }
awk -v ct="$(mean cmake.json 1)" -v pc="$(mean cmake.json 2)" -v pg="$(mean cmake.json 3)" \
	-v mt="$(mean meson.json 1)" -v pm="$(mean meson.json 2)" \
	-v cr="$(mean criterion.json 1)" -v pr="$(mean criterion.json 2)" \
	-v n="$tests" -v g="$((S * T))" -v cp="$ctest_procs" -v pcp="$partest_ctest_procs" \
	-v pgp="$partest_gtest_procs" -v mp="$meson_procs" -v pmp="$partest_meson_procs" 'BEGIN {
	printf "ctest -j2 %.2f s, partest --ctest %.2f s (%.1fx): %s\n", ct, pc, ct / pc, pc < ct ? "MET" : "NOT MET"
	printf "partest on the GoogleTest binary alone: %.2f s for %d tests\n", pg, g
	printf "meson test %.2f s, partest --meson %.2f s (%.1fx): %s\n", mt, pm, mt / pm, pm < mt ? "MET" : "NOT MET"
	printf "criterion --jobs 2 %.2f s, partest %.2f s (%.1fx): %s\n", cr, pr, cr / pr, pr < cr ? "MET" : "NOT MET"
	printf "GoogleTest processes for %d tests: ctest %d, partest --ctest %d, partest alone %d (%.0fx fewer than ctest): %s\n",
		g, cp, pcp, pgp, cp / pcp, cp >= 5 * pcp ? "MET" : "NOT MET"
	printf "GoogleTest processes under meson: meson test %d, partest --meson %d\n", mp, pmp }'
