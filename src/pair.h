/*
 * --pair TEST: TEST run right after each other selected test, each pair a
 * run of its own (src/trial.c), as many at once as the run has workers; the
 * tests after which it fails are the finding.
 */
#ifndef PT_PAIR_H
#define PT_PAIR_H

#include <stddef.h>

#include "bisect.h"
#include "buf.h"
#include "trial.h"

/*
 * Tries trials->test alone, then after each of others (nr of them), up to
 * jobs trials at once. Says each test after which it fails, with the
 * command that shows it. Returns how many such tests there are (1 when the
 * suspect fails alone, and then nothing else is tried), or a negative code
 * with one line in err (PT__ERUN: a trial could not run; PT__EINTR).
 */
int pt__pair(struct pt__trials *trials, char *const *others, size_t nr, int jobs,
	     pt__hunt_say_fn say, void *ctx, struct pt__buf *err);

#endif
