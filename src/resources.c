#include "resources.h"

#include <stdbool.h>
#include <string.h>

/* What a work needs while it runs. */
struct needs {
	int weight;
	bool exclusive;
};

static struct needs needs_of(const struct pt__test_list *list, const struct pt__work *work,
			     int slots)
{
	struct needs needs = {1, false};

	for (size_t t = 0; t < work->nr_tests; t++) {
		const struct pt__test_attributes *attributes =
			&list->tests[work->tests[t]].attributes;
		if (attributes->weight > needs.weight)
			needs.weight = attributes->weight;
		needs.exclusive = needs.exclusive || attributes->exclusive;
	}
	/* More than there are slots would never fit: all of them, then. */
	if (needs.weight > slots || needs.exclusive)
		needs.weight = slots;
	return needs;
}

/* Whether the space-separated word list has word (of len bytes). */
static bool names(const char *list, const char *word, size_t len)
{
	while (list && *list) {
		size_t n = strcspn(list, " ");
		if (n == len && !strncmp(list, word, len))
			return true;
		list += n;
		list += strspn(list, " ");
	}
	return false;
}

/* Whether a test of work holds a lock that a test of other holds too. */
static bool shares_lock(const struct pt__test_list *list, const struct pt__work *work,
			const struct pt__work *other)
{
	for (size_t t = 0; t < work->nr_tests; t++) {
		const char *locks = list->tests[work->tests[t]].attributes.locks;
		while (locks && *locks) {
			size_t len = strcspn(locks, " ");
			for (size_t o = 0; len && o < other->nr_tests; o++)
				if (names(list->tests[other->tests[o]].attributes.locks, locks,
					  len))
					return true;
			locks += len;
			locks += strspn(locks, " ");
		}
	}
	return false;
}

long pt__resources_next(const struct pt__test_list *list, const struct pt__queue *queue,
			const struct pt__work *const *running, size_t nr_running, int slots,
			bool (*may_take)(const struct pt__work *work, const void *ctx),
			const void *ctx)
{
	int used = 0;

	for (size_t r = 0; r < nr_running; r++) {
		struct needs needs = needs_of(list, running[r], slots);
		if (needs.exclusive)
			return -1;
		used += needs.weight;
	}
	for (size_t at = 0; at < queue->len; at++) {
		const struct pt__work *work = &queue->items[queue->head + at];
		bool locked = false;
		if (may_take && !may_take(work, ctx))
			continue;
		for (size_t r = 0; r < nr_running && !locked; r++)
			locked = shares_lock(list, work, running[r]);
		if (locked)
			continue;
		/* The first that fits the free slots starts; the first that
		 * does not holds back everything after it. */
		return used + needs_of(list, work, slots).weight <= slots ? (long)at : -1;
	}
	return -1;
}
