/*
 * The fork server (start method "fork", docs/protocol.md): the global
 * set-up runs once here; workers are forked from this process, so they
 * share what it built copy-on-write and start in microseconds. Commands come
 * on a SOCK_SEQPACKET socket (descriptor 3) so that each "fork" can carry
 * the new worker's descriptors (SCM_RIGHTS).
 */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/buf.h"
#include "../src/protocol.h"
#include "../src/xalloc.h"
#include "outcome.h"
#include "worker.h"

#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0 /* descriptors are closed in the child by hand */
#endif

/* stdout, stderr, commands, events: what each fork command brings. */
#define FORK_FDS       4
#define MAX_QUEUED_FDS 64

extern char **environ;

struct server {
	const struct pt__registry *registry;
	struct pt__buf events;
	struct pt__buf input;
	int fds[MAX_QUEUED_FDS]; /* received, not yet handed to a worker */
	size_t nr_fds;
	pid_t *children;
	size_t nr_children, alloc_children;
};

static int child_exits[2] = {-1, -1};

static void on_sigchld(int signo)
{
	int saved = errno;

	(void)signo;
	(void)!write(child_exits[1], "c", 1);
	errno = saved;
}

static void send_events(struct server *server)
{
	if (pt__write_all(PT__PROTOCOL_EVENT_FD, server->events.data, server->events.len, NULL))
		_exit(PT__WORKER_EXIT_PROTOCOL); /* the runner is gone */
	pt__buf_reset(&server->events);
}

static void add_event(struct server *server, const struct pt__event *event)
{
	pt__protocol_encode_event(&server->events, event);
}

static void refuse_fork(struct server *server, int worker, const struct pt__buf *why)
{
	add_event(server, &(struct pt__event){.type = PT__EVENT_FORK_REFUSED,
					      .worker = worker,
					      .payload = why->data,
					      .payload_len = why->len});
}

/* Threads in this process, or 1 where the system does not tell. */
static int count_threads(void)
{
	int threads = 1;
#ifdef __linux__
	char line[256];
	FILE *status = fopen("/proc/self/status", "re");
	if (!status)
		return 1;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "Threads: %d", &threads) == 1)
			break;
	fclose(status);
#endif
	return threads;
}

/* Reads one command message and the descriptors that came with it. */
static ssize_t receive(struct server *server)
{
	char data[65536];
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int) * FORK_FDS * 4)];
	} control;
	struct iovec iov = {data, sizeof(data)};
	struct msghdr message = {0};
	ssize_t n;

	message.msg_iov = &iov;
	message.msg_iovlen = 1;
	message.msg_control = control.space;
	message.msg_controllen = sizeof(control.space);
	do
		n = recvmsg(PT__PROTOCOL_COMMAND_FD, &message, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < count; i++) {
			if (server->nr_fds < MAX_QUEUED_FDS)
				server->fds[server->nr_fds++] = fds[i];
			else
				close(fds[i]);
		}
	}
	pt__buf_add(&server->input, data, (size_t)n);
	return n;
}

/*
 * A forked worker's environment as the runner sent it, kept for the
 * process's life: environ starts as a copy of this array, so that when
 * setenv() replaces an entry (PARTEST_ATTEMPT, per test) the string it
 * replaces is still held here rather than lost; and the copy is held too,
 * since setenv() leaves an array it did not allocate when it grows one.
 */
static char **sent_environ, **first_environ;

/* In the new worker: its descriptors, process group and environment. */
static void become_worker(struct server *server, const int fds[FORK_FDS], const char *env,
			  size_t len)
{
	char **vars = NULL;
	size_t nr = 0, alloc = 0;

	signal(SIGCHLD, SIG_DFL);
	close(child_exits[0]);
	close(child_exits[1]);
	setpgid(0, 0);
	for (int i = 0; i < FORK_FDS; i++)
		dup2(fds[i], i + 1);
	for (int i = 0; i < FORK_FDS; i++)
		if (fds[i] > FORK_FDS)
			close(fds[i]);
	for (size_t i = 0; i < server->nr_fds; i++)
		close(server->fds[i]);
	for (size_t at = 0; at < len;) {
		size_t var_len = strnlen(env + at, len - at);
		PT__GROW(vars, nr + 2, alloc);
		vars[nr++] = pt__xstrndup(env + at, var_len);
		at += var_len + 1;
	}
	PT__GROW(vars, nr + 1, alloc);
	vars[nr] = NULL;
	sent_environ = vars;
	first_environ = pt__xcalloc(nr + 1, sizeof(*first_environ));
	memcpy(first_environ, vars, (nr + 1) * sizeof(*first_environ));
	environ = first_environ;
	pt__worker_prepare_process();
}

/* Answers "fork K LEN". Returns -1 if the command came without its descriptors. */
static int fork_worker(struct server *server, const struct pt__command *cmd)
{
	int fds[FORK_FDS];
	int threads = count_threads();

	if (server->nr_fds < FORK_FDS)
		return -1;
	memcpy(fds, server->fds, sizeof(fds));
	server->nr_fds -= FORK_FDS;
	memmove(server->fds, server->fds + FORK_FDS, server->nr_fds * sizeof(int));
	if (threads > 1) {
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "its global set-up left %d threads running", threads);
		refuse_fork(server, cmd->worker, &why);
		pt__buf_release(&why);
	} else {
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			become_worker(server, fds, cmd->payload, cmd->payload_len);
			int status = pt__worker_loop(server->registry, true);
			fflush(NULL);
			_exit(status);
		}
		if (pid > 0) {
			/* Also here, so that the runner can signal the group at once. */
			setpgid(pid, pid);
			PT__GROW(server->children, server->nr_children + 1, server->alloc_children);
			server->children[server->nr_children++] = pid;
			add_event(server, &(struct pt__event){.type = PT__EVENT_FORKED,
							      .worker = cmd->worker,
							      .pid = (long)pid});
		} else {
			struct pt__buf why = PT__BUF_INIT;
			pt__buf_addf(&why, "fork: %s", strerror(errno));
			refuse_fork(server, cmd->worker, &why);
			pt__buf_release(&why);
		}
	}
	for (int i = 0; i < FORK_FDS; i++)
		close(fds[i]);
	send_events(server);
	return 0;
}

static void forget_child(struct server *server, pid_t pid)
{
	for (size_t i = 0; i < server->nr_children; i++) {
		if (server->children[i] == pid) {
			server->children[i] = server->children[--server->nr_children];
			return;
		}
	}
}

static void report_exits(struct server *server)
{
	char drained[64];
	int status;
	pid_t pid;

	while (read(child_exits[0], drained, sizeof(drained)) > 0)
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		forget_child(server, pid);
		add_event(server, &(struct pt__event){.type = PT__EVENT_EXITED,
						      .pid = (long)pid,
						      .wait_status = status});
	}
	if (server->events.len)
		send_events(server);
}

static int serve(struct server *server)
{
	static struct pt__frame_storage storage;
	struct pt__buf err = PT__BUF_INIT;
	int rc = 0;

	for (;;) {
		struct pollfd fds[2] = {{PT__PROTOCOL_COMMAND_FD, POLLIN, 0},
					{child_exits[0], POLLIN, 0}};
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			report_exits(server);
		if (!fds[0].revents)
			continue;
		if (receive(server) <= 0)
			break;
		for (;;) {
			struct pt__command cmd;
			size_t used;
			int parsed = pt__protocol_decode_command(
				server->input.data, server->input.len, &cmd, &storage, &used, &err);
			if (!parsed)
				break;
			if (parsed > 0 && cmd.type != PT__COMMAND_FORK)
				pt__buf_adds(&err, "only fork commands are for a fork server");
			else if (parsed > 0 && fork_worker(server, &cmd))
				pt__buf_adds(&err, "a fork command came without its descriptors");
			if (err.len) {
				fprintf(stderr,
					"partest: fork server: bad command from the runner: %s\n",
					err.data);
				rc = PT__WORKER_EXIT_PROTOCOL;
				goto out;
			}
			pt__buf_consume(&server->input, used);
		}
	}
out:
	pt__buf_release(&err);
	return rc;
}

int pt__server_main(const struct pt__registry *registry)
{
	struct server server = {.registry = registry};
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	const struct pt__registration *setup =
		pt__registry_fixture(registry, PT__KIND_GLOBAL_SETUP, NULL);
	const struct pt__registration *teardown =
		pt__registry_fixture(registry, PT__KIND_GLOBAL_TEARDOWN, NULL);
	int status, status_of_child;

	if (setup)
		pt__call_protected(setup->fn, &outcome);
	fflush(NULL);
	if (outcome.status == PT__OUTCOME_FAIL) {
		add_event(&server, &(struct pt__event){.type = PT__EVENT_INIT_FAILED,
						       .payload = outcome.message.data,
						       .payload_len = outcome.message.len});
		send_events(&server);
		pt__buf_release(&outcome.message);
		pt__buf_release(&server.events);
		return 1;
	}
	if (pipe(child_exits) == 0) {
		for (int i = 0; i < 2; i++) {
			fcntl(child_exits[i], F_SETFD, FD_CLOEXEC);
			fcntl(child_exits[i], F_SETFL, O_NONBLOCK);
		}
	}
	struct sigaction action = {0};
	action.sa_handler = on_sigchld;
	action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&action.sa_mask);
	sigaction(SIGCHLD, &action, NULL);
	add_event(&server, &(struct pt__event){.type = PT__EVENT_SERVING});
	send_events(&server);

	status = serve(&server);
	/* The runner only ends a server whose workers are done; any left go now,
	 * and the runner hears how each ended. */
	for (size_t i = 0; i < server.nr_children; i++)
		kill(-server.children[i], SIGKILL);
	for (pid_t pid; (pid = waitpid(-1, &status_of_child, 0)) > 0 || errno == EINTR;) {
		if (pid > 0)
			add_event(&server, &(struct pt__event){.type = PT__EVENT_EXITED,
							       .pid = (long)pid,
							       .wait_status = status_of_child});
	}
	if (server.events.len)
		send_events(&server);
	if (teardown)
		pt__call_protected(teardown->fn, &outcome);
	if (outcome.status == PT__OUTCOME_FAIL && !status) {
		fprintf(stderr, "partest: tear-down failed: %s\n", pt__buf_str(&outcome.message));
		status = 1;
	}
	fflush(NULL);
	for (size_t i = 0; i < server.nr_fds; i++)
		close(server.fds[i]);
	free(server.children);
	pt__buf_release(&outcome.message);
	pt__buf_release(&server.events);
	pt__buf_release(&server.input);
	return status;
}
