#!/usr/bin/env bash
# postgres_clone_parts.sh: where a PostgreSQL clone's time goes, beside
# psql's own CREATE DATABASE ... TEMPLATE in the same run (issue 16 point 3).
#
# Starts a private server (as postgres when run as root) on a unix socket
# and on 127.0.0.1 with SSL on (a self-signed certificate made here), once
# with fsync=off (partest's postgresql+tmp:// server, most CI servers) and
# once with fsync=on (a workstation's), with templates of about 8, 32 and
# 87 MB (an empty database is 7.5 MB of catalogs; each template adds ROWS
# rows of 1 KB). Every figure is
# "median (min)" in ms over the rounds, timed by bench/postgres_clone_parts.c
# as a client sees it, round trips included:
#   1. connection set-up, through a first SELECT 1: unix socket; TCP with
#      SSL and GSS encryption off; SSL negotiated (sslmode=prefer, libpq's
#      default, makes a TLS handshake with a server that has SSL on); GSS
#      tried (gssencmode=prefer, the default: libpq looks for Kerberos
#      credentials first); libpq's defaults;
#   2. one clone, on an open session: psql's CREATE DATABASE ... TEMPLATE
#      (\timing, the server's default strategy); the same with STRATEGY
#      WAL_LOG and FILE_COPY; an idle CHECKPOINT (FILE_COPY makes two);
#      partest's COMMENT marker; CREATE and COMMENT one after another and
#      in one pipeline; the template lock (pg_advisory_lock and unlock); the
#      look for other sessions (pg_stat_activity); and partest's whole clone
#      operation for one worker (lock, checks, CREATE, marker; its admin
#      connection already open, as for a fresh clone in a running partest);
#   3. four clones: four sessions at once beside one after another on one
#      session, for each strategy; partest's clone operation for 4 workers.
# With BASE=<commit> partest's clone operation is also timed on that commit,
# built in a scratch directory, in the same run.
# Env: ROUNDS (20; the four-clone rows take ROUNDS4, 5), BASE (none),
# ROWS (the templates' rows: "800 25000 80000").
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-20}
ROUNDS4=${ROUNDS4:-5}
ROWS=${ROWS:-800 25000 80000}
BASE=${BASE:-}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "$0: needs PostgreSQL's server (apt-get install postgresql)" >&2; exit 2; }
command -v openssl >/dev/null || { echo "$0: needs openssl" >&2; exit 2; }
make -s -C "$repo" >/dev/null
"$repo/build/partest" --list --db postgresql:///x /bin/true 2>&1 | grep -q 'not built into' &&
	{ echo "$0: partest was built without libpq" >&2; exit 2; }

as_server() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
server=$(mktemp -d "${SERVER_DIR:-/tmp}/partest-bench-pg.XXXXXX")
tmp=$(mktemp -d)
[ "$(id -u)" -eq 0 ] && chown postgres: "$server"
stop() { as_server "$bindir/pg_ctl" -D "$server/data" -m fast -s stop >/dev/null 2>&1 || true; }
trap 'stop; rm -rf "$server" "$tmp"' EXIT

# timer BUILD_DIR SOURCE_DIR OUT: the timer linked against one build's backend.
timer() {
	local libs
	libs=$(make -s --no-print-directory -C "$2" --eval='print-libs: ; @echo $(LIBS)' print-libs)
	# shellcheck disable=SC2086
	gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -I"$2/src" -I"$(pg_config --includedir)" \
		"$repo/bench/postgres_clone_parts.c" "$1/librunner.a" "$1/libpartest.a" $libs -o "$3"
}
timer "$repo/build" "$repo" "$tmp/timer"
if [ -n "$BASE" ]; then
	mkdir "$tmp/base"
	git -C "$repo" archive "$BASE" | tar -x -C "$tmp/base"
	make -s -j2 -C "$tmp/base" >/dev/null
	timer "$tmp/base/build" "$tmp/base" "$tmp/base_timer"
fi

as_server "$bindir/initdb" -D "$server/data" -U partest -A trust -E UTF8 --locale=C --no-sync >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-keyout "$server/data/server.key" -out "$server/data/server.crt" 2>/dev/null
chmod 600 "$server/data/server.key"
[ "$(id -u)" -eq 0 ] && chown postgres: "$server/data/server.key" "$server/data/server.crt"
port=$((20000 + $$ % 20000))
start() {
	as_server "$bindir/pg_ctl" -D "$server/data" -l "$server/log" -w -s -o \
		"-k $server -p $port -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=$1 -c max_connections=50" start
}
socket="host=$server port=$port user=partest dbname=postgres"
tcp="host=127.0.0.1 port=$port user=partest dbname=postgres"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "host=$server port=$port user=partest dbname=${2:-postgres}" -c "$1"; }
enc=$(printf '%s' "$server" | sed 's|/|%2F|g')
marker="partest clone v1 run=partest-1-AbCdEf host=bench pid=1 start=1"

# template NAME ROWS: a table of ROWS rows of about 1 KB.
template() {
	q "CREATE DATABASE $1"
	q "CREATE TABLE t (id int PRIMARY KEY, b text);
	   INSERT INTO t SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, $2) g" "$1" >/dev/null
	q "VACUUM ANALYZE t" "$1"
	q "CHECKPOINT"
}
# separator HEADER: a table's second line, two text columns and then numbers.
separator() {
	printf '| --- | --- |'
	for _ in $(seq $(($(awk -F'|' '{print NF}' <<<"$1") - 4))); do printf ' ---: |'; done
	echo
}
fmt() { awk '{printf "%s (%s)", $1, $2}'; }
t() { "$tmp/timer" "$@" | fmt; }
# psql_clones TEMPLATE: psql's \timing of ROUNDS CREATE DATABASE ... TEMPLATE on one session.
psql_clones() {
	for r in $(seq "$ROUNDS"); do printf 'CREATE DATABASE c TEMPLATE %s;\nDROP DATABASE c;\n' "$1"; done |
		{ echo '\timing on'; cat; } | psql -X -q -v ON_ERROR_STOP=1 "$socket" |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | awk 'NR % 2' | sort -n |
		awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f (%.1f)", m, v[1]}'
}

echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), $(nproc) CPUs, $(stat -f -c %T "$server"), load $(cut -d' ' -f1-3 /proc/loadavg) at the start, $ROUNDS rounds"
start off
echo
echo "1. connection set-up, through the first SELECT 1 (fsync off)"
echo
echo "| unix socket | TCP, no SSL, no GSS | TCP, sslmode=prefer (TLS) | TCP, gssencmode=prefer | TCP, libpq's defaults |"
echo "| ---: | ---: | ---: | ---: | ---: |"
echo "| $(t connect "$socket" "$ROUNDS") | $(t connect "$tcp sslmode=disable gssencmode=disable" "$ROUNDS") |" \
	"$(t connect "$tcp sslmode=prefer gssencmode=disable" "$ROUNDS") |" \
	"$(t connect "$tcp sslmode=disable gssencmode=prefer" "$ROUNDS") | $(t connect "$tcp" "$ROUNDS") |"
stop

one="| fsync | template | psql CREATE ... TEMPLATE | WAL_LOG | FILE_COPY | CHECKPOINT | COMMENT | CREATE, COMMENT | the two pipelined | lock | sessions look | partest, 1 clone |"
four="| fsync | template | WAL_LOG at once | WAL_LOG one after another | FILE_COPY at once | FILE_COPY one after another | partest, 4 clones |"
[ -n "$BASE" ] && one="$one partest $BASE |" && four="$four partest $BASE |"
rows1="" rows4=""
for fsync in off on; do
	start "$fsync"
	if [ "$fsync" = off ]; then
		for rows in $ROWS; do template "t$rows" "$rows"; done
	fi
	for rows in $ROWS; do
		tpl=t$rows
		size=$(q "SELECT pg_size_pretty(pg_database_size('$tpl'))")
		create="CREATE DATABASE c TEMPLATE $tpl"
		row="| $fsync | $size | $(psql_clones $tpl) |"
		for strategy in WAL_LOG FILE_COPY; do
			row="$row $(t statement "$socket" "$ROUNDS" "$create STRATEGY $strategy" "DROP DATABASE c") |"
		done
		row="$row $(t statement "$socket" "$ROUNDS" CHECKPOINT "SELECT 1") |"
		q "$create"
		row="$row $(t statement "$socket" "$ROUNDS" "COMMENT ON DATABASE c IS '$marker'" "SELECT 1") |"
		q "DROP DATABASE c"
		row="$row $(t two "$socket" "$ROUNDS" "$create STRATEGY FILE_COPY" "COMMENT ON DATABASE c IS '$marker'" "DROP DATABASE c")"
		row="$row | $(t pipelined "$socket" "$ROUNDS" "$create STRATEGY FILE_COPY" "COMMENT ON DATABASE c IS '$marker'" "DROP DATABASE c") |"
		row="$row $(t statement "$socket" "$ROUNDS" "SELECT pg_advisory_lock(28788, hashtext('$tpl'))" "SELECT pg_advisory_unlock_all()") |"
		row="$row $(t statement "$socket" "$ROUNDS" "SELECT pid FROM pg_stat_activity WHERE datname = '$tpl' AND pid <> pg_backend_pid()" "SELECT 1") |"
		row="$row $(t partest "postgresql://partest@/$tpl?host=$enc&port=$port" "$ROUNDS" 1) |"
		[ -n "$BASE" ] && row="$row $("$tmp/base_timer" partest "postgresql://partest@/$tpl?host=$enc&port=$port" "$ROUNDS" 1 | fmt) |"
		rows1="$rows1$row"$'\n'
		row="| $fsync | $size |"
		for strategy in WAL_LOG FILE_COPY; do
			for how in at_once one_after_another; do
				row="$row $(t $how "$socket" "$ROUNDS4" 4 "CREATE DATABASE c%d TEMPLATE $tpl STRATEGY $strategy" "DROP DATABASE c%d") |"
			done
		done
		row="$row $(t partest "postgresql://partest@/$tpl?host=$enc&port=$port" "$ROUNDS4" 4) |"
		[ -n "$BASE" ] && row="$row $("$tmp/base_timer" partest "postgresql://partest@/$tpl?host=$enc&port=$port" "$ROUNDS4" 4 | fmt) |"
		rows4="$rows4$row"$'\n'
	done
	stop
done
echo
echo "2. one clone, on an open session (ms, median (min) of $ROUNDS)"
echo
echo "$one"
separator "$one"
printf '%s' "$rows1"
echo
echo "3. four clones (ms, median (min) of $ROUNDS4)"
echo
echo "$four"
separator "$four"
printf '%s' "$rows4"
echo
echo "(load $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
