#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* splitmix64: a seed gives the same order on every platform. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

struct ranked {
	struct pt__group group;
	size_t position;
	bool failed; /* holds a test that failed last time */
};

static int longest_first(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->failed != y->failed)
		return x->failed ? -1 : 1;
	if (x->group.estimate_us != y->group.estimate_us)
		return x->group.estimate_us > y->group.estimate_us ? -1 : 1;
	return x->position < y->position ? -1 : x->position > y->position;
}

/* Finds the group of (program, suite), creating it. */
static struct pt__group *group_of(struct pt__plan *plan, const struct pt__test_list *list,
				  const struct pt__test *test, size_t **alloc_tests)
{
	for (size_t i = plan->nr_groups; i-- > 0;) {
		struct pt__group *group = &plan->groups[i];
		const struct pt__test *first = &list->tests[group->tests[0]];
		if (test->suite && first->suite && first->program == test->program &&
		    first->repeat == test->repeat && !strcmp(first->suite, test->suite))
			return group;
	}
	PT__GROW(plan->groups, plan->nr_groups + 1, plan->alloc_groups);
	*alloc_tests = pt__xrealloc(*alloc_tests, plan->alloc_groups * sizeof(**alloc_tests));
	struct pt__group *group = &plan->groups[plan->nr_groups];
	memset(group, 0, sizeof(*group));
	group->program = test->program;
	(*alloc_tests)[plan->nr_groups++] = 0;
	return group;
}

/* Reverses the order of group's tests, but for the pinned ones, which keep their places. */
static void reverse_unpinned(struct pt__group *group, const struct pt__test_list *list)
{
	size_t low = 0, high = group->nr_tests;

	for (;;) {
		while (low < high && list->tests[group->tests[low]].attributes.pinned)
			low++;
		while (high > low && list->tests[group->tests[high - 1]].attributes.pinned)
			high--;
		if (high - low < 2)
			return;
		size_t swap = group->tests[low];
		group->tests[low++] = group->tests[--high];
		group->tests[high] = swap;
	}
}

/*
 * --order: the tests one after another as given, a new group wherever the
 * next test is not of the previous one's suite.
 */
static void build_fixed(struct pt__plan *plan, const struct pt__test_list *list,
			const struct pt__plan_order *order)
{
	size_t alloc_tests = 0;

	for (size_t i = 0; i < order->nr_fixed; i++) {
		const struct pt__test *test = &list->tests[order->fixed[i]];
		struct pt__group *group =
			plan->nr_groups ? &plan->groups[plan->nr_groups - 1] : NULL;
		const struct pt__test *last =
			group ? &list->tests[group->tests[group->nr_tests - 1]] : NULL;
		if (!last || !test->suite || !last->suite || last->program != test->program ||
		    strcmp(last->suite, test->suite)) {
			PT__GROW(plan->groups, plan->nr_groups + 1, plan->alloc_groups);
			group = &plan->groups[plan->nr_groups++];
			memset(group, 0, sizeof(*group));
			group->program = test->program;
			alloc_tests = 0;
		}
		PT__GROW(group->tests, group->nr_tests + 1, alloc_tests);
		group->tests[group->nr_tests++] = order->fixed[i];
	}
}

void pt__plan_build(struct pt__plan *plan, const struct pt__test_list *list,
		    const struct pt__timings *timings, const struct pt__plan_order *order)
{
	size_t *alloc_tests = NULL;
	int64_t known_total = 0;
	size_t known = 0;

	memset(plan, 0, sizeof(*plan));
	if (order->fixed) {
		build_fixed(plan, list, order);
		return;
	}
	for (size_t i = order->first_test; i < list->nr_tests; i++) {
		struct pt__group *group = group_of(plan, list, &list->tests[i], &alloc_tests);
		size_t at = (size_t)(group - plan->groups);
		PT__GROW(group->tests, group->nr_tests + 1, alloc_tests[at]);
		group->tests[group->nr_tests++] = i;
		int64_t us = pt__timings_get(timings, list->tests[i].id);
		if (us >= 0) {
			known_total += us;
			known++;
		}
	}
	free(alloc_tests);

	/* A test never timed is guessed to take as long as the average one. */
	int64_t guess = known ? known_total / (int64_t)known : 0;
	for (size_t g = 0; g < plan->nr_groups; g++) {
		struct pt__group *group = &plan->groups[g];
		for (size_t t = 0; t < group->nr_tests; t++) {
			int64_t us = pt__timings_get(timings, list->tests[group->tests[t]].id);
			group->estimate_us += us >= 0 ? us : guess;
		}
	}

	if (order->shuffle) {
		uint64_t state = order->seed;
		for (size_t i = plan->nr_groups; i > 1; i--) {
			size_t j = (size_t)(next_random(&state) % i);
			struct pt__group swap = plan->groups[i - 1];
			plan->groups[i - 1] = plan->groups[j];
			plan->groups[j] = swap;
		}
	} else if (plan->nr_groups > 1) {
		struct ranked *ranked = pt__xcalloc(plan->nr_groups, sizeof(*ranked));
		for (size_t g = 0; g < plan->nr_groups; g++) {
			const struct pt__group *group = &plan->groups[g];
			ranked[g] = (struct ranked){*group, g, false};
			for (size_t t = 0; order->failed && t < group->nr_tests; t++)
				if (pt__id_set_has(order->failed, list->tests[group->tests[t]].id))
					ranked[g].failed = true;
		}
		qsort(ranked, plan->nr_groups, sizeof(*ranked), longest_first);
		for (size_t g = 0; g < plan->nr_groups; g++)
			plan->groups[g] = ranked[g].group;
		free(ranked);
	}

	if (order->reverse) {
		for (size_t g = 0; g < plan->nr_groups / 2; g++) {
			struct pt__group swap = plan->groups[g];
			plan->groups[g] = plan->groups[plan->nr_groups - 1 - g];
			plan->groups[plan->nr_groups - 1 - g] = swap;
		}
		for (size_t g = 0; g < plan->nr_groups; g++)
			reverse_unpinned(&plan->groups[g], list);
	}
}

void pt__plan_release(struct pt__plan *plan)
{
	for (size_t g = 0; g < plan->nr_groups; g++)
		free(plan->groups[g].tests);
	free(plan->groups);
	memset(plan, 0, sizeof(*plan));
}
