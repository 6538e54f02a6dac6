#!/bin/sh
# A test that is a plain script printing TAP: partest judges it by its TAP
# lines, and it gets the same per-worker environment as native tests.
echo "1..3"
if [ -n "$PARTEST_WORKER" ] && [ "$PARTEST_WORKER" -le "$PARTEST_WORKERS" ]; then
	echo "ok 1 - runs as worker $PARTEST_WORKER of $PARTEST_WORKERS"
else
	echo "not ok 1 - PARTEST_WORKER is missing"
fi
db_file=${DATABASE_URL#sqlite:}
if [ -f "$db_file" ]; then
	echo "ok 2 - has its own database clone"
else
	echo "not ok 2 - no database clone at '$db_file'"
fi
if command -v sqlite3 >/dev/null 2>&1; then
	echo "ok 3 - $(sqlite3 "$db_file" 'select count(*) from accounts') accounts in the clone"
else
	echo "ok 3 # SKIP the sqlite3 command is not installed"
fi
