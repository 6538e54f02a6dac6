/*
 * One worker process seen from the runner, however it starts: spawned, or
 * forked by its program's fork server (the fork and isolate start methods).
 * A worker is started, sent commands, read for events and output, and
 * stopped (SIGTERM to its process group, a grace period, SIGKILL). It knows
 * nothing of groups, tests or results: that is the pool's (src/pool.c).
 *
 * A protocol-speaking ("native") worker writes its stdout and stderr to two
 * unlinked files that the worker keeps across its processes, so that a
 * replacement appends to them and a result's offsets say exactly where each
 * test's output ends. An executable writes to two pipes instead.
 *
 * Descriptors: the worker owns every descriptor in it and closes each when
 * its process is gone (pt__worker_exited) or at release; the child's ends
 * are closed in the runner as soon as the child has them.
 */
#ifndef PT_WORKER_H
#define PT_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "event_reader.h"
#include "forkserver.h"
#include "protocol.h"
#include "tap.h"

struct pt__worker_tap;

struct pt__worker {
	int number; /* 1..N, kept by a replacement */
	pid_t pid;  /* 0 while none, or while a fork is on its way */
	bool native;
	bool forked;			 /* its process is its fork server's child, not ours */
	bool awaiting_fork;		 /* the fork is not asked for yet: its server is starting */
	int commands, out, err;		 /* the runner's ends; -1 once closed */
	struct pt__event_reader events;	 /* what it says */
	int capture[2];			 /* a native worker's stdout and stderr files */
	off_t captured[2];		 /* how far they were read */
	int fork_fds[PT__FORK_FDS];	 /* what the fork server is to hand the worker */
	bool close_after_flush;		 /* end its input once the commands are written */
	struct pt__buf to_send;		 /* commands not yet written */
	struct pt__buf out_buf, err_buf; /* output not yet taken */
	size_t dropped[2];		 /* stdout, stderr bytes over the capture limit */
	size_t not_kept[2];		 /* stdout, stderr bytes counted, not kept */
	struct pt__worker_tap *tap;	 /* an executable's whole stdout, read as TAP */
	int kill_stage;			 /* 0, 1 after SIGTERM, 2 after SIGKILL */
	int64_t kill_at_us;		 /* when to signal harder; 0: never */
};

/* How to start a worker's process. */
struct pt__worker_options {
	const char *path;		/* the program */
	char *const *argv;		/* its arguments, argv[0] included; NULL: path alone */
	char *const *args;		/* arguments after its path, NULL-terminated; NULL: none */
	char *const *env;		/* its whole environment */
	bool native;			/* it speaks the protocol */
	struct pt__fork_server *server; /* fork it from this server; NULL: spawn */
	const char *capture_dir;	/* where the output files are made */
	bool no_capture;		/* output goes to the runner's own stdout and stderr */
};

/* Initialises an idle worker numbered number. Allocates nothing. */
void pt__worker_init(struct pt__worker *worker, int number);

/*
 * Starts the worker's process. With a server, the fork is asked for at once
 * if the server serves, else the worker waits (awaiting_fork) for
 * pt__worker_ask_fork. Returns 0, or PT__ERUN with the reason in err (the
 * spawner's "cannot run ..." line, or what failed before: "pipe: ...") and
 * the worker idle.
 */
int pt__worker_start(struct pt__worker *worker, const struct pt__worker_options *options,
		     struct pt__buf *err);

/* Hands the waiting fork to server with env. Returns 0, or PT__ERUN with the reason in err. */
int pt__worker_ask_fork(struct pt__worker *worker, struct pt__fork_server *server, char *const *env,
			struct pt__buf *err);

/* Queues cmd, for pt__worker_flush to write: a group's commands go in one write. */
void pt__worker_queue(struct pt__worker *worker, const struct pt__command *cmd);

/* Writes as much of the queued commands as the pipe takes. */
void pt__worker_flush(struct pt__worker *worker);

/* Ends the worker's input (at once, or once the queued commands are written). */
void pt__worker_close_input(struct pt__worker *worker, bool after_flush);

/* Called with an executable's output as it arrives: fd is 1 or 2. */
typedef void pt__worker_output_fn(void *ctx, int fd, const char *data, size_t len);

/*
 * Reads what is there on an executable's output pipes, passing it to echo
 * (if any) and all of its stdout to its TAP reader, while only
 * PT__OUTPUT_LIMIT bytes of each stream are kept.
 */
void pt__worker_drain_output(struct pt__worker *worker, pt__worker_output_fn *echo, void *ctx);

/*
 * An executable's verdict as TAP (see pt__tap_judge), from all its stdout
 * read so far, however much was kept: stream is released and takes its
 * test points, details gets the lines that explain the verdict. Once per
 * process; PT__TAP_NONE for a native worker.
 */
enum pt__tap_verdict pt__worker_judge_tap(struct pt__worker *worker, struct pt__tap_stream *stream,
					  struct pt__buf *details);

/* Reads a native worker's output files up to ends[] (-1: to their end). */
void pt__worker_read_capture(struct pt__worker *worker, const off_t ends[2]);

/*
 * Lets go of the output of a test whose output is not to be kept (it
 * passed): a native worker's files are skipped up to ends[] (-1: to their
 * end) without being read, what an executable wrote is freed; both are
 * only counted, for pt__worker_take_output to say.
 */
void pt__worker_discard_output(struct pt__worker *worker, const off_t ends[2]);

/*
 * Moves the output read so far into out and err, with a note of what was
 * dropped over the limit and of what was counted but not kept; *written is
 * set to all the test wrote to both, kept or not.
 */
void pt__worker_take_output(struct pt__worker *worker, struct pt__buf *out, struct pt__buf *err,
			    uint64_t *written);

/* Sends signo to the worker's process group, if it has a process. */
void pt__worker_signal(struct pt__worker *worker, int signo);

/*
 * Ends the worker's input and schedules its end: SIGTERM now (or, with
 * grace_first, after grace_us if it has not exited by itself), SIGKILL
 * grace_us after the SIGTERM.
 */
void pt__worker_stop(struct pt__worker *worker, bool grace_first, int64_t grace_us);

/*
 * Signals harder if the worker's time is up at now_us. Returns true when
 * this sent SIGKILL after a SIGTERM.
 */
bool pt__worker_escalate(struct pt__worker *worker, int64_t now_us, int64_t grace_us);

/*
 * After the process ended: reads what it left, kills what is left of its
 * process group (returning true if anything was), and closes its command
 * and output pipes. The output stays to be taken, the events to be read,
 * the output files for a replacement.
 */
bool pt__worker_exited(struct pt__worker *worker, pt__worker_output_fn *echo, void *ctx);

/* Forgets the process: the worker is idle again. */
void pt__worker_reset(struct pt__worker *worker);

/* Closes and frees everything. */
void pt__worker_release(struct pt__worker *worker);

#endif
