#!/bin/sh
# Sourced, after lib.sh, by the mysql_*.sh end-to-end scripts: skips the
# script when partest was built without libmariadb or the server is not
# installed, and starts a private server (my_start) in a temporary directory
# on a unix socket. The server is Debian's MariaDB, or with MY_FLAVOUR=mysql
# Oracle MySQL from the tree scripts/mysql-root builds ($PARTEST_MYSQL_ROOT,
# by default /var/cache/partest/mysql-root), run there with chroot. The
# clients are MariaDB's either way. Run on its own it has nothing to test.
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
command -v mariadb >/dev/null || skip_all "the mariadb client is not installed"
MY_FLAVOUR=${MY_FLAVOUR:-mariadb}
if [ "$MY_FLAVOUR" = mysql ]; then
	MY_ROOT=${PARTEST_MYSQL_ROOT:-/var/cache/partest/mysql-root}
	[ -x "$MY_ROOT/usr/sbin/mysqld" ] || skip_all "no MySQL server tree in $MY_ROOT (scripts/mysql-root builds it)"
	[ "$(id -u)" -eq 0 ] || skip_all "running MySQL's server from $MY_ROOT needs chroot, so root"
else
	MY_INSTALL=$(command -v mariadb-install-db || command -v mysql_install_db)
	MY_SERVER=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null)
	[ -n "$MY_INSTALL" ] && [ -n "$MY_SERVER" ] || skip_all "MariaDB's server is not installed"
fi

# my_start: a private server on $MYSERVER/sock, root without a password. Stopped at exit.
my_start() {
	if [ "$MY_FLAVOUR" = mysql ]; then
		mysql_start
	else
		mariadb_start
	fi
	for i in $(seq 300); do
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.1
	done
	MYSOCKET_ENCODED=$(printf '%s' "$MYSERVER/sock" | sed 's|/|%2F|g')
}

# mysql_start: mysqld in $MY_ROOT, with its binary log and GTIDs on, as
# many production servers run; $MYSERVER is the directory as seen from
# here, $inside the same directory as the chrooted server sees it. MySQL's
# own mysqldump and mysql, run here through the tree's dynamic loader, come
# first on the PATH, as they would for a MySQL user (partest_strategy=dump).
mysql_start() {
	MYSERVER=$(mktemp -d "$MY_ROOT/tmp/partest-e2e-my.XXXXXX")
	trap 'my_stop; rm -rf "$work"' EXIT
	mkdir "$work/mysql-bin"
	for client in mysql mysqldump; do
		printf '#!/bin/sh\nexec "%s/lib64/ld-linux-x86-64.so.2" --library-path "%s/usr/lib/x86_64-linux-gnu" "%s/usr/bin/%s" "$@"\n' \
			"$MY_ROOT" "$MY_ROOT" "$MY_ROOT" "$client" >"$work/mysql-bin/$client"
		chmod +x "$work/mysql-bin/$client"
	done
	PATH="$work/mysql-bin:$PATH"
	inside=${MYSERVER#"$MY_ROOT"}
	chroot "$MY_ROOT" /usr/sbin/mysqld --no-defaults --initialize-insecure --user=root --tmpdir="$inside" \
		--datadir="$inside/data" >"$MYSERVER/install.log" 2>&1 || {
		echo "# mysqld --initialize-insecure failed:"; sed 's/^/# /' "$MYSERVER/install.log"; exit 1; }
	chroot "$MY_ROOT" /usr/sbin/mysqld --no-defaults --user=root --datadir="$inside/data" \
		--socket="$inside/sock" --pid-file="$inside/pid" --tmpdir="$inside" \
		--secure-file-priv="$inside" --skip-networking --mysqlx=OFF \
		--gtid-mode=ON --enforce-gtid-consistency=ON \
		--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
		--character-set-server=utf8mb4 >"$MYSERVER/server.log" 2>&1 &
}

mariadb_start() {
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
