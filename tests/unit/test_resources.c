/* Which queued work may start: locks, exclusive tests, weights, and no starving. */
#include <partest.h>
#include <stdlib.h>

#include "resources.h"

static struct pt__test_list list;
static struct pt__queue queue;

/* Test index with the given attributes, each in a group (work) of its own. */
static size_t add(const char *name, const char *locks, int exclusive, int weight)
{
	size_t program = list.nr_programs
				 ? 0
				 : pt__test_list_add_program(&list, "./t", "t", PT__PROGRAM_NATIVE);
	size_t index = pt__test_list_add_test(&list, program, name, "test", 0);

	pt__test_list_set_attributes(&list, index,
				     &(struct pt__test_attributes){.locks = (char *)locks,
								   .exclusive = exclusive != 0,
								   .weight = weight});
	return index;
}

static struct pt__work work_of(size_t index)
{
	struct pt__work work = {0, malloc(sizeof(size_t)), 1};

	work.tests[0] = index;
	return work;
}

static void queue_up(size_t index)
{
	pt__queue_push_back(&queue, work_of(index));
}

PT_TEARDOWN(resources)
{
	pt__queue_release(&queue);
	pt__test_list_release(&list);
}

PT_TEST(resources, the_first_work_starts_when_nothing_holds_anything)
{
	queue_up(add("a", "port", 0, 1));
	PT_ASSERT_INT(pt__resources_next(&list, &queue, NULL, 0, 2, NULL, NULL), ==, 0);
}

PT_TEST(resources, a_held_lock_is_passed_over_not_waited_for)
{
	struct pt__work running = work_of(add("holder", "db port", 0, 1));
	const struct pt__work *held[] = {&running};

	queue_up(add("wants_port", "port", 0, 1));
	queue_up(add("free", NULL, 0, 1));
	PT_EXPECT_INT(pt__resources_next(&list, &queue, held, 1, 4, NULL, NULL), ==, 1);
	free(running.tests);
}

PT_TEST(resources, nothing_starts_beside_an_exclusive_test)
{
	struct pt__work running = work_of(add("alone", NULL, 1, 1));
	const struct pt__work *held[] = {&running};

	queue_up(add("plain", NULL, 0, 1));
	PT_EXPECT_INT(pt__resources_next(&list, &queue, held, 1, 4, NULL, NULL), ==, -1);
	free(running.tests);
}

PT_TEST(resources, a_heavy_test_holds_back_what_comes_after_it)
{
	struct pt__work running = work_of(add("plain", NULL, 0, 1));
	const struct pt__work *held[] = {&running};

	queue_up(add("heavy", NULL, 0, 3));
	queue_up(add("light", NULL, 0, 1));
	/* Two of three slots free: the heavy one waits, and the light one with it. */
	PT_EXPECT_INT(pt__resources_next(&list, &queue, held, 1, 3, NULL, NULL), ==, -1);
	/* With everything free, it starts. */
	PT_EXPECT_INT(pt__resources_next(&list, &queue, NULL, 0, 3, NULL, NULL), ==, 0);
	free(running.tests);
}

PT_TEST(resources, a_weight_above_the_slots_counts_as_all_of_them)
{
	queue_up(add("huge", NULL, 0, 64));
	PT_EXPECT_INT(pt__resources_next(&list, &queue, NULL, 0, 2, NULL, NULL), ==, 0);
}
