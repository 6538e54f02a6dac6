/*
 * What the pool's two files share: the pool loop (pool.c) and its side of
 * the fork servers (pool_servers.c). Nothing outside src/pool*.c includes
 * this.
 */
#ifndef PT_POOL_INTERNAL_H
#define PT_POOL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "clock.h"
#include "forkserver.h"
#include "pool.h"
#include "testlist.h"

enum slot_state { SLOT_EMPTY, SLOT_STARTING, SLOT_BUSY, SLOT_IDLE, SLOT_STOPPING, SLOT_RETIRING };

/* Some tests of one group, as the queue holds them. */
struct work {
	size_t program;
	size_t *tests;
	size_t nr_tests;
};

struct slot {
	int number;
	enum slot_state state;
	pid_t pid;
	size_t program;
	bool native;
	int commands, events, out, err;	 /* -1 once closed */
	int capture[2];			 /* native workers' stdout and stderr files */
	int fork_fds[PT__FORK_FDS];	 /* for the worker the fork server is asked for */
	bool awaiting_fork;		 /* the fork is not sent yet: its server is starting */
	bool forked;			 /* its process is its fork server's child, not ours */
	bool close_after_flush;		 /* all its commands are queued: then end its input */
	off_t captured[2];		 /* how far they were attributed */
	struct pt__buf to_send;		 /* commands not yet written */
	struct pt__buf received;	 /* event bytes not yet parsed */
	struct pt__buf out_buf, err_buf; /* output since the last result */
	size_t dropped;			 /* output bytes over CAPTURE_LIMIT */
	struct work work;		 /* the group being run */
	bool has_work;
	bool started; /* its first test was handed over */
	size_t sent;  /* tests of work sent to the worker */
	size_t next;  /* the test whose result is awaited */
	bool end_sent;
	int64_t test_started_us;
	int64_t deadline_us;	     /* 0: none */
	int64_t kill_at_us;	     /* when to escalate; 0: none */
	int kill_stage;		     /* 0, 1 after SIGTERM, 2 after SIGKILL */
	enum pt__status stop_status; /* what the running test becomes */
	struct pt__buf stop_reason;
};

struct pool {
	struct pt__test_list *list;
	const struct pt__pool_config *config;
	struct slot *slots;
	struct work *queue;
	size_t queue_head, queue_len, queue_alloc;
	bool *broken_programs;		 /* global set-up failed: don't try again */
	struct pt__fork_server *servers; /* one per program */
	bool stopping_servers;
	struct pt__buf *broken_reasons;
	size_t total, done, failed;
	bool stop_starting; /* failfast tripped or interrupted */
	bool interrupting;
	int64_t last_progress_us;
};

void pt__pool_close_fd(int *fd);

/* Results. */
void pt__pool_finish_test(struct pool *pool, struct slot *slot, size_t index,
			  enum pt__status status, int64_t duration_us);
void pt__pool_fail_work(struct pool *pool, const struct work *work, const char *message);
/* The tests of the slot's group from `from` on go back to the queue (or are
 * marked not run when the run is stopping); the slot lets go of its group. */
void pt__pool_requeue_rest(struct pool *pool, struct slot *slot, size_t from);

/* Processes. */
int pt__pool_start_process(struct pool *pool, struct slot *slot, size_t program);
void pt__pool_process_exited(struct pool *pool, struct slot *slot, int status);
void pt__pool_flush_commands(struct slot *slot);

/* Fork servers (pool_servers.c). */
bool pt__pool_uses_server(const struct pool *pool, size_t program);
int pt__pool_send_fork(struct pool *pool, struct slot *slot);
void pt__pool_abandon_slot(struct pool *pool, struct slot *slot, const char *message);
void pt__pool_read_server_events(struct pool *pool, size_t program);
void pt__pool_server_exited(struct pool *pool, size_t program, int status);
bool pt__pool_servers_running(const struct pool *pool);
void pt__pool_stop_servers(struct pool *pool);

#endif
