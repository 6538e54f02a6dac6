/*
 * A program whose life-cycle code misbehaves where $LIFECYCLE says, for the
 * end-to-end scripts to check that partest reports each fault where it
 * happened and runs what can still run. $LIFECYCLE is a space-separated list:
 *
 *   global-setup-hang          PT_GLOBAL_SETUP never returns
 *   global-teardown-hang       PT_GLOBAL_TEARDOWN never returns
 *   worker-teardown-hang       PT_WORKER_TEARDOWN never returns
 *   worker-setup-hang          PT_WORKER_SETUP never returns
 *   worker-setup-fail=K        PT_WORKER_SETUP fails on worker K (0: every worker)
 *   worker-setup-crash=K       PT_WORKER_SETUP raises SIGSEGV on worker K (0: every worker)
 *   suite-setup-crash          PT_SUITE_SETUP(first) raises SIGSEGV
 *   suite-teardown-crash       PT_SUITE_TEARDOWN(first) raises SIGSEGV
 *
 * Suites first and second have three passing tests each, third one. A
 * hang first creates the file $LIFECYCLE_LOG, if that is set.
 */
#include <partest.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether $LIFECYCLE asks for fault (with "=K": on worker K, or 0 for all). */
static int asks(const char *fault)
{
	const char *list = getenv("LIFECYCLE");
	size_t len = strlen(fault);

	for (const char *at = list; at && (at = strstr(at, fault)); at += len) {
		if ((at != list && at[-1] != ' ') ||
		    (at[len] != '\0' && at[len] != ' ' && at[len] != '='))
			continue;
		if (at[len] != '=')
			return 1;
		int worker = atoi(at + len + 1);
		return worker == 0 || worker == pt_worker();
	}
	return 0;
}

/* Never returns; says so first in $LIFECYCLE_LOG, if set, for a script to wait for. */
static void hang(void)
{
	const char *log = getenv("LIFECYCLE_LOG");
	FILE *file = log ? fopen(log, "a") : NULL;

	if (file)
		fclose(file);
	for (;;)
		pause();
}

PT_GLOBAL_SETUP()
{
	if (asks("global-setup-hang"))
		hang();
}

PT_GLOBAL_TEARDOWN()
{
	if (asks("global-teardown-hang"))
		hang();
}

PT_WORKER_TEARDOWN()
{
	if (asks("worker-teardown-hang"))
		hang();
}

PT_WORKER_SETUP()
{
	if (asks("worker-setup-hang"))
		hang();
	if (asks("worker-setup-fail"))
		PT_FAIL("no database for worker %d", pt_worker());
	if (asks("worker-setup-crash"))
		raise(SIGSEGV);
}

PT_SUITE_SETUP(first)
{
	if (asks("suite-setup-crash"))
		raise(SIGSEGV);
}

PT_SUITE_TEARDOWN(first)
{
	if (asks("suite-teardown-crash"))
		raise(SIGSEGV);
}

PT_TEST(first, one)
{
	puts("first one ran");
}

PT_TEST(first, two)
{
	puts("first two ran");
}

PT_TEST(first, three)
{
	puts("first three ran");
}

PT_TEST(second, one)
{
	puts("second one ran");
}

PT_TEST(second, two)
{
	puts("second two ran");
}

PT_TEST(second, three)
{
	puts("second three ran");
}

PT_TEST(third, one)
{
	puts("third one ran");
}
