#include "slot.h"

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "clock.h"
#include "error.h"
#include "spawn.h"
#include "verdict.h"
#include "xalloc.h"

#define ATTEMPT_VAR "PARTEST_ATTEMPT"

static int64_t grace_us(const struct pt__slot_context *ctx)
{
	return (int64_t)(ctx->config->kill_grace * 1e6);
}

bool pt__slot_context_stopping(const struct pt__slot_context *ctx)
{
	return ctx->interrupting || ctx->results.failfast_tripped;
}

static bool *unfit_flag(const struct pt__slot_context *ctx, size_t program, int number)
{
	return &ctx->unfit[program * (size_t)ctx->config->workers + (size_t)(number - 1)];
}

bool pt__slot_fits(const struct pt__slot_context *ctx, const struct pt__slot *slot, size_t program)
{
	return ctx->broken[program].len || !*unfit_flag(ctx, program, slot->worker.number);
}

/* ---- fresh clones (--fresh-db test|group) ---- */

static bool fresh_scope(const struct pt__slot_context *ctx, enum pt__fresh_db_scope scope)
{
	return ctx->config->fresh && ctx->config->fresh->scope == scope;
}

/* Takes a ready clone unless the slot holds one (or there is no pool). False: none is ready. */
static bool hold_clone(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	int k;

	if (!ctx->config->fresh || slot->has_clone)
		return true;
	if ((k = pt__fresh_db_take(ctx->config->fresh)) < 0)
		return false;
	slot->clone = k;
	slot->has_clone = true;
	return true;
}

/* Gives the slot's clone back: used, to be made anew; unused, ready again. */
static void give_back_clone(struct pt__slot_context *ctx, struct pt__slot *slot, bool used)
{
	if (!slot->has_clone)
		return;
	pt__fresh_db_give_back(ctx->config->fresh, slot->clone, used);
	slot->has_clone = false;
}

void pt__slot_init(struct pt__slot *slot, int number)
{
	memset(slot, 0, sizeof(*slot));
	pt__worker_init(&slot->worker, number);
}

static void describe_slot(const struct pt__slot *slot, struct pt__buf *out)
{
	pt__buf_addf(out, "worker %d (pid %ld)", slot->worker.number, (long)slot->worker.pid);
}

/*
 * Why the slot's worker was stopped. A reason about the worker itself (a
 * crash status: it broke the protocol, it did not start in time) names the
 * worker, once.
 */
static void describe_stop(const struct pt__slot *slot, struct pt__buf *out)
{
	if (slot->stop_status == PT__CRASH) {
		describe_slot(slot, out);
		pt__buf_addc(out, ' ');
	}
	pt__buf_adds(out, pt__buf_str(&slot->stop_reason));
}

/* ---- the slot's work ---- */

static const char *why_not_run(const struct pt__slot_context *ctx)
{
	return ctx->interrupting ? "interrupted" : ctx->results.stop_reason;
}

static void drop_work(struct pt__slot *slot)
{
	free(slot->work.tests);
	slot->has_work = false;
}

/* Test index ended: its output and its worker go with it. */
static void finish_test(struct pt__slot_context *ctx, struct pt__slot *slot, size_t index,
			enum pt__status status, int64_t duration_us)
{
	struct pt__result *result = &ctx->list->tests[index].result;

	pt__worker_take_output(&slot->worker, &result->out, &result->err, &result->written);
	pt__results_finish(&ctx->results, index, status, slot->worker.number, duration_us);
}

/* Whether test index may run again after its current attempt: its own .retries, else --retries. */
static bool retries_left(const struct pt__slot_context *ctx, size_t index)
{
	const struct pt__test *test = &ctx->list->tests[index];
	int own = test->attributes.retries;
	int retries = own > 0 ? own : own < 0 ? 0 : ctx->config->retries;

	return test->result.nr_retried < (size_t)retries;
}

/*
 * Whether test index, whose attempt ended with status, runs again: it
 * failed, crashed or timed out (a leak or a hard error is no chance
 * outcome), it has retries left (its own .retries, else --retries), and the
 * run goes on.
 */
static bool retry_due(const struct pt__slot_context *ctx, size_t index, enum pt__status status)
{
	return (status == PT__FAIL || status == PT__CRASH || status == PT__TIMEOUT) &&
	       retries_left(ctx, index) && !pt__slot_context_stopping(ctx);
}

void pt__slot_context_lose(struct pt__slot_context *ctx, const char *why)
{
	if (!ctx->lost.len)
		pt__buf_adds(&ctx->lost, why);
	if (!ctx->results.failfast_tripped) {
		ctx->results.failfast_tripped = true;
		ctx->results.stop_reason = "not run: the run stopped after a worker was lost";
	}
}

/*
 * Gives the slot, whose process is gone, fresh clones and TMPDIR: keeps
 * them for kept_test first when keeping. Returns 0, or PT__ERUN having
 * stopped the run with the callback's line.
 */
static int renew(struct pt__slot_context *ctx, struct pt__slot *slot, bool keeping,
		 size_t kept_test)
{
	const struct pt__pool_config *config = ctx->config;
	struct pt__buf err = PT__BUF_INIT;
	int rc = 0;

	if (keeping && config->keep_slot) {
		rc = config->keep_slot(config->ctx, slot->worker.number,
				       slot->has_clone ? slot->clone + 1 : slot->worker.number,
				       ctx->list, kept_test, &err);
		/* The test's clones were kept and made anew: ready for another. */
		give_back_clone(ctx, slot, rc != 0);
	} else if (config->renew_slot)
		rc = config->renew_slot(config->ctx, slot->worker.number, &err);
	slot->renew = false;
	if (rc) {
		if (!err.len)
			pt__buf_addf(&err, "cannot renew worker %d's databases and TMPDIR",
				     slot->worker.number);
		pt__slot_context_lose(ctx, err.data);
		rc = PT__ERUN;
	}
	pt__buf_release(&err);
	return rc;
}

/* Under --keep-failed, test index failed for good: its slot is kept once its process is gone. */
static bool keep_due(const struct pt__slot_context *ctx, size_t index)
{
	return ctx->config->keep_slot && pt__status_failed(ctx->list->tests[index].result.status);
}

static void fail_work(struct pt__slot_context *ctx, struct pt__slot *slot, const char *message)
{
	pt__results_fail_work(&ctx->results, &slot->work, message);
	drop_work(slot);
}

/* The program cannot run, for this reason: the slot's work, and all to come, fail. */
static void break_program(struct pt__slot_context *ctx, struct pt__slot *slot, const char *why)
{
	pt__buf_reset(&ctx->broken[slot->program]);
	pt__buf_adds(&ctx->broken[slot->program], why);
	if (slot->has_work)
		fail_work(ctx, slot, why);
}

/* The tests from `from` on go back to the front of the queue, or are not
 * run when the run is stopping; the slot lets go of its work. */
static void requeue_from(struct pt__slot_context *ctx, struct pt__slot *slot, size_t from)
{
	if (!slot->has_work)
		return;
	if (from < slot->work.nr_tests) {
		if (pt__slot_context_stopping(ctx))
			pt__results_not_run(&ctx->results, &slot->work, from, why_not_run(ctx));
		else
			pt__queue_push_front(&ctx->queue, pt__work_tail(&slot->work, from));
	}
	drop_work(slot);
}

void pt__slot_requeue(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	requeue_from(ctx, slot, slot->next);
}

/* A failed tear-down, or a worker that ended badly after its last test,
 * is reported as a failed test of its own. */
static void add_late_failure(struct pt__slot_context *ctx, struct pt__slot *slot, const char *suite,
			     const char *name, enum pt__status status, const char *message,
			     size_t len)
{
	size_t index = pt__results_add(&ctx->results, slot->program, suite, name, message, len);

	finish_test(ctx, slot, index, status, 0);
}

/*
 * The init phase failed on the slot's worker (status: FAIL when it said
 * so, CRASH when it died or did not start in time), as message says. That
 * is reported once, as a failed test of its own; the worker runs none of
 * the program's tests from then on and its work goes back to the queue for
 * the other workers. When it failed on every worker, the program is broken
 * and its tests fail with the last reason.
 */
static void init_failed(struct pt__slot_context *ctx, struct pt__slot *slot, enum pt__status status,
			const char *message)
{
	bool everywhere = true;

	/* A worker that died in its init phase may have written to its clones. */
	slot->renew = slot->renew || status == PT__CRASH;
	*unfit_flag(ctx, slot->program, slot->worker.number) = true;
	add_late_failure(ctx, slot, "[global]", "[init]", status, message, strlen(message));
	for (int number = 1; number <= ctx->config->workers; number++)
		everywhere = everywhere && *unfit_flag(ctx, slot->program, number);
	if (everywhere) {
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "no worker could run it: %s", message);
		break_program(ctx, slot, why.data);
		pt__buf_release(&why);
	}
	requeue_from(ctx, slot, slot->next);
}

/* ---- driving the worker ---- */

/* The slot's process is gone: so are its clones, to be made anew. */
static void empty(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	pt__worker_reset(&slot->worker);
	slot->state = PT__SLOT_EMPTY;
	slot->deadline_us = slot->hello_by_us = 0;
	slot->awaiting_clone = false;
	give_back_clone(ctx, slot, true);
}

/* The slot's next test starts now, as far as the runner can tell; none
 * does once the run is stopping. */
static void test_starts(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	slot->test_started_us = pt__now_us();
	if (ctx->config->test_start && slot->next < slot->work.nr_tests &&
	    !pt__slot_context_stopping(ctx))
		ctx->config->test_start(ctx->config->ctx, ctx->list, slot->work.tests[slot->next],
					slot->worker.number);
}

static int64_t test_deadline(const struct pt__slot_context *ctx, size_t index, int64_t start)
{
	int ms = ctx->list->tests[index].timeout_ms;
	double seconds = ms > 0 ? ms / 1000.0 : ctx->config->timeout;

	return seconds > 0 ? start + (int64_t)(seconds * 1e6) : 0;
}

void pt__slot_retire(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	slot->state = PT__SLOT_RETIRING;
	/* Global tear-downs get a generous while before they are cut short. */
	pt__worker_stop(&slot->worker, true, grace_us(ctx) + PT__TEARDOWN_LIMIT_US);
}

/* Sends "run" commands up to the window, and "end" after the last test. */
static void send_tests(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	size_t window = ctx->config->failfast || fresh_scope(ctx, PT__FRESH_DB_TEST) ? 1 : SIZE_MAX;

	if (pt__slot_context_stopping(ctx) && slot->sent == slot->next &&
	    slot->next < slot->work.nr_tests) {
		/* --failfast tripped: what this worker has not started never will. */
		pt__results_not_run(&ctx->results, &slot->work, slot->next, why_not_run(ctx));
		drop_work(slot);
		pt__slot_retire(ctx, slot);
		return;
	}
	/* Nothing is sent past a test that may be retried before its result:
	 * a process stopped for a retry has run nothing after it. */
	while (!pt__slot_context_stopping(ctx) && slot->sent < slot->work.nr_tests &&
	       slot->sent - slot->next < window &&
	       !(slot->sent > slot->next && retries_left(ctx, slot->work.tests[slot->sent - 1]))) {
		size_t index = slot->work.tests[slot->sent++];
		const struct pt__test *test = &ctx->list->tests[index];
		if (slot->has_clone && slot->env_clone != slot->clone + 1) {
			const struct pt__buf *env =
				pt__fresh_db_env(ctx->config->fresh, slot->clone);
			pt__worker_queue(&slot->worker,
					 &(struct pt__command){.type = PT__COMMAND_ENV,
							       .payload = env->data,
							       .payload_len = env->len});
			slot->env_clone = slot->clone + 1;
		}
		pt__worker_queue(
			&slot->worker,
			&(struct pt__command){.type = PT__COMMAND_RUN,
					      .seq = index,
					      .suite = test->suite,
					      .name = test->name,
					      .attempt = (int)test->result.nr_retried + 1});
	}
	if (slot->sent == slot->work.nr_tests && !slot->end_sent) {
		pt__worker_queue(&slot->worker, &(struct pt__command){.type = PT__COMMAND_END});
		slot->end_sent = true;
	}
	pt__worker_flush(&slot->worker);
}

static void begin_work(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	slot->state = PT__SLOT_BUSY;
	slot->started = true;
	test_starts(ctx, slot);
	slot->deadline_us = test_deadline(ctx, slot->work.tests[0], slot->test_started_us);
	if (slot->worker.native)
		send_tests(ctx, slot);
}

/* A worker whose process exists says hello within the protocol's limit. */
static void expect_hello(struct pt__slot *slot)
{
	slot->hello_by_us =
		slot->worker.pid > 0 ? pt__now_us() + (int64_t)PT__PROTOCOL_HELLO_MS * 1000 : 0;
}

static bool uses_server(const struct pt__slot_context *ctx, size_t program)
{
	const struct pt__program *prog = &ctx->list->programs[program];

	return prog->kind == PT__PROGRAM_NATIVE && prog->forkable &&
	       prog->start != PT__START_SPAWN && ctx->servers[program].state != PT__SERVER_REFUSED;
}

/* Whether the variable var ("NAME=value") sets a NAME one of vars[0..nr) sets. */
static bool names_one_of(const char *var, char *const *vars, size_t nr)
{
	size_t len = strcspn(var, "=") + 1;

	for (size_t i = 0; i < nr; i++)
		if (!strncmp(var, vars[i], len))
			return true;
	return false;
}

/*
 * The slot's next process's environment: the config's for its kind, with
 * PARTEST_ATTEMPT the attempt of its work's first test (a retry runs alone):
 * an executable's, and an adapter's for the test it runs. A worker sets it
 * for each test from its run frame. Under fresh, the URLs of the clones
 * the slot holds replace the slot's own.
 */
static void build_env(const struct pt__slot_context *ctx, struct pt__slot *slot, bool native,
		      bool adapter)
{
	char *const *base = (native ? ctx->config->native_envs
				    : ctx->config->exec_envs)[slot->worker.number - 1];
	size_t nr = 0, kept = 0;
	size_t attempt =
		slot->has_work ? ctx->list->tests[slot->work.tests[0]].result.nr_retried + 1 : 1;

	char *const *clone_vars =
		slot->has_clone ? pt__fresh_db_vars(ctx->config->fresh, slot->clone) : NULL;
	size_t nr_clone_vars = 0;

	while (base && base[nr])
		nr++;
	while (clone_vars && clone_vars[nr_clone_vars])
		nr_clone_vars++;
	free(slot->env);
	slot->env = pt__xcalloc(nr + nr_clone_vars + 2, sizeof(*slot->env));
	for (size_t i = 0; i < nr; i++)
		if (strncmp(base[i], ATTEMPT_VAR "=", sizeof(ATTEMPT_VAR)) &&
		    !names_one_of(base[i], clone_vars, nr_clone_vars))
			slot->env[kept++] = base[i];
	for (size_t i = 0; i < nr_clone_vars; i++)
		slot->env[kept++] = clone_vars[i];
	slot->env_clone = slot->has_clone ? slot->clone + 1 : 0;
	slot->for_retry = attempt > 1 && adapter;
	snprintf(slot->attempt_var, sizeof(slot->attempt_var), ATTEMPT_VAR "=%zu", attempt);
	slot->env[kept] = slot->attempt_var;
}

/* Starts the worker for program (its fork server too, if need be). */
static int start_process(struct pt__slot_context *ctx, struct pt__slot *slot, size_t program,
			 struct pt__buf *err)
{
	const struct pt__program *prog = &ctx->list->programs[program];
	bool native = prog->kind == PT__PROGRAM_NATIVE;
	struct pt__fork_server *server = uses_server(ctx, program) ? &ctx->servers[program] : NULL;
	struct pt__worker_options options = {
		.path = prog->path,
		.argv = prog->argv,
		.args = prog->args,
		.env = (build_env(ctx, slot, native, prog->adapter), slot->env),
		.native = native,
		.server = server,
		.capture_dir = ctx->config->capture_dir,
		.no_capture = native && ctx->config->no_capture,
	};
	int rc;

	if (server && server->state == PT__SERVER_NONE &&
	    (rc = pt__fork_server_start(server, prog->path, prog->args, ctx->config->server_env,
					ctx->config->capture_dir, pt__now_us(), err)))
		return rc;
	slot->program = program;
	pt__buf_reset(&slot->stop_reason);
	if ((rc = pt__worker_start(&slot->worker, &options, err)))
		return rc;
	if (native) {
		slot->state = PT__SLOT_STARTING;
		/* The init phase gets the run's --timeout too. */
		slot->deadline_us = ctx->config->timeout > 0
					    ? pt__now_us() + (int64_t)(ctx->config->timeout * 1e6)
					    : 0;
		expect_hello(slot);
		pt__worker_queue(&slot->worker, &(struct pt__command){.type = PT__COMMAND_INIT});
	}
	return 0;
}

int pt__slot_start_worker(struct pt__slot_context *ctx, struct pt__slot *slot, size_t program)
{
	struct pt__buf why = PT__BUF_INIT;
	int rc;

	/* Its last process crashed, timed out or failed a test to be retried:
	 * none starts before the slot is renewed. */
	if (slot->renew && renew(ctx, slot, false, 0)) {
		requeue_from(ctx, slot, slot->next);
		empty(ctx, slot);
		return PT__ERUN;
	}
	pt__worker_reset(&slot->worker);
	rc = start_process(ctx, slot, program, &why);
	if (rc)
		pt__slot_abandon(ctx, slot, why.data);
	pt__buf_release(&why);
	if (rc || !slot->worker.native)
		return rc;
	/* Nothing of the work went to this process yet. A worker that runs
	 * one group and goes gets all of it with its init, saving the round
	 * trips; under --failfast tests go one by one. */
	slot->sent = slot->next;
	slot->end_sent = false;
	if (slot->has_work && ctx->list->programs[program].start == PT__START_ISOLATE &&
	    !ctx->config->failfast) {
		send_tests(ctx, slot);
		pt__worker_close_input(&slot->worker, true);
	}
	pt__worker_flush(&slot->worker);
	return 0;
}

void pt__slot_start_work(struct pt__slot_context *ctx, struct pt__slot *slot, struct pt__work work)
{
	slot->work = work;
	slot->has_work = true;
	slot->started = false;
	slot->sent = slot->next = 0;
	slot->end_sent = false;
	if (ctx->broken[work.program].len) {
		fail_work(ctx, slot, ctx->broken[work.program].data);
		return;
	}
	if (!hold_clone(ctx, slot)) {
		/* (A retry's, as the pool hands out work only with a clone ready.) */
		requeue_from(ctx, slot, 0);
		return;
	}
	if (slot->state == PT__SLOT_IDLE) {
		begin_work(ctx, slot);
		return;
	}
	if (!pt__slot_start_worker(ctx, slot, work.program) && !slot->worker.native) {
		slot->state = PT__SLOT_BUSY;
		slot->started = true;
		test_starts(ctx, slot);
		slot->deadline_us = test_deadline(ctx, work.tests[0], slot->test_started_us);
	}
}

void pt__slot_stop(struct pt__slot_context *ctx, struct pt__slot *slot, enum pt__status status,
		   bool grace_first, const char *fmt, ...)
{
	va_list ap;

	if (slot->state == PT__SLOT_STOPPING)
		return;
	slot->state = PT__SLOT_STOPPING;
	slot->stop_status = status;
	pt__buf_reset(&slot->stop_reason);
	va_start(ap, fmt);
	pt__buf_vaddf(&slot->stop_reason, fmt, ap);
	va_end(ap);
	slot->deadline_us = slot->hello_by_us = 0;
	pt__worker_stop(&slot->worker, grace_first, grace_us(ctx));
}

void pt__slot_abandon(struct pt__slot_context *ctx, struct pt__slot *slot, const char *message)
{
	if (slot->has_work && ctx->interrupting)
		requeue_from(ctx, slot, 0);
	else if (slot->has_work)
		fail_work(ctx, slot, message);
	empty(ctx, slot);
}

void pt__slot_ask_fork(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	struct pt__buf why = PT__BUF_INIT;

	if (pt__worker_ask_fork(&slot->worker, &ctx->servers[slot->program], slot->env, &why))
		pt__slot_abandon(ctx, slot, why.data);
	pt__buf_release(&why);
}

void pt__slot_forked(struct pt__slot *slot, pid_t pid)
{
	slot->worker.pid = pid;
	slot->worker.forked = true;
	expect_hello(slot);
	/* Stopped (timed out, interrupted) before its pid was known: it goes
	 * at once. The worker's own events may well have come first: one
	 * retiring after its last test ends by itself. */
	if (slot->state == PT__SLOT_STOPPING)
		pt__worker_signal(&slot->worker, SIGKILL);
}

/*
 * The attempt of the slot's running test ended with status after
 * duration_us and the test runs again: the attempt is recorded, the rest of
 * the group goes back to the queue, and the slot's work becomes that test
 * alone, to start on a fresh process once this one is gone (the caller
 * stops it, or it is gone already).
 */
static void retry_alone(struct pt__slot_context *ctx, struct pt__slot *slot, enum pt__status status,
			int64_t duration_us)
{
	size_t index = slot->work.tests[slot->next];
	struct pt__result *result = &ctx->list->tests[index].result;
	struct pt__work alone = pt__work_tail(&slot->work, slot->next);

	alone.nr_tests = 1;
	pt__worker_take_output(&slot->worker, &result->out, &result->err, &result->written);
	pt__results_attempt_failed(&ctx->results, index, status, slot->worker.number, duration_us);
	requeue_from(ctx, slot, slot->next + 1);
	slot->work = alone;
	slot->has_work = true;
	slot->started = false;
	slot->sent = slot->next = 0;
	slot->retrying = true;
	slot->renew = true;
}

/*
 * The slot's next test starts now (with its time limit), or, after the
 * last, the suite's tear-down, which gets the run's --timeout.
 */
static void start_next_test(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	test_starts(ctx, slot);
	slot->deadline_us =
		slot->next < slot->work.nr_tests
			? test_deadline(ctx, slot->work.tests[slot->next], slot->test_started_us)
		: ctx->config->timeout > 0
			? slot->test_started_us + (int64_t)(ctx->config->timeout * 1e6)
			: 0;
	send_tests(ctx, slot);
}

bool pt__slot_resume_waiting(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	if (!slot->awaiting_clone || slot->state != PT__SLOT_BUSY ||
	    (!pt__slot_context_stopping(ctx) && !hold_clone(ctx, slot)))
		return false;
	slot->awaiting_clone = false;
	start_next_test(ctx, slot);
	return true;
}

/* ---- events from the worker ---- */

/* Handles one event. Returns 0, or -1 when it broke the protocol (why says how). */
static int handle_event(struct pt__slot_context *ctx, struct pt__slot *slot,
			const struct pt__event *event, struct pt__buf *why)
{
	static const enum pt__status statuses[] = {
		[PT__WIRE_PASS] = PT__PASS,
		[PT__WIRE_FAIL] = PT__FAIL,
		[PT__WIRE_SKIP] = PT__SKIP,
		[PT__WIRE_LEAK] = PT__LEAK,
	};

	if (event->type == PT__EVENT_HELLO) {
		if (event->version != PT__PROTOCOL_VERSION) {
			pt__buf_addf(why, "speaks protocol version %d, not %d", event->version,
				     PT__PROTOCOL_VERSION);
			return -1;
		}
		slot->hello_by_us = 0;
		return 0;
	}
	if (event->type == PT__EVENT_READY && slot->state == PT__SLOT_STARTING) {
		begin_work(ctx, slot);
		return 0;
	}
	if (event->type == PT__EVENT_INIT_FAILED && slot->state == PT__SLOT_STARTING) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "the init phase failed on worker %d: ", slot->worker.number);
		pt__buf_add(&message, event->payload, event->payload_len);
		init_failed(ctx, slot, PT__FAIL, pt__buf_str(&message));
		pt__buf_release(&message);
		pt__slot_retire(ctx, slot);
		return 0;
	}
	if (event->type == PT__EVENT_RESULT && slot->state == PT__SLOT_BUSY &&
	    slot->next < slot->sent) {
		size_t index = slot->work.tests[slot->next];
		if (event->seq != index) {
			pt__buf_addf(why, "sent a result for test %zu where %zu was running",
				     event->seq, index);
			return -1;
		}
		/* Only a failed test's output is kept: memory does not grow
		 * with what passing tests write. */
		off_t ends[2] = {event->out_end, event->err_end};
		if (pt__status_failed(statuses[event->status]))
			pt__worker_read_capture(&slot->worker, ends);
		else
			pt__worker_discard_output(&slot->worker, ends);
		pt__results_set_message(&ctx->results, index, "%.*s", (int)event->payload_len,
					event->payload);
		if (retry_due(ctx, index, statuses[event->status])) {
			retry_alone(ctx, slot, statuses[event->status], event->duration_us);
			pt__slot_stop(ctx, slot, PT__NOT_RUN, false, "stopped for a retry");
			return 0;
		}
		finish_test(ctx, slot, index, statuses[event->status], event->duration_us);
		if (keep_due(ctx, index)) {
			/* Its process goes before its clones are kept; its group's
			 * rest runs elsewhere. */
			requeue_from(ctx, slot, slot->next + 1);
			slot->keeping = true;
			slot->kept_test = index;
			pt__slot_stop(ctx, slot, PT__NOT_RUN, false,
				      "stopped to keep its databases");
			return 0;
		}
		slot->next++;
		/* Under --fresh-db test the next test takes new clones, when one is ready. */
		if (fresh_scope(ctx, PT__FRESH_DB_TEST) && slot->next < slot->work.nr_tests &&
		    !pt__slot_context_stopping(ctx)) {
			give_back_clone(ctx, slot, true);
			if (!hold_clone(ctx, slot)) {
				slot->awaiting_clone = true;
				slot->deadline_us = 0;
				return 0;
			}
		}
		start_next_test(ctx, slot);
		return 0;
	}
	if (event->type == PT__EVENT_ENDED && slot->state == PT__SLOT_BUSY && slot->end_sent &&
	    slot->next == slot->work.nr_tests) {
		if (event->status != PT__WIRE_PASS) {
			const struct pt__test *last =
				&ctx->list->tests[slot->work.tests[slot->work.nr_tests - 1]];
			add_late_failure(ctx, slot, last->suite, "[suite-teardown]", PT__FAIL,
					 event->payload, event->payload_len);
		}
		drop_work(slot);
		slot->deadline_us = 0;
		/* Under isolate a worker runs one test and goes; so does an
		 * adapter whose environment says a retry's attempt, as it runs
		 * its tests in that environment, whatever the run frame says.
		 * (A retiring worker gives its clones back when it is gone.) */
		if (ctx->list->programs[slot->program].start == PT__START_ISOLATE ||
		    slot->for_retry) {
			pt__slot_retire(ctx, slot);
		} else {
			slot->state = PT__SLOT_IDLE;
			give_back_clone(ctx, slot, true);
		}
		return 0;
	}
	pt__buf_addf(why, "sent \"%s\" out of turn", pt__protocol_event_name(event->type));
	return -1;
}

void pt__slot_read_events(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	struct pt__buf why = PT__BUF_INIT;
	struct pt__event event;
	int decoded;

	pt__event_reader_read(&slot->worker.events);
	while (slot->state != PT__SLOT_STOPPING &&
	       (decoded = pt__event_reader_next(&slot->worker.events, &event, &why))) {
		if (decoded < 0 || handle_event(ctx, slot, &event, &why)) {
			pt__slot_stop(ctx, slot, PT__CRASH, false, "broke the worker protocol: %s",
				      pt__buf_str(&why));
			break;
		}
	}
	/* Before its process exists (a fork on its way), an end of file only
	 * means the fork server let go of the descriptor. */
	if (slot->worker.events.fd < 0 && slot->worker.pid > 0 &&
	    slot->state != PT__SLOT_STOPPING && slot->state != PT__SLOT_RETIRING &&
	    slot->state != PT__SLOT_EMPTY)
		pt__slot_stop(ctx, slot, PT__CRASH, true, "closed the protocol descriptor");
	pt__buf_release(&why);
}

static void echo_output(void *data, int fd, const char *chunk, size_t len)
{
	const struct pt__pool_config *config = data;

	if (config->passthrough)
		config->passthrough(config->ctx, fd, chunk, len);
}

void pt__slot_read_output(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	pt__worker_drain_output(&slot->worker, echo_output, (void *)ctx->config);
}

/* ---- the worker's end ---- */

/* The slot's work, a test to retry, starts on a fresh process, unless the run is stopping. */
static void start_retry(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	struct pt__work work = slot->work;

	if (pt__slot_context_stopping(ctx)) {
		requeue_from(ctx, slot, 0);
		return;
	}
	slot->has_work = false;
	pt__slot_start_work(ctx, slot, work);
}

/* The running test's message when the worker died under it. */
static void describe_death(const struct pt__slot *slot, int status, struct pt__buf *out)
{
	describe_slot(slot, out);
	pt__buf_addc(out, ' ');
	pt__describe_wait_status(status, out);
	pt__buf_addf(out, " while running this test%s",
		     pt__event_reader_mid_frame(&slot->worker.events)
			     ? ", in the middle of sending a frame"
			     : "");
}

/* The worker went while a test of its work was running: that test's verdict. */
static void judge_running_test(struct pt__slot_context *ctx, struct pt__slot *slot, int status,
			       bool leaked)
{
	size_t index = slot->work.tests[slot->next];
	struct pt__result *result = &ctx->list->tests[index].result;
	int64_t duration = pt__now_us() - slot->test_started_us;
	struct pt__buf message = PT__BUF_INIT;

	if (!slot->worker.native && slot->state == PT__SLOT_BUSY) {
		pt__buf_reset(&result->message);
		enum pt__tap_verdict judged =
			pt__worker_judge_tap(&slot->worker, &result->tap, &message);
		enum pt__status verdict = pt__verdict_of_executable(status, judged, &message,
								    leaked, &result->message);
		pt__buf_release(&message);
		if (!pt__status_failed(verdict))
			pt__worker_discard_output(&slot->worker, (off_t[2]){-1, -1});
		if (retry_due(ctx, index, verdict)) {
			retry_alone(ctx, slot, verdict, duration);
			return;
		}
		finish_test(ctx, slot, index, verdict, duration);
		drop_work(slot);
		slot->renew = verdict == PT__CRASH || verdict == PT__TIMEOUT;
		if (keep_due(ctx, index))
			renew(ctx, slot, true, index);
		return;
	}
	if (slot->state == PT__SLOT_STOPPING && slot->stop_status == PT__NOT_RUN) {
		pt__worker_take_output(&slot->worker, &result->out, &result->err, &result->written);
		pt__results_set_message(&ctx->results, index, "%s",
					pt__buf_str(&slot->stop_reason));
		result->status = PT__NOT_RUN;
		result->worker = slot->worker.number;
	} else {
		enum pt__status verdict = PT__CRASH;
		if (slot->state == PT__SLOT_STOPPING && slot->worker.kill_stage) {
			describe_stop(slot, &message);
			pt__buf_adds(&message, "; the worker then ");
			pt__describe_wait_status(status, &message);
		} else {
			/* It ended by itself (perhaps after closing the protocol): a crash. */
			describe_death(slot, status, &message);
		}
		if (slot->state == PT__SLOT_STOPPING)
			verdict = slot->stop_status;
		pt__results_set_message(&ctx->results, index, "%s", message.data);
		slot->renew = true;
		if (retry_due(ctx, index, verdict)) {
			retry_alone(ctx, slot, verdict, duration);
			pt__buf_release(&message);
			return;
		}
		finish_test(ctx, slot, index, verdict, duration);
		if (keep_due(ctx, index))
			renew(ctx, slot, true, index);
	}
	pt__buf_release(&message);
	requeue_from(ctx, slot, slot->next + 1);
}

/*
 * The worker went after its group's last result, before "ended": in its
 * suite's tear-down. That is reported as the tear-down's failure; the
 * tests that passed stay passed.
 */
static void judge_teardown(struct pt__slot_context *ctx, struct pt__slot *slot, int status)
{
	const struct pt__test *last = &ctx->list->tests[slot->work.tests[slot->work.nr_tests - 1]];
	struct pt__buf message = PT__BUF_INIT;
	bool stopped = slot->state == PT__SLOT_STOPPING && slot->worker.kill_stage;

	if (stopped && slot->stop_status == PT__NOT_RUN) {
		drop_work(slot);
		return;
	}
	if (stopped) {
		describe_stop(slot, &message);
		pt__buf_adds(&message, "; the worker then ");
		pt__describe_wait_status(status, &message);
	} else {
		describe_slot(slot, &message);
		pt__buf_addc(&message, ' ');
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " during the suite's tear-down");
	}
	add_late_failure(ctx, slot, last->suite, "[suite-teardown]",
			 stopped ? slot->stop_status : PT__CRASH, message.data, message.len);
	pt__buf_release(&message);
	drop_work(slot);
	slot->renew = true;
}

/*
 * The slot's process, stopped after a test's result, is gone: what it did
 * after that result is dropped. The test to keep has its slot kept; the
 * test to retry starts again, once the slot is renewed.
 */
static void after_stopped(struct pt__slot_context *ctx, struct pt__slot *slot)
{
	struct pt__buf out = PT__BUF_INIT, err = PT__BUF_INIT;
	uint64_t written;
	bool retrying = slot->retrying;

	pt__worker_discard_output(&slot->worker, (off_t[2]){-1, -1});
	pt__worker_take_output(&slot->worker, &out, &err, &written);
	pt__buf_release(&out);
	pt__buf_release(&err);
	if (slot->keeping)
		renew(ctx, slot, true, slot->kept_test);
	slot->keeping = slot->retrying = false;
	empty(ctx, slot);
	if (retrying)
		start_retry(ctx, slot);
}

void pt__slot_exited(struct pt__slot_context *ctx, struct pt__slot *slot, int status)
{
	/* Whatever it reported before it ended counts. */
	if (slot->worker.native && slot->state != PT__SLOT_STOPPING)
		pt__slot_read_events(ctx, slot);
	bool leaked = pt__worker_exited(&slot->worker, echo_output, (void *)ctx->config);
	bool running = slot->has_work && slot->started && slot->next < slot->work.nr_tests;
	struct pt__buf message = PT__BUF_INIT;

	if (slot->retrying || slot->keeping) {
		after_stopped(ctx, slot);
		return;
	}
	if (running && (slot->state == PT__SLOT_BUSY || slot->state == PT__SLOT_STOPPING)) {
		judge_running_test(ctx, slot, status, leaked);
	} else if (slot->has_work && slot->started && slot->worker.native &&
		   (slot->state == PT__SLOT_BUSY || slot->state == PT__SLOT_STOPPING)) {
		judge_teardown(ctx, slot, status);
	} else if (slot->state == PT__SLOT_STARTING ||
		   (slot->state == PT__SLOT_STOPPING && slot->has_work)) {
		describe_slot(slot, &message);
		pt__buf_addc(&message, ' ');
		/* Why it was stopped, if it was: one that ended by itself (after
		 * closing the protocol, say) simply ended. */
		if (slot->stop_reason.len && slot->worker.kill_stage)
			pt__buf_addf(&message, "%s; it then ", pt__buf_str(&slot->stop_reason));
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " during its init phase");
		if (ctx->interrupting)
			requeue_from(ctx, slot, 0);
		else
			init_failed(ctx, slot, PT__CRASH, message.data);
	} else if (slot->has_work) {
		requeue_from(ctx, slot, slot->next);
	} else if (slot->state == PT__SLOT_RETIRING && slot->worker.native &&
		   !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		describe_slot(slot, &message);
		pt__buf_addc(&message, ' ');
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " after its last test");
		add_late_failure(ctx, slot, "[global]", "[teardown]",
				 WIFSIGNALED(status) ? PT__CRASH : PT__FAIL, message.data,
				 message.len);
	}
	pt__buf_release(&message);
	empty(ctx, slot);
	if (slot->retrying) {
		slot->retrying = false;
		start_retry(ctx, slot);
	}
}

/* ---- deadlines ---- */

void pt__slot_check_deadlines(struct pt__slot_context *ctx, struct pt__slot *slot, int64_t now_us)
{
	bool due = slot->deadline_us && now_us >= slot->deadline_us;

	if (slot->state == PT__SLOT_STARTING && due && !slot->worker.pid) {
		/* Still waiting for its fork server's global set-up. */
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "it took longer than --timeout %.3g s", ctx->config->timeout);
		pt__fork_server_signal(&ctx->servers[slot->program], SIGKILL, why.data);
		pt__buf_release(&why);
		slot->deadline_us = 0;
	} else if (slot->state == PT__SLOT_STARTING && due) {
		pt__slot_stop(ctx, slot, PT__CRASH, false,
			      "did not finish its init phase within %.3g s", ctx->config->timeout);
	} else if (slot->state == PT__SLOT_STARTING && slot->hello_by_us &&
		   now_us >= slot->hello_by_us) {
		pt__slot_stop(ctx, slot, PT__CRASH, false, "did not say hello within %d s",
			      PT__PROTOCOL_HELLO_MS / 1000);
	} else if (slot->state == PT__SLOT_BUSY && due && slot->next == slot->work.nr_tests) {
		pt__slot_stop(ctx, slot, PT__TIMEOUT, false,
			      "the suite's tear-down did not end within --timeout %.3g s; its "
			      "worker's process group got SIGTERM",
			      ctx->config->timeout);
	} else if (slot->state == PT__SLOT_BUSY && due) {
		double limit = (slot->deadline_us - slot->test_started_us) / 1e6;
		pt__slot_stop(ctx, slot, PT__TIMEOUT, false,
			      "timed out after %.3g s; its worker's process group got SIGTERM",
			      limit);
	}
	if (pt__worker_escalate(&slot->worker, now_us, grace_us(ctx)) &&
	    slot->state == PT__SLOT_STOPPING)
		pt__buf_adds(&slot->stop_reason, ", then SIGKILL");
}

int64_t pt__slot_next_deadline(const struct pt__slot *slot)
{
	int64_t times[] = {
		slot->state == PT__SLOT_BUSY || slot->state == PT__SLOT_STARTING ? slot->deadline_us
										 : 0,
		slot->state == PT__SLOT_STARTING ? slot->hello_by_us : 0,
		slot->worker.kill_at_us,
	};
	int64_t next = 0;

	for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++)
		if (times[k] && (!next || times[k] < next))
			next = times[k];
	return next;
}

void pt__slot_release(struct pt__slot *slot)
{
	free(slot->env);
	if (slot->has_work)
		drop_work(slot);
	pt__worker_release(&slot->worker);
	pt__buf_release(&slot->stop_reason);
}
