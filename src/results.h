/*
 * The run's results as the pool records them: each test's outcome written
 * into the test list, the counts of what is done and what failed, and the
 * reporter told of each finished test. Tests that will never run are marked
 * with the reason and are not counted as done.
 */
#ifndef PT_RESULTS_H
#define PT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "pool_config.h"
#include "queue.h"
#include "testlist.h"

struct pt__results {
	struct pt__test_list *list;
	const struct pt__pool_config *config; /* failfast, test_done and its ctx */
	size_t total, done, failed;
	bool failfast_tripped;	 /* a test failed under --failfast, or a TAP program bailed out */
	const char *stop_reason; /* once tripped, what the tests not run are told: static */
};

/* Starts recording for list's tests, plan's to run. Allocates nothing. */
void pt__results_init(struct pt__results *results, struct pt__test_list *list,
		      const struct pt__pool_config *config, const struct pt__plan *plan);

/* Replaces test index's message. */
void pt__results_set_message(struct pt__results *results, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Test index ended with status on worker (1..N, 0 for none) after
 * duration_us: recorded, counted, reported. Its output is whatever the
 * caller put in its result before; its message is cut to PT__OUTPUT_LIMIT
 * bytes, with a note of how much was dropped.
 */
void pt__results_finish(struct pt__results *results, size_t index, enum pt__status status,
			int worker, int64_t duration_us);

/*
 * Attempt nr_retried + 1 of test index ended with status on worker after
 * duration_us, and the test is to run again: reported through
 * attempt_failed, then moved into the test's failed attempts (its result
 * cleared for the next attempt). Not counted as done.
 */
void pt__results_attempt_failed(struct pt__results *results, size_t index, enum pt__status status,
				int worker, int64_t duration_us);

/* Fails every test of work with message. */
void pt__results_fail_work(struct pt__results *results, const struct pt__work *work,
			   const char *message);

/* Marks work's tests from `from` on as not run, keeping a reason they already have. */
void pt__results_not_run(struct pt__results *results, const struct pt__work *work, size_t from,
			 const char *reason);

/*
 * Adds a test of program that no plan held (a tear-down that failed, a
 * worker or server that ended badly after its last test), with message,
 * and counts it in the total. Returns its index, not yet finished.
 */
size_t pt__results_add(struct pt__results *results, size_t program, const char *suite,
		       const char *name, const char *message, size_t message_len);

#endif
