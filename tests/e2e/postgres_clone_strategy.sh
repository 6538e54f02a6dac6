#!/bin/sh
# How partest makes PostgreSQL clones: with partest_strategy=auto (the
# default) STRATEGY FILE_COPY when the server does not sync (fsync off) or
# the clones made at once hold more than 64 MB in all, WAL_LOG when it
# syncs and they hold less; an explicit strategy is kept. Every clone holds
# exactly the template's rows.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/postgres_lib.sh"
pg_start
log="$PGSERVER/server.log"

# restart FSYNC: the server again, syncing or not, logging DDL.
restart() {
	as_server "$PG_BINDIR/pg_ctl" -D "$PGSERVER/data" -l "$log" -w -s -m fast -o \
		"-k $PGSERVER -c listen_addresses= -c fsync=$1 -c log_statement=ddl" \
		restart >/dev/null
}

# template NAME ROWS: a table of ROWS rows of about 1 KB each.
template() {
	sql postgres "CREATE DATABASE $1"
	sql "$1" "CREATE TABLE t (id int PRIMARY KEY, b text);
		  INSERT INTO t SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, $2) g" >/dev/null
}
rows_of() { echo "SELECT count(*) || ' ' || md5(string_agg(id || ':' || b, ',' ORDER BY id)) FROM t"; }
cat >rows.sh <<SCRIPT
#!/bin/sh
psql -X -q -t -A -v ON_ERROR_STOP=1 "\$DATABASE_URL" -c "$(rows_of)" >"$work/rows.\$PARTEST_WORKER"
SCRIPT
chmod +x rows.sh
cp rows.sh rows2.sh
cp rows.sh rows3.sh

# clone_run TEMPLATE JOBS [PARAMS]: a run whose tests record their clone's
# rows; what the server logged meanwhile in run.log.
clone_run() {
	rm -f rows.*[0-9]
	from=$(($(wc -l <"$log") + 1))
	run -j"$2" --db "$(url partest "$1" "${3:-}")" ./rows.sh ./rows2.sh ./rows3.sh
	tail -n +"$from" "$log" >run.log
}
strategy_is() { [ "$(grep -c "CREATE DATABASE \"$1_pt.* TEMPLATE \"$1\" STRATEGY $2 CONNECTION LIMIT [0-9]*\$" run.log)" -eq "$3" ]; }
# exact TEMPLATE: every test saw the template's rows in its clone.
exact() {
	want=$(sql "$1" "$(rows_of)")
	[ -n "$want" ] && [ "$(cat rows.*[0-9] | sort -u)" = "$want" ]
}

template small 800
template large 30000
large_mb=$(sql postgres "SELECT pg_database_size('large') / 1048576")
check "the large template is over 32 MB and under 64 MB" [ "$large_mb" -gt 32 -a "$large_mb" -lt 64 ]
restart off
clone_run small 1
check "fsync off: the run passes" status_is 0
check "fsync off: FILE_COPY" strategy_is small FILE_COPY 1
check "fsync off: the clone holds the template's rows" exact small

restart on
clone_run small 3
check "fsync on, three clones of an 8 MB template: the run passes" status_is 0
check "fsync on, three clones of an 8 MB template: WAL_LOG for each" strategy_is small WAL_LOG 3
check "fsync on, three clones of an 8 MB template: they hold the template's rows" exact small

clone_run large 1
check "fsync on, one clone of a template over 32 MB: the run passes" status_is 0
check "fsync on, one clone of a template over 32 MB: WAL_LOG" strategy_is large WAL_LOG 1
check "fsync on, one clone of a template over 32 MB: it holds the template's rows" exact large

clone_run large 2
check "fsync on, two clones of a template over 32 MB: the run passes" status_is 0
check "fsync on, two clones of a template over 32 MB: FILE_COPY" strategy_is large FILE_COPY 2
check "fsync on, two clones of a template over 32 MB: they hold the template's rows" exact large

clone_run small 1 partest_strategy=file_copy
check "an explicit strategy is kept" strategy_is small FILE_COPY 1
check "and its clone holds the template's rows" exact small
check "nothing partest made is left on the server" [ -z "$(databases '%\_pt%')" ]
check "nothing is left in TMPDIR" no_run_dirs_left
done_testing
