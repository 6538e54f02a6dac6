#!/bin/sh
# What follows a manage.py is its labels and, after "--", the options of
# `manage.py test` that partest has no name for (--tag, --exclude-tag, -k,
# --debug-mode, --timing, --settings); Django's --parallel N is -j N, and
# --failfast, --shuffle and --reverse are partest's own. Mistakes are one
# line and exit 2.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"

count() { [ "$(wc -l <out)" -eq "$1" ]; }

partest_in_project --list manage.py catalog.tests.CategoryTests orders
check "labels: a class and an app" count 7
check "labels: the class's tests, by id" \
	out_has 'manage.py::catalog.tests.CategoryTests::test_changes_are_rolled_back'
partest_in_project --list manage.py catalog.tests.OutcomeTests.test_passes
check "a label naming one method" count 1
partest_in_project --list manage.py orders/
check "a directory label" count 2
partest_in_project --list manage.py -- --tag slow
check "--tag" sh -c '[ "$(cat out)" = "manage.py::orders.tests.test_orders.OrderTests::test_a_product_with_orders_is_protected" ]'
partest_in_project --list manage.py -- --exclude-tag slow
check "--exclude-tag" count 28
partest_in_project --list manage.py -- -k rolled -k sorted
check "-k, twice" count 3
partest_in_project --list manage.py -- --timing
check "--timing says how long django.setup() took" err_has 'partest adapter: django.setup(): '

partest_in_project -v --parallel 1 manage.py misc
check "--parallel 1 is -j 1" sh -c '! grep -q "worker 2" out && grep -q "worker 1" out'
SHOP_EXPECT_DEBUG=1 partest_in_project manage.py misc
check "DEBUG is False in tests" status_is 1
SHOP_EXPECT_DEBUG=1 partest_in_project manage.py misc -- --debug-mode
check "--debug-mode makes it True" status_is 0

partest_in_project -j1 --failfast manage.py catalog.tests.OutcomeTests
check "--failfast (partest's): a failure stops the run" status_is 1
check "--failfast: the tests after it are not run" out_has 'not run'
partest_in_project -j2 --shuffle=7 --reverse manage.py misc
check "--shuffle=SEED and --reverse are partest's" status_is 0

partest_in_project manage.py -- --failfast
check "--failfast after the manage.py: exit 2" status_is 2
check "it says where it belongs, in one line" err_is_one_line
check "... naming it" err_has 'give --failfast before manage.py'
partest_in_project manage.py -- --no-such-option
check "an unknown option: exit 2, one line" sh -c '[ "$0" = 2 ] && [ "$(wc -l <err)" -eq 1 ]' "$status"
check "... naming it" err_has '--no-such-option'
partest_in_project manage.py -- --settings shop.nowhere
check "settings that do not import: exit 2, one line" sh -c '[ "$0" = 2 ] && [ "$(wc -l <err)" -eq 1 ]' "$status"
check "... saying why" err_has "No module named 'shop.nowhere'"
PARTEST_PYTHON=/nonexistent/python3 partest_in_project manage.py
check "no such Python: exit 2, one line" sh -c '[ "$0" = 2 ] && [ "$(wc -l <err)" -eq 1 ]' "$status"
check "... naming PARTEST_PYTHON" err_has 'PARTEST_PYTHON'
PARTEST_PYTHON_ADAPTER=/nonexistent/adapter.py partest_in_project manage.py
check "no adapter: exit 2, one line" sh -c '[ "$0" = 2 ] && [ "$(wc -l <err)" -eq 1 ]' "$status"
check "no run directory is left" no_run_dirs_left

done_testing
