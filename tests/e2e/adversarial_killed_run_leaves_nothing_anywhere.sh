#!/bin/sh
# What a run killed with SIGKILL left is found and removed by the next run
# and by `partest db clean`, wherever its TMPDIR pointed: its run
# directory, and as root the throwaway PostgreSQL and MariaDB servers'
# directories in /tmp, which belong to postgres and mysql (today they stay
# for ever, 60 and 126 MB each), with the servers stopped.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "the servers' directories belong to another user only when partest runs as root"
command -v mariadb-install-db >/dev/null || skip_all "MariaDB's server is not installed"

cat >hang.sh <<'SCRIPT'
#!/bin/sh
touch "$work/started.$PARTEST_WORKER"
exec sleep 300
SCRIPT
chmod +x hang.sh
printf '#!/bin/sh\necho 1..1\necho ok 1\n' >ok.sh
chmod +x ok.sh

# kill_a_run TMPDIR ARGS...: starts partest with ARGS and that TMPDIR, waits
# until its test runs (its servers are up), and kills it with SIGKILL.
kill_a_run() {
	dir=$1
	shift
	rm -f "$work"/started.*
	mkdir -p "$dir"
	TMPDIR=$dir "$PARTEST" -j1 "$@" ./hang.sh >out 2>err </dev/null &
	pid=$!
	for i in $(seq 600); do [ -e "$work/started.1" ] && break; sleep 0.1; done
	kill -KILL $pid
	wait $pid 2>/dev/null
}
server_dirs() { ls -d /tmp/partest-pg-"$pid"-* /tmp/partest-my-"$pid"-* 2>/dev/null; }
nothing_left() { [ -z "$(server_dirs)" ] && [ -z "$(ls -A "$work/elsewhere")" ]; }
no_server_running() { ! pgrep -f "$1" >/dev/null; }

kill_a_run "$work/elsewhere" --db 'a=postgresql+tmp:///app' --db 'b=mysql+tmp:///app' \
	--db-setup 'true'
check "the killed run's test had started" [ -e "$work/started.1" ]
left=$(server_dirs)
check "it left a PostgreSQL and a MariaDB server directory" [ "$(echo "$left" | wc -l)" = 2 ]
owners=$(stat -c %U $left | sort | tr '\n' ' ')
check "belonging to postgres and mysql" [ "$owners" = 'mysql postgres ' ]
check "and its run directory in its TMPDIR" [ -n "$(ls -A "$work/elsewhere")" ]

run ok.sh
check "the next run, with another TMPDIR, passes" status_is 0
check "and removed both server directories and the run directory" nothing_left
check "no PostgreSQL server of the dead run runs" no_server_running "$(echo "$left" | grep pg)"
check "no MariaDB server of the dead run runs" no_server_running "$(echo "$left" | grep my)"

kill_a_run "$work/elsewhere" --db 'postgresql+tmp:///app' --db-setup 'true'
left=$(server_dirs)
check "a second killed run left a server directory" [ -n "$left" ]
run db clean --db "sqlite:$work/none.db"
check "partest db clean, with another TMPDIR, exits 0" status_is 0
check "and removes the server directory and the run directory" nothing_left
check "and the server is stopped" no_server_running "$left"
done_testing
