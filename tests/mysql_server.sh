#!/bin/sh
# Sourced by tests/e2e/mysql_lib.sh and bench/mysql_clones.sh: a private
# MySQL-family server on a unix socket, root without a password.
#
#   MY_FLAVOUR=mariadb (default)  Debian's mariadbd, as the mysql user when root
#   MY_FLAVOUR=mysql              Oracle MySQL's mysqld, with its binary log
#                                 and GTIDs on as many production servers run
#   MY_FLAVOUR=mariadb10.5        MariaDB 10.5's mariadbd
#
# The last two run under chroot from the trees scripts/server-tree builds in
# $PARTEST_SERVER_TREES/FLAVOUR (default /var/cache/partest/FLAVOUR).
#
# my_server_missing: prints why no server of the flavour can start (nothing
# when one can). my_start [OPTION...]: starts one with the extra server
# options, in $MYSERVER (sock, pid, logs), and waits until it answers; with
# MySQL, MySQL's own mysql and mysqldump (run through the tree's dynamic
# loader) come first on the PATH, as for a MySQL user. my_stop: kills it and
# removes $MYSERVER. The callers talk to it with MariaDB's client.
MY_FLAVOUR=${MY_FLAVOUR:-mariadb}
MY_ROOT=${PARTEST_SERVER_TREES:-/var/cache/partest}/$MY_FLAVOUR
# What every flavour's server runs with: a socket only, no flush per
# commit, utf8mb4 (the callers add theirs after these).
MY_SERVER_OPTIONS="--skip-networking --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --character-set-server=utf8mb4"

my_server_missing() {
	if [ "$MY_FLAVOUR" != mariadb ]; then
		if [ ! -x "$MY_ROOT/usr/sbin/mysqld" ]; then
			echo "no $MY_FLAVOUR server tree in $MY_ROOT (scripts/server-tree $MY_FLAVOUR builds it)"
		elif [ "$(id -u)" -ne 0 ]; then
			echo "running the server from $MY_ROOT needs chroot, so root"
		fi
	elif ! command -v mariadb-install-db >/dev/null || ! { command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ]; }; then
		echo "MariaDB's server is not installed"
	fi
	command -v mariadb >/dev/null || echo "the mariadb client is not installed"
}

my_start() {
	case $MY_FLAVOUR in
	mysql) my_start_mysql "$@" ;;
	mariadb) my_start_mariadb "$@" ;;
	*) my_start_tree_mariadb "$@" ;;
	esac
	for i in $(seq 300); do
		mariadb --no-defaults -S "$MYSERVER/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.1
	done
	MYSOCKET_ENCODED=$(printf '%s' "$MYSERVER/sock" | sed 's|/|%2F|g')
}

# my_install NAME COMMAND...: runs the server's installer; when it fails,
# shows its log and ends the script.
my_install() {
	name=$1
	shift
	"$@" >"$MYSERVER/install.log" 2>&1 || {
		echo "# $name failed:"; sed 's/^/# /' "$MYSERVER/install.log"; exit 1; }
}

# my_tree_dir: $MYSERVER in the tree, as seen from here, and $inside, the
# same directory as the chrooted server sees it.
my_tree_dir() {
	MYSERVER=$(mktemp -d "$MY_ROOT/tmp/partest-e2e-my.XXXXXX")
	inside=${MYSERVER#"$MY_ROOT"}
}

my_start_mysql() {
	my_tree_dir
	mkdir "$MYSERVER/bin"
	for client in mysql mysqldump; do
		printf '#!/bin/sh\nexec "%s/lib64/ld-linux-x86-64.so.2" --library-path "%s/usr/lib/x86_64-linux-gnu" "%s/usr/bin/%s" "$@"\n' \
			"$MY_ROOT" "$MY_ROOT" "$MY_ROOT" "$client" >"$MYSERVER/bin/$client"
		chmod +x "$MYSERVER/bin/$client"
	done
	PATH="$MYSERVER/bin:$PATH"
	my_install "mysqld --initialize-insecure" chroot "$MY_ROOT" /usr/sbin/mysqld --no-defaults \
		--initialize-insecure --user=root --tmpdir="$inside" --datadir="$inside/data"
	chroot "$MY_ROOT" /usr/sbin/mysqld --no-defaults --user=root --datadir="$inside/data" \
		--socket="$inside/sock" --pid-file="$inside/pid" --tmpdir="$inside" \
		--secure-file-priv="$inside" --mysqlx=OFF --gtid-mode=ON --enforce-gtid-consistency=ON \
		$MY_SERVER_OPTIONS "$@" >"$MYSERVER/server.log" 2>&1 &
}

# MariaDB from a tree: its server, the clients of the machine.
my_start_tree_mariadb() {
	my_tree_dir
	my_install mysql_install_db chroot "$MY_ROOT" mysql_install_db --no-defaults \
		--datadir="$inside/data" --user=root --auth-root-authentication-method=normal \
		--skip-test-db --tmpdir="$inside"
	chroot "$MY_ROOT" /usr/sbin/mysqld --no-defaults --user=root --datadir="$inside/data" \
		--socket="$inside/sock" --pid-file="$inside/pid" --tmpdir="$inside" \
		--skip-log-bin $MY_SERVER_OPTIONS "$@" >"$MYSERVER/server.log" 2>&1 &
}

my_start_mariadb() {
	MYSERVER=$(mktemp -d /tmp/partest-e2e-my.XXXXXX)
	as_user=
	if [ "$(id -u)" -eq 0 ]; then
		chown mysql: "$MYSERVER"
		as_user=--user=mysql
	fi
	my_install mariadb-install-db mariadb-install-db --no-defaults --datadir="$MYSERVER/data" \
		$as_user --auth-root-authentication-method=normal --skip-test-db --tmpdir="$MYSERVER"
	"$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$MYSERVER/data" \
		--socket="$MYSERVER/sock" --pid-file="$MYSERVER/pid" --tmpdir="$MYSERVER" \
		--skip-log-bin $as_user $MY_SERVER_OPTIONS "$@" >"$MYSERVER/server.log" 2>&1 &
}

my_stop() {
	[ -n "${MYSERVER:-}" ] || return 0
	if [ -f "$MYSERVER/pid" ]; then
		pid=$(cat "$MYSERVER/pid")
		kill -KILL "$pid" 2>/dev/null
		# The server is this shell's child: reap it, so that nothing of
		# it is left for partest to find once the script has exited.
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$MYSERVER"
}
