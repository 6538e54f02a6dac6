/* Grouping and ordering: suites stay together, longest first, seeds repeat. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static struct pt__test_list list;
static struct pt__timings timings;
static struct pt__plan plan;

PT_SETUP(plan)
{
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	size_t sh = pt__test_list_add_program(&list, "t.sh", "t.sh", PT__PROGRAM_EXEC);

	pt__test_list_add_test(&list, a, "quick", "one", 0); /* 0 */
	pt__test_list_add_test(&list, a, "slow", "one", 0);  /* 1 */
	pt__test_list_add_test(&list, a, "quick", "two", 0); /* 2 */
	pt__test_list_add_test(&list, a, "slow", "two", 0);  /* 3 */
	pt__test_list_add_test(&list, sh, NULL, NULL, 0);    /* 4 */
}

PT_TEARDOWN(plan)
{
	pt__plan_release(&plan);
	pt__timings_release(&timings);
	pt__test_list_release(&list);
}

static void remember(const char *id, int64_t us)
{
	timings.entries = realloc(timings.entries, (timings.nr + 1) * sizeof(*timings.entries));
	timings.entries[timings.nr].id = strdup(id);
	timings.entries[timings.nr++].duration_us = us;
	timings.alloc = timings.nr;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct pt__timing *)a)->id, ((const struct pt__timing *)b)->id);
}

static const char *first_id(size_t group)
{
	return list.tests[plan.groups[group].tests[0]].id;
}

PT_TEST(plan, a_suite_is_one_group_in_definition_order)
{
	struct pt__plan_order order = {0};

	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_SIZE(plan.nr_groups, ==, 3);
	PT_ASSERT_SIZE(plan.groups[0].nr_tests, ==, 2);
	PT_ASSERT_SIZE(plan.groups[0].tests[0], ==, 0);
	PT_ASSERT_SIZE(plan.groups[0].tests[1], ==, 2);
	PT_ASSERT_SIZE(plan.groups[2].nr_tests, ==, 1);
	PT_ASSERT_STR(first_id(2), ==, "t.sh");
}

PT_TEST(plan, remembered_durations_put_the_longest_group_first)
{
	struct pt__plan_order order = {0};

	remember("a::quick::one", 1000);
	remember("a::quick::two", 1000);
	remember("a::slow::one", 500000);
	remember("a::slow::two", 500000);
	remember("t.sh", 20000);
	qsort(timings.entries, timings.nr, sizeof(*timings.entries), by_id);
	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_STR(first_id(0), ==, "a::slow::one");
	PT_ASSERT_INT(plan.groups[0].estimate_us, ==, 1000000);
	PT_ASSERT_STR(first_id(1), ==, "t.sh");
	PT_ASSERT_STR(first_id(2), ==, "a::quick::one");
}

PT_TEST(plan, the_same_seed_gives_the_same_order)
{
	struct pt__plan_order order = {.shuffle = true, .seed = 42};
	size_t first[3];

	pt__plan_build(&plan, &list, &timings, &order);
	for (size_t g = 0; g < 3; g++)
		first[g] = plan.groups[g].tests[0];
	pt__plan_release(&plan);
	pt__plan_build(&plan, &list, &timings, &order);
	for (size_t g = 0; g < 3; g++)
		PT_EXPECT_SIZE(plan.groups[g].tests[0], ==, first[g]);
	/* A shuffle keeps each suite together and in order. */
	for (size_t g = 0; g < 3; g++)
		if (plan.groups[g].nr_tests == 2 && plan.groups[g].tests[0] == 0)
			PT_EXPECT_SIZE(plan.groups[g].tests[1], ==, 2);
}

PT_TEST(plan, some_seeds_give_different_orders)
{
	size_t orders_seen = 0, last = SIZE_MAX;

	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct pt__plan_order order = {.shuffle = true, .seed = seed};
		pt__plan_build(&plan, &list, &timings, &order);
		size_t head = plan.groups[0].tests[0];
		orders_seen += head != last;
		last = head;
		pt__plan_release(&plan);
	}
	PT_ASSERT_SIZE(orders_seen, >, 1);
}

PT_TEST(plan, reverse_turns_groups_and_tests_around)
{
	struct pt__plan_order order = {.reverse = true};

	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_STR(first_id(0), ==, "t.sh");
	PT_ASSERT_STR(first_id(2), ==, "a::quick::two");
}

PT_TEST(plan, groups_that_failed_last_time_run_first)
{
	struct pt__id_set failed = {0};
	struct pt__plan_order order = {.failed = &failed};

	remember("a::slow::one", 500000);
	remember("a::quick::two", 1000);
	qsort(timings.entries, timings.nr, sizeof(*timings.entries), by_id);
	failed.ids = calloc(1, sizeof(*failed.ids));
	failed.ids[0] = strdup("a::quick::two");
	failed.nr = failed.alloc = 1;
	pt__plan_build(&plan, &list, &timings, &order);
	PT_EXPECT_STR(first_id(0), ==, "a::quick::one");
	PT_EXPECT_SIZE(plan.groups[0].tests[1], ==, 2);
	PT_EXPECT_STR(first_id(1), ==, "a::slow::one");
	pt__id_set_release(&failed);
}

PT_TEST(plan, a_fixed_order_is_kept_and_a_suite_met_again_is_a_new_group)
{
	size_t fixed[] = {3, 0, 2, 1};
	struct pt__plan_order order = {.fixed = fixed, .nr_fixed = 4, .reverse = true};

	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_SIZE(plan.nr_groups, ==, 3);
	PT_ASSERT_SIZE(plan.groups[0].nr_tests, ==, 1);
	PT_ASSERT_SIZE(plan.groups[0].tests[0], ==, 3);
	PT_ASSERT_SIZE(plan.groups[1].nr_tests, ==, 2);
	PT_ASSERT_SIZE(plan.groups[1].tests[0], ==, 0);
	PT_ASSERT_SIZE(plan.groups[1].tests[1], ==, 2);
	PT_ASSERT_SIZE(plan.groups[2].tests[0], ==, 1);
}

PT_TEST(plan, each_round_of_a_repeat_is_grouped_apart)
{
	struct pt__plan_order order = {0};

	for (size_t i = 0; i < 5; i++)
		list.tests[i].repeat = 1;
	size_t copy = pt__test_list_add_test(&list, list.tests[0].program, "quick", "one", 0);
	list.tests[copy].repeat = 2;
	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_SIZE(plan.nr_groups, ==, 4);

	pt__plan_release(&plan);
	order.first_test = copy;
	pt__plan_build(&plan, &list, &timings, &order);
	PT_ASSERT_SIZE(plan.nr_groups, ==, 1);
	PT_ASSERT_SIZE(plan.groups[0].tests[0], ==, copy);
}
