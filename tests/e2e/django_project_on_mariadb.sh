#!/bin/sh
# A Django project whose DATABASES name a MariaDB server: partest builds
# test_shop and test_shop_other there with the project's migrations, clones
# them per worker and drops all of it; every verdict equals `manage.py test
# --parallel 2`'s on the same server. mysql+tmp:// URLs given with --db
# replace the settings' server.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/mysql_lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"
"$PYTHON" -c 'import MySQLdb' 2>/dev/null || skip_all "$PYTHON cannot import MySQLdb"
my_start
export SHOP_ENGINE=mysql SHOP_DB_HOST="$MYSERVER/sock" SHOP_DB_USER=root
sql 'CREATE DATABASE shop' && sql 'CREATE DATABASE shop_other'

reference --parallel 2
check "the reference run fails as the project means it to" grep -q \
	'FAILED (failures=2, errors=1, skipped=1, expected failures=1)' reference

for jobs in 2 4; do
	partest_in_project -j "$jobs" --junit ../my$jobs.xml manage.py
	check "-j$jobs: exit status 1 (a test fails)" status_is 1
	check "-j$jobs: 3 failed, 1 skipped" last_line_is '25 passed, 3 failed, 1 skipped'
	check "-j$jobs: every verdict is manage.py test's" same_verdicts my$jobs.xml
	check "-j$jobs: no test database is left" [ -z "$(databases 'test%')" ]
done

partest_in_project -j2 --start spawn --junit ../spawn.xml manage.py
check "spawned: every verdict is manage.py test's" same_verdicts spawn.xml
check "the project's own databases are untouched" \
	[ -z "$(sql shop "SHOW TABLES LIKE 'catalog_category'")" ]

partest_in_project -j2 --db default=mysql+tmp:///shop --db other=mysql+tmp:///shop_other \
	--junit ../tmp.xml manage.py
check "mysql+tmp:// for both aliases: every verdict is manage.py test's" same_verdicts tmp.xml

done_testing
