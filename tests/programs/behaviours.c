/*
 * Tests that misbehave on purpose, one kind per suite, for the end-to-end
 * scripts to select with --filter and check what partest reports.
 */
#include <partest.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

PT_TEST(ok, passes)
{
	PT_ASSERT_INT(2 + 2, ==, 4);
}
PT_TEST(ok, also_passes)
{
	PT_ASSERT_STR("a", !=, "b");
}

PT_TEST(asserts, int_mismatch)
{
	int balance = 7;
	PT_ASSERT_INT(balance, ==, 10);
}

PT_TEST(asserts, string_mismatch)
{
	PT_ASSERT_STR("alice", ==, "bob");
}

PT_TEST(asserts, expect_goes_on)
{
	PT_EXPECT_INT(1, ==, 2);
	printf("after the expect\n");
	PT_EXPECT_TRUE(0);
}

PT_TEST(asserts, skipped, .skip = "feature flag off")
{
	PT_FAIL("never runs");
}
PT_TEST(asserts, skips_itself)
{
	PT_SKIP("no network here");
}

PT_TEST(output, prints_then_fails)
{
	printf("to stdout\n");
	fprintf(stderr, "to stderr\n");
	PT_FAIL("failing on purpose");
}

PT_TEST(crash, segfaults)
{
	raise(SIGSEGV);
}
PT_TEST(crash, aborts)
{
	abort();
}
PT_TEST(crash, exits_midway)
{
	exit(5);
}
PT_TEST(crash, runs_after_the_crashes)
{
	PT_ASSERT_TRUE(1);
}

PT_TEST(hang, sleeps_forever, .timeout = 0.5)
{
	for (;;)
		pause();
}
PT_TEST(hang, ignores_sigterm, .timeout = 0.5)
{
	signal(SIGTERM, SIG_IGN);
	for (;;)
		pause();
}
PT_TEST(hang, runs_after_the_hangs)
{
	PT_ASSERT_TRUE(1);
}

PT_TEST(leak, leaves_a_child)
{
	pid_t pid = fork();
	if (pid == 0) {
		execlp("sleep", "sleep", "300", (char *)NULL);
		_exit(127);
	}
	PT_ASSERT_INT(pid, >, 0);
	printf("started child %ld\n", (long)pid);
}

PT_TEST(protocol, writes_garbage)
{
	(void)!write(4, "nonsense\n", 9);
	pause();
}

PT_TEST(protocol, closes_it)
{
	close(4);
	pause();
}
