#!/bin/sh
# The Python adapter also runs a plain unittest script (one that calls
# unittest.main()): partest tells it by its text, groups its tests by class
# (setUpModule and setUpClass once per class and worker), forks its workers
# from a fork server, and reports a failing setUpClass on each of its tests.
. "$(dirname "$0")/lib.sh"
. "$PARTEST_SOURCE/tests/e2e/django_lib.sh"
cp "$PARTEST_SOURCE/tests/django/unittest_suite/test_units.py" test_units.py

run --explain test_units.py
check "--explain: a unittest script, forked" out_has 'test_units.py: unittest script, fork:'
run --list test_units.py
check "listed by class" out_has 'test_units.py::test_units.Counting::test_class_set_up_once'
check "six tests" [ "$(wc -l <out)" -eq 6 ]
for start in fork spawn; do
	run -j2 -v --start "$start" test_units.py
	check "$start: exit status 1" status_is 1
	check "$start: 3 passed, 2 failed, 1 skipped" last_line_is '3 passed, 2 failed, 1 skipped'
	check "$start: the failing setUpClass, on its test" out_has 'suite set-up failed: setUpClass (test_units.BrokenSetUp) failed:'
	check "$start: ... with its exception" out_has 'RuntimeError: no fixture today'
done
run --list test_units.py test_units.Failing
check "names after the script select, as python3 -m unittest takes them" [ "$(wc -l <out)" -eq 2 ]

done_testing
