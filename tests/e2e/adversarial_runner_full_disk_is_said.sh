#!/bin/sh
# A test fills the disk that holds the captured output: the output the next
# test loses is said on that test's result, not silently dropped. Needs root
# (a 1 MiB tmpfs as TMPDIR); skipped otherwise.
. "$(dirname "$0")/lib.sh"

filler=$(private_copy disk_filler)
mkdir small
if ! mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a small tmpfs (needs root)"
	exit 0
fi
trap 'umount "$work/small"; rm -rf "$work"' EXIT

TMPDIR="$work/small" run -j1 "$filler"
check "the run fails (the talking test failed)" status_is 1
check "the filling test passed" sh -c '! grep -q "^FAIL .*a_fills_it" out'
check "the talking test says its stdout may be lost, and why" \
	out_has "[partest: some of this test's stdout may be lost: the file system holding it is full]"
check "its own failure is still there" out_has "it failed after talking"
check "nothing is left on the small disk" sh -c '[ -z "$(ls -A "$work/small")" ]'
done_testing
