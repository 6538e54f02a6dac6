/*
 * The tests that failed last time (STATE_DIR/failed, one id a line): what
 * --rerun-failed runs, and what the plan puts first. A run updates the
 * record for the tests it ran to an end and keeps it for the others, so
 * that a filtered or partitioned run forgets nothing it did not run.
 */
#ifndef PT_LAST_FAILED_H
#define PT_LAST_FAILED_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "testlist.h"

/* A set of test ids. A zeroed set is empty. */
struct pt__id_set {
	char **ids; /* sorted */
	size_t nr, alloc;
};

bool pt__id_set_has(const struct pt__id_set *set, const char *id);
void pt__id_set_release(struct pt__id_set *set);

/*
 * Loads STATE_DIR/failed into set (emptied first), never through a symbolic
 * link. Returns 1 when the record exists, 0 when there is none, or PT__ERUN
 * with one line in err when it cannot be read.
 */
int pt__last_failed_load(struct pt__id_set *set, const char *state_dir, struct pt__buf *err);

/*
 * Writes STATE_DIR/failed: set, less the tests of list that passed or were
 * skipped, plus those that failed. The new file is created with O_EXCL and
 * O_NOFOLLOW beside the old one and renamed over it, so a planted symbolic
 * link is never followed. Returns 0, or PT__ERUN with one line in err (the
 * old record is then left as it was).
 */
int pt__last_failed_save(const struct pt__id_set *set, const char *state_dir,
			 const struct pt__test_list *list, struct pt__buf *err);

#endif
