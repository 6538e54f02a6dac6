#!/bin/sh
# Sourced, after lib.sh, by the mysql_*.sh end-to-end scripts: skips the
# script when partest was built without libmariadb or MariaDB's server is not
# installed, and starts a private server (my_start) in a temporary directory
# on a unix socket. Run on its own it has nothing to test.
if [ "$(basename "$0")" = mysql_lib.sh ]; then
	echo "1..0 # SKIP sourced by the mysql_*.sh scripts"
	exit 0
fi

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

if "$PARTEST" --list --db 'mysql://u@h/probe' "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh" 2>&1 |
	grep -q 'not built into'; then
	skip_all "partest was built without libmariadb"
fi
MY_INSTALL=$(command -v mariadb-install-db || command -v mysql_install_db)
MY_SERVER=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null)
[ -n "$MY_INSTALL" ] && [ -n "$MY_SERVER" ] || skip_all "MariaDB's server is not installed"
command -v mariadb >/dev/null || skip_all "the mariadb client is not installed"

# my_start: a private server on $MYSERVER/sock, root without a password. Stopped at exit.
my_start() {
	MYSERVER=$(mktemp -d /tmp/partest-e2e-my.XXXXXX)
	trap 'my_stop; rm -rf "$work"' EXIT
	as_user=
	if [ "$(id -u)" -eq 0 ]; then
		chown mysql: "$MYSERVER"
		as_user=--user=mysql
	fi
	"$MY_INSTALL" --no-defaults --datadir="$MYSERVER/data" $as_user \
		--auth-root-authentication-method=normal --skip-test-db --tmpdir="$MYSERVER" >"$MYSERVER/install.log" 2>&1 || {
		echo "# mariadb-install-db failed:"; sed 's/^/# /' "$MYSERVER/install.log"; exit 1; }
	"$MY_SERVER" --no-defaults --datadir="$MYSERVER/data" --socket="$MYSERVER/sock" \
		--pid-file="$MYSERVER/pid" --tmpdir="$MYSERVER" --skip-networking --skip-log-bin $as_user \
		--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
		--character-set-server=utf8mb4 >"$MYSERVER/server.log" 2>&1 &
	for i in $(seq 300); do
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.1
	done
	MYSOCKET_ENCODED=$(printf '%s' "$MYSERVER/sock" | sed 's|/|%2F|g')
}

my_stop() {
	[ -n "${MYSERVER:-}" ] || return 0
	[ -f "$MYSERVER/pid" ] && kill -KILL "$(cat "$MYSERVER/pid")" 2>/dev/null
	sleep 0.2
	rm -rf "$MYSERVER"
}

# url DB [PARAMS]: a URL for the private server.
url() { echo "mysql://root@localhost/$1?socket=$MYSOCKET_ENCODED${2:+&$2}"; }

# sql [DB] STATEMENT: the result, tab-separated, without column names.
sql() {
	if [ $# -ge 2 ]; then
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B "$1" -e "$2"
	else
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -N -B -e "$1"
	fi
}

# databases LIKE: the names of the databases matching a LIKE pattern.
databases() { sql "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '$1' ORDER BY 1"; }
