#!/bin/sh
# partest merge reads JUnit and event files alike, says a test found in two
# reports and a shard missing from the partition the reports record, and
# writes its outputs whole or not at all.
. "$(dirname "$0")/lib.sh"

# junit FILE PARTITION TESTCASE...: a shard's JUnit report as partest writes it.
junit() {
	file=$1 partition=$2
	shift 2
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<testsuites name="partest" tests="0" failures="0" errors="0" skipped="0" time="1.5">'
		echo '  <testsuite name="t.d::accounts" tests="0" failures="0" errors="0" skipped="0" time="0">'
		echo "    <properties><property name=\"partest.partition\" value=\"$partition\"/></properties>"
		for testcase in "$@"; do echo "    $testcase"; done
		echo '  </testsuite>'
		echo '</testsuites>'
	} >"$file"
}

junit a.xml hash:1/3 '<testcase name="deposit" classname="t.d.accounts" time="0.250"/>' \
	'<testcase name="withdraw" classname="t.d.accounts" time="0.100"><failure message="1 != 2" type="FAIL">a.c:3: 1 != 2 &amp; more</failure><system-out>printed</system-out></testcase>'
junit b.xml hash:2/3 '<testcase name="audit" classname="t.d.accounts" time="1.000"><skipped message="not run: interrupted"/></testcase>'
cat >c.jsonl <<'JSON'
{"type":"run_start","schema":1,"version":"0.1.0","seed":null,"partition":"hash:3/3","workers":2,"time":"2026-12-01T22:00:00Z"}
{"type":"test_start","id":"run.sh","program":"run.sh","suite":null,"name":null,"worker":1,"attempt":1,"t":0.1}
{"type":"test_end","id":"run.sh","program":"run.sh","suite":null,"name":null,"status":"crash","duration":0.5,"worker":1,"attempt":1,"message":"killed by SIGSEGV","file":null,"line":null,"stdout":null,"stderr":"core","output_bytes":4,"t":0.6}
{"type":"run_end","counts":{"pass":0,"fail":0,"skip":0,"crash":1,"timeout":0,"leak":0,"not_run":0},"wall":0.7,"exit":1}
JSON

run merge --junit all.xml --events all.jsonl a.xml b.xml c.jsonl
check "JUnit and event shards merge" out_has "merged 3 reports: 4 tests, 1 passed, 2 failed, 0 skipped, 1 not run"
check "nothing is said about a complete set of shards" [ ! -s err ]
check "the run had failures: exit 1" status_is 1
check "the merged JUnit is well-formed" xmllint --noout all.xml
check "a failure keeps its message, escaped" grep -qF 'a.c:3: 1 != 2 &amp; more</failure>' all.xml
check "its output too" grep -qF '<system-out>printed</system-out>' all.xml
check "a test that was not run stays not run" grep -qF 'message="not run: interrupted"' all.xml
check "the crash of the event file is an error in JUnit" \
	grep -qF '<error message="killed by SIGSEGV" type="CRASH">' all.xml
check "the merged events have one test_end a test" [ "$(grep -c '"test_end"' all.jsonl)" -eq 4 ]
check "and the counts at the end" grep -q '"counts":{"pass":1,"fail":1,"skip":0,"crash":1' all.jsonl
check "no temporary file is left beside them" [ "$(ls all.* | wc -l)" -eq 2 ]

run merge --junit all.xml a.xml c.jsonl
check "a missing shard makes the merge fail" status_is 1
check "and is named" err_has "shard hash:2/3 is missing: no report records it"

junit d.xml hash:2/3 '<testcase name="deposit" classname="t.d.accounts" time="0.2"/>'
run merge a.xml d.xml c.jsonl
check "a test in two reports makes the merge fail" status_is 1
check "and is named with both reports" \
	err_has 'test "t.d::accounts::deposit" is in two reports: "a.xml" and "d.xml"'
check "it is counted once" out_has "merged 3 reports: 3 tests"

# A retried test: two test_end events in one report, the last attempt counts.
sed 's/"status":"crash"/"status":"fail"/' c.jsonl >retried.jsonl
sed -n 3p c.jsonl | sed 's/"status":"crash"/"status":"pass"/; s/"attempt":1/"attempt":2/' >>retried.jsonl
run merge --events again.jsonl a.xml b.xml retried.jsonl
check "a retried test is not a duplicate" [ ! -s err ]
check "its last attempt is what is merged" grep -q '"id":"run.sh".*"status":"pass"' again.jsonl

junit e.xml slice:2/3 '<testcase name="x" classname="t.d.accounts" time="0.2"/>'
run merge a.xml e.xml c.jsonl
check "shards of different partitions are said" err_has 'not one run'

printf 'not a report\n' >bad.txt
run merge --junit out.xml a.xml bad.txt
check "a file that is no report is a usage error" status_is 2
check "said in one line" err_is_one_line
check "naming it" err_has 'cannot read the report "bad.txt"'
check "and no output is written" [ ! -e out.xml ]
printf '{"type":"run_start"}\n{"type":\n' >cut.jsonl
run merge cut.jsonl
check "a cut event file is a usage error naming its line" err_has 'cut.jsonl": line 2'

run merge --junit missing-dir/out.xml a.xml b.xml c.jsonl
check "an output in a missing directory: exit 3" status_is 3
check "said in one line" err_is_one_line
run merge
check "no report: a usage error" status_is 2
done_testing
