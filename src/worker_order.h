/*
 * The order in which each worker ran its tests in the last run
 * (STATE_DIR/order, a line "WORKER STATUS ID" per test, tab-separated, in
 * the order they started): what --bisect searches for the test that made
 * another fail.
 */
#ifndef PT_WORKER_ORDER_H
#define PT_WORKER_ORDER_H

#include <stddef.h>

#include "buf.h"
#include "testlist.h"

/* The tests of a run as they started on their workers. A zeroed one is empty. */
struct pt__worker_order {
	struct {
		int worker;
		size_t test; /* index into the run's test list */
	} * started;
	size_t nr, alloc;
};

/* Notes that test started on worker. */
void pt__worker_order_add(struct pt__worker_order *order, int worker, size_t test);

/*
 * Writes STATE_DIR/order from order and list's results: a new file created
 * with O_EXCL and O_NOFOLLOW beside the old one and renamed over it.
 * Returns 0, or PT__ERUN with one line in err (the old record then stays).
 */
int pt__worker_order_save(const struct pt__worker_order *order, const char *state_dir,
			  const struct pt__test_list *list, struct pt__buf *err);

void pt__worker_order_release(struct pt__worker_order *order);

/*
 * From STATE_DIR/order: the tests that ran before test on its worker, each
 * once, in their order, into *before (a NULL-terminated array of strings
 * the caller frees with pt__worker_order_free_ids). Where test ran more than
 * once, its first failed run counts, else its first. Returns 0, or
 * PT__EUSAGE with one line in err when there is no record or test is not
 * in it.
 */
int pt__worker_order_before(const char *state_dir, const char *test, char ***before,
			    size_t *nr_before, struct pt__buf *err);
void pt__worker_order_free_ids(char **ids);

#endif
