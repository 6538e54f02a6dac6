# Sourced by the benchmarks: the repository, a fresh build, a private
# working directory removed on exit, and how to build a test program.
# needs TOOL...: stops with status 2 unless every tool is installed.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# PARTEST=OTHER/partest times another build with this checkout's scripts.
partest=${PARTEST:-$repo/build/partest}
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

# as_server CMD...: runs CMD as the postgres user when partest's benches run as root.
as_server() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# pg_server_start SETTINGS: a private PostgreSQL server listening on a socket
# in $server, with SETTINGS ("-c fsync=off ...") added, stopped and removed
# on exit; $bindir names its programs. Returns 1 when none is installed.
pg_server_start() {
	bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$bindir/initdb" ] || return 1
	server=$(mktemp -d "${SERVER_DIR:-/tmp}/partest-bench-pg.XXXXXX")
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$server"; fi
	trap 'as_server "$bindir/pg_ctl" -D "$server/data" -m fast -s stop >/dev/null 2>&1; rm -rf "$server" "$tmp"' EXIT
	as_server "$bindir/initdb" -D "$server/data" -U partest -A trust -E UTF8 --locale=C --no-sync >/dev/null
	as_server "$bindir/pg_ctl" -D "$server/data" -l "$server/log" -w -s \
		-o "-k $server -c listen_addresses= $1" start
}
