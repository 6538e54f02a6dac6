#include "forkserver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "spawn.h"
#include "testlist.h"

int pt__fork_server_start(struct pt__fork_server *server, const char *path, char *const *args,
			  char *const *env, const char *dir, int64_t now_us, struct pt__buf *err)
{
	int sockets[2] = {-1, -1}, events[2] = {-1, -1}, rc = 0;

	server->output = pt__unlinked_file(dir, err);
	if (server->output < 0)
		return server->output;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sockets)) {
		pt__buf_addf(err, "socketpair: %s", strerror(errno));
		rc = PT__ERUN;
		goto fail;
	}
	for (int i = 0; i < 2; i++) {
		int high = fcntl(sockets[i], F_DUPFD_CLOEXEC, 10);
		if (high < 0 && !rc) {
			pt__buf_addf(err, "fcntl: %s", strerror(errno));
			rc = PT__ERUN;
		}
		close(sockets[i]);
		sockets[i] = high;
	}
	if (rc || (rc = pt__pipe(events, err)))
		goto fail;
	char **argv = pt__program_argv(path, args);
	struct pt__spawn spawn = {
		.path = path,
		.argv = argv,
		.envp = env,
		.fds = {PT__SPAWN_DEVNULL, server->output, server->output, sockets[1], events[1]},
		.new_group = true,
		.wrapped = true,
	};
	rc = pt__spawn(&spawn, &server->pid, err);
	free(argv);
	if (rc)
		goto fail;
	close(sockets[1]);
	close(events[1]);
	server->commands = sockets[0];
	pt__event_reader_init(&server->events, events[0]);
	pt__set_nonblocking(events[0]);
	server->state = PT__SERVER_STARTING;
	server->started_us = now_us;
	struct pt__buf serve = PT__BUF_INIT;
	pt__protocol_encode_command(&serve, &(struct pt__command){.type = PT__COMMAND_SERVE});
	ssize_t sent = send(server->commands, serve.data, serve.len, MSG_NOSIGNAL);
	if (sent != (ssize_t)serve.len) {
		pt__buf_addf(err, "cannot ask \"%s\" to serve: %s", path, strerror(errno));
		rc = PT__ERUN;
	}
	pt__buf_release(&serve);
	return rc;
fail:
	for (int i = 0; i < 2; i++) {
		pt__close_fd(&sockets[i]);
		pt__close_fd(&events[i]);
	}
	pt__close_fd(&server->output);
	return rc;
}

int pt__fork_server_fork(struct pt__fork_server *server, int worker, const int fds[PT__FORK_FDS],
			 char *const *env, struct pt__buf *err)
{
	struct pt__buf frame = PT__BUF_INIT, vars = PT__BUF_INIT;
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int) * PT__FORK_FDS)];
	} control;
	struct msghdr message = {0};
	struct iovec iov;
	ssize_t sent;

	for (char *const *var = env; *var; var++)
		pt__buf_add(&vars, *var, strlen(*var) + 1);
	pt__protocol_encode_command(&frame, &(struct pt__command){.type = PT__COMMAND_FORK,
								  .worker = worker,
								  .payload = vars.data,
								  .payload_len = vars.len});
	pt__buf_release(&vars);

	memset(&control, 0, sizeof(control));
	iov.iov_base = frame.data;
	iov.iov_len = frame.len;
	message.msg_iov = &iov;
	message.msg_iovlen = 1;
	message.msg_control = control.space;
	message.msg_controllen = sizeof(control.space);
	struct cmsghdr *c = CMSG_FIRSTHDR(&message);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * PT__FORK_FDS);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * PT__FORK_FDS);
	do
		sent = sendmsg(server->commands, &message, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	int rc = sent == (ssize_t)frame.len ? 0 : PT__ERUN;
	if (rc)
		pt__buf_addf(err, "cannot ask the fork server for worker %d: %s", worker,
			     strerror(sent < 0 ? errno : EMSGSIZE));
	pt__buf_release(&frame);
	return rc;
}

void pt__fork_server_signal(struct pt__fork_server *server, int signo, const char *why)
{
	if (server->pid <= 0)
		return;
	if (why && !server->why.len)
		pt__buf_adds(&server->why, why);
	kill(-server->pid, signo);
}

void pt__fork_server_stop(struct pt__fork_server *server)
{
	pt__close_fd(&server->commands);
}

void pt__fork_server_end_by(struct pt__fork_server *server, int64_t term_at_us, int64_t now_us,
			    int64_t grace_us)
{
	pt__fork_server_stop(server);
	if (server->pid <= 0 || server->kill_stage)
		return;
	server->kill_at_us = term_at_us;
	pt__fork_server_escalate(server, now_us, grace_us);
}

void pt__fork_server_escalate(struct pt__fork_server *server, int64_t now_us, int64_t grace_us)
{
	if (!server->kill_at_us || now_us < server->kill_at_us || server->pid <= 0)
		return;
	pt__fork_server_signal(server, server->kill_stage ? SIGKILL : SIGTERM, NULL);
	server->kill_at_us = server->kill_stage++ ? 0 : now_us + grace_us;
}

void pt__fork_server_release(struct pt__fork_server *server)
{
	pt__close_fd(&server->commands);
	pt__event_reader_release(&server->events);
	pt__close_fd(&server->output);
	pt__buf_release(&server->why);
}
