/*
 * The plan: tests gathered into groups (the tests of one suite of one
 * program, or one executable), and the groups put in the order the pool
 * hands them out.
 */
#ifndef PT_PLAN_H
#define PT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "last_failed.h"
#include "testlist.h"
#include "timings.h"

struct pt__group {
	size_t program;
	size_t *tests; /* indexes into the test list, in running order */
	size_t nr_tests;
	int64_t estimate_us; /* remembered (or guessed) duration */
};

struct pt__plan {
	struct pt__group *groups; /* in the order they are handed out */
	size_t nr_groups, alloc_groups;
};

struct pt__plan_order {
	bool shuffle;
	uint64_t seed;
	bool reverse;
	const struct pt__id_set *failed; /* tests that failed last time; NULL: none known */
	size_t first_test; /* tests before this index are left out (an earlier round's) */
	/* --order: these test indexes, in this order, each run of tests of one
	 * suite a group (no other ordering applies); NULL: none */
	const size_t *fixed;
	size_t nr_fixed;
};

/*
 * Groups list's tests (from order->first_test on; the copies of one round
 * of --repeat apart from another's) and orders the groups: those holding a
 * test that failed last time first, then longest first by timings (ties
 * and unknowns keep definition order); or shuffled by seed; then reversed
 * when asked (groups and the tests inside them, but for pinned tests, which
 * keep their places). A group's tests keep their order, for its suite's
 * fixtures. A fixed order replaces all of that.
 */
void pt__plan_build(struct pt__plan *plan, const struct pt__test_list *list,
		    const struct pt__timings *timings, const struct pt__plan_order *order);
void pt__plan_release(struct pt__plan *plan);

#endif
