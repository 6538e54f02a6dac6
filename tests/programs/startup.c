/*
 * For the start methods: the global set-up logs each time it runs (to
 * $STARTUP_LOG), one test kills its own worker, and the isolation suite
 * leaves state behind that only a fresh process does not see.
 */
#include <partest.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int built_by_global_setup;
static int touched;

static void logline(const char *what)
{
	const char *path = getenv("STARTUP_LOG");
	char line[128];
	int fd;

	if (!path)
		return;
	snprintf(line, sizeof(line), "%s pid=%ld worker=%d\n", what, (long)getpid(), pt_worker());
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

PT_GLOBAL_SETUP()
{
	logline("global-setup");
	built_by_global_setup = 42;
}

PT_WORKER_SETUP()
{
	logline("worker-setup");
}

PT_TEST(shared, sees_what_the_global_setup_built)
{
	PT_ASSERT_INT(built_by_global_setup, ==, 42);
	PT_ASSERT_INT(pt_worker(), >=, 1);
}

PT_TEST(shared, worker_is_killed)
{
	raise(SIGKILL);
}

PT_TEST(shared, runs_after_the_kill)
{
	PT_ASSERT_INT(built_by_global_setup, ==, 42);
}

PT_TEST(isolation, first_touch)
{
	touched++;
	PT_ASSERT_INT(touched, ==, 1);
}

PT_TEST(isolation, crashes)
{
	touched = 99;
	raise(SIGSEGV);
}

PT_TEST(isolation, second_touch_sees_a_fresh_process)
{
	touched++;
	PT_ASSERT_INT(touched, ==, 1);
}
