#!/bin/sh
# What tests write is bounded in what partest keeps: a passing test's output
# is counted, not kept (so partest's memory does not grow with it); a failed
# test's output and its message are kept up to 4 MiB each, with a note of
# how much more there was. (bench/output_memory.sh measures the memory.)
. "$(dirname "$0")/lib.sh"

noisy=$(private_copy noisy)
mib4=$((4 << 20))

NOISY_BYTES=100000 run -j2 --filter '*::s0::*' --junit report.xml -v "$noisy"
check "passing tests: the run passes" status_is 0
check "a passing test's output is not in the report" sh -c '! grep -q xxxxxxxx report.xml'
check "a passing test's output is counted: its size is in the report" \
	sh -c '[ "$(grep -c "\[partest: 100000 bytes written to stdout, not kept\]" report.xml)" -eq 10 ]'

NOISY_FAIL=1 NOISY_BYTES=$((mib4 + 1000)) run -j1 --filter '*::loud::*' --junit report.xml "$noisy"
check "a failing test: the run fails" status_is 1
# The message begins with "file:line: ", and ends with the 1000 bytes and those.
check "its message is cut at 4 MiB, the rest counted" \
	grep -q "^    \[partest: 10[0-9][0-9] more bytes of the message were dropped\]" out
check "its stdout is kept up to 4 MiB, the rest counted" \
	out_has "[partest: 1000 more bytes of stdout were dropped]"
check "its stderr is kept up to 4 MiB, the rest counted" \
	out_has "[partest: 1000 more bytes of stderr were dropped]"
check "the JUnit report gets the same cut message" \
	grep -q "partest: 10[0-9][0-9] more bytes of the message were dropped" report.xml
# The message is there twice (the failure's attribute and text), the output once.
check "the JUnit report is no bigger than the limits" \
	sh -c "[ \$(wc -c <report.xml) -lt $((4 * mib4 + 100000)) ]"

cat >talks_and_passes.sh <<'SCRIPT'
#!/bin/sh
echo "passing chatter"
SCRIPT
cat >talks_and_fails.sh <<'SCRIPT'
#!/bin/sh
echo "failing chatter"
exit 1
SCRIPT
chmod +x talks_and_passes.sh talks_and_fails.sh
run -j2 --junit report.xml ./talks_and_passes.sh ./talks_and_fails.sh
check "executables: a failure's output is kept" grep -q "failing chatter" report.xml
check "executables: a pass's output is counted, not kept" \
	sh -c '! grep -q "passing chatter" report.xml && grep -q "\[partest: 16 bytes written to stdout, not kept\]" report.xml'
check "nothing is left behind" no_run_dirs_left
done_testing
