#!/bin/sh
# partest manage.py runs a Django project's tests with no other flag: its
# DATABASES (two aliases and a mirror) become SQLite templates built by its
# migrations and cloned per worker; the verdict of every test equals that of
# `manage.py test --parallel 2`, forked (the default) and spawned, at -j2
# and -j4 (tests that commit rows and count them pass: each worker has its
# own databases); outcomes, subTests and captured output reach the console
# and JUnit, without tblib; nothing is left behind, and --keepdb keeps the
# templates until a migration changes.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"

reference --parallel 2
check "the reference run fails as the project means it to" grep -q \
	'FAILED (failures=2, errors=1, skipped=1, expected failures=1)' reference

partest_in_project --explain manage.py
check "--explain: a Django project, forked" out_has 'manage.py: Django project, fork:'

# django.setup() runs in the adapter that reads DATABASES, in the one that
# migrates, in the listing, then once in the fork server or once per worker.
export SHOP_READY_LOG="$work/ready.log"
for start in fork spawn; do
	for jobs in 2 4; do
		rm -f ready.log
		partest_in_project -j "$jobs" --start "$start" --junit ../$start$jobs.xml manage.py
		setups=4
		[ "$start" = spawn ] && setups=$((3 + jobs))
		check "$start -j$jobs: django.setup() ran $setups times" [ "$(wc -l <ready.log)" -eq $setups ]
		check "$start -j$jobs: exit status 1 (a test fails)" status_is 1
		check "$start -j$jobs: 3 failed, 1 skipped" \
			last_line_is '25 passed, 3 failed, 1 skipped'
		check "$start -j$jobs: every verdict is manage.py test's" same_verdicts $start$jobs.xml
	done
done
check "a failure's traceback and message" out_has 'AssertionError: 1 != 42 : the catalogue is not that big'
check "an error says so, with its exception" out_has 'catalog.models.Category.DoesNotExist'
check "the failed subTest, with its parameters" out_has '(price=3)'
check "a test's output is its own" grep -q 'output of a failing test' spawn4.xml
check "the skip's reason" grep -q 'not today' fork2.xml
check "no test database is left" [ -z "$(ls project | grep '^test_.*sqlite3')" ]
check "no run directory is left" no_run_dirs_left

# Django 3.2's own --parallel needs tblib to report an exception; the adapter does not.
mkdir no_tblib no_tblib/tblib
echo 'raise ImportError("tblib is hidden")' >no_tblib/tblib/__init__.py
PYTHONPATH="$work/no_tblib${PYTHONPATH:+:$PYTHONPATH}" partest_in_project -j2 --junit ../no_tblib.xml manage.py
check "without tblib: every verdict is manage.py test's" same_verdicts no_tblib.xml
check "... errors reported with their exception" out_has 'catalog.models.Category.DoesNotExist'

partest_in_project -j2 --keepdb manage.py
check "--keepdb: the same verdicts" last_line_is '25 passed, 3 failed, 1 skipped'
check "--keepdb keeps the templates" [ -f project/test_shop.sqlite3 ] && [ -f project/test_shop_other.sqlite3 ]
sqlite3 project/test_shop.sqlite3 "INSERT INTO catalog_category (name) VALUES ('stale')"
partest_in_project -j2 --keepdb manage.py
check "--keepdb reuses them while the migrations are unchanged" \
	out_has "AssertionError: Lists differ: ['books', 'general', 'stale', 'toys']"
cat >>project/catalog/migrations/0002_general_category.py <<'PY'
# a change to a migration
PY
partest_in_project -j2 --keepdb manage.py
check "and rebuilds them when a migration changes" last_line_is '25 passed, 3 failed, 1 skipped'

done_testing
