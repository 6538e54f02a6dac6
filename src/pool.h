/*
 * The pool: N worker slots that take groups from one queue, run them in
 * worker processes (spawned, or forked by a program's fork server),
 * supervise those processes and record every test's result in the test
 * list. docs/architecture.md shows the files below it.
 */
#ifndef PT_POOL_H
#define PT_POOL_H

#include "plan.h"
#include "pool_config.h"
#include "testlist.h"

/*
 * Runs the plan. Tests appended to list while running (suite tear-down
 * failures) are reported through test_done like the others. Returns 0 when
 * every group was run or skipped by --failfast, PT__EINTR when interrupted,
 * PT__ERUN with one line in err when the run stopped because a slot could
 * not be renewed or kept (its tests not run from then on).
 */
int pt__pool_run(struct pt__test_list *list, const struct pt__plan *plan,
		 const struct pt__pool_config *config, struct pt__buf *err);

#endif
