/*
 * Logs every fixture and test, with the worker and process it ran in, to
 * $FIXTURE_LOG, so that a script can check where and how often each ran.
 */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void logline(const char *what)
{
	const char *path = getenv("FIXTURE_LOG");
	char line[256];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s worker=%s pid=%ld\n", what,
		 getenv("PARTEST_WORKER") ? getenv("PARTEST_WORKER") : "0", (long)getpid());
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

static int suite_setups;

PT_GLOBAL_SETUP()
{
	logline("global-setup");
}
PT_GLOBAL_TEARDOWN()
{
	logline("global-teardown");
}

PT_WORKER_SETUP()
{
	logline("worker-setup");
}

PT_WORKER_TEARDOWN()
{
	logline("worker-teardown");
}

PT_SUITE_SETUP(alpha)
{
	suite_setups++;
	logline("alpha-setup");
}
PT_SUITE_TEARDOWN(alpha)
{
	logline("alpha-teardown");
}
PT_SETUP(alpha)
{
	logline("alpha-test-setup");
}
PT_TEARDOWN(alpha)
{
	logline("alpha-test-teardown");
}
PT_TEST(alpha, first)
{
	logline("alpha-first");
}
PT_TEST(alpha, second)
{
	logline("alpha-second");
	PT_ASSERT_INT(suite_setups, >=, 1);
}
PT_TEST(alpha, third)
{
	logline("alpha-third");
}

PT_SUITE_SETUP(beta)
{
	logline("beta-setup");
}
PT_SUITE_TEARDOWN(beta)
{
	logline("beta-teardown");
}
PT_TEST(beta, first)
{
	logline("beta-first");
}
PT_TEST(beta, second)
{
	logline("beta-second");
}

PT_SUITE_SETUP(broken)
{
	logline("broken-setup");
	PT_FAIL("cannot reach the fixture server");
}
PT_SUITE_TEARDOWN(broken)
{
	logline("broken-teardown");
}
PT_TEST(broken, first)
{
	logline("broken-first");
}
PT_TEST(broken, second)
{
	logline("broken-second");
}

PT_SUITE_SETUP(teardown_fails)
{
	logline("teardown_fails-setup");
}
PT_SUITE_TEARDOWN(teardown_fails)
{
	PT_FAIL("could not drop the scratch table");
}
PT_TEST(teardown_fails, only)
{
	logline("teardown_fails-only");
}
