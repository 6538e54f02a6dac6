/*
 * A suite whose tear-down misbehaves as PARTEST_E2E_TEARDOWN says ("crash":
 * abort(), "hang": never returns), and a suite that behaves, for the
 * end-to-end scripts to check what partest reports and what still runs.
 */
#include <partest.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *behaviour(void)
{
	const char *value = getenv("PARTEST_E2E_TEARDOWN");

	return value ? value : "";
}

PT_SUITE_TEARDOWN(fragile)
{
	if (!strcmp(behaviour(), "crash"))
		abort();
	while (!strcmp(behaviour(), "hang"))
		pause();
}

PT_TEST(fragile, first)
{
	PT_ASSERT_INT(1 + 1, ==, 2);
}

PT_TEST(fragile, second)
{
	PT_ASSERT_INT(2 + 2, ==, 4);
}

PT_TEST(sturdy, runs)
{
	PT_ASSERT_INT(3 + 3, ==, 6);
}
