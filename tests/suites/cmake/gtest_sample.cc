// GoogleTest tests of every kind partest must list, batch and judge: plain,
// failing, skipped, disabled, typed, parameterised, and one that crashes in
// the middle of its suite. With GTEST_SAMPLE_LOG set, each process of it
// appends a line there, so that a test can count them.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

static int log_process()
{
	const char *log = std::getenv("GTEST_SAMPLE_LOG");
	std::FILE *file = log ? std::fopen(log, "a") : nullptr;

	if (file) {
		std::fputs("started\n", file);
		std::fclose(file);
	}
	return 0;
}

static const int process_logged = log_process();

TEST(Arithmetic, Adds) { EXPECT_EQ(2 + 2, 4); }

TEST(Arithmetic, Fails)
{
	std::printf("about to compare\n");
	EXPECT_EQ(2 + 2, 5) << "arithmetic is broken";
}

TEST(Arithmetic, Skips) { GTEST_SKIP() << "not today"; }

TEST(Arithmetic, DISABLED_NeverRuns) { FAIL() << "a disabled test ran"; }

TEST(Arithmetic, Multiplies) { EXPECT_EQ(3 * 3, 9); }

TEST(Crashing, Before) { SUCCEED(); }

TEST(Crashing, Aborts)
{
	std::fprintf(stderr, "aborting now\n");
	std::abort();
}

TEST(Crashing, After) { SUCCEED(); }

// Hangs only when asked to, so that ctest and meson need no time limit for it.
TEST(Slow, SleepsWhenAsked)
{
	if (std::getenv("GTEST_SAMPLE_HANG"))
		std::this_thread::sleep_for(std::chrono::seconds(30));
}

// Leaves a process running only when asked to, for partest's leak check.
TEST(Slow, After)
{
	if (std::getenv("GTEST_SAMPLE_LEAK"))
		ASSERT_EQ(0, std::system("sleep 60 >/dev/null 2>&1 &"));
}

template <typename T> class Typed : public ::testing::Test {};
using TypedTypes = ::testing::Types<int, long>;
TYPED_TEST_SUITE(Typed, TypedTypes);
TYPED_TEST(Typed, ZeroIsFalse) { EXPECT_FALSE(TypeParam(0)); }

class Param : public ::testing::TestWithParam<int> {};
TEST_P(Param, IsEven) { EXPECT_EQ(GetParam() % 2, 0); }
INSTANTIATE_TEST_SUITE_P(Numbers, Param, ::testing::Values(2, 3, 4));
