#include "durations.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"
#include "visible.h"

/* A test or a group, and its time. */
struct timed {
	size_t first; /* the test, or the group's first test in list order */
	size_t nr_tests;
	int64_t us;
};

static int slowest_first(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	if (x->us != y->us)
		return x->us > y->us ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* A test's group, as a sort key beside the test's index. */
struct member {
	size_t program;
	const char *suite;
	size_t index;
};

static bool same_group(const struct member *x, const struct member *y)
{
	if (x->program != y->program)
		return false;
	if (!x->suite || !y->suite)
		return x->suite == y->suite;
	return !strcmp(x->suite, y->suite);
}

/* Orders members by group, then by list order. */
static int by_group(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int order = 0;

	if (x->program != y->program)
		order = x->program < y->program ? -1 : 1;
	else if (!x->suite || !y->suite)
		order = (x->suite != NULL) - (y->suite != NULL);
	else
		order = strcmp(x->suite, y->suite);
	return order ? order : (x->index < y->index ? -1 : x->index > y->index);
}

/* A name as the console may show it: pt__visible_add() on one line. */
static void add_visible(struct pt__buf *out, const char *text)
{
	pt__visible_add(out, text, strlen(text), false);
}

static void add_group_name(struct pt__buf *out, const struct pt__test_list *list,
			   const struct pt__test *test)
{
	add_visible(out, list->programs[test->program].name);
	if (test->suite) {
		pt__buf_adds(out, "::");
		add_visible(out, test->suite);
	}
}

void pt__durations_list(struct pt__buf *out, const struct pt__test_list *list, size_t n)
{
	struct timed *tests = pt__xcalloc(list->nr_tests + 1, sizeof(*tests));
	struct timed *groups = pt__xcalloc(list->nr_tests + 1, sizeof(*groups));
	struct member *members = pt__xcalloc(list->nr_tests + 1, sizeof(*members));
	size_t nr_tests = 0, nr_groups = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		members[i] = (struct member){test->program, test->suite, i};
		if (list->tests[i].result.status != PT__NOT_RUN)
			tests[nr_tests++] = (struct timed){i, 1, list->tests[i].result.duration_us};
	}
	qsort(members, list->nr_tests, sizeof(*members), by_group);
	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[members[i].index];
		if (!i || !same_group(&members[i - 1], &members[i]))
			groups[nr_groups++] = (struct timed){members[i].index, 0, 0};
		groups[nr_groups - 1].nr_tests++;
		if (test->result.duration_us > 0)
			groups[nr_groups - 1].us += test->result.duration_us;
	}
	qsort(tests, nr_tests, sizeof(*tests), slowest_first);
	qsort(groups, nr_groups, sizeof(*groups), slowest_first);

	pt__buf_addf(out, "Slowest %zu tests:\n", n < nr_tests ? n : nr_tests);
	for (size_t i = 0; i < n && i < nr_tests; i++) {
		pt__buf_addf(out, "  %9.3f s  ", tests[i].us / 1e6);
		add_visible(out, list->tests[tests[i].first].id);
		pt__buf_addc(out, '\n');
	}
	pt__buf_addf(out, "Slowest %zu groups:\n", n < nr_groups ? n : nr_groups);
	for (size_t i = 0; i < n && i < nr_groups; i++) {
		pt__buf_addf(out, "  %9.3f s  ", groups[i].us / 1e6);
		add_group_name(out, list, &list->tests[groups[i].first]);
		pt__buf_addf(out, "  (%zu test%s)\n", groups[i].nr_tests,
			     groups[i].nr_tests == 1 ? "" : "s");
	}
	free(tests);
	free(groups);
	free(members);
}
