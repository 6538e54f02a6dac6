/*
 * A slot of the pool: one worker (src/worker.c) taking work from the
 * queue, a group's tests one after another, and what its process's events
 * and end mean for those tests. Only slot.c changes a slot; the pool
 * (src/pool.c) decides when, from its loop, its deadlines and its fork
 * servers. A slot holds at most one worker process at a time:
 *
 *   EMPTY --start--> STARTING --ready--> BUSY --ended--> IDLE --work--> BUSY
 *                                         |                |
 *          crash, timeout, bad event,     v                v  no more work for
 *          interrupt:                 STOPPING          RETIRING  its program
 *                                         \________________/
 *                                                  | exit status
 *                                                  v
 *                                                EMPTY
 *
 * A test's outcome is decided by the worker's report, or, when there is
 * none, by its exit status: never by the closing of a pipe alone.
 *
 * A test that fails, crashes or times out with retries left runs again on
 * the same slot, alone, in a fresh process: the slot's process is stopped
 * (the rest of its group goes back to the queue), then the slot renewed
 * (renew_slot), then the test started again with its attempt in its run
 * frame (and PARTEST_ATTEMPT, for an executable or an adapter); the fresh
 * worker then takes more work, an adapter's excepted. After a crash or a time-out the slot is renewed before its next
 * process starts; under --keep-failed a test failed for good has its slot
 * kept (keep_slot) once the process is gone.
 *
 * Under --fresh-db test|group a slot takes clones from the config's fresh
 * pool when it takes work (the pool gives it work only when one is
 * ready), and gives them back, to be made anew, when its group ended or
 * its process is gone; under test also before each test after the first,
 * which then takes another and waits for one if need be. A process learns
 * of its clones from its environment, then from an env command before the
 * first test of new clones; tests are sent one at a time under test.
 */
#ifndef PT_SLOT_H
#define PT_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "forkserver.h"
#include "pool_config.h"
#include "protocol.h"
#include "queue.h"
#include "results.h"
#include "testlist.h"
#include "worker.h"

enum pt__slot_state {
	PT__SLOT_EMPTY,
	PT__SLOT_STARTING, /* its worker runs its init phase */
	PT__SLOT_BUSY,
	PT__SLOT_IDLE,	   /* its worker waits for more work of its program */
	PT__SLOT_STOPPING, /* its worker is being killed */
	PT__SLOT_RETIRING, /* its worker's input ended: it tears down and exits */
};

struct pt__slot {
	struct pt__worker worker;
	enum pt__slot_state state;
	size_t program;	      /* of its worker */
	struct pt__work work; /* the group being run, while has_work */
	bool has_work;
	bool started; /* its first test was handed over */
	size_t sent;  /* tests of work sent to the worker */
	size_t next;  /* the test whose result is awaited */
	bool end_sent;
	int64_t test_started_us;
	int64_t deadline_us;	     /* 0: none */
	int64_t hello_by_us;	     /* its worker's hello is due; 0: said, or not due yet */
	enum pt__status stop_status; /* what the running test becomes */
	struct pt__buf stop_reason;
	bool renew;    /* its last process is not to be trusted: renew before the next */
	bool retrying; /* stopped so that its work, one test, runs again */
	bool keeping;  /* stopped so that its clones are kept for kept_test */
	size_t kept_test;
	bool for_retry; /* its adapter runs a retry, and no other work after it */
	/* Under --fresh-db test|group (the config's fresh): the clones it
	 * holds, clone, while has_clone; which of them its process was last
	 * given (its environment, or an env command), as clone + 1, 0: none;
	 * and whether its next test waits for a clone to be ready. */
	int clone;
	bool has_clone;
	int env_clone;
	bool awaiting_clone;
	char **env;	      /* its process's environment: the config's, and the attempt */
	char attempt_var[32]; /* "PARTEST_ATTEMPT=K" */
};

/* What every slot of a run shares; the pool owns it. */
struct pt__slot_context {
	struct pt__test_list *list;
	const struct pt__pool_config *config;
	struct pt__results results;
	struct pt__queue queue; /* work not yet taken */
	struct pt__buf *broken; /* per program: why it cannot run, or empty */
	/* [program * workers + number - 1]: its init phase failed on that
	 * worker, which runs none of its tests from then on. */
	bool *unfit;
	struct pt__fork_server *servers; /* per program */
	bool interrupting;
	/* Why the run stopped as after a lost worker (a slot that could not
	 * be renewed or kept); empty: it did not. */
	struct pt__buf lost;
};

/* The run stops as after a lost worker, with why as its line: no new test starts. */
void pt__slot_context_lose(struct pt__slot_context *ctx, const char *why);

/* True once no new test may start: interrupted, or --failfast tripped. */
bool pt__slot_context_stopping(const struct pt__slot_context *ctx);

/*
 * Whether the slot may take work of program: not when the program's init
 * phase failed on its worker, unless it failed everywhere (the program is
 * broken: taking its work fails it).
 */
bool pt__slot_fits(const struct pt__slot_context *ctx, const struct pt__slot *slot, size_t program);

/* Initialises an empty slot numbered number. Allocates nothing. */
void pt__slot_init(struct pt__slot *slot, int number);

/* Takes work: on its idle worker, or on a new one. A program that cannot run fails it. */
void pt__slot_start_work(struct pt__slot_context *ctx, struct pt__slot *slot, struct pt__work work);

/*
 * (Re)starts the slot's worker for program. Returns 0, or PT__ERUN when it
 * could not, having failed the slot's work with the reason.
 */
int pt__slot_start_worker(struct pt__slot_context *ctx, struct pt__slot *slot, size_t program);

/* Asks an idle worker to end: the end of its input makes it tear down and exit. */
void pt__slot_retire(struct pt__slot_context *ctx, struct pt__slot *slot);

/*
 * Stops the slot's worker: the running test gets status and reason, the
 * tests after it go back to the queue (or are not run, when the run is
 * stopping). grace_first gives the process time to exit by itself first.
 */
void pt__slot_stop(struct pt__slot_context *ctx, struct pt__slot *slot, enum pt__status status,
		   bool grace_first, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The slot's worker never came: its work fails with message, or waits when interrupted. */
void pt__slot_abandon(struct pt__slot_context *ctx, struct pt__slot *slot, const char *message);

/* The work the slot's worker did not start goes back to the queue. */
void pt__slot_requeue(struct pt__slot_context *ctx, struct pt__slot *slot);

/* Its fork server now serves: the waiting fork is asked for. */
void pt__slot_ask_fork(struct pt__slot_context *ctx, struct pt__slot *slot);

/* Its fork server forked its worker as pid. */
void pt__slot_forked(struct pt__slot *slot, pid_t pid);

/*
 * Under --fresh-db test, a slot whose next test waits for a clone takes
 * one if one is ready and sends the test; once the run is stopping it lets
 * the test go unrun instead. Returns false when it had none waiting or
 * could not take one.
 */
bool pt__slot_resume_waiting(struct pt__slot_context *ctx, struct pt__slot *slot);

/* Reads and handles what the worker sent. */
void pt__slot_read_events(struct pt__slot_context *ctx, struct pt__slot *slot);

/* Reads an executable's output. */
void pt__slot_read_output(struct pt__slot_context *ctx, struct pt__slot *slot);

/* The worker's process ended with the wait status given. */
void pt__slot_exited(struct pt__slot_context *ctx, struct pt__slot *slot, int status);

/* Stops a worker whose time is up at now_us, and signals harder one that does not go. */
void pt__slot_check_deadlines(struct pt__slot_context *ctx, struct pt__slot *slot, int64_t now_us);

/* The earliest moment the slot needs looking at (a deadline, a signal due), or 0. */
int64_t pt__slot_next_deadline(const struct pt__slot *slot);

/* Frees what the slot holds. */
void pt__slot_release(struct pt__slot *slot);

#endif
