#!/bin/sh
# make unit runs the unit tests and make e2e the end-to-end scripts, each
# through partest as make check runs both (make -n shows the command).
. "$(dirname "$0")/lib.sh"

make -n -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" unit >out 2>err
status=$?
check "make unit has something to do" status_is 0
check "it runs the unit tests through partest" sh -c \
	'grep "partest --state-dir" out | grep -q "tests/unit/test_plan"'
check "and no end-to-end script" out_lacks 'tests/e2e/'
make -n -C "$PARTEST_SOURCE" BUILD="$PARTEST_BUILD" e2e >out 2>err
status=$?
check "make e2e has something to do" status_is 0
check "it runs the end-to-end scripts through partest" sh -c \
	'grep "partest --state-dir" out | grep -q "tests/e2e/list_and_filter.sh"'
check "and no unit test" out_lacks 'tests/unit/'
done_testing
