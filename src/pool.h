/*
 * The pool: N worker slots that take groups from one queue, run them in
 * worker processes (spawn start method), supervise those processes and
 * record every test's result in the test list.
 */
#ifndef PT_POOL_H
#define PT_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cancel.h"
#include "plan.h"
#include "testlist.h"

struct pt__pool_progress {
	size_t done, total, failed, running;
};

struct pt__pool_config {
	int workers;		   /* slots, numbered 1..workers */
	double timeout;		   /* default seconds per test; 0: none */
	double kill_grace;	   /* seconds from SIGTERM to SIGKILL */
	bool failfast;		   /* no new test after the first failure */
	/* Its interrupt count stops the run: the first lets workers go, the
	 * second kills them. (Its deadline is not used.) */
	const struct pt__cancel *cancel;
	char **const *exec_envs;   /* [k - 1]: worker k's environment for executables */
	char **const *native_envs; /* [k - 1]: the same for native workers */
	const char *capture_dir;   /* where workers' output files are made */
	bool no_capture;	   /* native workers write to the runner's stdout and stderr */
	/* Called once per finished test (any status but NOT_RUN). */
	void (*test_done)(void *ctx, const struct pt__test_list *list, size_t test);
	/* Called about ten times a second, and when a test ends. */
	void (*progress)(void *ctx, const struct pt__pool_progress *progress);
	/* Called with an executable's output as it arrives, under no_capture. */
	void (*passthrough)(void *ctx, int fd, const char *data, size_t len);
	char *const *server_env; /* the environment of fork servers */
	/* Called with one line worth telling that is not a test's result: a
	 * fork refused, processes left behind outside their groups. */
	void (*note)(void *ctx, const char *line);
	void *ctx;
};

/*
 * Runs the plan. Tests appended to list while running (suite tear-down
 * failures) are reported through test_done like the others. Returns 0 when
 * every group was run or skipped by --failfast, PT__EINTR when interrupted.
 */
int pt__pool_run(struct pt__test_list *list, const struct pt__plan *plan,
		 const struct pt__pool_config *config);

#endif
