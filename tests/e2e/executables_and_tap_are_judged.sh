#!/bin/sh
# Any executable is one test: exit 0 passes, 77 skips, anything else fails;
# TAP output, when there is some, decides and explains; the summary counts
# the TAP test points, and a TODO test point that passes is named.
. "$(dirname "$0")/lib.sh"

script() { printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod +x "$1"; }
script passes.sh 'exit 0'
script skips.sh 'exit 77'
script fails.sh 'echo "disk full" >&2; exit 3'
script tap_ok.sh 'echo 1..2; echo ok 1 - a; echo "ok 2 - b # SKIP later"'
script tap_bad.sh 'echo 1..2; echo ok 1 - a; echo not ok 2 - totals match; echo "# got 4, wanted 5"'
script tap_short.sh 'echo 1..3; echo ok 1; echo ok 2'
script tap_todo.sh 'echo 1..1; echo "not ok 1 - later # TODO not written"'
script tap_todo_passed.sh 'echo 1..2; echo ok 1; echo "ok 2 - refunds # TODO not written yet"'
script tap_skip_all.sh 'echo "1..0 # SKIP needs a GPU"'
script tap_skip_all_plain.sh 'echo "1..0 # no GPU on this machine"'
script tap_bail.sh 'echo 1..2; echo "Bail out! database down"'
script killed.sh 'kill -SEGV $$'

run -j2 passes.sh skips.sh fails.sh tap_ok.sh tap_bad.sh tap_short.sh tap_todo.sh \
	tap_todo_passed.sh tap_skip_all.sh killed.sh
check "failures make the run exit 1" status_is 1
check "exit status 3 is a failure, with its stderr" sh -c 'grep -q "FAIL    fails.sh" out && grep -q "disk full" out'
check "a failing TAP line is shown with its diagnostics" sh -c 'grep -q "not ok 2 - totals match" out && grep -q "got 4, wanted 5" out'
check "a short TAP stream fails" out_has 'planned 3 tests but ran 2'
check "a signal is a crash" sh -c 'grep -q "CRASH   killed.sh" out && grep -q SIGSEGV out'
check "the counts add up" last_line_is '4 passed, 4 failed, 2 skipped'
check "the TAP test points are counted" \
	out_has '5 programs, 9 TAP test points: 8 ok, 1 not ok; 1 skipped, 1 TODO, 1 TODO passed'
check "and each program's line says how many it had" \
	grep -q 'tap_bad.sh  \[worker [0-9]*, [0-9.]* s, 2 TAP test points\]' out
check "a TODO test point that passes is named" \
	out_has 'TODO passed: ok 2 - refunds # TODO not written yet'

run tap_bail.sh
check "Bail out! fails" sh -c 'grep -q "FAIL    tap_bail.sh" out && grep -q "Bail out! database down" out'

run -v passes.sh tap_skip_all.sh tap_skip_all_plain.sh
check "a TAP skip-all gives its reason" out_has 'needs a GPU'
check "also when it is a plain comment (1..0 # reason)" out_has 'no GPU on this machine'
check "-v lists passing tests" out_has 'PASS    passes.sh'
done_testing
