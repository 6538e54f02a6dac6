/*
 * The pool: the scheduler. N slots take work (some tests of one group) from
 * one queue and run it on their worker (src/worker.c), one poll loop watches
 * every worker and fork server and the signal self-pipe, and deadlines come
 * from CLOCK_MONOTONIC through the poll timeout. A slot holds at most one
 * worker process at a time:
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
 */
#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/leaks.h"
#include "clock.h"
#include "error.h"
#include "forkserver.h"
#include "queue.h"
#include "signals.h"
#include "spawn.h"
#include "verdict.h"
#include "worker.h"
#include "xalloc.h"

#define PROGRESS_INTERVAL_US 100000

enum slot_state { SLOT_EMPTY, SLOT_STARTING, SLOT_BUSY, SLOT_IDLE, SLOT_STOPPING, SLOT_RETIRING };

struct slot {
	struct pt__worker worker;
	enum slot_state state;
	size_t program;		     /* of its worker */
	struct pt__work work;	     /* the group being run */
	bool has_work;
	bool started;		     /* its first test was handed over */
	size_t sent;		     /* tests of work sent to the worker */
	size_t next;		     /* the test whose result is awaited */
	bool end_sent;
	int64_t test_started_us;
	int64_t deadline_us;	     /* 0: none */
	int64_t hello_by_us;	     /* its worker's hello is due; 0: said, or not due yet */
	enum pt__status stop_status; /* what the running test becomes */
	struct pt__buf stop_reason;
};

struct pool {
	struct pt__test_list *list;
	const struct pt__pool_config *config;
	struct slot *slots;
	struct pt__queue queue;
	struct pt__buf *broken;		 /* per program: why it cannot run, or empty */
	struct pt__fork_server *servers; /* one per program */
	bool stopping_servers;
	size_t total, done, failed;
	bool stop_starting; /* failfast tripped or interrupted */
	bool interrupting;
	int64_t last_progress_us;
};

static int64_t grace_us(const struct pool *pool)
{
	return (int64_t)(pool->config->kill_grace * 1e6);
}

/* ---- results ---- */

static void report_progress(struct pool *pool, bool force)
{
	int64_t now = pt__now_us();
	struct pt__pool_progress progress = {pool->done, pool->total, pool->failed, 0};

	if (!pool->config->progress || (!force && now - pool->last_progress_us < PROGRESS_INTERVAL_US))
		return;
	for (int i = 0; i < pool->config->workers; i++)
		if (pool->slots[i].state == SLOT_BUSY || pool->slots[i].state == SLOT_STARTING)
			progress.running++;
	pool->last_progress_us = now;
	pool->config->progress(pool->config->ctx, &progress);
}

static void finish_test(struct pool *pool, struct slot *slot, size_t index, enum pt__status status,
			int64_t duration_us)
{
	struct pt__result *result = &pool->list->tests[index].result;

	result->status = status;
	result->worker = slot ? slot->worker.number : 0;
	result->duration_us = duration_us;
	if (slot)
		pt__worker_take_output(&slot->worker, &result->out, &result->err);
	pool->done++;
	if (pt__status_failed(status)) {
		pool->failed++;
		if (pool->config->failfast)
			pool->stop_starting = true;
	}
	if (pool->config->test_done)
		pool->config->test_done(pool->config->ctx, pool->list, index);
	report_progress(pool, false);
}

static void set_message(struct pool *pool, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_message(struct pool *pool, size_t index, const char *fmt, ...)
{
	struct pt__buf *message = &pool->list->tests[index].result.message;
	va_list ap;

	pt__buf_reset(message);
	va_start(ap, fmt);
	pt__buf_vaddf(message, fmt, ap);
	va_end(ap);
}

/* Marks tests that will not run, with the reason. They are not "done". */
static void mark_not_run(struct pool *pool, const struct pt__work *work, size_t from,
			 const char *reason)
{
	for (size_t t = from; t < work->nr_tests; t++) {
		struct pt__result *result = &pool->list->tests[work->tests[t]].result;
		result->status = PT__NOT_RUN;
		if (!result->message.len)
			pt__buf_adds(&result->message, reason);
	}
}

static const char *why_not_run(const struct pool *pool)
{
	return pool->interrupting ? "interrupted" : "not run: --failfast after a failure";
}

/* Fails every test of the slot's work with message; the slot lets go of it. */
static void fail_work(struct pool *pool, struct slot *slot, const char *message)
{
	for (size_t t = 0; t < slot->work.nr_tests; t++) {
		set_message(pool, slot->work.tests[t], "%s", message);
		finish_test(pool, NULL, slot->work.tests[t], PT__FAIL, 0);
	}
	free(slot->work.tests);
	slot->has_work = false;
}

/* The program cannot run, for this reason: its work fails from now on. */
static void break_program(struct pool *pool, struct slot *slot, size_t program, const char *why)
{
	pt__buf_reset(&pool->broken[program]);
	pt__buf_adds(&pool->broken[program], why);
	if (slot && slot->has_work)
		fail_work(pool, slot, why);
}

/* The slot's tests from `from` on go back to the queue (or are marked not
 * run when the run is stopping); the slot lets go of its work. */
static void requeue_rest(struct pool *pool, struct slot *slot, size_t from)
{
	if (!slot->has_work)
		return;
	if (from < slot->work.nr_tests) {
		if (pool->stop_starting)
			mark_not_run(pool, &slot->work, from, why_not_run(pool));
		else
			pt__queue_push_front(&pool->queue, pt__work_tail(&slot->work, from));
	}
	free(slot->work.tests);
	slot->has_work = false;
}

/* A failed tear-down, or a worker or server that ended badly after its
 * last test, is reported as a failed test of its own. */
static void add_late_failure(struct pool *pool, struct slot *slot, size_t program,
			     const char *suite, const char *name, enum pt__status status,
			     const struct pt__buf *message)
{
	char *suite_copy = pt__xstrdup(suite);
	size_t index = pt__test_list_add_test(pool->list, program, suite_copy, name, 0);

	free(suite_copy);
	pt__buf_add(&pool->list->tests[index].result.message, message->data, message->len);
	pool->total++;
	finish_test(pool, slot, index, status, 0);
}

/* ---- driving a worker ---- */

static int64_t test_deadline(struct pool *pool, size_t index, int64_t start)
{
	int ms = pool->list->tests[index].timeout_ms;
	double seconds = ms > 0 ? ms / 1000.0 : pool->config->timeout;

	return seconds > 0 ? start + (int64_t)(seconds * 1e6) : 0;
}

static bool uses_server(const struct pool *pool, size_t program)
{
	const struct pt__program *prog = &pool->list->programs[program];

	return prog->forkable && prog->start != PT__START_SPAWN &&
	       pool->servers[program].state != PT__SERVER_REFUSED;
}

/* Asks an idle worker to end: the end of its input makes it tear down and exit. */
static void retire_slot(struct pool *pool, struct slot *slot)
{
	slot->state = SLOT_RETIRING;
	pt__worker_close_input(&slot->worker, false);
	/* Global tear-downs get a generous while before they are cut short. */
	slot->worker.kill_at_us = pt__now_us() + grace_us(pool) + 10000000;
	slot->worker.kill_stage = 0;
}

/* Sends "run" commands up to the window, and "end" after the last test. */
static void send_tests(struct pool *pool, struct slot *slot)
{
	size_t window = pool->config->failfast ? 1 : SIZE_MAX;

	if (pool->stop_starting && slot->sent == slot->next && slot->next < slot->work.nr_tests) {
		/* --failfast tripped: what this worker has not started never will. */
		mark_not_run(pool, &slot->work, slot->next, why_not_run(pool));
		free(slot->work.tests);
		slot->has_work = false;
		retire_slot(pool, slot);
		return;
	}
	while (!pool->stop_starting && slot->sent < slot->work.nr_tests &&
	       slot->sent - slot->next < window) {
		size_t index = slot->work.tests[slot->sent++];
		const struct pt__test *test = &pool->list->tests[index];
		pt__worker_send(&slot->worker, &(struct pt__command){.type = PT__COMMAND_RUN,
								     .seq = index,
								     .suite = test->suite,
								     .name = test->name});
	}
	if (slot->sent == slot->work.nr_tests && !slot->end_sent) {
		pt__worker_send(&slot->worker, &(struct pt__command){.type = PT__COMMAND_END});
		slot->end_sent = true;
	}
}

static void begin_work(struct pool *pool, struct slot *slot)
{
	slot->state = SLOT_BUSY;
	slot->started = true;
	slot->test_started_us = pt__now_us();
	slot->deadline_us = test_deadline(pool, slot->work.tests[0], slot->test_started_us);
	if (slot->worker.native)
		send_tests(pool, slot);
}

/* A worker whose process exists says hello within the protocol's limit. */
static void expect_hello(struct slot *slot)
{
	slot->hello_by_us =
		slot->worker.pid > 0 ? pt__now_us() + (int64_t)PT__PROTOCOL_HELLO_MS * 1000 : 0;
}

/* Starts the slot's worker for program (its fork server too, if need be). */
static int start_process(struct pool *pool, struct slot *slot, size_t program,
			 struct pt__buf *err)
{
	const struct pt__program *prog = &pool->list->programs[program];
	bool native = prog->kind == PT__PROGRAM_NATIVE;
	struct pt__fork_server *server = native && uses_server(pool, program)
						 ? &pool->servers[program]
						 : NULL;
	struct pt__worker_options options = {
		.path = prog->path,
		.env = (native ? pool->config->native_envs
			       : pool->config->exec_envs)[slot->worker.number - 1],
		.native = native,
		.server = server,
		.capture_dir = pool->config->capture_dir,
		.no_capture = native && pool->config->no_capture,
	};
	int rc;

	if (server && server->state == PT__SERVER_NONE &&
	    (rc = pt__fork_server_start(server, prog->path, pool->config->server_env,
					pool->config->capture_dir, pt__now_us()))) {
		pt__buf_adds(err, strerror(-rc));
		return PT__ERUN;
	}
	slot->program = program;
	pt__buf_reset(&slot->stop_reason);
	if ((rc = pt__worker_start(&slot->worker, &options, err)))
		return rc;
	if (native) {
		slot->state = SLOT_STARTING;
		/* The init phase gets the run's --timeout too. */
		slot->deadline_us = pool->config->timeout > 0
					    ? pt__now_us() + (int64_t)(pool->config->timeout * 1e6)
					    : 0;
		expect_hello(slot);
		pt__worker_send(&slot->worker, &(struct pt__command){.type = PT__COMMAND_INIT});
	}
	return 0;
}

/*
 * Stops the slot's worker: the running test gets status and reason, the
 * tests after it go back to the queue (or are not run, when interrupted).
 * grace_first gives the process time to exit by itself before SIGTERM.
 */
static void stop_slot(struct pool *pool, struct slot *slot, enum pt__status status,
		      bool grace_first, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void stop_slot(struct pool *pool, struct slot *slot, enum pt__status status,
		      bool grace_first, const char *fmt, ...)
{
	va_list ap;

	if (slot->state == SLOT_STOPPING)
		return;
	slot->state = SLOT_STOPPING;
	slot->stop_status = status;
	pt__buf_reset(&slot->stop_reason);
	va_start(ap, fmt);
	pt__buf_vaddf(&slot->stop_reason, fmt, ap);
	va_end(ap);
	slot->deadline_us = slot->hello_by_us = 0;
	pt__worker_stop(&slot->worker, grace_first, grace_us(pool));
}

static void describe_slot(const struct slot *slot, struct pt__buf *out)
{
	pt__buf_addf(out, "worker %d (pid %ld)", slot->worker.number, (long)slot->worker.pid);
}

/* ---- events from a worker ---- */

/* Handles one event. Returns 0, or -1 when it broke the protocol (why says how). */
static int handle_event(struct pool *pool, struct slot *slot, const struct pt__event *event,
			struct pt__buf *why)
{
	if (event->type == PT__EVENT_HELLO) {
		if (event->version != PT__PROTOCOL_VERSION) {
			pt__buf_addf(why, "speaks protocol version %d, not %d", event->version,
				     PT__PROTOCOL_VERSION);
			return -1;
		}
		slot->hello_by_us = 0;
		return 0;
	}
	if (event->type == PT__EVENT_READY && slot->state == SLOT_STARTING) {
		begin_work(pool, slot);
		return 0;
	}
	if (event->type == PT__EVENT_INIT_FAILED && slot->state == SLOT_STARTING) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "global set-up failed on worker %d: ", slot->worker.number);
		pt__buf_add(&message, event->payload, event->payload_len);
		break_program(pool, slot, slot->program, message.data);
		pt__buf_release(&message);
		retire_slot(pool, slot);
		return 0;
	}
	if (event->type == PT__EVENT_RESULT && slot->state == SLOT_BUSY && slot->next < slot->sent) {
		size_t index = slot->work.tests[slot->next];
		if (event->seq != index) {
			pt__buf_addf(why, "sent a result for test %zu where %zu was running",
				     event->seq, index);
			return -1;
		}
		pt__worker_read_capture(&slot->worker, (off_t[2]){event->out_end, event->err_end});
		set_message(pool, index, "%.*s", (int)event->payload_len, event->payload);
		static const enum pt__status statuses[] = {
			[PT__WIRE_PASS] = PT__PASS, [PT__WIRE_FAIL] = PT__FAIL,
			[PT__WIRE_SKIP] = PT__SKIP, [PT__WIRE_LEAK] = PT__LEAK};
		finish_test(pool, slot, index, statuses[event->status], event->duration_us);
		slot->next++;
		slot->test_started_us = pt__now_us();
		slot->deadline_us = slot->next < slot->work.nr_tests
					    ? test_deadline(pool, slot->work.tests[slot->next],
							    slot->test_started_us)
					    : 0;
		send_tests(pool, slot);
		return 0;
	}
	if (event->type == PT__EVENT_ENDED && slot->state == SLOT_BUSY && slot->end_sent &&
	    slot->next == slot->work.nr_tests) {
		if (event->status != PT__WIRE_PASS) {
			const struct pt__test *last =
				&pool->list->tests[slot->work.tests[slot->work.nr_tests - 1]];
			struct pt__buf message = PT__BUF_INIT;
			pt__buf_add(&message, event->payload, event->payload_len);
			add_late_failure(pool, slot, slot->program, last->suite, "[suite-teardown]",
					 PT__FAIL, &message);
			pt__buf_release(&message);
		}
		free(slot->work.tests);
		slot->has_work = false;
		slot->deadline_us = 0;
		/* Under isolate a worker runs one test and goes. */
		if (pool->list->programs[slot->program].start == PT__START_ISOLATE)
			retire_slot(pool, slot);
		else
			slot->state = SLOT_IDLE;
		return 0;
	}
	pt__buf_addf(why, "sent \"%s\" out of turn", pt__protocol_event_name(event->type));
	return -1;
}

/* Reads and handles what the worker sent; notices the end of its events. */
static void read_events(struct pool *pool, struct slot *slot)
{
	struct pt__buf why = PT__BUF_INIT;
	struct pt__event event;
	int decoded;

	pt__worker_read_events(&slot->worker);
	while (slot->state != SLOT_STOPPING &&
	       (decoded = pt__worker_next_event(&slot->worker, &event, &why))) {
		if (decoded < 0 || handle_event(pool, slot, &event, &why)) {
			struct pt__buf who = PT__BUF_INIT;
			describe_slot(slot, &who);
			stop_slot(pool, slot, PT__CRASH, false, "%s broke the worker protocol: %s",
				  pt__buf_str(&who), pt__buf_str(&why));
			pt__buf_release(&who);
			break;
		}
	}
	/* Before its process exists (a fork on its way), an end of file only
	 * means the fork server let go of the descriptor. */
	if (slot->worker.events < 0 && slot->worker.pid > 0 && slot->state != SLOT_STOPPING &&
	    slot->state != SLOT_RETIRING && slot->state != SLOT_EMPTY) {
		struct pt__buf who = PT__BUF_INIT;
		describe_slot(slot, &who);
		stop_slot(pool, slot, PT__CRASH, true, "%s closed the protocol descriptor",
			  pt__buf_str(&who));
		pt__buf_release(&who);
	}
	pt__buf_release(&why);
}

/* ---- a worker process ended ---- */

static void echo_output(void *ctx, int fd, const char *data, size_t len)
{
	const struct pool *pool = ctx;

	if (pool->config->passthrough)
		pool->config->passthrough(pool->config->ctx, fd, data, len);
}

/* The running test's message when the worker died under it. */
static void describe_death(struct slot *slot, int status, struct pt__buf *out)
{
	describe_slot(slot, out);
	pt__buf_addc(out, ' ');
	pt__describe_wait_status(status, out);
	pt__buf_addf(out, " while running this test%s",
		     pt__worker_mid_frame(&slot->worker) ? ", in the middle of sending a frame" : "");
}

static void process_exited(struct pool *pool, struct slot *slot, int status)
{
	/* Whatever it reported before it ended counts. */
	if (slot->worker.native && slot->state != SLOT_STOPPING)
		read_events(pool, slot);
	bool leaked = pt__worker_exited(&slot->worker, echo_output, pool);
	struct pt__buf message = PT__BUF_INIT;
	bool running = slot->has_work && slot->started && slot->next < slot->work.nr_tests;
	size_t index = running ? slot->work.tests[slot->next] : 0;
	int64_t duration = pt__now_us() - slot->test_started_us;

	if (slot->state == SLOT_BUSY && !slot->worker.native) {
		pt__buf_reset(&pool->list->tests[index].result.message);
		enum pt__status verdict = pt__verdict_of_executable(
			status, slot->worker.out_buf.data, slot->worker.out_buf.len, leaked,
			&pool->list->tests[index].result.message);
		finish_test(pool, slot, index, verdict, duration);
		free(slot->work.tests);
		slot->has_work = false;
	} else if (slot->state == SLOT_STOPPING && running) {
		if (slot->stop_status == PT__NOT_RUN) {
			struct pt__result *result = &pool->list->tests[index].result;
			pt__worker_take_output(&slot->worker, &result->out, &result->err);
			set_message(pool, index, "%s", pt__buf_str(&slot->stop_reason));
			result->status = PT__NOT_RUN;
			result->worker = slot->worker.number;
		} else {
			if (slot->worker.kill_stage == 0) {
				/* It closed the protocol and then ended by itself: a crash like any other. */
				describe_death(slot, status, &message);
			} else {
				pt__buf_addf(&message, "%s; the worker then ",
					     pt__buf_str(&slot->stop_reason));
				pt__describe_wait_status(status, &message);
			}
			set_message(pool, index, "%s", message.data);
			finish_test(pool, slot, index, slot->stop_status, duration);
		}
		requeue_rest(pool, slot, slot->next + 1);
	} else if (slot->state == SLOT_BUSY && running) {
		describe_death(slot, status, &message);
		set_message(pool, index, "%s", message.data);
		finish_test(pool, slot, index, PT__CRASH, duration);
		requeue_rest(pool, slot, slot->next + 1);
	} else if (slot->state == SLOT_STARTING || (slot->state == SLOT_STOPPING && slot->has_work)) {
		describe_slot(slot, &message);
		pt__buf_addc(&message, ' ');
		if (slot->stop_reason.len)
			pt__buf_addf(&message, "%s; it then ", pt__buf_str(&slot->stop_reason));
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " during its init phase");
		if (pool->interrupting)
			requeue_rest(pool, slot, 0);
		else
			break_program(pool, slot, slot->program, message.data);
	} else if (slot->has_work) {
		requeue_rest(pool, slot, slot->next);
	} else if (slot->state == SLOT_RETIRING && slot->worker.native &&
		   !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		describe_slot(slot, &message);
		pt__buf_addc(&message, ' ');
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " after its last test");
		add_late_failure(pool, slot, slot->program, "[global]", "[teardown]",
				 WIFSIGNALED(status) ? PT__CRASH : PT__FAIL, &message);
	}
	pt__buf_release(&message);
	pt__worker_reset(&slot->worker);
	slot->state = SLOT_EMPTY;
	slot->deadline_us = slot->hello_by_us = 0;
}

/* ---- fork servers ---- */

static void note(struct pool *pool, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct pool *pool, const char *fmt, ...)
{
	struct pt__buf line = PT__BUF_INIT;
	va_list ap;

	if (!pool->config->note)
		return;
	va_start(ap, fmt);
	pt__buf_vaddf(&line, fmt, ap);
	va_end(ap);
	pool->config->note(pool->config->ctx, line.data);
	pt__buf_release(&line);
}

/* A slot whose process never came: its work fails with message, or waits. */
static void abandon_slot(struct pool *pool, struct slot *slot, const char *message)
{
	if (slot->has_work) {
		if (pool->interrupting)
			requeue_rest(pool, slot, 0);
		else
			fail_work(pool, slot, message);
	}
	pt__worker_reset(&slot->worker);
	slot->state = SLOT_EMPTY;
	slot->deadline_us = slot->hello_by_us = 0;
}

/* Program's server cannot serve, for the reason given: nor can its slots. */
static void server_failed(struct pool *pool, size_t program, const char *why)
{
	struct pt__buf message = PT__BUF_INIT;

	pt__buf_addf(&message, "global set-up failed in the fork server: %s", why);
	break_program(pool, NULL, program, message.data);
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->program == program && !slot->worker.pid && slot->state != SLOT_EMPTY)
			abandon_slot(pool, slot, message.data);
	}
	pt__buf_release(&message);
}

static struct slot *slot_numbered(struct pool *pool, int number)
{
	return number >= 1 && number <= pool->config->workers ? &pool->slots[number - 1] : NULL;
}

/* Hands the slot's waiting fork to its server; a failure abandons the slot. */
static void ask_fork(struct pool *pool, struct slot *slot)
{
	struct pt__buf why = PT__BUF_INIT, message = PT__BUF_INIT;

	if (pt__worker_ask_fork(&slot->worker, &pool->servers[slot->program],
				pool->config->native_envs[slot->worker.number - 1], &why)) {
		pt__buf_addf(&message, "cannot ask the fork server for a worker: %s", why.data);
		abandon_slot(pool, slot, message.data);
	}
	pt__buf_release(&why);
	pt__buf_release(&message);
}

/* The server will not fork: the slot's worker, and every later one, is spawned. */
static void server_refused(struct pool *pool, size_t program, struct slot *slot,
			   const struct pt__event *event)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct pt__buf why = PT__BUF_INIT, message = PT__BUF_INIT;

	if (server->state != PT__SERVER_REFUSED) {
		server->state = PT__SERVER_REFUSED;
		note(pool, "%s: not forking workers from its server (%.*s); spawning them instead",
		     pool->list->programs[program].name, (int)event->payload_len, event->payload);
		pt__fork_server_stop(server);
	}
	if (!slot || slot->worker.pid || slot->state != SLOT_STARTING)
		return;
	pt__worker_reset(&slot->worker);
	if (start_process(pool, slot, program, &why)) {
		pt__buf_addf(&message, "cannot start \"%s\": %s", pool->list->programs[program].path,
			     why.data);
		abandon_slot(pool, slot, message.data);
	}
	pt__buf_release(&why);
	pt__buf_release(&message);
}

static void handle_server_event(struct pool *pool, size_t program, const struct pt__event *event)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct slot *slot = slot_numbered(pool, event->worker);

	switch (event->type) {
	case PT__EVENT_SERVING:
		server->state = PT__SERVER_SERVING;
		for (int i = 0; i < pool->config->workers; i++)
			if (pool->slots[i].program == program && pool->slots[i].worker.awaiting_fork)
				ask_fork(pool, &pool->slots[i]);
		break;
	case PT__EVENT_INIT_FAILED: {
		struct pt__buf why = PT__BUF_INIT;
		server->state = PT__SERVER_FAILED;
		pt__buf_add(&why, event->payload, event->payload_len);
		server_failed(pool, program, why.data);
		pt__buf_release(&why);
		pt__fork_server_stop(server);
		break;
	}
	case PT__EVENT_FORKED:
		if (!slot)
			break;
		slot->worker.pid = (pid_t)event->pid;
		slot->worker.forked = true;
		expect_hello(slot);
		/* Stopped (timed out, interrupted) before its pid was known: it
		 * goes at once. The worker's own events may well have come first:
		 * one retiring after its last test ends by itself. */
		if (slot->state == SLOT_STOPPING)
			pt__worker_signal(&slot->worker, SIGKILL);
		break;
	case PT__EVENT_FORK_REFUSED:
		server_refused(pool, program, slot, event);
		break;
	case PT__EVENT_EXITED:
		for (int i = 0; i < pool->config->workers; i++)
			if (pool->slots[i].worker.pid == (pid_t)event->pid)
				process_exited(pool, &pool->slots[i], event->wait_status);
		break;
	default:
		break;
	}
}

static void read_server_events(struct pool *pool, size_t program)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct pt__buf why = PT__BUF_INIT;
	struct pt__event event;
	int decoded;

	pt__fork_server_read(server);
	while ((decoded = pt__fork_server_next_event(server, &event, &why))) {
		if (decoded < 0) {
			note(pool, "%s: its fork server broke the protocol: %s",
			     pool->list->programs[program].name, why.data);
			kill(-server->pid, SIGKILL);
			pt__buf_reset(&server->received);
			server->decoded = 0;
			break;
		}
		handle_server_event(pool, program, &event);
	}
	pt__buf_release(&why);
}

/* The server process ended. */
static void server_exited(struct pool *pool, size_t program, int status)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct pt__buf how = PT__BUF_INIT, message = PT__BUF_INIT;

	read_server_events(pool, program);
	/* Its workers died with it; no word of them will come from it any more. */
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->program == program && slot->worker.forked && slot->worker.pid > 0) {
			pt__worker_signal(&slot->worker, SIGKILL);
			process_exited(pool, slot, SIGKILL);
		}
	}
	pt__describe_wait_status(status, &how);
	if (server->state == PT__SERVER_STARTING) {
		pt__buf_addf(&message, "the server %s during it", how.data);
		if (server->why.len)
			pt__buf_addf(&message, " (%s)", server->why.data);
		server_failed(pool, program, message.data);
	} else if (server->state == PT__SERVER_SERVING && pool->stopping_servers &&
		   !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		size_t index = pt__test_list_add_test(pool->list, program, "[global]", "[teardown]", 0);
		struct pt__result *result = &pool->list->tests[index].result;
		char chunk[4096];
		ssize_t n;
		pt__buf_addf(&result->message, "the fork server %s after the last test", how.data);
		for (off_t at = 0; (n = pread(server->output, chunk, sizeof(chunk), at)) > 0; at += n)
			pt__buf_add(&result->err, chunk, (size_t)n);
		pool->total++;
		finish_test(pool, NULL, index, WIFSIGNALED(status) ? PT__CRASH : PT__FAIL, 0);
	} else if (server->state == PT__SERVER_SERVING && !pool->stopping_servers) {
		/* Died under its workers: they die with it; a new one is started on demand. */
		note(pool, "%s: its fork server %s; starting a new one",
		     pool->list->programs[program].name, how.data);
		for (int i = 0; i < pool->config->workers; i++) {
			struct slot *slot = &pool->slots[i];
			if (slot->program != program || slot->worker.pid || slot->state == SLOT_EMPTY)
				continue;
			requeue_rest(pool, slot, 0);
			abandon_slot(pool, slot, "");
		}
	}
	pt__buf_release(&how);
	pt__buf_release(&message);
	enum pt__fork_server_state state = server->state;
	pt__fork_server_release(server);
	*server = (struct pt__fork_server)PT__FORK_SERVER_INIT;
	if (state == PT__SERVER_FAILED || state == PT__SERVER_REFUSED)
		server->state = state;
	else if (state == PT__SERVER_STARTING)
		server->state = PT__SERVER_FAILED;
}

static bool servers_running(const struct pool *pool)
{
	for (size_t p = 0; p < pool->list->nr_programs; p++)
		if (pool->servers[p].pid > 0)
			return true;
	return false;
}

/* Asks every server to tear down and exit: no more work is coming. */
static void stop_servers(struct pool *pool)
{
	if (pool->stopping_servers)
		return;
	pool->stopping_servers = true;
	for (size_t p = 0; p < pool->list->nr_programs; p++)
		pt__fork_server_stop(&pool->servers[p]);
}

/*
 * Reaps every child that ended: the slots' processes, the servers, and the
 * orphans of tests that the runner, as their subreaper, inherited.
 */
static void reap(struct pool *pool)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (int i = 0; i < pool->config->workers; i++)
			if (pool->slots[i].worker.pid == pid && !pool->slots[i].worker.forked)
				process_exited(pool, &pool->slots[i], status);
		for (size_t p = 0; p < pool->list->nr_programs; p++)
			if (pool->servers[p].pid == pid)
				server_exited(pool, p, status);
	}
}

/* ---- handing out work ---- */

static void start_work(struct pool *pool, struct slot *slot, struct pt__work work)
{
	struct pt__buf why = PT__BUF_INIT, message = PT__BUF_INIT;

	slot->work = work;
	slot->has_work = true;
	slot->started = false;
	slot->sent = slot->next = 0;
	slot->end_sent = false;
	if (pool->broken[work.program].len) {
		fail_work(pool, slot, pool->broken[work.program].data);
	} else if (slot->state == SLOT_IDLE) {
		begin_work(pool, slot);
	} else if (start_process(pool, slot, work.program, &why)) {
		pt__buf_addf(&message, "cannot start \"%s\": %s",
			     pool->list->programs[work.program].path, why.data);
		fail_work(pool, slot, message.data);
	} else if (slot->worker.native) {
		/* A worker that runs one group and goes gets all of it at once,
		 * saving the round trips; under --failfast tests go one by one. */
		if (pool->list->programs[work.program].start == PT__START_ISOLATE &&
		    !pool->config->failfast) {
			send_tests(pool, slot);
			pt__worker_close_input(&slot->worker, true);
		}
	} else {
		slot->state = SLOT_BUSY;
		slot->started = true;
		slot->test_started_us = pt__now_us();
		slot->deadline_us = test_deadline(pool, work.tests[0], slot->test_started_us);
	}
	pt__buf_release(&why);
	pt__buf_release(&message);
}

static void assign_work(struct pool *pool)
{
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		const struct pt__work *next = pt__queue_peek(&pool->queue);
		struct pt__work work;
		if (slot->state != SLOT_EMPTY && slot->state != SLOT_IDLE)
			continue;
		/* Nothing left, or the next work is another program's: an idle
		 * worker makes way for a fresh one. */
		if (pool->stop_starting || !next) {
			if (slot->state == SLOT_IDLE)
				retire_slot(pool, slot);
			continue;
		}
		if (slot->state == SLOT_IDLE && next->program != slot->program) {
			retire_slot(pool, slot);
			continue;
		}
		pt__queue_pop(&pool->queue, &work);
		start_work(pool, slot, work);
	}
}

/* ---- deadlines and signals ---- */

static void check_deadlines(struct pool *pool)
{
	int64_t now = pt__now_us();

	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		bool due = slot->deadline_us && now >= slot->deadline_us;
		if (slot->state == SLOT_STARTING && due && !slot->worker.pid) {
			/* Still waiting for its fork server's global set-up. */
			struct pt__fork_server *server = &pool->servers[slot->program];
			if (server->pid > 0 && !server->why.len) {
				pt__buf_addf(&server->why, "it took longer than --timeout %.3g s",
					     pool->config->timeout);
				kill(-server->pid, SIGKILL);
			}
			slot->deadline_us = 0;
		} else if (slot->state == SLOT_STARTING && due) {
			stop_slot(pool, slot, PT__CRASH, false,
				  "did not finish its init phase within %.3g s",
				  pool->config->timeout);
		} else if (slot->state == SLOT_STARTING && slot->hello_by_us &&
			   now >= slot->hello_by_us) {
			stop_slot(pool, slot, PT__CRASH, false, "did not say hello within %d s",
				  PT__PROTOCOL_HELLO_MS / 1000);
		} else if (slot->state == SLOT_BUSY && due) {
			double limit = (slot->deadline_us - slot->test_started_us) / 1e6;
			stop_slot(pool, slot, PT__TIMEOUT, false,
				  "timed out after %.3g s; its worker's process group got SIGTERM",
				  limit);
		}
		if (pt__worker_escalate(&slot->worker, now, grace_us(pool)) &&
		    slot->state == SLOT_STOPPING)
			pt__buf_adds(&slot->stop_reason, ", then SIGKILL");
	}
}

static void interrupt(struct pool *pool)
{
	if (!pool->interrupting) {
		pool->interrupting = true;
		pool->stop_starting = true;
		pool->stopping_servers = true;
		for (int i = 0; i < pool->config->workers; i++) {
			struct slot *slot = &pool->slots[i];
			if (slot->worker.pid > 0)
				stop_slot(pool, slot, PT__NOT_RUN, false, "interrupted");
			else if (slot->state != SLOT_EMPTY)
				abandon_slot(pool, slot, "interrupted");
		}
		for (size_t p = 0; p < pool->list->nr_programs; p++) {
			struct pt__fork_server *server = &pool->servers[p];
			if (server->state == PT__SERVER_STARTING)
				kill(-server->pid, SIGTERM);
			pt__fork_server_stop(server);
		}
	}
	if (pt__interrupts > 1) {
		/* A second Ctrl-C: no more waiting. */
		for (int i = 0; i < pool->config->workers; i++)
			pt__worker_signal(&pool->slots[i].worker, SIGKILL);
		for (size_t p = 0; p < pool->list->nr_programs; p++)
			if (pool->servers[p].pid > 0)
				kill(-pool->servers[p].pid, SIGKILL);
	}
}

static int poll_timeout(struct pool *pool)
{
	int64_t now = pt__now_us();
	int64_t wake = pool->config->progress ? now + PROGRESS_INTERVAL_US : INT64_MAX;

	for (int i = 0; i < pool->config->workers; i++) {
		const struct slot *slot = &pool->slots[i];
		int64_t times[] = {slot->state == SLOT_BUSY || slot->state == SLOT_STARTING
					   ? slot->deadline_us
					   : 0,
				   slot->state == SLOT_STARTING ? slot->hello_by_us : 0,
				   slot->worker.kill_at_us};
		for (size_t k = 0; k < 3; k++)
			if (times[k] && times[k] < wake)
				wake = times[k];
	}
	return wake == INT64_MAX ? -1 : wake <= now ? 0 : (int)((wake - now + 999) / 1000);
}

static bool all_empty(struct pool *pool)
{
	for (int i = 0; i < pool->config->workers; i++)
		if (pool->slots[i].state != SLOT_EMPTY)
			return false;
	return true;
}

/* ---- the loop ---- */

/* Where a descriptor polled this turn belongs. */
struct watched {
	struct slot *slot; /* NULL for a server */
	size_t program;	   /* the server's */
};

/* Fills fds with what to wait for this turn. Returns how many. */
static size_t watch(struct pool *pool, struct pollfd *fds, struct watched *owners)
{
	size_t n = 0;

	fds[n++] = (struct pollfd){pt__signals_fd(), POLLIN, 0};
	for (int i = 0; i < pool->config->workers; i++) {
		struct pt__worker *worker = &pool->slots[i].worker;
		int readable[] = {worker->events, worker->out, worker->err};
		for (size_t k = 0; k < 3; k++) {
			if (readable[k] < 0)
				continue;
			owners[n] = (struct watched){&pool->slots[i], 0};
			fds[n++] = (struct pollfd){readable[k], POLLIN, 0};
		}
		if (worker->commands >= 0 && worker->to_send.len) {
			owners[n] = (struct watched){&pool->slots[i], 0};
			fds[n++] = (struct pollfd){worker->commands, POLLOUT, 0};
		}
	}
	for (size_t p = 0; p < pool->list->nr_programs; p++) {
		if (pool->servers[p].events < 0)
			continue;
		owners[n] = (struct watched){NULL, p};
		fds[n++] = (struct pollfd){pool->servers[p].events, POLLIN, 0};
	}
	return n;
}

/* Handles what a descriptor of a slot's worker is ready for. */
static void serve_descriptor(struct pool *pool, struct slot *slot, int fd)
{
	struct pt__worker *worker = &slot->worker;

	if (fd == worker->events)
		read_events(pool, slot);
	else if (fd == worker->out || fd == worker->err)
		pt__worker_drain_output(worker, echo_output, pool);
	else if (fd == worker->commands)
		pt__worker_flush(worker);
}

/* Kills what tests left running outside their process groups, and says so. */
static void kill_orphans(struct pool *pool)
{
	struct pt__children none = {NULL, 0, 0};
	struct pt__buf orphans = PT__BUF_INIT;

	/* Orphans of process groups that were just signalled are still dying. */
	for (int wait = 0; wait < 20 && pt__leaks_any_child(); wait++)
		pt__sleep_ms(10);
	if (pt__leaks_kill_new(&none, &orphans))
		note(pool, "killed processes that tests left running outside their process groups: %s",
		     orphans.data);
	pt__buf_release(&orphans);
}

static void pool_init(struct pool *pool, struct pt__test_list *list, const struct pt__plan *plan,
		      const struct pt__pool_config *config)
{
	pool->list = list;
	pool->config = config;
	pool->total = list->nr_tests;
	pool->slots = pt__xcalloc((size_t)config->workers, sizeof(*pool->slots));
	for (int i = 0; i < config->workers; i++)
		pt__worker_init(&pool->slots[i].worker, i + 1);
	pool->broken = pt__xcalloc(list->nr_programs, sizeof(*pool->broken));
	pool->servers = pt__xcalloc(list->nr_programs, sizeof(*pool->servers));
	for (size_t p = 0; p < list->nr_programs; p++)
		pool->servers[p] = (struct pt__fork_server)PT__FORK_SERVER_INIT;
	for (size_t g = 0; g < plan->nr_groups; g++) {
		const struct pt__group *group = &plan->groups[g];
		/* Under isolate every test is a group of its own. */
		bool isolate = list->programs[group->program].start == PT__START_ISOLATE;
		size_t per_work = isolate ? 1 : group->nr_tests;
		for (size_t t = 0; t < group->nr_tests; t += per_work) {
			struct pt__work whole = {group->program, group->tests + t, per_work};
			pt__queue_push_back(&pool->queue, pt__work_tail(&whole, 0));
		}
	}
}

static void pool_release(struct pool *pool)
{
	struct pt__work rest;

	while (pt__queue_pop(&pool->queue, &rest)) {
		mark_not_run(pool, &rest, 0, why_not_run(pool));
		free(rest.tests);
	}
	pt__queue_release(&pool->queue);
	for (int i = 0; i < pool->config->workers; i++) {
		pt__worker_release(&pool->slots[i].worker);
		pt__buf_release(&pool->slots[i].stop_reason);
	}
	for (size_t p = 0; p < pool->list->nr_programs; p++) {
		pt__fork_server_release(&pool->servers[p]);
		pt__buf_release(&pool->broken[p]);
	}
	free(pool->servers);
	free(pool->broken);
	free(pool->slots);
}

int pt__pool_run(struct pt__test_list *list, const struct pt__plan *plan,
		 const struct pt__pool_config *config)
{
	struct pool pool = {0};
	size_t max_fds = 1 + (size_t)config->workers * 4 + list->nr_programs;
	struct pollfd *fds = pt__xcalloc(max_fds, sizeof(*fds));
	struct watched *owners = pt__xcalloc(max_fds, sizeof(*owners));

	pool_init(&pool, list, plan, config);
	/* Processes that escape their test's process group still end up ours. */
	pt__leaks_adopt_orphans();
	for (;;) {
		if (pt__interrupts)
			interrupt(&pool);
		assign_work(&pool);
		if (all_empty(&pool) && (!pool.queue.len || pool.stop_starting)) {
			if (!servers_running(&pool))
				break;
			stop_servers(&pool);
		}
		size_t n = watch(&pool, fds, owners);
		if (poll(fds, n, poll_timeout(&pool)) < 0 && errno != EINTR)
			break;
		/* Children are reaped when SIGCHLD said so, not on every event. */
		bool signalled = fds[0].revents != 0;
		if (signalled)
			pt__signals_drain();
		for (size_t i = 1; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (owners[i].slot)
				serve_descriptor(&pool, owners[i].slot, fds[i].fd);
			else
				read_server_events(&pool, owners[i].program);
		}
		if (signalled)
			reap(&pool);
		check_deadlines(&pool);
		report_progress(&pool, false);
	}
	kill_orphans(&pool);
	int rc = pool.interrupting ? 130 : 0;
	pool_release(&pool);
	free(fds);
	free(owners);
	return rc;
}
