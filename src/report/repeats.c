#include "repeats.h"

#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"

struct tally {
	const char *id;
	size_t first; /* the index it was first listed at */
	size_t passed, flaky, failed, ended;
};

static int by_id(const void *a, const void *b)
{
	const struct pt__test *const *x = a, *const *y = b;
	int order = strcmp((*x)->id, (*y)->id);

	return order ? order : *x < *y ? -1 : *x > *y;
}

static int by_first(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

void pt__repeats_lines(const struct pt__test_list *list, struct pt__buf *out)
{
	const struct pt__test **sorted = pt__xcalloc(list->nr_tests + 1, sizeof(*sorted));
	struct tally *tallies = pt__xcalloc(list->nr_tests + 1, sizeof(*tallies));
	size_t nr = 0;

	for (size_t i = 0; i < list->nr_tests; i++)
		sorted[i] = &list->tests[i];
	qsort(sorted, list->nr_tests, sizeof(*sorted), by_id);
	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = sorted[i];
		if (!nr || strcmp(tallies[nr - 1].id, test->id))
			tallies[nr++] =
				(struct tally){test->id, (size_t)(test - list->tests), 0, 0, 0, 0};
		struct tally *tally = &tallies[nr - 1];
		enum pt__status status = test->result.status;
		tally->passed += status == PT__PASS;
		tally->flaky += status == PT__FLAKY;
		tally->failed += pt__status_failed(status);
		tally->ended += status != PT__NOT_RUN;
	}
	qsort(tallies, nr, sizeof(*tallies), by_first);
	for (size_t i = 0; i < nr; i++)
		if (tallies[i].failed || tallies[i].flaky) {
			pt__buf_addf(out, "%s: %zu passed, ", tallies[i].id, tallies[i].passed);
			if (tallies[i].flaky)
				pt__buf_addf(out, "%zu flaky, ", tallies[i].flaky);
			pt__buf_addf(out, "%zu failed of %zu\n", tallies[i].failed,
				     tallies[i].ended);
		}
	free(sorted);
	free(tallies);
}
