#include "pair.h"

#include <stdbool.h>
#include <stdlib.h>

#include "xalloc.h"

/* The ids of one pair: the other test, then the suspect. */
struct pair {
	char *ids[2];
};

static void say_reproduce(struct pt__trials *trials, char *const *ids, size_t nr,
			  pt__hunt_say_fn say, void *ctx)
{
	struct pt__buf line = PT__BUF_INIT;

	pt__buf_adds(&line, "reproduce: ");
	pt__trial_command(trials, ids, nr, &line);
	say(ctx, line.data);
	pt__buf_release(&line);
}

int pt__pair(struct pt__trials *trials, char *const *others, size_t nr, int jobs,
	     pt__hunt_say_fn say, void *ctx, struct pt__buf *err)
{
	char *alone[] = {(char *)trials->test};
	struct pt__trial *running = pt__xcalloc((size_t)jobs, sizeof(*running));
	struct pair *pairs = pt__xcalloc(nr + 1, sizeof(*pairs));
	bool *fails_after = pt__xcalloc(nr + 1, sizeof(*fails_after));
	size_t *pair_of = pt__xcalloc((size_t)jobs, sizeof(*pair_of));
	size_t next = 0, busy = 0, found = 0;
	struct pt__buf line = PT__BUF_INIT;
	bool failed;
	int rc = pt__trial_start(trials, &running[0], alone, 1, err);

	if (!rc)
		rc = pt__trial_wait(trials, running, 1, &failed, err);
	if (rc >= 0) {
		pt__buf_addf(&line, "%s alone: %s", trials->test, failed ? "fails" : "passes");
		say(ctx, line.data);
		pt__buf_reset(&line);
	}
	if (rc >= 0 && failed) {
		pt__buf_addf(&line, "%s fails on its own: no earlier test is needed", trials->test);
		say(ctx, line.data);
		say_reproduce(trials, alone, 1, say, ctx);
		found = 1;
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		pairs[i] = (struct pair){{others[i], (char *)trials->test}};
	while (rc >= 0 && (next < nr || busy)) {
		for (int slot = 0; rc >= 0 && slot < jobs && next < nr; slot++) {
			if (running[slot].pid)
				continue;
			pair_of[slot] = next;
			rc = pt__trial_start(trials, &running[slot], pairs[next++].ids, 2, err);
			busy += !rc;
		}
		if (rc < 0 || !busy)
			break;
		rc = pt__trial_wait(trials, running, (size_t)jobs, &failed, err);
		if (rc < 0)
			break;
		busy--;
		size_t pair = pair_of[rc];
		fails_after[pair] = failed;
		pt__buf_reset(&line);
		pt__buf_addf(&line, "%s after %s: %s", trials->test, others[pair],
			     failed ? "fails" : "passes");
		say(ctx, line.data);
	}
	if (rc < 0) {
		/* A trial that could not start leaves the others running. */
		pt__trials_stop(running, (size_t)jobs);
		goto out;
	}
	for (size_t i = 0; i < nr; i++) {
		if (!fails_after[i])
			continue;
		found++;
		pt__buf_reset(&line);
		pt__buf_addf(&line, "polluter: %s makes %s fail", others[i], trials->test);
		say(ctx, line.data);
		say_reproduce(trials, pairs[i].ids, 2, say, ctx);
	}
	if (!found) {
		pt__buf_reset(&line);
		pt__buf_addf(&line, "no polluter: %s passes after each of the %zu other tests",
			     trials->test, nr);
		say(ctx, line.data);
	}
out:
	pt__buf_release(&line);
	free(running);
	free(pairs);
	free(fails_after);
	free(pair_of);
	return rc < 0 ? rc : (int)found;
}
