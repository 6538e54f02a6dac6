/*
 * The runner's side of a fork server (lib/server.c): one per native program
 * run under the fork or isolate start method. It is started on demand, runs
 * the program's global set-up once, and forks a worker whenever asked,
 * handing it the descriptors and environment that come with the request.
 */
#ifndef PT_FORKSERVER_H
#define PT_FORKSERVER_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "event_reader.h"
#include "protocol.h"

enum pt__fork_server_state {
	PT__SERVER_NONE,     /* not started */
	PT__SERVER_STARTING, /* running its global set-up */
	PT__SERVER_SERVING,
	PT__SERVER_FAILED,  /* its global set-up failed */
	PT__SERVER_REFUSED, /* it will not fork (threads): spawn instead */
	PT__SERVER_GONE,    /* ended */
};

struct pt__fork_server {
	enum pt__fork_server_state state;
	pid_t pid;
	int commands;			/* SOCK_SEQPACKET, the runner's end; -1 once closed */
	struct pt__event_reader events; /* what it says */
	int output;			/* the server's stdout and stderr, an unlinked file */
	struct pt__buf why;		/* why it failed, was refused or ended */
	int64_t started_us;
	int kill_stage;	    /* 0, 1 after SIGTERM, 2 after SIGKILL */
	int64_t kill_at_us; /* when to signal harder; 0: never */
};

#define PT__FORK_SERVER_INIT                                                                       \
	{                                                                                          \
		.commands = -1, .events = {.fd = -1, .received = PT__BUF_INIT}, .output = -1,      \
		.why = PT__BUF_INIT                                                                \
	}

/* The descriptors a forked worker gets as its 1, 2, 3 and 4. */
#define PT__FORK_FDS 4

/*
 * Starts the program at path (with args after it, NULL-terminated, or NULL)
 * as a fork server with env, its output going to a file in dir, and
 * asks it to serve. Returns 0, or PT__ERUN with the reason in err.
 */
int pt__fork_server_start(struct pt__fork_server *server, const char *path, char *const *args,
			  char *const *env, const char *dir, int64_t now_us, struct pt__buf *err);

/* Asks for worker number `worker`. Returns 0, or PT__ERUN with the reason in err. */
int pt__fork_server_fork(struct pt__fork_server *server, int worker, const int fds[PT__FORK_FDS],
			 char *const *env, struct pt__buf *err);

/*
 * Sends signo to the server's process group, if it runs. With a reason
 * (say, "it took longer than --timeout 5 s"), the first one given is kept
 * in server->why for the message about its end.
 */
void pt__fork_server_signal(struct pt__fork_server *server, int signo, const char *why);

/* Asks the server to end: it kills its workers, tears down and exits. */
void pt__fork_server_stop(struct pt__fork_server *server);

/*
 * Asks the server to end, and makes sure it does: SIGTERM to its process
 * group at term_at_us (now, if that has passed), SIGKILL grace_us later,
 * as pt__fork_server_escalate finds them due.
 */
void pt__fork_server_end_by(struct pt__fork_server *server, int64_t term_at_us, int64_t now_us,
			    int64_t grace_us);

/* Signals harder if the server's time is up at now_us. */
void pt__fork_server_escalate(struct pt__fork_server *server, int64_t now_us, int64_t grace_us);

/* Closes what is left open. */
void pt__fork_server_release(struct pt__fork_server *server);

#endif
