#!/bin/sh
# Sourced, after lib.sh, by the django_*.sh end-to-end scripts: skips the
# script when Debian's python3 cannot import Django; copies the Django
# project of tests/django to ./project (its test databases are made beside
# it) and points partest's Python adapter at that python3. Run on its own it
# has nothing to test.
if [ "$(basename "$0")" = django_lib.sh ]; then
	echo "1..0 # SKIP sourced by the django_*.sh scripts"
	exit 0
fi

PYTHON=${PARTEST_TEST_PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import django' 2>/dev/null; then
	echo "1..0 # SKIP $PYTHON cannot import Django (scripts/install-deps installs python3-django)"
	exit 0
fi
export PARTEST_PYTHON="$PYTHON"
unset PYTHONUNBUFFERED
cp -R "$PARTEST_SOURCE/tests/django" project
# Django's own parallel runner would keep its test databases in this tree.
export PYTHONDONTWRITEBYTECODE=1

# reference ARGS...: `manage.py test -v 2 ARGS` on the project, output in ./reference.
reference() { (cd project && "$PYTHON" manage.py test -v 2 --noinput "$@") >reference 2>&1; }

# same_verdicts JUNIT: every test's verdict in JUNIT is the reference's.
same_verdicts() { "$PYTHON" "$PARTEST_SOURCE/tests/django/verdicts.py" reference "$1" >verdicts; }

# partest_in_project ARGS...: runs partest in ./project (stdout ../out, stderr ../err).
partest_in_project() {
	(cd project && "$PARTEST" "$@") >out 2>err </dev/null
	status=$?
}
