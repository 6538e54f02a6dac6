#!/bin/sh
# make install puts the Python adapter under PREFIX/share/partest/python,
# and the installed partest finds it there by itself: nothing to configure.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"

root="$work/prefix"
make -s -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" install PREFIX="$root" >make.log 2>&1
status=$?
check "make install succeeds" status_is 0
check "installs the adapter" [ -x "$root/share/partest/python/partest_adapter.py" ]
check "... and its package" [ -f "$root/share/partest/python/partest_python/session.py" ]

unset PARTEST_PYTHON_ADAPTER
PARTEST="$root/bin/partest"
partest_in_project -j2 manage.py misc
check "the installed partest runs a Django project" status_is 0
check "... its tests" last_line_is '2 passed, 0 failed, 0 skipped'

done_testing
