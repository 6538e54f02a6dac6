#!/bin/sh
# The settings the Python adapter gives a worker for its clone, on every
# engine partest clones, Oracle's included (untested against a server: no
# Oracle and no cx_Oracle here): tests/django/unittest_suite/test_db_urls.py,
# run through the adapter itself.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"
cp "$PARTEST_SOURCE/tests/django/unittest_suite/test_db_urls.py" .

run --list test_db_urls.py
check "four of them on Oracle's clones" [ "$(grep -c '::test_db_urls.OracleClone::' out)" -eq 4 ]
run -j2 test_db_urls.py
check "they all pass" status_is 0
check "all nine" last_line_is '9 passed, 0 failed, 0 skipped'

done_testing
