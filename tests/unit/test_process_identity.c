/* Telling a live process from a dead one, and from a later one with its pid. */
#include <partest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "process_identity.h"

PT_TEST(process_identity, a_running_process_is_itself)
{
	unsigned long long start = pt__process_start_time((long)getpid());

#ifdef __linux__
	PT_ASSERT_UINT(start, >, 0);
#endif
	PT_ASSERT_UINT(pt__process_start_time((long)getpid()), ==, start);
	PT_ASSERT_TRUE(pt__process_running((long)getpid()));
	PT_ASSERT_TRUE(pt__process_is((long)getpid(), start));
}

PT_TEST(process_identity, another_start_time_is_another_process)
{
	unsigned long long start = pt__process_start_time((long)getpid());

	if (!start)
		PT_SKIP("this system does not tell start times");
	PT_ASSERT_FALSE(pt__process_is((long)getpid(), start + 1));
}

PT_TEST(process_identity, a_zombie_and_a_reaped_child_are_not_running)
{
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	PT_ASSERT_INT(child, >, 0);
	/* Not reaped yet: a zombie has ended all the same. */
	for (int i = 0; i < 100 && pt__process_running(child); i++)
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	PT_EXPECT_FALSE(pt__process_running(child));
	PT_ASSERT_INT(waitpid(child, NULL, 0), ==, child);
	PT_EXPECT_FALSE(pt__process_running(child));
	PT_EXPECT_FALSE(pt__process_is(child, 0));
}

PT_TEST(process_identity, no_pid_is_not_running)
{
	PT_ASSERT_FALSE(pt__process_running(0));
	PT_ASSERT_FALSE(pt__process_running(-5));
}
