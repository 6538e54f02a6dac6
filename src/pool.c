/*
 * The pool. One poll loop watches every worker's descriptors and the
 * signal self-pipe; deadlines come from CLOCK_MONOTONIC through the poll
 * timeout. A slot holds at most one process at a time:
 *
 *   EMPTY --spawn--> STARTING --ready--> BUSY --ended--> IDLE --work--> BUSY
 *                                         |                |
 *          crash, timeout, bad frame,     v                v  no more work for
 *          interrupt:                 STOPPING          RETIRING  its program
 *                                         \________________/
 *                                                  | exit status
 *                                                  v
 *                                                EMPTY
 *
 * A test's outcome is decided by the worker's report, or, when there is
 * none, by its exit status: never by the closing of a pipe alone.
 *
 * Workers of the fork and isolate start methods come from their program's
 * fork server; pool_servers.c holds what the pool does with those servers.
 */
#include "pool.h"
#include "pool_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "signals.h"
#include "../lib/leaks.h"
#include "spawn.h"
#include "forkserver.h"
#include "tap.h"
#include "protocol.h"
#include "xalloc.h"

/* Captured output beyond this much per test is dropped, and counted. */
#define CAPTURE_LIMIT	     (4u << 20)
#define PROGRESS_INTERVAL_US 100000

void pt__pool_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the queue ---- */

static void queue_push_back(struct pool *pool, struct work work)
{
	if (pool->queue_head + pool->queue_len == pool->queue_alloc && pool->queue_head) {
		memmove(pool->queue, pool->queue + pool->queue_head,
			pool->queue_len * sizeof(*pool->queue));
		pool->queue_head = 0;
	}
	PT__GROW(pool->queue, pool->queue_head + pool->queue_len + 1, pool->queue_alloc);
	pool->queue[pool->queue_head + pool->queue_len++] = work;
}

static void queue_push_front(struct pool *pool, struct work work)
{
	if (!pool->queue_head) {
		PT__GROW(pool->queue, pool->queue_len + 1, pool->queue_alloc);
		memmove(pool->queue + 1, pool->queue, pool->queue_len * sizeof(*pool->queue));
		pool->queue_head = 1;
	}
	pool->queue[--pool->queue_head] = work;
	pool->queue_len++;
}

static bool queue_pop(struct pool *pool, struct work *work)
{
	if (!pool->queue_len)
		return false;
	*work = pool->queue[pool->queue_head++];
	pool->queue_len--;
	return true;
}

/* ---- results ---- */

static void report_progress(struct pool *pool, bool force)
{
	int64_t now = pt__now_us();
	struct pt__pool_progress progress = {pool->done, pool->total, pool->failed, 0};

	if (!pool->config->progress)
		return;
	if (!force && now - pool->last_progress_us < PROGRESS_INTERVAL_US)
		return;
	for (int i = 0; i < pool->config->workers; i++)
		if (pool->slots[i].state == SLOT_BUSY || pool->slots[i].state == SLOT_STARTING)
			progress.running++;
	pool->last_progress_us = now;
	pool->config->progress(pool->config->ctx, &progress);
}

/* Moves the output captured so far into result. */
static void take_output(struct slot *slot, struct pt__result *result)
{
	pt__buf_release(&result->out);
	pt__buf_release(&result->err);
	result->out = slot->out_buf;
	result->err = slot->err_buf;
	if (slot->dropped)
		pt__buf_addf(&result->err, "\n[partest: %zu more bytes of output were dropped]\n",
			     slot->dropped);
	memset(&slot->out_buf, 0, sizeof(slot->out_buf));
	memset(&slot->err_buf, 0, sizeof(slot->err_buf));
	slot->dropped = 0;
}

void pt__pool_finish_test(struct pool *pool, struct slot *slot, size_t index,
			  enum pt__status status, int64_t duration_us)
{
	struct pt__result *result = &pool->list->tests[index].result;

	result->status = status;
	result->worker = slot ? slot->number : 0;
	result->duration_us = duration_us;
	if (slot)
		take_output(slot, result);
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
static void mark_not_run(struct pool *pool, const struct work *work, size_t from,
			 const char *reason)
{
	for (size_t t = from; t < work->nr_tests; t++) {
		struct pt__result *result = &pool->list->tests[work->tests[t]].result;
		result->status = PT__NOT_RUN;
		if (!result->message.len)
			pt__buf_adds(&result->message, reason);
	}
}

/* Fails every test of work with the same message (the program cannot run). */
void pt__pool_fail_work(struct pool *pool, const struct work *work, const char *message)
{
	for (size_t t = 0; t < work->nr_tests; t++) {
		set_message(pool, work->tests[t], "%s", message);
		pt__pool_finish_test(pool, NULL, work->tests[t], PT__FAIL, 0);
	}
}

/* ---- processes ---- */

static int64_t test_deadline(struct pool *pool, size_t index, int64_t start)
{
	int ms = pool->list->tests[index].timeout_ms;
	double seconds = ms > 0 ? ms / 1000.0 : pool->config->timeout;

	return seconds > 0 ? start + (int64_t)(seconds * 1e6) : 0;
}

/* Sends as much of the pending commands as the pipe takes. */
void pt__pool_flush_commands(struct slot *slot)
{
	/* All a one-test worker will get is written: its end of input tells it to go. */
	if (slot->close_after_flush && !slot->to_send.len && slot->commands >= 0) {
		close(slot->commands);
		slot->commands = -1;
	}
	while (slot->to_send.len && slot->commands >= 0) {
		ssize_t n = write(slot->commands, slot->to_send.data, slot->to_send.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				pt__buf_reset(&slot->to_send); /* the worker is gone */
			return;
		}
		pt__buf_consume(&slot->to_send, (size_t)n);
	}
	if (slot->close_after_flush && !slot->to_send.len && slot->commands >= 0) {
		close(slot->commands);
		slot->commands = -1;
	}
}

/* Queues "run" frames up to the window, and "end" after the last test. */
static void retire_slot(struct pool *pool, struct slot *slot);

static void send_tests(struct pool *pool, struct slot *slot)
{
	size_t window = pool->config->failfast ? 1 : SIZE_MAX;

	if (pool->stop_starting && slot->sent == slot->next && slot->next < slot->work.nr_tests) {
		/* --failfast tripped: what this worker has not started never will. */
		mark_not_run(pool, &slot->work, slot->next, "not run: --failfast after a failure");
		free(slot->work.tests);
		slot->has_work = false;
		retire_slot(pool, slot);
		return;
	}
	while (slot->sent < slot->work.nr_tests && slot->sent - slot->next < window) {
		if (pool->stop_starting)
			break;
		const struct pt__test *test = &pool->list->tests[slot->work.tests[slot->sent]];
		pt__buf_addf(&slot->to_send, "run %zu %s %s\n", slot->work.tests[slot->sent],
			     test->suite, test->name);
		slot->sent++;
	}
	if (slot->sent == slot->work.nr_tests && !slot->end_sent) {
		pt__buf_adds(&slot->to_send, "end\n");
		slot->end_sent = true;
	}
	pt__pool_flush_commands(slot);
}

static void begin_work(struct pool *pool, struct slot *slot)
{
	slot->state = SLOT_BUSY;
	slot->started = true;
	slot->test_started_us = pt__now_us();
	slot->deadline_us = test_deadline(pool, slot->work.tests[0], slot->test_started_us);
	if (slot->native)
		send_tests(pool, slot);
}

/* The slot's output files, made once and kept across its processes. */
static int ensure_capture(struct pool *pool, struct slot *slot)
{
	for (int i = 0; i < 2; i++) {
		if (slot->capture[i] >= 0)
			continue;
		int fd = pt__unlinked_file(pool->config->capture_dir);
		if (fd < 0)
			return fd;
		slot->capture[i] = fd;
		slot->captured[i] = 0;
	}
	return 0;
}

/*
 * Starts the slot's process for program: spawned, or forked from the
 * program's fork server (started here if need be; the fork is sent once it
 * serves). A native worker writes its output to the slot's two files (so
 * that results can say exactly where each test's output ends), an
 * executable to two pipes. Returns 0 or -errno.
 */
int pt__pool_start_process(struct pool *pool, struct slot *slot, size_t program)
{
	const struct pt__program *prog = &pool->list->programs[program];
	char *argv[] = {prog->path, NULL};
	int out[2] = {-1, -1}, err[2] = {-1, -1};
	int commands[2] = {-1, -1}, events[2] = {-1, -1};
	int child_out, child_err;
	bool native = prog->kind == PT__PROGRAM_NATIVE;
	char **env =
		(native ? pool->config->native_envs : pool->config->exec_envs)[slot->number - 1];
	int rc = 0;

	slot->pid = 0;
	if (native) {
		if (pool->config->no_capture) {
			child_out = pt__pool_uses_server(pool, program) ? 1 : PT__SPAWN_INHERIT;
			child_err = pt__pool_uses_server(pool, program) ? 2 : PT__SPAWN_INHERIT;
		} else {
			if ((rc = ensure_capture(pool, slot)))
				return rc;
			child_out = slot->capture[0];
			child_err = slot->capture[1];
		}
		if ((rc = pt__pipe(commands)) || (rc = pt__pipe(events)))
			goto fail;
	} else {
		if ((rc = pt__pipe(out)) || (rc = pt__pipe(err)))
			goto fail;
		child_out = out[1];
		child_err = err[1];
	}
	if (native && pt__pool_uses_server(pool, program)) {
		struct pt__fork_server *server = &pool->servers[program];
		if (server->state == PT__SERVER_NONE &&
		    (rc = pt__fork_server_start(server, prog->path, pool->config->server_env,
						pool->config->capture_dir, pt__now_us())))
			goto fail;
		slot->fork_fds[0] = child_out;
		slot->fork_fds[1] = child_err;
		slot->fork_fds[2] = commands[0];
		slot->fork_fds[3] = events[1];
		commands[0] = events[1] = -1;
		slot->awaiting_fork = true;
		slot->program = program;
		if (server->state == PT__SERVER_SERVING && (rc = pt__pool_send_fork(pool, slot)))
			goto fail;
	} else {
		struct pt__spawn spawn = {
			.path = prog->path,
			.argv = argv,
			.envp = env,
			.fds = {PT__SPAWN_DEVNULL, child_out, child_err,
				native ? commands[0] : PT__SPAWN_NONE,
				native ? events[1] : PT__SPAWN_NONE},
			.new_group = true,
		};
		struct pt__buf why = PT__BUF_INIT;
		rc = pt__spawn(&spawn, &slot->pid, &why);
		pt__buf_release(&why);
		if (rc)
			goto fail;
	}
	pt__pool_close_fd(&commands[0]);
	pt__pool_close_fd(&events[1]);
	if (native) {
		slot->commands = commands[1];
		slot->events = events[0];
		pt__set_nonblocking(slot->commands);
		pt__set_nonblocking(slot->events);
	} else {
		pt__pool_close_fd(&out[1]);
		pt__pool_close_fd(&err[1]);
		slot->out = out[0];
		slot->err = err[0];
		pt__set_nonblocking(slot->out);
		pt__set_nonblocking(slot->err);
	}
	slot->program = program;
	slot->native = native;
	slot->kill_stage = 0;
	slot->kill_at_us = 0;
	slot->deadline_us = 0;
	pt__buf_reset(&slot->received);
	pt__buf_reset(&slot->stop_reason);
	return 0;
fail:
	slot->awaiting_fork = false;
	pt__pool_close_fd(&slot->fork_fds[2]);
	pt__pool_close_fd(&slot->fork_fds[3]);
	for (int i = 0; i < 2; i++) {
		pt__pool_close_fd(&out[i]);
		pt__pool_close_fd(&err[i]);
		pt__pool_close_fd(&commands[i]);
		pt__pool_close_fd(&events[i]);
	}
	return rc;
}

static void signal_group(struct slot *slot, int signo)
{
	if (slot->pid > 0)
		kill(-slot->pid, signo);
}

/*
 * Stops the slot's process: the running test gets status and reason, the
 * tests after it go back to the queue (or are not run, when interrupted).
 * grace_first gives the process time to exit by itself before SIGTERM.
 */
static void stop_slot(struct pool *pool, struct slot *slot, enum pt__status status,
		      bool grace_first, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void stop_slot(struct pool *pool, struct slot *slot, enum pt__status status,
		      bool grace_first, const char *fmt, ...)
{
	int64_t grace = (int64_t)(pool->config->kill_grace * 1e6);
	va_list ap;

	if (slot->state == SLOT_STOPPING)
		return;
	slot->state = SLOT_STOPPING;
	slot->stop_status = status;
	pt__buf_reset(&slot->stop_reason);
	va_start(ap, fmt);
	pt__buf_vaddf(&slot->stop_reason, fmt, ap);
	va_end(ap);
	slot->deadline_us = 0;
	pt__pool_close_fd(&slot->commands);
	pt__buf_reset(&slot->to_send);
	if (grace_first) {
		slot->kill_stage = 0;
	} else {
		signal_group(slot, SIGTERM);
		slot->kill_stage = 1;
	}
	slot->kill_at_us = pt__now_us() + grace;
}

/* Asks an idle worker to end: closing its commands makes it tear down and exit. */
static void retire_slot(struct pool *pool, struct slot *slot)
{
	slot->state = SLOT_RETIRING;
	pt__pool_close_fd(&slot->commands);
	pt__buf_reset(&slot->to_send);
	/* Global tear-downs get a generous while before they are cut short. */
	slot->kill_at_us = pt__now_us() + (int64_t)(pool->config->kill_grace * 1e6) + 10000000;
	slot->kill_stage = 0;
}

static void add_captured(struct pool *pool, struct slot *slot, struct pt__buf *buf,
			 const char *data, size_t len);

static void capture(struct pool *pool, struct slot *slot, int fd, const char *data, size_t len)
{
	struct pt__buf *buf = fd == slot->out ? &slot->out_buf : &slot->err_buf;

	if (pool->config->passthrough)
		pool->config->passthrough(pool->config->ctx, fd == slot->out ? 1 : 2, data, len);
	add_captured(pool, slot, buf, data, len);
}

/* Reads what is there on an output descriptor; closes it at end of file. */
static void drain_output(struct pool *pool, struct slot *slot, int *fd)
{
	char chunk[65536];

	while (*fd >= 0) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));
		if (n > 0) {
			capture(pool, slot, *fd, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN)
			pt__pool_close_fd(fd);
		return;
	}
}

static void drain_all_output(struct pool *pool, struct slot *slot)
{
	drain_output(pool, slot, &slot->out);
	drain_output(pool, slot, &slot->err);
}

static void add_captured(struct pool *pool, struct slot *slot, struct pt__buf *buf,
			 const char *data, size_t len)
{
	if (buf->len + len > CAPTURE_LIMIT) {
		size_t room = buf->len < CAPTURE_LIMIT ? CAPTURE_LIMIT - buf->len : 0;
		slot->dropped += len - room;
		len = room;
	}
	pt__buf_add(buf, data, len);
}

/*
 * Attributes a native worker's output files up to the given offsets (or,
 * for a negative one, up to their current end) to the test that ran.
 */
static void read_capture(struct pool *pool, struct slot *slot, const off_t ends[2])
{
	char chunk[65536];

	for (int i = 0; i < 2; i++) {
		struct pt__buf *buf = i ? &slot->err_buf : &slot->out_buf;
		struct stat st;
		off_t end = ends[i];
		if (slot->capture[i] < 0)
			continue;
		if (end < 0 || end < slot->captured[i])
			end = fstat(slot->capture[i], &st) ? slot->captured[i] : st.st_size;
		while (slot->captured[i] < end) {
			size_t want = (size_t)(end - slot->captured[i]);
			ssize_t n = pread(slot->capture[i], chunk,
					  want < sizeof(chunk) ? want : sizeof(chunk),
					  slot->captured[i]);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			add_captured(pool, slot, buf, chunk, (size_t)n);
			slot->captured[i] += n;
		}
	}
}

static off_t parse_offset(const char *word)
{
	char *end;
	long long value;

	if (!strcmp(word, "-"))
		return -1;
	value = strtoll(word, &end, 10);
	return *end || value < 0 ? -1 : (off_t)value;
}

/* ---- events from a worker ---- */

static enum pt__status parse_status(const char *word, bool *ok)
{
	*ok = true;
	if (!strcmp(word, "pass"))
		return PT__PASS;
	if (!strcmp(word, "fail"))
		return PT__FAIL;
	if (!strcmp(word, "skip"))
		return PT__SKIP;
	if (!strcmp(word, "leak"))
		return PT__LEAK;
	*ok = false;
	return PT__FAIL;
}

static void add_teardown_failure(struct pool *pool, struct slot *slot, const char *message,
				 size_t len)
{
	const struct pt__test *last = &pool->list->tests[slot->work.tests[slot->work.nr_tests - 1]];
	char *suite = pt__xstrdup(last->suite);
	size_t index =
		pt__test_list_add_test(pool->list, slot->program, suite, "[suite-teardown]", 0);

	free(suite);
	pt__buf_add(&pool->list->tests[index].result.message, message, len);
	pool->total++;
	pt__pool_finish_test(pool, slot, index, PT__FAIL, 0);
}

/*
 * A worker that ended badly after its last group (its global tear-down
 * failed or crashed) is reported as a failed test of its own.
 */
static void add_global_teardown_failure(struct pool *pool, struct slot *slot, int status)
{
	size_t index =
		pt__test_list_add_test(pool->list, slot->program, "[global]", "[teardown]", 0);
	struct pt__buf *message = &pool->list->tests[index].result.message;

	pt__buf_addf(message, "worker %d (pid %ld) ", slot->number, (long)slot->pid);
	pt__describe_wait_status(status, message);
	pt__buf_adds(message, " after its last test");
	pool->total++;
	pt__pool_finish_test(pool, slot, index, WIFSIGNALED(status) ? PT__CRASH : PT__FAIL, 0);
}

/* Handles one frame. Returns 0, or -1 when the worker broke the protocol. */
static int handle_frame(struct pool *pool, struct slot *slot, const struct pt__frame *frame,
			struct pt__buf *why)
{
	const char *verb = frame->words[0];

	if (!strcmp(verb, "hello")) {
		if (atoi(frame->words[1]) != PT__WIRE_VERSION) {
			pt__buf_addf(why, "speaks protocol version %s, not %d", frame->words[1],
				     PT__WIRE_VERSION);
			return -1;
		}
		return 0;
	}
	if (!strcmp(verb, "ready") && slot->state == SLOT_STARTING) {
		begin_work(pool, slot);
		return 0;
	}
	if (!strcmp(verb, "init-failed") && slot->state == SLOT_STARTING) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "global set-up failed on worker %d: ", slot->number);
		pt__buf_add(&message, frame->payload, frame->payload_len);
		pool->broken_programs[slot->program] = true;
		pt__buf_reset(&pool->broken_reasons[slot->program]);
		pt__buf_add(&pool->broken_reasons[slot->program], message.data, message.len);
		pt__pool_fail_work(pool, &slot->work, message.data);
		pt__buf_release(&message);
		free(slot->work.tests);
		slot->has_work = false;
		retire_slot(pool, slot);
		return 0;
	}
	if (!strcmp(verb, "result") && slot->state == SLOT_BUSY && slot->next < slot->sent) {
		size_t index = slot->work.tests[slot->next];
		char *end;
		bool ok;
		unsigned long long seq = strtoull(frame->words[1], &end, 10);
		enum pt__status status = parse_status(frame->words[2], &ok);
		long long us = strtoll(frame->words[3], NULL, 10);
		if (*end || seq != index || !ok) {
			pt__buf_addf(why, "sent a result for test %s where %zu was running",
				     frame->words[1], index);
			return -1;
		}
		off_t ends[2] = {parse_offset(frame->words[4]), parse_offset(frame->words[5])};
		read_capture(pool, slot, ends);
		set_message(pool, index, "%.*s", (int)frame->payload_len, frame->payload);
		pt__pool_finish_test(pool, slot, index, status, us > 0 ? us : 0);
		slot->next++;
		slot->test_started_us = pt__now_us();
		slot->deadline_us = slot->next < slot->work.nr_tests
					    ? test_deadline(pool, slot->work.tests[slot->next],
							    slot->test_started_us)
					    : 0;
		send_tests(pool, slot);
		return 0;
	}
	if (!strcmp(verb, "ended") && slot->state == SLOT_BUSY && slot->end_sent &&
	    slot->next == slot->work.nr_tests) {
		if (strcmp(frame->words[1], "pass"))
			add_teardown_failure(pool, slot, frame->payload, frame->payload_len);
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
	pt__buf_addf(why, "sent \"%s\" out of turn", verb);
	return -1;
}

static void describe_slot(struct slot *slot, struct pt__buf *out)
{
	pt__buf_addf(out, "worker %d (pid %ld)", slot->number, (long)slot->pid);
}

/* Reads and handles what the worker sent; notices end of file. */
static void read_events(struct pool *pool, struct slot *slot)
{
	char chunk[65536];
	struct pt__buf why = PT__BUF_INIT;

	while (slot->events >= 0) {
		ssize_t n = read(slot->events, chunk, sizeof(chunk));
		if (n > 0) {
			pt__buf_add(&slot->received, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		pt__pool_close_fd(&slot->events);
	}
	while (slot->received.len && slot->state != SLOT_STOPPING) {
		struct pt__frame frame;
		size_t used;
		int parsed = pt__wire_parse(PT__WIRE_EVENTS, slot->received.data,
					    slot->received.len, &frame, &used, &why);
		if (parsed == 0)
			break;
		if (parsed < 0 || handle_frame(pool, slot, &frame, &why)) {
			struct pt__buf who = PT__BUF_INIT;
			describe_slot(slot, &who);
			stop_slot(pool, slot, PT__CRASH, false, "%s broke the worker protocol: %s",
				  pt__buf_str(&who), pt__buf_str(&why));
			pt__buf_release(&who);
			break;
		}
		pt__buf_consume(&slot->received, used);
	}
	/* Before its process exists (a fork on its way), an end of file only
	 * means the fork server let go of the descriptor. */
	if (slot->events < 0 && slot->pid > 0 && slot->state != SLOT_STOPPING &&
	    slot->state != SLOT_RETIRING && slot->state != SLOT_EMPTY) {
		struct pt__buf who = PT__BUF_INIT;
		describe_slot(slot, &who);
		stop_slot(pool, slot, PT__CRASH, true, "%s closed the protocol descriptor",
			  pt__buf_str(&who));
		pt__buf_release(&who);
	}
	pt__buf_release(&why);
}

/* ---- a process ended ---- */

void pt__pool_requeue_rest(struct pool *pool, struct slot *slot, size_t from)
{
	if (!slot->has_work)
		return;
	if (from < slot->work.nr_tests) {
		if (pool->interrupting) {
			mark_not_run(pool, &slot->work, from, "interrupted");
		} else if (pool->stop_starting) {
			mark_not_run(pool, &slot->work, from,
				     "not run: --failfast after a failure");
		} else {
			struct work rest = {slot->work.program, NULL, slot->work.nr_tests - from};
			rest.tests = pt__xcalloc(rest.nr_tests, sizeof(*rest.tests));
			memcpy(rest.tests, slot->work.tests + from,
			       rest.nr_tests * sizeof(*rest.tests));
			queue_push_front(pool, rest);
		}
	}
	free(slot->work.tests);
	slot->has_work = false;
}

/* Judges an executable run as one test from its exit status and output. */
static void judge_exec(struct pool *pool, struct slot *slot, int status, bool leaked)
{
	size_t index = slot->work.tests[0];
	struct pt__buf *message = &pool->list->tests[index].result.message;
	enum pt__status verdict;
	struct pt__buf details = PT__BUF_INIT;
	enum pt__tap_verdict tap = pt__tap_judge(slot->out_buf.data ? slot->out_buf.data : "",
						 slot->out_buf.len, &details);

	pt__buf_reset(message);
	if (WIFSIGNALED(status)) {
		verdict = PT__CRASH;
		pt__describe_wait_status(status, message);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 77 && tap != PT__TAP_FAIL) {
		verdict = PT__SKIP;
		pt__buf_adds(message, details.len ? details.data : "exited with status 77 (skip)");
	} else if (tap == PT__TAP_FAIL) {
		verdict = PT__FAIL;
		pt__buf_add(message, details.data, details.len);
		if (WEXITSTATUS(status)) {
			pt__buf_addc(message, '\n');
			pt__describe_wait_status(status, message);
		}
	} else if (WEXITSTATUS(status)) {
		verdict = PT__FAIL;
		pt__describe_wait_status(status, message);
	} else if (tap == PT__TAP_SKIP) {
		verdict = PT__SKIP;
		pt__buf_add(message, details.data, details.len);
	} else {
		verdict = PT__PASS;
	}
	if (leaked) {
		if (message->len)
			pt__buf_addc(message, '\n');
		pt__buf_adds(message, "left processes running after it exited; they were killed");
		if (verdict == PT__PASS || verdict == PT__SKIP)
			verdict = PT__LEAK;
	}
	pt__buf_release(&details);
	pt__pool_finish_test(pool, slot, index, verdict, pt__now_us() - slot->test_started_us);
}

void pt__pool_process_exited(struct pool *pool, struct slot *slot, int status)
{
	bool leaked = false;

	/* Whatever it reported before it ended counts. */
	if (slot->native && slot->state != SLOT_STOPPING)
		read_events(pool, slot);
	drain_all_output(pool, slot);
	read_capture(pool, slot, (off_t[2]){-1, -1});
	/* The leader is gone; anything left in its group was left behind. */
	if (kill(-slot->pid, 0) == 0) {
		leaked = true;
		kill(-slot->pid, SIGKILL);
		drain_all_output(pool, slot);
	}

	struct pt__buf who = PT__BUF_INIT;
	describe_slot(slot, &who);
	if (slot->state == SLOT_BUSY && !slot->native) {
		judge_exec(pool, slot, status, leaked);
		free(slot->work.tests);
		slot->has_work = false;
	} else if (slot->state == SLOT_STOPPING && slot->has_work && slot->started &&
		   slot->next < slot->work.nr_tests) {
		size_t index = slot->work.tests[slot->next];
		if (slot->stop_status == PT__NOT_RUN) {
			take_output(slot, &pool->list->tests[index].result);
			set_message(pool, index, "%s", pt__buf_str(&slot->stop_reason));
			pool->list->tests[index].result.status = PT__NOT_RUN;
			pool->list->tests[index].result.worker = slot->number;
		} else if (slot->kill_stage == 0) {
			/* It closed the protocol and then ended by itself: a crash like any other. */
			struct pt__buf how = PT__BUF_INIT;
			pt__describe_wait_status(status, &how);
			set_message(pool, index, "%s %s while running this test%s",
				    pt__buf_str(&who), pt__buf_str(&how),
				    slot->received.len ? ", in the middle of sending a frame" : "");
			pt__buf_release(&how);
			pt__pool_finish_test(pool, slot, index, slot->stop_status,
					     pt__now_us() - slot->test_started_us);
		} else {
			struct pt__buf how = PT__BUF_INIT;
			pt__describe_wait_status(status, &how);
			set_message(pool, index, "%s; the worker then %s",
				    pt__buf_str(&slot->stop_reason), pt__buf_str(&how));
			pt__buf_release(&how);
			pt__pool_finish_test(pool, slot, index, slot->stop_status,
					     pt__now_us() - slot->test_started_us);
		}
		pt__pool_requeue_rest(pool, slot, slot->next + 1);
	} else if (slot->state == SLOT_BUSY && slot->next < slot->work.nr_tests) {
		size_t index = slot->work.tests[slot->next];
		struct pt__buf how = PT__BUF_INIT;
		pt__describe_wait_status(status, &how);
		set_message(pool, index, "%s %s while running this test%s", pt__buf_str(&who),
			    pt__buf_str(&how),
			    slot->received.len ? ", in the middle of sending a frame" : "");
		pt__buf_release(&how);
		pt__pool_finish_test(pool, slot, index, PT__CRASH,
				     pt__now_us() - slot->test_started_us);
		pt__pool_requeue_rest(pool, slot, slot->next + 1);
	} else if (slot->state == SLOT_STARTING ||
		   (slot->state == SLOT_STOPPING && slot->has_work)) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "%s ", pt__buf_str(&who));
		if (slot->stop_reason.len)
			pt__buf_addf(&message, "%s; it then ", pt__buf_str(&slot->stop_reason));
		pt__describe_wait_status(status, &message);
		pt__buf_adds(&message, " during its init phase");
		if (pool->interrupting) {
			pt__pool_requeue_rest(pool, slot, 0);
		} else {
			pool->broken_programs[slot->program] = true;
			pt__buf_reset(&pool->broken_reasons[slot->program]);
			pt__buf_adds(&pool->broken_reasons[slot->program], message.data);
			pt__pool_fail_work(pool, &slot->work, message.data);
			free(slot->work.tests);
			slot->has_work = false;
		}
		pt__buf_release(&message);
	} else if (slot->has_work) {
		pt__pool_requeue_rest(pool, slot, slot->next);
	} else if (slot->state == SLOT_RETIRING && slot->native &&
		   !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		add_global_teardown_failure(pool, slot, status);
	}
	pt__buf_release(&who);

	pt__pool_close_fd(&slot->commands);
	pt__pool_close_fd(&slot->events);
	pt__pool_close_fd(&slot->out);
	pt__pool_close_fd(&slot->err);
	pt__buf_reset(&slot->to_send);
	pt__buf_reset(&slot->out_buf);
	pt__buf_reset(&slot->err_buf);
	slot->dropped = 0;
	slot->pid = 0;
	slot->forked = false;
	slot->state = SLOT_EMPTY;
	slot->deadline_us = slot->kill_at_us = 0;
}

/*
 * Reaps every child that ended: the slots' processes, and the orphans of
 * tests that the runner, as their subreaper, inherited.
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
			if (pool->slots[i].pid == pid)
				pt__pool_process_exited(pool, &pool->slots[i], status);
		for (size_t p = 0; p < pool->list->nr_programs; p++)
			if (pool->servers[p].pid == pid)
				pt__pool_server_exited(pool, p, status);
	}
}

/* ---- handing out work ---- */

static void start_work(struct pool *pool, struct slot *slot, struct work work)
{
	if (pool->broken_programs[work.program]) {
		pt__pool_fail_work(pool, &work, pt__buf_str(&pool->broken_reasons[work.program]));
		free(work.tests);
		return;
	}
	slot->work = work;
	slot->has_work = true;
	slot->started = false;
	slot->sent = slot->next = 0;
	slot->end_sent = false;
	slot->close_after_flush = false;
	if (slot->state == SLOT_IDLE) {
		begin_work(pool, slot);
		return;
	}
	int rc = pt__pool_start_process(pool, slot, work.program);
	if (rc) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "cannot start \"%s\": %s",
			     pool->list->programs[work.program].path, strerror(-rc));
		pt__pool_fail_work(pool, &work, message.data);
		pt__buf_release(&message);
		free(work.tests);
		slot->has_work = false;
		return;
	}
	if (slot->native) {
		slot->state = SLOT_STARTING;
		/* The init phase gets the run's --timeout too. */
		slot->deadline_us = pool->config->timeout > 0
					    ? pt__now_us() + (int64_t)(pool->config->timeout * 1e6)
					    : 0;
		pt__buf_adds(&slot->to_send, "init\n");
		/* A worker that runs one group and goes gets all of it at once,
		 * saving the round trips; under --failfast tests go one by one. */
		if (pool->list->programs[work.program].start == PT__START_ISOLATE &&
		    !pool->config->failfast) {
			send_tests(pool, slot);
			slot->close_after_flush = true;
		}
		pt__pool_flush_commands(slot);
	} else {
		slot->state = SLOT_BUSY;
		slot->started = true;
		slot->test_started_us = pt__now_us();
		slot->deadline_us = test_deadline(pool, work.tests[0], slot->test_started_us);
	}
}

static void assign_work(struct pool *pool)
{
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->state != SLOT_EMPTY && slot->state != SLOT_IDLE)
			continue;
		if (pool->stop_starting || !pool->queue_len) {
			if (slot->state == SLOT_IDLE)
				retire_slot(pool, slot);
			continue;
		}
		/* An idle worker of another program makes way for a fresh one. */
		if (slot->state == SLOT_IDLE &&
		    pool->queue[pool->queue_head].program != slot->program) {
			retire_slot(pool, slot);
			continue;
		}
		struct work work;
		queue_pop(pool, &work);
		start_work(pool, slot, work);
	}
}

/* ---- deadlines and signals ---- */

static void check_deadlines(struct pool *pool)
{
	int64_t now = pt__now_us();

	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->state == SLOT_STARTING && slot->deadline_us && now >= slot->deadline_us &&
		    !slot->pid) {
			/* Still waiting for its fork server's global set-up. */
			struct pt__fork_server *server = &pool->servers[slot->program];
			if (server->pid > 0 && !server->why.len) {
				pt__buf_addf(&server->why, "it took longer than --timeout %.3g s",
					     pool->config->timeout);
				kill(-server->pid, SIGKILL);
			}
			slot->deadline_us = 0;
		}
		if (slot->state == SLOT_STARTING && slot->deadline_us && now >= slot->deadline_us)
			stop_slot(pool, slot, PT__CRASH, false,
				  "did not finish its init phase within %.3g s",
				  pool->config->timeout);
		if (slot->state == SLOT_BUSY && slot->deadline_us && now >= slot->deadline_us) {
			double limit = (slot->deadline_us - slot->test_started_us) / 1e6;
			stop_slot(pool, slot, PT__TIMEOUT, false,
				  "timed out after %.3g s; its worker's process group got SIGTERM",
				  limit);
		}
		if (slot->kill_at_us && now >= slot->kill_at_us && slot->pid > 0) {
			if (slot->kill_stage == 0) {
				signal_group(slot, SIGTERM);
				slot->kill_stage = 1;
				slot->kill_at_us = now + (int64_t)(pool->config->kill_grace * 1e6);
			} else {
				if (slot->kill_stage == 1 && slot->state == SLOT_STOPPING)
					pt__buf_adds(&slot->stop_reason, ", then SIGKILL");
				signal_group(slot, SIGKILL);
				slot->kill_stage = 2;
				slot->kill_at_us = 0;
			}
		}
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
			if (slot->pid > 0)
				stop_slot(pool, slot, PT__NOT_RUN, false, "interrupted");
			else if (slot->state != SLOT_EMPTY)
				pt__pool_abandon_slot(pool, slot, "interrupted");
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
			signal_group(&pool->slots[i], SIGKILL);
		for (size_t p = 0; p < pool->list->nr_programs; p++)
			if (pool->servers[p].pid > 0)
				kill(-pool->servers[p].pid, SIGKILL);
	}
}

static int64_t next_wakeup(struct pool *pool)
{
	int64_t wake = pool->config->progress ? pt__now_us() + PROGRESS_INTERVAL_US : INT64_MAX;

	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if ((slot->state == SLOT_BUSY || slot->state == SLOT_STARTING) &&
		    slot->deadline_us && slot->deadline_us < wake)
			wake = slot->deadline_us;
		if (slot->kill_at_us && slot->kill_at_us < wake)
			wake = slot->kill_at_us;
	}
	return wake;
}

static bool all_empty(struct pool *pool)
{
	for (int i = 0; i < pool->config->workers; i++)
		if (pool->slots[i].state != SLOT_EMPTY)
			return false;
	return true;
}

/* ---- the loop ---- */

int pt__pool_run(struct pt__test_list *list, const struct pt__plan *plan,
		 const struct pt__pool_config *config)
{
	struct pool pool = {0};
	size_t nr_fds = 1 + (size_t)config->workers * 4 + list->nr_programs;
	struct pollfd *fds = pt__xcalloc(nr_fds, sizeof(*fds));
	size_t *server_of = pt__xcalloc(list->nr_programs + 1, sizeof(*server_of));
	struct slot **owners = pt__xcalloc(nr_fds, sizeof(*owners));

	pool.list = list;
	pool.config = config;
	pool.total = list->nr_tests;
	pool.slots = pt__xcalloc((size_t)config->workers, sizeof(*pool.slots));
	pool.broken_programs = pt__xcalloc(list->nr_programs, sizeof(bool));
	pool.broken_reasons = pt__xcalloc(list->nr_programs, sizeof(struct pt__buf));
	for (int i = 0; i < config->workers; i++) {
		struct slot *slot = &pool.slots[i];
		slot->number = i + 1;
		slot->commands = slot->events = slot->out = slot->err = -1;
		slot->capture[0] = slot->capture[1] = -1;
		for (int k = 0; k < PT__FORK_FDS; k++)
			slot->fork_fds[k] = -1;
	}
	pool.servers = pt__xcalloc(list->nr_programs, sizeof(*pool.servers));
	for (size_t p = 0; p < list->nr_programs; p++)
		pool.servers[p] = (struct pt__fork_server)PT__FORK_SERVER_INIT;
	for (size_t g = 0; g < plan->nr_groups; g++) {
		const struct pt__group *group = &plan->groups[g];
		/* Under isolate every test is a group of its own. */
		bool isolate = list->programs[group->program].start == PT__START_ISOLATE;
		size_t per_work = isolate ? 1 : group->nr_tests;
		for (size_t t = 0; t < group->nr_tests; t += per_work) {
			struct work work = {group->program, NULL, per_work};
			work.tests = pt__xcalloc(per_work, sizeof(*work.tests));
			memcpy(work.tests, group->tests + t, per_work * sizeof(*work.tests));
			queue_push_back(&pool, work);
		}
	}

	/* Processes that escape their test's process group still end up ours. */
	pt__leaks_adopt_orphans();
	for (;;) {
		if (pt__interrupts)
			interrupt(&pool);
		assign_work(&pool);
		if (all_empty(&pool) && (!pool.queue_len || pool.stop_starting)) {
			if (!pt__pool_servers_running(&pool))
				break;
			pt__pool_stop_servers(&pool);
		}

		size_t n = 0;
		fds[n++] = (struct pollfd){pt__signals_fd(), POLLIN, 0};
		for (int i = 0; i < config->workers; i++) {
			struct slot *slot = &pool.slots[i];
			int *mine[] = {&slot->events, &slot->out, &slot->err};
			for (size_t k = 0; k < 3; k++) {
				if (*mine[k] < 0)
					continue;
				owners[n] = slot;
				fds[n++] = (struct pollfd){*mine[k], POLLIN, 0};
			}
			if (slot->commands >= 0 && slot->to_send.len) {
				owners[n] = slot;
				fds[n++] = (struct pollfd){slot->commands, POLLOUT, 0};
			}
		}
		size_t first_server = n;
		for (size_t p = 0; p < list->nr_programs; p++) {
			if (pool.servers[p].events < 0)
				continue;
			server_of[n - first_server] = p;
			fds[n++] = (struct pollfd){pool.servers[p].events, POLLIN, 0};
		}
		int64_t wake = next_wakeup(&pool), now = pt__now_us();
		int timeout = wake == INT64_MAX ? -1
			      : wake <= now	? 0
						: (int)((wake - now + 999) / 1000);
		if (poll(fds, n, timeout) < 0 && errno != EINTR)
			break;
		/* Children are reaped when SIGCHLD said so, not on every event. */
		bool signalled = fds[0].revents != 0;
		if (signalled)
			pt__signals_drain();
		for (size_t i = first_server; i < n; i++)
			if (fds[i].revents)
				pt__pool_read_server_events(&pool, server_of[i - first_server]);
		for (size_t i = 1; i < first_server; i++) {
			struct slot *slot = owners[i];
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == slot->events)
				read_events(&pool, slot);
			else if (fds[i].fd == slot->out)
				drain_output(&pool, slot, &slot->out);
			else if (fds[i].fd == slot->err)
				drain_output(&pool, slot, &slot->err);
			else if (fds[i].fd == slot->commands)
				pt__pool_flush_commands(slot);
		}
		if (signalled)
			reap(&pool);
		check_deadlines(&pool);
		report_progress(&pool, false);
	}

	struct pt__children none = {NULL, 0, 0};
	struct pt__buf orphans = PT__BUF_INIT;
	/* Orphans of process groups that were just signalled are still dying. */
	for (int wait = 0; wait < 20 && pt__leaks_any_child(); wait++)
		pt__sleep_ms(10);
	if (pt__leaks_kill_new(&none, &orphans) && config->note) {
		struct pt__buf line = PT__BUF_INIT;
		pt__buf_addf(&line,
			     "killed processes that tests left running outside their "
			     "process groups: %s",
			     orphans.data);
		config->note(config->ctx, line.data);
		pt__buf_release(&line);
	}
	pt__buf_release(&orphans);
	struct work rest;
	while (queue_pop(&pool, &rest)) {
		mark_not_run(&pool, &rest, 0,
			     pool.interrupting ? "interrupted"
					       : "not run: --failfast after a failure");
		free(rest.tests);
	}
	for (int i = 0; i < config->workers; i++) {
		struct slot *slot = &pool.slots[i];
		pt__buf_release(&slot->to_send);
		pt__buf_release(&slot->received);
		pt__buf_release(&slot->out_buf);
		pt__buf_release(&slot->err_buf);
		pt__buf_release(&slot->stop_reason);
		pt__pool_close_fd(&slot->capture[0]);
		pt__pool_close_fd(&slot->capture[1]);
	}
	for (size_t p = 0; p < list->nr_programs; p++)
		pt__fork_server_release(&pool.servers[p]);
	free(pool.servers);
	free(server_of);
	int rc = pool.interrupting ? 130 : 0;
	free(fds);
	free(owners);
	free(pool.slots);
	free(pool.queue);
	free(pool.broken_programs);
	for (size_t p = 0; p < list->nr_programs; p++)
		pt__buf_release(&pool.broken_reasons[p]);
	free(pool.broken_reasons);
	return rc;
}
