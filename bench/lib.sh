# Sourced by the benchmarks: the repository, a fresh build, a private
# working directory removed on exit, and how to build a test program.
# needs TOOL...: stops with status 2 unless every tool is installed.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
partest="$repo/build/partest"
# A test program given runner options (./pt10k -j2) hands over to this partest.
export PARTEST="$partest"

needs() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
	done
}

make -s -C "$repo" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# build_native SOURCE OUTPUT: a test program linked as the Makefile links its own.
build_native() {
	local libs
	libs=$(make -s --no-print-directory -C "$repo" --eval='print-libs: ; @echo $(LIBS)' print-libs)
	# shellcheck disable=SC2086
	gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -I"$repo/include" "$1" \
		"$repo/build/libpartest.a" $libs -o "$2"
}
