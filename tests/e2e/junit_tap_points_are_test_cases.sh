#!/bin/sh
# --junit-tap-points: in the JUnit report, each TAP test point of an
# executable is its own test case, named by its number and description,
# classname the program; a skip is <skipped>, a TODO an expected failure
# (<skipped type="TODO">, as JUnit shows xfail), a passing TODO a pass. A
# program that fails where no "not ok" says why (a wrong plan) keeps a test
# case of its own for that. The report validates against the schema.
. "$(dirname "$0")/lib.sh"

schema="$PARTEST_SOURCE/tests/schemas/junit.xsd"
valid() { xmllint --noout --schema "$schema" "$1" 2>xmllint.err; }
# count XPATH: how many nodes of report.xml match.
count() { xmllint --xpath "count($1)" report.xml; }
# value XPATH: the string value of report.xml's XPATH.
value() { xmllint --xpath "string($1)" report.xml; }

cat >mixed.sh <<'SCRIPT'
#!/bin/sh
echo 1..5
echo ok 1 - first
echo not ok 2 - second
echo "# got 1"
echo "# expected 2"
echo "ok 3 # SKIP no network"
echo "not ok 4 - later # TODO not written yet"
echo "ok 5 - fixed # TODO was broken"
SCRIPT
cat >short.sh <<'SCRIPT'
#!/bin/sh
echo 1..3
echo ok 1 - one
echo ok 2 - two
SCRIPT
printf '#!/bin/sh\necho 1..2\necho ok 1 - a\necho ok 2 - b\n' >passing.sh
printf '#!/bin/sh\nexit 0\n' >plain.sh
chmod +x mixed.sh short.sh passing.sh plain.sh

run -j2 --junit report.xml mixed.sh short.sh passing.sh plain.sh
check "without the option: a test case per program" [ "$(count '//testcase')" = 4 ]

run -j2 --junit report.xml --junit-tap-points mixed.sh short.sh passing.sh plain.sh
check "the run fails (two programs do)" status_is 1
check "the report validates against the schema" valid report.xml
check "a test case per test point, one for a wrong plan, one for a plain program" \
	[ "$(count '//testcase')" = 11 ]
check "<testsuites> counts them" [ "$(value '/testsuites/@tests')" = 11 ]
check "and the failures: a not ok and a wrong plan" [ "$(value '/testsuites/@failures')" = 2 ]
check "a point is named by its number and description, classname the program" \
	[ "$(count '//testcase[@name="1 - first" and @classname="mixed.sh"]')" = 1 ]
check "a not ok is a failure with its diagnostics" \
	sh -c "xmllint --xpath 'string(//testcase[@name=\"2 - second\"]/failure)' report.xml | grep -q '# expected 2'"
check "the failing point carries the program's output" \
	[ "$(count '//testcase[@name="2 - second"]/system-out')" = 1 ]
check "a point without a description is named by its number" \
	[ "$(value '//testcase[@name="3"]/skipped/@message')" = "no network" ]
check "a skip's reason is in its text" [ "$(value '//testcase[@name="3"]/skipped')" = "no network" ]
check "a TODO not ok is skipped as a TODO" \
	[ "$(value '//testcase[@name="4 - later"]/skipped/@type')" = TODO ]
check "a passing TODO passes" [ "$(count '//testcase[@name="5 - fixed"]/*')" = 0 ]
check "mixed.sh's suite counts a failure and two skips" \
	[ "$(value '//testsuite[@name="mixed.sh"]/@failures')/$(value '//testsuite[@name="mixed.sh"]/@skipped')" = 1/2 ]
check "a wrong plan is the program's own failure beside its passing points" \
	sh -c "xmllint --xpath 'string(//testcase[@name=\"short.sh\"]/failure/@message)' report.xml | grep -q 'planned 3 tests but ran 2'"
check "a passing program: its two points" [ "$(count '//testsuite[@name="passing.sh"]/testcase')" = 2 ]
check "a program that is not TAP: its one test case" \
	[ "$(count '//testsuite[@name="plain.sh"]/testcase[@name="plain.sh"]')" = 1 ]
done_testing
