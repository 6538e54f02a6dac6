/*
 * A trial of --bisect and --pair: a run of its own (partest started again,
 * with the run's programs, databases and start method) of a few tests in a
 * fixed order on one worker (--order-file), so that every trial starts from
 * fresh clones of the template and a fresh TMPDIR. What a trial says is
 * whether the test under suspicion failed in it.
 */
#ifndef PT_TRIAL_H
#define PT_TRIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "cancel.h"
#include "environ.h"
#include "options.h"

/* What every trial of one hunt shares. */
struct pt__trials {
	const struct pt__options *options;
	const char *dir;  /* where order and event files are made (the run directory) */
	const char *test; /* the test under suspicion */
	struct pt__cancel cancel;
	struct pt__buf self;	/* partest's own path */
	struct pt__environ env; /* the runner's, without a config file */
	size_t made;		/* trials started, for file names */
};

/* One trial under way. */
struct pt__trial {
	pid_t pid;			      /* 0: not running */
	struct pt__buf order, events, errors; /* its files */
	char *const *ids; /* the tests in order, the suspect last (the caller's) */
	size_t nr_ids;
};

void pt__trials_init(struct pt__trials *trials, const struct pt__options *options, const char *dir,
		     const char *test, struct pt__cancel cancel);
void pt__trials_release(struct pt__trials *trials);

/*
 * Starts a trial of ids (nr of them) in their order. Returns 0, or PT__ERUN
 * with one line in err.
 */
int pt__trial_start(struct pt__trials *trials, struct pt__trial *trial, char *const *ids, size_t nr,
		    struct pt__buf *err);

/*
 * Waits until one of the running trials (those with a pid) ends, and
 * returns its index in trials_running; sets *failed to whether the suspect
 * failed in it. On Ctrl-C or SIGTERM every running trial is told to stop
 * and waited for, and PT__EINTR returned; a trial that could not be carried
 * out (its exit status neither 0 nor 1) is PT__ERUN with its own error in
 * err. The trial's files are removed either way.
 */
int pt__trial_wait(struct pt__trials *trials, struct pt__trial *running, size_t nr_running,
		   bool *failed, struct pt__buf *err);

/* Tells every running trial (those with a pid) to stop, waits for them and removes their files. */
void pt__trials_stop(struct pt__trial *running, size_t nr);

/* Appends the command line that runs ids (nr of them) in that order, for people. */
void pt__trial_command(const struct pt__trials *trials, char *const *ids, size_t nr,
		       struct pt__buf *out);

#endif
