#!/usr/bin/env bash
# django.sh: the Django project of tests/django, through partest and through
# Django's own runner, on SQLite, PostgreSQL and MariaDB, in one run.
#
# For each database: `partest -j2 manage.py` beside `manage.py test
# --parallel 2` and `--parallel 1` (Debian's python3-django, with tblib), RUNS
# runs each, interleaved; the median wall time from start to exit, and from
# start to the first test (the first setUpModule of any test module, which
# the project notes in SHOP_FIRST_TEST_LOG). Every run must report the
# project's 29 tests (3 failing on purpose). PostgreSQL and MariaDB are
# private servers on unix sockets (fsync off), the project's DATABASES
# pointing at them; partest builds its templates there with the migrations,
# Django its test databases.
# Env: RUNS (5), PYTHON (/usr/bin/python3), DATABASES ("sqlite postgresql mysql").
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
DATABASES=${DATABASES:-sqlite postgresql mysql}
"$PYTHON" -c 'import django, tblib' 2>/dev/null ||
	{ echo "$0: needs python3-django and python3-tblib (scripts/install-deps)" >&2; exit 2; }
make -s -C "$repo" >/dev/null
partest="$repo/build/partest"
export PARTEST_PYTHON="$PYTHON" PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
pg_bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
cleanup() {
	[ -d "$tmp/pg" ] && as_postgres "$pg_bindir/pg_ctl" -D "$tmp/pg/data" -m immediate -s stop \
		>/dev/null 2>&1 || true
	[ -n "${MYSERVER:-}" ] && my_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
cp -R "$repo/tests/django" "$tmp/project"
cd "$tmp/project"

start_postgresql() {
	mkdir "$tmp/pg"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp/pg" && chmod 755 "$tmp"
	as_postgres "$pg_bindir/initdb" -D "$tmp/pg/data" -U partest -A trust -E UTF8 --locale=C \
		--no-sync >/dev/null
	as_postgres "$pg_bindir/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -s \
		-o "-k $tmp/pg -c listen_addresses= -c fsync=off" start
	local name
	for name in shop shop_other; do
		psql -X -q "host=$tmp/pg user=partest dbname=postgres" -c "CREATE DATABASE $name"
	done
	export SHOP_ENGINE=postgresql SHOP_DB_HOST="$tmp/pg" SHOP_DB_USER=partest
}

start_mysql() {
	. "$repo/tests/mysql_server.sh"
	my_start
	mariadb --no-defaults -S "$MYSERVER/sock" -u root -e 'CREATE DATABASE shop; CREATE DATABASE shop_other'
	export SHOP_ENGINE=mysql SHOP_DB_HOST="$MYSERVER/sock" SHOP_DB_USER=root
}

# measure NAME COMMAND...: one run; appends "wall first" (ms) to $tmp/NAME.
measure() {
	local name=$1 started output
	shift
	rm -f "$tmp/first"
	started=$(date +%s%N)
	output=$(SHOP_FIRST_TEST_LOG="$tmp/first" "$@" 2>&1) || true
	local ended
	ended=$(date +%s%N)
	if ! grep -qE '^(25 passed, 3 failed, 1 skipped|FAILED \(failures=2, errors=1, skipped=1, expected failures=1\))$' <<<"$output"; then
		echo "$0: $name did not run the project's 29 tests:" >&2
		tail -n 20 <<<"$output" >&2
		exit 1
	fi
	local first
	first=$(sort -n "$tmp/first" | head -n 1)
	echo "$(( (ended - started) / 1000000 )) $(awk -v f="$first" -v s="$started" 'BEGIN { printf "%d", f * 1000 - s / 1000000 }')" >>"$tmp/$name"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| database | runner | wall (median of $RUNS) | start to first test |"
echo "| --- | --- | --- | --- |"
for db in $DATABASES; do
	case $db in
	sqlite) unset SHOP_ENGINE SHOP_DB_HOST SHOP_DB_USER ;;
	postgresql) start_postgresql ;;
	mysql) start_mysql ;;
	esac
	rm -f "$tmp"/partest "$tmp"/django2 "$tmp"/django1
	for _ in $(seq "$RUNS"); do
		measure partest "$partest" -j2 manage.py
		measure django2 "$PYTHON" manage.py test --noinput --parallel 2
		measure django1 "$PYTHON" manage.py test --noinput --parallel 1
	done
	for name in partest django2 django1; do
		case $name in
		partest) label="partest -j2 manage.py" ;;
		django2) label="manage.py test --parallel 2" ;;
		django1) label="manage.py test --parallel 1" ;;
		esac
		wall=$(cut -d' ' -f1 "$tmp/$name" | median)
		first=$(cut -d' ' -f2 "$tmp/$name" | median)
		echo "| $db | \`$label\` | $wall ms | $first ms |"
	done
done
