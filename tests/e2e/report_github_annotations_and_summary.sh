#!/bin/sh
# With GITHUB_ACTIONS=true, each failed test is also an ::error workflow
# command (file, line, title; escaped as GitHub documents) on standard
# output, and a Markdown summary is appended to $GITHUB_STEP_SUMMARY.
. "$(dirname "$0")/lib.sh"

printf '#!/bin/sh\necho "100%% broken, twice:"\necho "second line" >&2\nexit 1\n' >'fails, 50%.sh'
chmod +x 'fails, 50%.sh'
echo "# An earlier step's summary" >summary.md
export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$work/summary.md"
run --filter '*asserts::int_mismatch' --filter '*ok::passes' --filter 'fails*' \
	"$PROGRAMS/behaviours" './fails, 50%.sh'
check "the run fails" status_is 1
check "a C test's failure is an annotation with its file, line and id" \
	grep -q '^::error file=tests/programs/behaviours.c,line=[0-9]*,title=.*behaviours%3A%3Aasserts%3A%3Aint_mismatch::tests/programs/behaviours.c:24: PT_ASSERT_INT(balance, ==, 10) failed%0A  left:  7%0A  right: 10$' out
check "an executable's names its program; , : and % escaped in properties" \
	grep -q '^::error file=fails%2C 50%25.sh,title=fails%2C 50%25.sh::' out
check "one annotation per failure" sh -c '[ "$(grep -c "^::error " out)" -eq 2 ]'
check "the summary is still the last line" last_line_is "1 passed, 2 failed, 0 skipped"
check "the step summary keeps what was there" grep -qx '# An earlier step.s summary' summary.md
check "and says how the run went" grep -q '^### partest: failed$' summary.md
check "with the counts" grep -q '^3 tests in [0-9.]* s: 1 passed, 2 failed, 0 skipped$' summary.md
check "and a row per failed test, its text escaped for Markdown" \
	grep -q '^| FAIL | .*behaviours::asserts::int\\_mismatch | tests/programs/behaviours.c:21 | ' summary.md

GITHUB_ACTIONS=false run --filter '*asserts::int_mismatch' "$PROGRAMS/behaviours"
check "outside GitHub Actions, no annotations" out_lacks '::error'
done_testing
