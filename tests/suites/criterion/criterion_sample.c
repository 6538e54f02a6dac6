/*
 * Criterion tests of every kind partest must list, batch and judge: plain,
 * failing, skipped, disabled, expected signals and exit codes, and a crash.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>

Test(arithmetic, adds) { cr_assert_eq(2 + 2, 4); }

Test(arithmetic, fails)
{
	printf("about to compare\n");
	cr_expect_eq(2 + 2, 5, "arithmetic is broken");
}

Test(arithmetic, skips) { cr_skip_test("not today"); }

Test(arithmetic, never_runs, .disabled = true) { cr_assert_fail("a disabled test ran"); }

Test(expectations, raises, .signal = SIGABRT) { abort(); }

Test(expectations, exits_three, .exit_code = 3) { exit(3); }

Test(expectations, wrong_exit, .exit_code = 3) { exit(4); }

Test(crashing, before) { cr_assert(1); }

Test(crashing, segfaults)
{
	volatile int *nowhere = NULL;
	*nowhere = 1;
}

Test(crashing, after) { cr_assert(1); }
