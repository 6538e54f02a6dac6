/*
 * The pool's side of the fork servers (src/forkserver.c starts and talks
 * to them): asking for workers, what their answers mean for the slots, and
 * what happens when a server fails, refuses to fork or ends.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "pool_internal.h"
#include "protocol.h"

/* True if program's workers come from its fork server. */
bool pt__pool_uses_server(const struct pool *pool, size_t program)
{
	const struct pt__program *prog = &pool->list->programs[program];

	return prog->forkable && prog->start != PT__START_SPAWN &&
	       pool->servers[program].state != PT__SERVER_REFUSED;
}

/* Hands the slot's prepared descriptors to its program's fork server. */
int pt__pool_send_fork(struct pool *pool, struct slot *slot)
{
	struct pt__fork_server *server = &pool->servers[slot->program];
	int rc = pt__fork_server_fork(server, slot->number, slot->fork_fds,
				      pool->config->native_envs[slot->number - 1]);

	pt__pool_close_fd(&slot->fork_fds[2]);
	pt__pool_close_fd(&slot->fork_fds[3]);
	slot->awaiting_fork = false;
	return rc;
}

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
void pt__pool_abandon_slot(struct pool *pool, struct slot *slot, const char *message)
{
	if (slot->has_work) {
		if (pool->interrupting)
			pt__pool_requeue_rest(pool, slot, 0);
		else {
			pt__pool_fail_work(pool, &slot->work, message);
			free(slot->work.tests);
			slot->has_work = false;
		}
	}
	slot->awaiting_fork = false;
	pt__pool_close_fd(&slot->fork_fds[2]);
	pt__pool_close_fd(&slot->fork_fds[3]);
	pt__pool_close_fd(&slot->commands);
	pt__pool_close_fd(&slot->events);
	pt__buf_reset(&slot->to_send);
	slot->pid = 0;
	slot->state = SLOT_EMPTY;
	slot->deadline_us = slot->kill_at_us = 0;
}

/* Gives up on program's server: it cannot serve, for the reason given. */
static void server_failed(struct pool *pool, size_t program, const char *why)
{
	struct pt__buf message = PT__BUF_INIT;

	pt__buf_addf(&message, "global set-up failed in the fork server: %s", why);
	pool->broken_programs[program] = true;
	pt__buf_reset(&pool->broken_reasons[program]);
	pt__buf_adds(&pool->broken_reasons[program], message.data);
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->program == program && slot->pid == 0 && slot->state != SLOT_EMPTY)
			pt__pool_abandon_slot(pool, slot, message.data);
	}
	pt__buf_release(&message);
}

static struct slot *slot_of_pid(struct pool *pool, pid_t pid)
{
	for (int i = 0; i < pool->config->workers; i++)
		if (pool->slots[i].pid == pid)
			return &pool->slots[i];
	return NULL;
}

static struct slot *slot_numbered(struct pool *pool, const char *word)
{
	long number = strtol(word, NULL, 10);

	return number >= 1 && number <= pool->config->workers ? &pool->slots[number - 1] : NULL;
}

/* The server will not fork: its slots' workers are spawned instead. */
static void server_refused(struct pool *pool, size_t program, struct slot *slot, const char *why,
			   size_t why_len)
{
	struct pt__fork_server *server = &pool->servers[program];

	if (server->state != PT__SERVER_REFUSED) {
		server->state = PT__SERVER_REFUSED;
		note(pool, "%s: not forking workers from its server (%.*s); spawning them instead",
		     pool->list->programs[program].name, (int)why_len, why);
		pt__fork_server_stop(server);
	}
	if (!slot || slot->pid || slot->state != SLOT_STARTING)
		return;
	pt__pool_close_fd(&slot->commands);
	pt__pool_close_fd(&slot->events);
	int rc = pt__pool_start_process(pool, slot, program);
	if (rc) {
		struct pt__buf message = PT__BUF_INIT;
		pt__buf_addf(&message, "cannot start \"%s\": %s",
			     pool->list->programs[program].path, strerror(-rc));
		pt__pool_abandon_slot(pool, slot, message.data);
		pt__buf_release(&message);
		return;
	}
	pt__buf_reset(&slot->to_send);
	pt__buf_adds(&slot->to_send, "init\n");
	pt__pool_flush_commands(slot);
}

static void handle_server_frame(struct pool *pool, size_t program, const struct pt__frame *frame)
{
	struct pt__fork_server *server = &pool->servers[program];
	const char *verb = frame->words[0];

	if (!strcmp(verb, "hello")) {
		return;
	} else if (!strcmp(verb, "serving")) {
		server->state = PT__SERVER_SERVING;
		for (int i = 0; i < pool->config->workers; i++) {
			struct slot *slot = &pool->slots[i];
			if (slot->program != program || !slot->awaiting_fork)
				continue;
			int rc = pt__pool_send_fork(pool, slot);
			if (rc) {
				struct pt__buf message = PT__BUF_INIT;
				pt__buf_addf(&message,
					     "cannot ask the fork server for a worker: %s",
					     strerror(-rc));
				pt__pool_abandon_slot(pool, slot, message.data);
				pt__buf_release(&message);
			}
		}
	} else if (!strcmp(verb, "init-failed")) {
		struct pt__buf why = PT__BUF_INIT;
		server->state = PT__SERVER_FAILED;
		pt__buf_add(&why, frame->payload, frame->payload_len);
		server_failed(pool, program, why.data);
		pt__buf_release(&why);
		pt__fork_server_stop(server);
	} else if (!strcmp(verb, "forked")) {
		struct slot *slot = slot_numbered(pool, frame->words[1]);
		if (!slot)
			return;
		slot->pid = (pid_t)strtol(frame->words[2], NULL, 10);
		slot->forked = true;
		/* Stopped (timed out, interrupted) before its pid was known: it
		 * goes at once. The worker's own events may well have come first:
		 * one retiring after its last test ends by itself. */
		if (slot->state == SLOT_STOPPING)
			kill(-slot->pid, SIGKILL);
	} else if (!strcmp(verb, "fork-refused")) {
		server_refused(pool, program, slot_numbered(pool, frame->words[1]), frame->payload,
			       frame->payload_len);
	} else if (!strcmp(verb, "exited")) {
		struct slot *slot = slot_of_pid(pool, (pid_t)strtol(frame->words[1], NULL, 10));
		if (slot)
			pt__pool_process_exited(pool, slot, atoi(frame->words[2]));
	}
}

void pt__pool_read_server_events(struct pool *pool, size_t program)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct pt__buf why = PT__BUF_INIT;

	pt__fork_server_read(server);
	while (server->received.len) {
		struct pt__frame frame;
		size_t used;
		int parsed = pt__wire_parse(PT__WIRE_EVENTS, server->received.data,
					    server->received.len, &frame, &used, &why);
		if (parsed <= 0) {
			if (parsed < 0) {
				note(pool, "%s: its fork server broke the protocol: %s",
				     pool->list->programs[program].name, why.data);
				kill(-server->pid, SIGKILL);
				pt__buf_reset(&server->received);
			}
			break;
		}
		handle_server_frame(pool, program, &frame);
		pt__buf_consume(&server->received, used);
	}
	pt__buf_release(&why);
}

/* The server process ended. */
void pt__pool_server_exited(struct pool *pool, size_t program, int status)
{
	struct pt__fork_server *server = &pool->servers[program];
	struct pt__buf how = PT__BUF_INIT;

	pt__pool_read_server_events(pool, program);
	/* Its workers died with it; no word of them will come from it any more. */
	for (int i = 0; i < pool->config->workers; i++) {
		struct slot *slot = &pool->slots[i];
		if (slot->program == program && slot->forked && slot->pid > 0) {
			kill(-slot->pid, SIGKILL);
			pt__pool_process_exited(pool, slot, SIGKILL);
		}
	}
	pt__describe_wait_status(status, &how);
	if (server->state == PT__SERVER_STARTING) {
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "the server %s during it", how.data);
		if (server->why.len)
			pt__buf_addf(&why, " (%s)", server->why.data);
		server_failed(pool, program, why.data);
		pt__buf_release(&why);
	} else if (server->state == PT__SERVER_SERVING && pool->stopping_servers &&
		   !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		size_t index =
			pt__test_list_add_test(pool->list, program, "[global]", "[teardown]", 0);
		struct pt__result *result = &pool->list->tests[index].result;
		char chunk[4096];
		ssize_t n;
		pt__buf_addf(&result->message, "the fork server %s after the last test", how.data);
		for (off_t at = 0; (n = pread(server->output, chunk, sizeof(chunk), at)) > 0;
		     at += n)
			pt__buf_add(&result->err, chunk, (size_t)n);
		pool->total++;
		pt__pool_finish_test(pool, NULL, index, WIFSIGNALED(status) ? PT__CRASH : PT__FAIL,
				     0);
	} else if (server->state == PT__SERVER_SERVING && !pool->stopping_servers) {
		/* Died under its workers: they die with it; a new one is started on demand. */
		note(pool, "%s: its fork server %s; starting a new one",
		     pool->list->programs[program].name, how.data);
		for (int i = 0; i < pool->config->workers; i++) {
			struct slot *slot = &pool->slots[i];
			if (slot->program != program || slot->pid || slot->state == SLOT_EMPTY)
				continue;
			pt__pool_requeue_rest(pool, slot, 0);
			pt__pool_abandon_slot(pool, slot, "");
		}
	}
	pt__buf_release(&how);
	enum pt__fork_server_state state = server->state;
	pt__fork_server_release(server);
	*server = (struct pt__fork_server)PT__FORK_SERVER_INIT;
	if (state == PT__SERVER_FAILED || state == PT__SERVER_REFUSED)
		server->state = state;
	else if (state == PT__SERVER_STARTING)
		server->state = PT__SERVER_FAILED;
}

bool pt__pool_servers_running(const struct pool *pool)
{
	for (size_t p = 0; p < pool->list->nr_programs; p++)
		if (pool->servers[p].pid > 0)
			return true;
	return false;
}

/* Asks every server to tear down and exit: no more work is coming. */
void pt__pool_stop_servers(struct pool *pool)
{
	if (pool->stopping_servers)
		return;
	pool->stopping_servers = true;
	for (size_t p = 0; p < pool->list->nr_programs; p++)
		pt__fork_server_stop(&pool->servers[p]);
}
