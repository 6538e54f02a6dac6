/*
 * A worker set-up that starts a server the tests share, and a first test
 * that is skipped: the server belongs to the worker, not to that test.
 */
#include <partest.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server;

PT_WORKER_SETUP()
{
	server = fork();
	PT_ASSERT_INT(server, >=, 0);
	if (!server) {
		execlp("sleep", "sleep", "300", (char *)NULL);
		_exit(127);
	}
}

PT_WORKER_TEARDOWN()
{
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
}

PT_TEST(shared_server, first_is_skipped, .skip = "not on this machine")
{
}

PT_TEST(shared_server, still_runs_after_the_skip)
{
	PT_ASSERT_INT(kill(server, 0), ==, 0);
}
