#!/bin/sh
# A failed assertion shows the expression, both values and file:line;
# PT_EXPECT goes on, PT_ASSERT stops; skips say why.
. "$(dirname "$0")/lib.sh"

run -j1 -v --filter '*behaviours::asserts::*' "$PROGRAMS/behaviours"
check "a failing test makes the run exit 1" status_is 1
check "the assertion is shown as written" out_has 'PT_ASSERT_INT(balance, ==, 10) failed'
check "with file and line" out_has 'behaviours.c:'
check "with the left value" out_has 'left:  7'
check "with the right value" out_has 'right: 10'
check "strings are shown quoted" out_has 'left:  "alice"'
check "an EXPECT failure lets the test go on" out_has 'after the expect'
check "both EXPECT failures are reported" out_has 'PT_EXPECT_TRUE(0) failed'
check "a .skip test says why" out_has 'feature flag off'
check "PT_SKIP says why" out_has 'no network here'
check "the summary counts them" last_line_is '0 passed, 3 failed, 2 skipped'
done_testing
