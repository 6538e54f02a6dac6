#!/bin/sh
# A TAP program's verdict and test points come from all it wrote, read as it
# arrives, although only the first 4 MiB of its stdout are kept for the
# report: a "not ok" or the plan after those 4 MiB counts as prove counts it.
. "$(dirname "$0")/lib.sh"

# padding: 5 MiB of "# ..." comment lines, which TAP ignores.
cat >pad.sh <<'SCRIPT'
padding() { yes "# $(printf '%0100d' 0)" | head -n 52500; }
SCRIPT
cat >fails_at_the_end.sh <<'SCRIPT'
#!/bin/sh
. ./pad.sh
echo 1..3
echo ok 1 - first
padding
echo ok 2 - second
echo "not ok 3 - the one after the padding"
SCRIPT
cat >plan_at_the_end.sh <<'SCRIPT'
#!/bin/sh
. ./pad.sh
echo ok 1 - first
padding
echo ok 2 - second
echo 1..2
SCRIPT
chmod +x fails_at_the_end.sh plan_at_the_end.sh

run -j1 ./fails_at_the_end.sh
check "a not ok after 4 MiB of output fails the program" status_is 1
check "and is named as the reason" out_has "not ok 3 - the one after the padding"
check "every test point is counted" out_has "3 TAP test points"
check "what was kept is still cut at 4 MiB" out_has "more bytes of stdout were dropped]"

run -j1 ./plan_at_the_end.sh
check "a plan at the end after 4 MiB of output: the program passes" status_is 0
check "with its two test points" out_has "2 TAP test points"
done_testing
