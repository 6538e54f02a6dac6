/*
 * Suites that take known times: for scheduling order, interruption and
 * --failfast. Each test logs its start to $SLEEPY_LOG.
 */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void started(const char *name)
{
	const char *path = getenv("SLEEPY_LOG");
	char line[128];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s\n", name);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts))
		;
}

PT_TEST(short_suite, one)
{
	started("short_suite.one");
	nap(20);
}
PT_TEST(long_suite, one)
{
	started("long_suite.one");
	nap(150);
}
PT_TEST(long_suite, two)
{
	started("long_suite.two");
	nap(150);
}
PT_TEST(medium_suite, one)
{
	started("medium_suite.one");
	nap(100);
}
PT_TEST(fails_first, one)
{
	started("fails_first.one");
	PT_FAIL("first failure");
}
PT_TEST(fails_first, two)
{
	started("fails_first.two");
}
PT_TEST(forever, one)
{
	started("forever.one");
	for (;;)
		pause();
}
