/*
 * How the pool is to run (src/pool.c), and what it tells its caller as it
 * goes. A header of its own, so that the pool's parts (slot.c, results.c)
 * read it without depending on the pool.
 */
#ifndef PT_POOL_CONFIG_H
#define PT_POOL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "cancel.h"
#include "fresh_db.h"
#include "testlist.h"

/*
 * The most of a test's stdout, of its stderr and of its message that is
 * kept for the reports; the rest is counted and said to be dropped.
 */
#define PT__OUTPUT_LIMIT (4u << 20)

/*
 * How long a worker or fork server that was told no more work is coming
 * may spend in its global tear-downs before it gets SIGTERM (then SIGKILL
 * after the kill grace).
 */
#define PT__TEARDOWN_LIMIT_US 10000000

struct pt__pool_progress {
	size_t done, total, failed, running;
};

struct pt__pool_config {
	int workers;	   /* slots, numbered 1..workers */
	double timeout;	   /* default seconds per test; 0: none */
	double kill_grace; /* seconds from SIGTERM to SIGKILL */
	bool failfast;	   /* no new test after the first failure */
	int retries;	   /* attempts after a failed one, for tests that do not say (--retries) */
	/* Its interrupt count stops the run: the first lets workers go, the
	 * second kills them. (Its deadline is not used.) */
	const struct pt__cancel *cancel;
	char **const *exec_envs;   /* [k - 1]: worker k's environment for executables */
	char **const *native_envs; /* [k - 1]: the same for native workers */
	const char *capture_dir;   /* where workers' output files are made */
	bool no_capture;	   /* native workers write to the runner's stdout and stderr */
	/* Called when a test starts on worker (1..N), as far as the runner
	 * can tell: when its worker is given it, or ends the test before. */
	void (*test_start)(void *ctx, const struct pt__test_list *list, size_t test, int worker);
	/* Called once per finished test (any status but NOT_RUN). */
	void (*test_done)(void *ctx, const struct pt__test_list *list, size_t test);
	/* Called when an attempt of test failed and it is to run again: its
	 * result is that attempt's, nr_retried attempts failed before it. */
	void (*attempt_failed)(void *ctx, const struct pt__test_list *list, size_t test);
	/* Called about ten times a second, and when a test ends. */
	void (*progress)(void *ctx, const struct pt__pool_progress *progress);
	/* Called with an executable's output as it arrives, under no_capture. */
	void (*passthrough)(void *ctx, int fd, const char *data, size_t len);
	/*
	 * Called before a new worker starts on slot `worker` (1..N) whose last
	 * process must not be trusted: it crashed or timed out, or a test
	 * failed there and is to be tried again. Gives the slot fresh database
	 * clones and an empty TMPDIR, under the same names, so the slot's
	 * environment stays as it is. Returns 0, or a negative PT__E* code
	 * with one line in err (the run then stops as after a lost worker).
	 * NULL: nothing to renew.
	 */
	int (*renew_slot)(void *ctx, int worker, struct pt__buf *err);
	/*
	 * Called under --keep-failed when `test` has failed for good on slot
	 * `worker` and the slot's process is gone, instead of renew_slot:
	 * sets the clones the test used (clone, 1..: the slot's own, `worker`,
	 * unless under fresh) and the slot's TMPDIR aside, marked as kept, and
	 * makes those clones anew and the TMPDIR empty. Returns as renew_slot.
	 * NULL: nothing is kept.
	 */
	int (*keep_slot)(void *ctx, int worker, int clone, const struct pt__test_list *list,
			 size_t test, struct pt__buf *err);
	char *const *server_env; /* the environment of fork servers */
	/*
	 * --fresh-db test|group: the clones each test (or group) takes and
	 * gives back; a slot's environment then names the clones it holds,
	 * and renew_slot has only its TMPDIR to empty. NULL: each slot has its
	 * own clones (--fresh-db worker).
	 */
	struct pt__fresh_db *fresh;
	/* Called with one line worth telling that is not a test's result: a
	 * fork refused, processes left behind outside their groups. */
	void (*note)(void *ctx, const char *line);
	void *ctx;
};

#endif
