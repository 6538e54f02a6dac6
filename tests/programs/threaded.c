/* A global set-up that leaves a thread running: forking from it is unsafe. */
#include <partest.h>
#include <pthread.h>
#include <unistd.h>

static void *idle(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

PT_GLOBAL_SETUP()
{
	pthread_t thread;

	PT_ASSERT_INT(pthread_create(&thread, NULL, idle, NULL), ==, 0);
	pthread_detach(thread);
}

PT_TEST(threads, still_run)
{
	PT_ASSERT_TRUE(1);
}

PT_TEST(threads, on_spawned_workers)
{
	PT_ASSERT_INT(pt_worker(), >=, 1);
}
