/*
 * --bisect TEST: which of the tests that ran before TEST makes it fail,
 * found by halving them, each half tried in a run of its own (src/trial.c)
 * with TEST after it.
 */
#ifndef PT_BISECT_H
#define PT_BISECT_H

#include <stddef.h>

#include "buf.h"
#include "trial.h"

/* Called with each line worth telling: a trial's outcome, the finding. */
typedef void (*pt__hunt_say_fn)(void *ctx, const char *line);

/*
 * Bisects before (nr of them, in the order they ran) for the test that
 * makes trials->test fail. First tries trials->test alone (if it fails so,
 * nothing is to be found), then after all of before. Returns 1 when the
 * suspect fails (after one test, after several that no half shows alone,
 * or alone), 0 when it passes after all of before; or a negative code with
 * one line in err (PT__ERUN: a trial could not run; PT__EINTR).
 */
int pt__bisect(struct pt__trials *trials, char *const *before, size_t nr, pt__hunt_say_fn say,
	       void *ctx, struct pt__buf *err);

#endif
