/* What a failing assertion records: the expression, both values, file:line. */
#include <partest.h>
#include <string.h>

#include "../../lib/outcome.h"

static struct pt__outcome outcome;
static int evaluations;
static int reached_after;

static int counted(int value)
{
	evaluations++;
	return value;
}

static void run(void (*fn)(void))
{
	pt__buf_release(&outcome.message);
	outcome.status = PT__OUTCOME_PASS;
	evaluations = reached_after = 0;
	pt__call_protected(fn, &outcome);
}

static void failing_int(void)
{
	int x = 3;
	PT_ASSERT_INT(x + 1, ==, counted(5));
	reached_after = 1;
}

PT_TEST(assertions, int_failure_shows_expression_values_and_line)
{
	run(failing_int);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_FAIL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "test_assertions.c:") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data,
			      "PT_ASSERT_INT(x + 1, ==, counted(5)) failed") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "left:  4") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "right: 5") != NULL);
}

PT_TEST(assertions, assert_stops_the_test_and_evaluates_once)
{
	run(failing_int);
	PT_ASSERT_INT(evaluations, ==, 1);
	PT_ASSERT_INT(reached_after, ==, 0);
}

static void two_expects(void)
{
	PT_EXPECT_UINT(counted(1), ==, 2u);
	PT_EXPECT_SIZE(sizeof(int), <, (size_t)1);
	reached_after = 1;
}

PT_TEST(assertions, expect_records_and_continues)
{
	run(two_expects);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_FAIL);
	PT_ASSERT_INT(reached_after, ==, 1);
	PT_ASSERT_INT(evaluations, ==, 1);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_UINT") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_SIZE") != NULL);
}

static void strings(void)
{
	PT_ASSERT_STR("same", ==, "same");
	PT_ASSERT_STR(NULL, ==, NULL);
	PT_ASSERT_STR("tab\there", ==, NULL);
}

PT_TEST(assertions, string_failure_quotes_and_escapes_both_sides)
{
	run(strings);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_FAIL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "left:  \"tab\\there\"") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "right: NULL") != NULL);
}

static void near(void)
{
	PT_ASSERT_DBL_NEAR(0.1 + 0.2, 0.3, 1e-12);
	PT_ASSERT_DBL_NEAR(1.0, 1.5, 0.25);
}

PT_TEST(assertions, double_near_uses_the_tolerance)
{
	run(near);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_FAIL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_ASSERT_DBL_NEAR(1.0, 1.5, 0.25)") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "more than 0.25") != NULL);
}

static void memory(void)
{
	PT_ASSERT_MEM("abcdef", "abcxef", 6);
}

PT_TEST(assertions, memory_failure_names_the_first_differing_byte)
{
	run(memory);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "first difference at byte 3 of 6") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "61 62 63 64 65 66") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "61 62 63 78 65 66") != NULL);
}

static void pointers(void)
{
	int a = 0;
	PT_EXPECT_PTR(&a, ==, &a);
	PT_EXPECT_NULL(&a);
	PT_EXPECT_NOT_NULL(NULL);
	PT_EXPECT_TRUE(1 == 2);
	PT_EXPECT_FALSE(2 == 2);
}

PT_TEST(assertions, pointer_and_boolean_checks)
{
	run(pointers);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_FAIL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_PTR") == NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_NULL(&a) failed") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_NOT_NULL(NULL) failed") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_TRUE(1 == 2) failed") != NULL);
	PT_EXPECT_TRUE(strstr(outcome.message.data, "PT_EXPECT_FALSE(2 == 2) failed") != NULL);
}

static void skipping(void)
{
	PT_SKIP("not on this machine");
	reached_after = 1;
}

PT_TEST(assertions, skip_ends_the_test_with_its_reason)
{
	run(skipping);
	PT_ASSERT_INT(outcome.status, ==, PT__OUTCOME_SKIP);
	PT_ASSERT_STR(outcome.message.data, ==, "not on this machine");
	PT_ASSERT_INT(reached_after, ==, 0);
}

static void explicit_failure(void)
{
	PT_FAIL("expected %d rows, got %d", 3, 4);
}

PT_TEST(assertions, fail_formats_its_message)
{
	run(explicit_failure);
	PT_ASSERT_TRUE(strstr(outcome.message.data, "expected 3 rows, got 4") != NULL);
}

PT_TEARDOWN(assertions)
{
	pt__buf_release(&outcome.message);
}
