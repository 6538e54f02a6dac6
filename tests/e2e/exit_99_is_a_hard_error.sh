#!/bin/sh
# An executable that exits 99 has hit a hard error (automake's convention:
# the test could not test): ERROR, not a failure, on the console, in the
# summary, in JUnit (<error type="ERROR">), in the event stream ("error")
# and in the TAP report; it fails the run and is never retried.
. "$(dirname "$0")/lib.sh"

schema="$PARTEST_SOURCE/tests/schemas/junit.xsd"
cat >hard.sh <<'SH'
#!/bin/sh
echo "ran" >>"$work/hard.runs"
echo "cannot find the fixture tool" >&2
exit 99
SH
printf '#!/bin/sh\nexit 1\n' >fails.sh
printf '#!/bin/sh\necho 1..1; echo ok 1; exit 99\n' >tap_hard.sh
chmod +x hard.sh fails.sh tap_hard.sh

run -j2 --retries 2 --junit report.xml --events events.jsonl --tap report.tap \
	./hard.sh ./fails.sh ./tap_hard.sh
check "a hard error fails the run" status_is 1
check "it is ERROR on the console, with its stderr" \
	sh -c 'grep -q "^ERROR   hard.sh" out && grep -q "cannot find the fixture tool" out'
check "the console says why" out_has 'exited with status 99: a hard error'
check "exit 99 is a hard error whatever the TAP output said" out_has 'ERROR   tap_hard.sh'
check "a plain failure stays a failure" out_has 'FAIL    fails.sh'
check "the summary counts hard errors apart" out_has '2 ended in a hard error (exit 99)'
check "a hard error is never retried" [ "$(wc -l <hard.runs)" -eq 1 ]
check "the re-run list names it as ERROR" sh -c 'grep -q "^  ERROR    partest .*hard.sh" out'
check "the JUnit report validates" xmllint --noout --schema "$schema" report.xml
check "JUnit has an error of type ERROR, not a failure" \
	grep -q '<error message="exited with status 99: a hard error" type="ERROR">' report.xml
check "the event stream says error" grep -q '"id":"hard.sh".*"status":"error"' events.jsonl
check "run_end counts it" grep -q '"error":2' events.jsonl
check "the TAP report has it not ok with status error" \
	sh -c 'grep -A2 "^not ok [0-9]* - hard.sh" report.tap | grep -q "status: error"'
done_testing
