/*
 * Tests that fail on their first attempts and pass later, for --retries.
 * Each leaves a file per attempt in $FLAKY_DIR (a directory the e2e script
 * makes: TMPDIR is renewed between attempts), and logs "NAME ATTEMPT
 * WORKER PID" lines to $FLAKY_DIR/log, with the suite set-up as "setup".
 */
#include <partest.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void log_line(const char *what)
{
	const char *dir = getenv("FLAKY_DIR");
	const char *attempt = getenv("PARTEST_ATTEMPT");
	char path[4096], line[512];
	int fd;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(line, sizeof(line), "%s %s %s %ld\n", what, attempt ? attempt : "unset",
		 getenv("PARTEST_WORKER"), (long)getpid());
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

/* How many times name ran before, counting this one in from now on. */
static int runs_before(const char *name)
{
	const char *dir = getenv("FLAKY_DIR");
	char path[4096];
	int n = 0;

	if (!dir)
		return 0;
	for (;; n++) {
		snprintf(path, sizeof(path), "%s/%s.%d", dir, name, n);
		if (access(path, F_OK))
			break;
	}
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	log_line(name);
	return n;
}

PT_SUITE_SETUP(flaky)
{
	log_line("setup");
}

PT_TEST(flaky, before)
{
	runs_before("before");
}

PT_TEST(flaky, fails_once)
{
	if (runs_before("fails_once") == 0)
		PT_FAIL("first attempt fails on purpose");
}

PT_TEST(flaky, after)
{
	runs_before("after");
}

PT_TEST(flaky, crashes_once)
{
	if (runs_before("crashes_once") == 0)
		raise(SIGSEGV);
}

PT_TEST(flaky, always_fails)
{
	runs_before("always_fails");
	PT_FAIL("fails on every attempt");
}

PT_TEST(flaky, fails_twice, .retries = 2)
{
	if (runs_before("fails_twice") < 2)
		PT_FAIL("fails on its first two attempts");
}

PT_TEST(flaky, never_retried, .retries = -1)
{
	if (runs_before("never_retried") == 0)
		PT_FAIL("would pass on a retry, but asks for none");
}
