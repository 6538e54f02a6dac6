#!/bin/sh
# Report files (--junit, --events, --tap) are written beside their target
# and renamed over it at the end: a run that stops with a configuration
# error leaves an existing file, a symlink's target, a device and a FIFO as
# they were, and nothing beside them. Standard output and devices are
# written in place.
. "$(dirname "$0")/lib.sh"

# Temporary reports are dot files beside their targets; the state dir is partest's.
no_temporary_files() { [ -z "$(ls -A | grep '^\.' | grep -v '^\.partest$')" ]; }

bad_db="nosuch://x" # a configuration error found after the reports are opened
mkdir reports
cd reports || exit 1
for report in junit events tap; do
	echo "the $report report of an earlier run" >"old.$report"
done
echo "what the link points at" >pointed
ln -s pointed link.xml

run --junit old.junit --db "$bad_db" "$PROGRAMS/behaviours"
check "a configuration error exits 2" status_is 2
check "it leaves the existing JUnit report as it was" \
	[ "$(cat old.junit)" = "the junit report of an earlier run" ]
run --junit old.junit --events old.events --tap old.tap --db "$bad_db" "$PROGRAMS/behaviours"
check "with every report asked for, it exits 2" status_is 2
for report in junit events tap; do
	check "it leaves the existing $report report as it was" \
		[ "$(cat "old.$report")" = "the $report report of an earlier run" ]
done

run --junit link.xml --db "$bad_db" "$PROGRAMS/behaviours"
check "it leaves a symlink's target as it was" [ "$(cat pointed)" = "what the link points at" ]
check "and the symlink itself" [ -L link.xml ]

mkfifo fifo
cat fifo >from_fifo &
reader=$!
run --junit fifo --db "$bad_db" "$PROGRAMS/behaviours"
kill -0 "$reader" 2>/dev/null && timeout 5 sh -c ': >fifo'
wait "$reader"
check "it leaves a FIFO in place" [ -p fifo ]
check "and writes nothing into it" [ ! -s from_fifo ]

if [ "$(id -u)" -eq 0 ]; then
	mknod null c 1 3
	run --junit "$PWD/null" --tap "$PWD/null" --db "$bad_db" "$PROGRAMS/behaviours"
	check "as root, it leaves a device in place" [ -c null ]
else
	echo "ok $((checks += 1)) - as root, it leaves a device in place # SKIP not root"
fi
check "nothing is left beside the reports" no_temporary_files

run --junit no/such/dir/r.xml "$PROGRAMS/behaviours"
check "a report in a missing directory is a usage error" status_is 2
check "said in one line naming the report and why" \
	sh -c 'grep -q "^partest: cannot write the JUnit report \"no/such/dir/r.xml\": No such file or directory$" err && [ "$(wc -l <err)" -eq 1 ]'

run --junit link.xml --events old.events --tap old.tap --filter '*ok*' "$PROGRAMS/behaviours"
check "a run that ends replaces the reports" status_is 0
check "the JUnit report is the new one" grep -q '<testsuites name="partest" tests="2"' link.xml
check "a symlink is replaced by the report, not followed" [ ! -L link.xml ]
check "and what it pointed at is untouched" [ "$(cat pointed)" = "what the link points at" ]
check "the event stream is the new one" grep -q '"type":"run_end"' old.events
check "the TAP report is the new one" grep -qx '1\.\.2' old.tap
check "nothing is left beside the reports" no_temporary_files

run --events - --filter '*ok*' "$PROGRAMS/behaviours"
check "--events - writes the stream to standard output" \
	sh -c 'grep -q "^{\"type\":\"run_start\"" out && grep -q "^{\"type\":\"run_end\"" out'
run --events /dev/stdout --filter '*ok*' "$PROGRAMS/behaviours"
check "--events /dev/stdout writes in place" grep -q '^{"type":"run_end"' out
check "and /dev/stdout is still what it was" [ -L /dev/stdout ]
cd "$work" || exit 1
done_testing
