#!/bin/sh
# Sourced, after lib.sh, by the mysql_*.sh end-to-end scripts: skips the
# script when partest was built without libmariadb or the server is not
# installed; my_start then starts a private server in a temporary directory
# on a unix socket: Debian's MariaDB, or with MY_FLAVOUR=mysql Oracle MySQL
# (tests/mysql_server.sh). Run on its own it has nothing to test.
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
. "$PARTEST_SOURCE/tests/mysql_server.sh"
missing=$(my_server_missing)
[ -z "$missing" ] || skip_all "$missing"
# The server (see tests/mysql_server.sh) is stopped at exit.
trap 'my_stop; rm -rf "$work"' EXIT

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
