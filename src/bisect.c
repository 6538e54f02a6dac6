#include "bisect.h"

#include <stdbool.h>
#include <stdlib.h>

#include "xalloc.h"

/* "alone", "after ID" or "after N tests (FIRST ... LAST)": what ran before the suspect. */
static void describe(struct pt__buf *line, char *const *tests, size_t nr)
{
	if (!nr)
		pt__buf_adds(line, "alone");
	else if (nr == 1)
		pt__buf_addf(line, "after %s", tests[0]);
	else
		pt__buf_addf(line, "after %zu tests (%s ... %s)", nr, tests[0], tests[nr - 1]);
}

/*
 * Runs tests (nr of them) then the suspect, says how it went, and sets
 * *failed to whether the suspect failed. Returns 0 or a trial's code.
 */
static int try_before(struct pt__trials *trials, char *const *tests, size_t nr, bool *failed,
		      pt__hunt_say_fn say, void *ctx, struct pt__buf *err)
{
	char **ids = pt__xcalloc(nr + 2, sizeof(*ids));
	struct pt__trial trial;
	int rc;

	for (size_t i = 0; i < nr; i++)
		ids[i] = tests[i];
	ids[nr] = (char *)trials->test;
	rc = pt__trial_start(trials, &trial, ids, nr + 1, err);
	if (!rc)
		rc = pt__trial_wait(trials, &trial, 1, failed, err);
	if (rc >= 0) {
		struct pt__buf line = PT__BUF_INIT;
		pt__buf_addf(&line, "%s ", trials->test);
		describe(&line, tests, nr);
		pt__buf_adds(&line, *failed ? ": fails" : ": passes");
		say(ctx, line.data);
		pt__buf_release(&line);
		rc = 0;
	}
	free(ids);
	return rc;
}

/* Says the finding: the suspect fails after tests (nr of them), and how to see it again. */
static void found(struct pt__trials *trials, char *const *tests, size_t nr, pt__hunt_say_fn say,
		  void *ctx)
{
	char **ids = pt__xcalloc(nr + 2, sizeof(*ids));
	struct pt__buf line = PT__BUF_INIT;

	for (size_t i = 0; i < nr; i++)
		ids[i] = tests[i];
	ids[nr] = (char *)trials->test;
	if (nr == 1)
		pt__buf_addf(&line, "polluter: %s makes %s fail", tests[0], trials->test);
	else if (nr)
		pt__buf_addf(&line, "no single test makes %s fail, these %zu together do",
			     trials->test, nr);
	else
		pt__buf_addf(&line, "%s fails on its own: no earlier test is needed", trials->test);
	say(ctx, line.data);
	pt__buf_reset(&line);
	pt__buf_adds(&line, "reproduce: ");
	pt__trial_command(trials, ids, nr + 1, &line);
	say(ctx, line.data);
	pt__buf_release(&line);
	free(ids);
}

int pt__bisect(struct pt__trials *trials, char *const *before, size_t nr, pt__hunt_say_fn say,
	       void *ctx, struct pt__buf *err)
{
	bool failed;
	int rc;

	if ((rc = try_before(trials, before, 0, &failed, say, ctx, err)))
		return rc;
	if (failed) {
		found(trials, before, 0, say, ctx);
		return 1;
	}
	if (!nr || (rc = try_before(trials, before, nr, &failed, say, ctx, err)) || !failed) {
		if (!rc) {
			struct pt__buf line = PT__BUF_INIT;
			pt__buf_addf(&line, "no polluter: %s passes after the %zu test%s before it",
				     trials->test, nr, nr == 1 ? "" : "s");
			say(ctx, line.data);
			pt__buf_release(&line);
		}
		return rc;
	}
	while (nr > 1) {
		size_t half = nr / 2;
		if ((rc = try_before(trials, before, half, &failed, say, ctx, err)))
			return rc;
		if (failed) {
			nr = half;
			continue;
		}
		if ((rc = try_before(trials, before + half, nr - half, &failed, say, ctx, err)))
			return rc;
		if (!failed)
			break;
		before += half;
		nr -= half;
	}
	found(trials, before, nr, say, ctx);
	return 1;
}
