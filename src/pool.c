/*
 * The pool: the scheduler. N slots (src/slot.c) take work from one queue;
 * one poll loop watches every slot's worker, every fork server and the
 * signal self-pipe; deadlines come from CLOCK_MONOTONIC through the poll
 * timeout. The pool hands out work, answers the fork servers, checks the
 * deadlines, reaps children and stops everything on Ctrl-C. How a worker
 * process is started and read is src/worker.c's; what its events mean for
 * a group's tests is src/slot.c's.
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
#include "resources.h"
#include "results.h"
#include "signals.h"
#include "slot.h"
#include "spawn.h"
#include "xalloc.h"

#define PROGRESS_INTERVAL_US 100000
/* How often children are reaped unasked while fresh clones are made anew. */
#define RENEWING_REAP_US     10000

struct pool {
	struct pt__slot_context ctx; /* what the slots share */
	struct pt__slot *slots;
	int nr_slots;
	bool stopping_servers;
	int64_t last_progress_us;
	/* Fresh clones are (or were, this turn) being made anew: the database
	 * code that does it waits on the signal self-pipe too and may read a
	 * SIGCHLD's byte, so children are reaped every turn meanwhile. */
	bool renewal_seen;
};

static void report_progress(struct pool *pool)
{
	const struct pt__pool_config *config = pool->ctx.config;
	const struct pt__results *results = &pool->ctx.results;
	struct pt__pool_progress progress = {results->done, results->total, results->failed, 0};
	int64_t now = pt__now_us();

	if (!config->progress || now - pool->last_progress_us < PROGRESS_INTERVAL_US)
		return;
	for (int i = 0; i < pool->nr_slots; i++)
		if (pool->slots[i].state == PT__SLOT_BUSY ||
		    pool->slots[i].state == PT__SLOT_STARTING)
			progress.running++;
	pool->last_progress_us = now;
	config->progress(config->ctx, &progress);
}

static void note(struct pool *pool, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct pool *pool, const char *fmt, ...)
{
	const struct pt__pool_config *config = pool->ctx.config;
	struct pt__buf line = PT__BUF_INIT;
	va_list ap;

	if (!config->note)
		return;
	va_start(ap, fmt);
	pt__buf_vaddf(&line, fmt, ap);
	va_end(ap);
	config->note(config->ctx, line.data);
	pt__buf_release(&line);
}

/* ---- fork servers ---- */

/* Program's server cannot serve, for the reason given: nor can its slots. */
static void server_failed(struct pool *pool, size_t program, const char *why)
{
	struct pt__buf message = PT__BUF_INIT;

	pt__buf_addf(&message, "global set-up failed in the fork server: %s", why);
	pt__buf_reset(&pool->ctx.broken[program]);
	pt__buf_adds(&pool->ctx.broken[program], message.data);
	for (int i = 0; i < pool->nr_slots; i++) {
		struct pt__slot *slot = &pool->slots[i];
		if (slot->program == program && !slot->worker.pid && slot->state != PT__SLOT_EMPTY)
			pt__slot_abandon(&pool->ctx, slot, message.data);
	}
	pt__buf_release(&message);
}

/* The server will not fork: the slot's worker, and every later one, is spawned. */
static void server_refused(struct pool *pool, size_t program, struct pt__slot *slot,
			   const struct pt__event *event)
{
	struct pt__fork_server *server = &pool->ctx.servers[program];

	if (server->state != PT__SERVER_REFUSED) {
		server->state = PT__SERVER_REFUSED;
		note(pool, "%s: not forking workers from its server (%.*s); spawning them instead",
		     pool->ctx.list->programs[program].name, (int)event->payload_len,
		     event->payload);
		pt__fork_server_stop(server);
	}
	if (slot && !slot->worker.pid && slot->state == PT__SLOT_STARTING)
		pt__slot_start_worker(&pool->ctx, slot, program);
}

static void handle_server_event(struct pool *pool, size_t program, const struct pt__event *event)
{
	struct pt__fork_server *server = &pool->ctx.servers[program];
	struct pt__slot *slot = event->worker >= 1 && event->worker <= pool->nr_slots
					? &pool->slots[event->worker - 1]
					: NULL;
	struct pt__buf why = PT__BUF_INIT;

	switch (event->type) {
	case PT__EVENT_SERVING:
		server->state = PT__SERVER_SERVING;
		for (int i = 0; i < pool->nr_slots; i++)
			if (pool->slots[i].program == program &&
			    pool->slots[i].worker.awaiting_fork)
				pt__slot_ask_fork(&pool->ctx, &pool->slots[i]);
		break;
	case PT__EVENT_INIT_FAILED:
		server->state = PT__SERVER_FAILED;
		pt__buf_add(&why, event->payload, event->payload_len);
		server_failed(pool, program, why.data);
		pt__fork_server_stop(server);
		break;
	case PT__EVENT_FORKED:
		if (slot)
			pt__slot_forked(slot, (pid_t)event->pid);
		break;
	case PT__EVENT_FORK_REFUSED: server_refused(pool, program, slot, event); break;
	case PT__EVENT_EXITED:
		for (int i = 0; i < pool->nr_slots; i++)
			if (pool->slots[i].worker.pid == (pid_t)event->pid)
				pt__slot_exited(&pool->ctx, &pool->slots[i], event->wait_status);
		break;
	default: break;
	}
	pt__buf_release(&why);
}

static void read_server_events(struct pool *pool, size_t program)
{
	struct pt__fork_server *server = &pool->ctx.servers[program];
	struct pt__buf why = PT__BUF_INIT;
	struct pt__event event;
	int decoded;

	pt__event_reader_read(&server->events);
	while ((decoded = pt__event_reader_next(&server->events, &event, &why))) {
		if (decoded < 0) {
			note(pool, "%s: its fork server broke the protocol: %s",
			     pool->ctx.list->programs[program].name, why.data);
			pt__fork_server_signal(server, SIGKILL, NULL);
			pt__event_reader_discard(&server->events);
			break;
		}
		handle_server_event(pool, program, &event);
	}
	pt__buf_release(&why);
}

static int64_t kill_grace_us(const struct pool *pool)
{
	return (int64_t)(pool->ctx.config->kill_grace * 1e6);
}

/* A server that fails after the last test is reported as a failed test, with its output. */
static void add_server_teardown_failure(struct pool *pool, size_t program, int status,
					const char *how)
{
	struct pt__results *results = &pool->ctx.results;
	struct pt__buf message = PT__BUF_INIT;
	char chunk[4096];
	ssize_t n;

	if (pool->ctx.servers[program].kill_stage)
		pt__buf_addf(
			&message,
			"the fork server's global tear-down did not end within %.3g s; it then ",
			(double)(kill_grace_us(pool) + PT__TEARDOWN_LIMIT_US) / 1e6);
	else
		pt__buf_adds(&message, "the fork server ");
	pt__buf_addf(&message, "%s after the last test", how);
	size_t index = pt__results_add(results, program, "[global]", "[teardown]", message.data,
				       message.len);
	for (off_t at = 0;
	     (n = pread(pool->ctx.servers[program].output, chunk, sizeof(chunk), at)) > 0; at += n)
		pt__buf_add(&results->list->tests[index].result.err, chunk, (size_t)n);
	pt__results_finish(results, index, WIFSIGNALED(status) ? PT__CRASH : PT__FAIL, 0, 0);
	pt__buf_release(&message);
}

static void server_exited(struct pool *pool, size_t program, int status)
{
	struct pt__fork_server *server = &pool->ctx.servers[program];
	struct pt__buf how = PT__BUF_INIT, message = PT__BUF_INIT;

	read_server_events(pool, program);
	/* Its workers died with it; no word of them will come from it any more. */
	for (int i = 0; i < pool->nr_slots; i++) {
		struct pt__slot *slot = &pool->slots[i];
		if (slot->program == program && slot->worker.forked && slot->worker.pid > 0) {
			pt__worker_signal(&slot->worker, SIGKILL);
			pt__slot_exited(&pool->ctx, slot, SIGKILL);
		}
	}
	pt__describe_wait_status(status, &how);
	if (server->state == PT__SERVER_STARTING) {
		pt__buf_addf(&message, "the server %s during it", how.data);
		if (server->why.len)
			pt__buf_addf(&message, " (%s)", server->why.data);
		server_failed(pool, program, message.data);
	} else if (server->state == PT__SERVER_SERVING && pool->stopping_servers &&
		   !pool->ctx.interrupting && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		/* (Interrupted, it was stopped by us: that is no failure of its own.) */
		add_server_teardown_failure(pool, program, status, how.data);
	} else if (server->state == PT__SERVER_SERVING && !pool->stopping_servers) {
		/* Died under its workers: they die with it; a new one is started on demand. */
		note(pool, "%s: its fork server %s; starting a new one",
		     pool->ctx.list->programs[program].name, how.data);
		for (int i = 0; i < pool->nr_slots; i++) {
			struct pt__slot *slot = &pool->slots[i];
			if (slot->program != program || slot->worker.pid ||
			    slot->state == PT__SLOT_EMPTY)
				continue;
			pt__slot_requeue(&pool->ctx, slot);
			pt__slot_abandon(&pool->ctx, slot, "");
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
	for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
		if (pool->ctx.servers[p].pid > 0)
			return true;
	return false;
}

/* Asks every server to tear down and exit, within the tear-down limit: no more work is coming. */
static void stop_servers(struct pool *pool)
{
	int64_t now = pt__now_us();

	if (pool->stopping_servers)
		return;
	pool->stopping_servers = true;
	for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
		pt__fork_server_end_by(&pool->ctx.servers[p],
				       now + kill_grace_us(pool) + PT__TEARDOWN_LIMIT_US, now,
				       kill_grace_us(pool));
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
		for (int i = 0; i < pool->nr_slots; i++)
			if (pool->slots[i].worker.pid == pid && !pool->slots[i].worker.forked)
				pt__slot_exited(&pool->ctx, &pool->slots[i], status);
		for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
			if (pool->ctx.servers[p].pid == pid)
				server_exited(pool, p, status);
	}
}

/* ---- scheduling ---- */

/* The work the slots are running, for the locks and slots it holds (src/resources.c). */
static size_t running_work(const struct pool *pool, const struct pt__work **running)
{
	size_t n = 0;

	for (int i = 0; i < pool->nr_slots; i++)
		if (pool->slots[i].has_work)
			running[n++] = &pool->slots[i].work;
	return n;
}

/* A slot asking for work, and the context it is judged in. */
struct slot_choice {
	const struct pt__slot_context *ctx;
	const struct pt__slot *slot;
};

/* Whether the slot of a slot_choice may take work (see pt__slot_fits). */
static bool slot_may_take(const struct pt__work *work, const void *choice)
{
	const struct slot_choice *c = choice;

	return pt__slot_fits(c->ctx, c->slot, work->program);
}

static void assign_work(struct pool *pool)
{
	struct pt__fresh_db *fresh = pool->ctx.config->fresh;
	const struct pt__work **running = pt__xcalloc((size_t)pool->nr_slots, sizeof(*running));

	for (int i = 0; i < pool->nr_slots; i++) {
		struct pt__slot *slot = &pool->slots[i];
		if (slot->state != PT__SLOT_EMPTY && slot->state != PT__SLOT_IDLE)
			continue;
		size_t nr_running = running_work(pool, running);
		struct slot_choice choice = {&pool->ctx, slot};
		long at = pt__resources_next(pool->ctx.list, &pool->ctx.queue, running, nr_running,
					     pool->nr_slots, slot_may_take, &choice);
		const struct pt__work *next =
			at < 0 ? NULL : pt__queue_at(&pool->ctx.queue, (size_t)at);
		struct pt__work work;
		/* Nothing left for it, or the next work is another program's: an
		 * idle worker makes way for a fresh one. Work that waits for a
		 * lock or for free slots keeps the idle worker waiting. */
		if (pt__slot_context_stopping(&pool->ctx) || !next ||
		    (slot->state == PT__SLOT_IDLE && next->program != slot->program)) {
			if (slot->state == PT__SLOT_IDLE &&
			    (next || !pool->ctx.queue.len || pt__slot_context_stopping(&pool->ctx)))
				pt__slot_retire(&pool->ctx, slot);
			continue;
		}
		/* --fresh-db test|group: work starts only on a ready clone. */
		if (fresh && !pt__fresh_db_available(fresh))
			continue;
		pt__queue_take(&pool->ctx.queue, (size_t)at, &work);
		pt__slot_start_work(&pool->ctx, slot, work);
	}
	free(running);
}

static void interrupt(struct pool *pool)
{
	if (!pool->ctx.interrupting) {
		pool->ctx.interrupting = true;
		pool->stopping_servers = true;
		for (int i = 0; i < pool->nr_slots; i++) {
			struct pt__slot *slot = &pool->slots[i];
			if (slot->worker.pid > 0)
				pt__slot_stop(&pool->ctx, slot, PT__NOT_RUN, false, "interrupted");
			else if (slot->state != PT__SLOT_EMPTY)
				pt__slot_abandon(&pool->ctx, slot, "interrupted");
		}
		/* Servers go at once too, whatever they are doing (a global
		 * set-up or tear-down that hangs). */
		int64_t now = pt__now_us();
		for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
			pt__fork_server_end_by(&pool->ctx.servers[p], now, now,
					       kill_grace_us(pool));
	}
	if (pt__cancel_interrupts(pool->ctx.config->cancel) > 1) {
		/* A second Ctrl-C: no more waiting. */
		for (int i = 0; i < pool->nr_slots; i++)
			pt__worker_signal(&pool->slots[i].worker, SIGKILL);
		for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
			pt__fork_server_signal(&pool->ctx.servers[p], SIGKILL, NULL);
	}
}

static int poll_timeout(const struct pool *pool)
{
	int64_t now = pt__now_us();
	int64_t wake = pool->ctx.config->progress ? now + PROGRESS_INTERVAL_US : INT64_MAX;

	if (pool->renewal_seen && now + RENEWING_REAP_US < wake)
		wake = now + RENEWING_REAP_US;
	for (int i = 0; i < pool->nr_slots; i++) {
		int64_t at = pt__slot_next_deadline(&pool->slots[i]);
		if (at && at < wake)
			wake = at;
	}
	for (size_t p = 0; p < pool->ctx.list->nr_programs; p++) {
		int64_t at = pool->ctx.servers[p].kill_at_us;
		if (at && at < wake)
			wake = at;
	}
	return wake == INT64_MAX ? -1 : wake <= now ? 0 : (int)((wake - now + 999) / 1000);
}

static bool all_empty(const struct pool *pool)
{
	for (int i = 0; i < pool->nr_slots; i++)
		if (pool->slots[i].state != PT__SLOT_EMPTY)
			return false;
	return true;
}

/* ---- the loop ---- */

/* What a descriptor polled this turn is, and whose. */
struct watched {
	enum { WORKER_EVENTS, WORKER_OUTPUT, WORKER_COMMANDS, SERVER_EVENTS, FRESH_CLONES } what;
	struct pt__slot *slot; /* a worker's */
	size_t program;	       /* a server's */
};

static void watch_one(struct pollfd *fds, struct watched *owners, size_t *n, int fd, short events,
		      struct watched owner)
{
	if (fd < 0)
		return;
	owners[*n] = owner;
	fds[(*n)++] = (struct pollfd){fd, events, 0};
}

/* Fills fds with what to wait for this turn, fds[0] the signals. Returns how many. */
static size_t watch(struct pool *pool, struct pollfd *fds, struct watched *owners)
{
	size_t n = 0;

	watch_one(fds, owners, &n, pt__signals_fd(), POLLIN, (struct watched){0});
	for (int i = 0; i < pool->nr_slots; i++) {
		struct pt__slot *slot = &pool->slots[i];
		struct pt__worker *worker = &slot->worker;
		watch_one(fds, owners, &n, worker->events.fd, POLLIN,
			  (struct watched){WORKER_EVENTS, slot, 0});
		watch_one(fds, owners, &n, worker->out, POLLIN,
			  (struct watched){WORKER_OUTPUT, slot, 0});
		watch_one(fds, owners, &n, worker->err, POLLIN,
			  (struct watched){WORKER_OUTPUT, slot, 0});
		if (worker->to_send.len)
			watch_one(fds, owners, &n, worker->commands, POLLOUT,
				  (struct watched){WORKER_COMMANDS, slot, 0});
	}
	for (size_t p = 0; p < pool->ctx.list->nr_programs; p++)
		watch_one(fds, owners, &n, pool->ctx.servers[p].events.fd, POLLIN,
			  (struct watched){SERVER_EVENTS, NULL, p});
	if (pool->ctx.config->fresh)
		watch_one(fds, owners, &n, pt__fresh_db_fd(pool->ctx.config->fresh), POLLIN,
			  (struct watched){FRESH_CLONES, NULL, 0});
	return n;
}

/* Clones made anew are ready; one that could not be stops the run. */
static void collect_clones(struct pool *pool)
{
	struct pt__buf err = PT__BUF_INIT;

	if (pt__fresh_db_collect(pool->ctx.config->fresh, &err))
		pt__slot_context_lose(&pool->ctx, err.data);
	pt__buf_release(&err);
	pool->renewal_seen = true;
}

/* Handles what one polled descriptor is ready for. */
static void serve_descriptor(struct pool *pool, const struct watched *owner)
{
	switch (owner->what) {
	case WORKER_EVENTS: pt__slot_read_events(&pool->ctx, owner->slot); break;
	case WORKER_OUTPUT: pt__slot_read_output(&pool->ctx, owner->slot); break;
	case WORKER_COMMANDS: pt__worker_flush(&owner->slot->worker); break;
	case SERVER_EVENTS: read_server_events(pool, owner->program); break;
	case FRESH_CLONES: collect_clones(pool); break;
	}
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
		note(pool,
		     "killed processes that tests left running outside their process groups: %s",
		     orphans.data);
	pt__buf_release(&orphans);
}

static void pool_init(struct pool *pool, struct pt__test_list *list, const struct pt__plan *plan,
		      const struct pt__pool_config *config)
{
	struct pt__slot_context *ctx = &pool->ctx;

	ctx->list = list;
	ctx->config = config;
	pt__results_init(&ctx->results, list, config, plan);
	ctx->broken = pt__xcalloc(list->nr_programs, sizeof(*ctx->broken));
	ctx->unfit = pt__xcalloc(list->nr_programs * (size_t)config->workers, sizeof(*ctx->unfit));
	ctx->servers = pt__xcalloc(list->nr_programs, sizeof(*ctx->servers));
	for (size_t p = 0; p < list->nr_programs; p++)
		ctx->servers[p] = (struct pt__fork_server)PT__FORK_SERVER_INIT;
	pool->nr_slots = config->workers;
	pool->slots = pt__xcalloc((size_t)config->workers, sizeof(*pool->slots));
	for (int i = 0; i < config->workers; i++)
		pt__slot_init(&pool->slots[i], i + 1);
	for (size_t g = 0; g < plan->nr_groups; g++) {
		const struct pt__group *group = &plan->groups[g];
		/* Under isolate every test is a group of its own. */
		bool isolate = list->programs[group->program].start == PT__START_ISOLATE;
		size_t per_work = isolate ? 1 : group->nr_tests;
		for (size_t t = 0; t < group->nr_tests; t += per_work) {
			struct pt__work whole = {group->program, group->tests + t, per_work};
			pt__queue_push_back(&ctx->queue, pt__work_tail(&whole, 0));
		}
	}
}

static void pool_release(struct pool *pool)
{
	struct pt__slot_context *ctx = &pool->ctx;
	struct pt__work rest;

	while (pt__queue_pop(&ctx->queue, &rest)) {
		pt__results_not_run(&ctx->results, &rest, 0,
				    ctx->interrupting ? "interrupted" : ctx->results.stop_reason);
		free(rest.tests);
	}
	pt__queue_release(&ctx->queue);
	for (int i = 0; i < pool->nr_slots; i++)
		pt__slot_release(&pool->slots[i]);
	for (size_t p = 0; p < ctx->list->nr_programs; p++) {
		pt__fork_server_release(&ctx->servers[p]);
		pt__buf_release(&ctx->broken[p]);
	}
	free(ctx->servers);
	free(ctx->broken);
	free(ctx->unfit);
	free(pool->slots);
	pt__buf_release(&ctx->lost);
}

int pt__pool_run(struct pt__test_list *list, const struct pt__plan *plan,
		 const struct pt__pool_config *config, struct pt__buf *err)
{
	struct pool pool = {0};
	size_t max_fds = 2 + (size_t)config->workers * 4 + list->nr_programs;
	struct pollfd *fds = pt__xcalloc(max_fds, sizeof(*fds));
	struct watched *owners = pt__xcalloc(max_fds, sizeof(*owners));

	pool_init(&pool, list, plan, config);
	/* Processes that escape their test's process group still end up ours. */
	pt__leaks_adopt_orphans();
	for (;;) {
		if (pt__cancel_interrupts(config->cancel))
			interrupt(&pool);
		/* Tests waiting for a fresh clone go before new work. */
		for (int i = 0; i < pool.nr_slots; i++)
			pt__slot_resume_waiting(&pool.ctx, &pool.slots[i]);
		assign_work(&pool);
		if (all_empty(&pool) &&
		    (!pool.ctx.queue.len || pt__slot_context_stopping(&pool.ctx))) {
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
		for (size_t i = 1; i < n; i++)
			if (fds[i].revents)
				serve_descriptor(&pool, &owners[i]);
		if (signalled || pool.renewal_seen)
			reap(&pool);
		pool.renewal_seen = config->fresh && pt__fresh_db_renewing(config->fresh);
		int64_t now = pt__now_us();
		for (int i = 0; i < pool.nr_slots; i++)
			pt__slot_check_deadlines(&pool.ctx, &pool.slots[i], now);
		for (size_t p = 0; p < list->nr_programs; p++)
			pt__fork_server_escalate(&pool.ctx.servers[p], now, kill_grace_us(&pool));
		report_progress(&pool);
	}
	kill_orphans(&pool);
	int rc = pool.ctx.interrupting ? PT__EINTR : pool.ctx.lost.len ? PT__ERUN : 0;
	if (rc == PT__ERUN)
		pt__buf_adds(err, pool.ctx.lost.data);
	pool_release(&pool);
	free(fds);
	free(owners);
	return rc;
}
