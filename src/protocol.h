/*
 * The worker protocol, version 1: the typed commands (runner -> worker) and
 * events (worker -> runner), and the one encoder and decoder of each, used
 * by the runner and by the worker side in lib/. The verbs' spellings exist
 * only in protocol.c. docs/protocol.md is the specification; this file must
 * agree with it.
 *
 * A frame is one header line of space-separated words ending in '\n', at
 * most PT__PROTOCOL_MAX_HEADER bytes with the newline. For messages that
 * carry a payload, the header's last word is the payload's length in bytes,
 * and exactly that many bytes follow the newline.
 */
#ifndef PT_PROTOCOL_H
#define PT_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define PT__PROTOCOL_VERSION	 1
#define PT__PROTOCOL_ENV	 "PARTEST_PROTOCOL" /* set to the version for workers */
#define PT__PROTOCOL_ATTEMPT_ENV "PARTEST_ATTEMPT" /* a test's attempt, set from its run frame */
#define PT__PROTOCOL_COMMAND_FD	 3		    /* runner -> worker */
#define PT__PROTOCOL_EVENT_FD	 4		    /* worker -> runner */
#define PT__PROTOCOL_MAX_HEADER	 4096		    /* the newline included */
#define PT__PROTOCOL_MAX_PAYLOAD (16u << 20)
/* How long a worker may take to say hello, and a listing process to list. */
#define PT__PROTOCOL_HELLO_MS	 30000
#define PT__PROTOCOL_LIST_MS	 60000

enum pt__command_type {
	PT__COMMAND_LIST,  /* list the tests */
	PT__COMMAND_INIT,  /* run the init phase */
	PT__COMMAND_RUN,   /* run one test: seq, suite, name, attempt */
	PT__COMMAND_END,   /* the group is complete: tear its suite down */
	PT__COMMAND_SERVE, /* become a fork server */
	PT__COMMAND_FORK,  /* fork worker number `worker`; payload: its environment */
	PT__COMMAND_ENV,   /* set variables for the tests that follow; payload: NAME=value
			    * entries, each ended by a NUL (--fresh-db test|group only) */
};

struct pt__command {
	enum pt__command_type type;
	size_t seq;		  /* run */
	const char *suite, *name; /* run */
	int attempt;		  /* run: 1, or 2 and up for a retry (0 is sent as 1) */
	int worker;		  /* fork */
	const char *payload;	  /* fork, env: NAME=value entries, each ended by a NUL */
	size_t payload_len;
};

enum pt__event_type {
	PT__EVENT_HELLO,	/* version, pid */
	PT__EVENT_TEST,		/* suite, name, timeout_ms: one listed test */
	PT__EVENT_TEST_INFO,	/* payload: the last listed test's attributes (below) */
	PT__EVENT_LISTED,	/* the list is complete */
	PT__EVENT_READY,	/* the init phase succeeded */
	PT__EVENT_INIT_FAILED,	/* payload: why */
	PT__EVENT_RESULT,	/* seq, status, duration_us, out_end, err_end; payload: message */
	PT__EVENT_ENDED,	/* status (pass or fail); payload: the tear-down's message */
	PT__EVENT_SERVING,	/* a fork server ran its global set-up */
	PT__EVENT_FORKED,	/* worker, pid */
	PT__EVENT_FORK_REFUSED, /* worker; payload: why */
	PT__EVENT_EXITED,	/* pid, wait_status: a fork server's worker ended */
};

/* A test's outcome as a worker reports it. */
enum pt__wire_status {
	PT__WIRE_PASS,
	PT__WIRE_FAIL,
	PT__WIRE_SKIP,
	PT__WIRE_LEAK, /* it passed, but left a process running */
};

struct pt__event {
	enum pt__event_type type;
	int version;		     /* hello */
	long pid;		     /* hello, forked, exited */
	const char *suite, *name;    /* test */
	long long timeout_ms;	     /* test; 0: the run's --timeout */
	size_t seq;		     /* result */
	enum pt__wire_status status; /* result, ended */
	int64_t duration_us;	     /* result */
	off_t out_end, err_end;	     /* result; -1: the worker cannot tell */
	int worker;		     /* forked, fork-refused */
	int wait_status;	     /* exited */
	const char *payload;	     /* NULL when the message carries none */
	size_t payload_len;
};

/*
 * What a listing may say about a test beyond its name and time limit, in a
 * test-info frame right after its test frame. The payload is lines of "KEY
 * VALUE"; keys this version does not know are ignored, so that workers may
 * say more than an older runner reads.
 */
/* The most retries a test may have, from --retries or its own test-info. */
#define PT__RETRIES_MAX 100

struct pt__test_info {
	const char *file;  /* where the test is defined; NULL: unknown */
	int line;	   /* 0: unknown */
	const char *tags;  /* space-separated names; NULL: none */
	const char *locks; /* space-separated lock names it holds while it runs; NULL: none */
	int exclusive;	   /* 1: nothing else runs beside it */
	int weight;	   /* how many of the -j slots it counts for; 0 means 1 */
	int retries;	   /* attempts after a failed one; 0: the run's --retries; -1: none */
};

/* Where a decoded test-info's strings live. */
struct pt__test_info_storage {
	char text[PT__PROTOCOL_MAX_HEADER];
};

/*
 * Where a decoded message's words live: the decoder copies the header here
 * and points the message's strings into it; the payload points into the
 * decoded input. Both must outlive the use of the message.
 */
struct pt__frame_storage {
	char header[PT__PROTOCOL_MAX_HEADER];
};

/* Appends the frame of cmd, or of event, to out. */
void pt__protocol_encode_command(struct pt__buf *out, const struct pt__command *cmd);
void pt__protocol_encode_event(struct pt__buf *out, const struct pt__event *event);

/*
 * Decodes the frame at the start of data[0..len). Returns 1 and sets *used
 * to its size when a whole, valid frame is there; 0 when more input is
 * needed; PT__EPROTOCOL when the input cannot be a frame of this direction (unknown
 * verb, wrong number of words, a malformed number or status, bad length,
 * over-long header), with one line in err. Nothing is written to *cmd or
 * *event unless 1 is returned.
 */
int pt__protocol_decode_command(const char *data, size_t len, struct pt__command *cmd,
				struct pt__frame_storage *storage, size_t *used,
				struct pt__buf *err);
int pt__protocol_decode_event(const char *data, size_t len, struct pt__event *event,
			      struct pt__frame_storage *storage, size_t *used, struct pt__buf *err);

/*
 * Appends a test-info frame for info to out. Attributes that would not fit
 * a frame, or hold a newline, are left out.
 */
void pt__protocol_encode_test_info(struct pt__buf *out, const struct pt__test_info *info);

/*
 * Reads a test-info event's payload into info, its strings copied into
 * storage. Returns 0, or PT__EPROTOCOL with one line in err when the payload
 * is longer than a header may be or a known key has a malformed value.
 */
int pt__protocol_decode_test_info(const char *payload, size_t len, struct pt__test_info *info,
				  struct pt__test_info_storage *storage, struct pt__buf *err);

/* The name of a command's or an event's verb ("run", "result"), for messages about it. */
const char *pt__protocol_command_name(enum pt__command_type type);
const char *pt__protocol_event_name(enum pt__event_type type);

/*
 * Sets each NAME=value entry of a fork or env command's payload in the
 * process's environment (setenv). Returns 0, or -1 when an entry has no
 * name or no '=' (the entries before it are set).
 */
int pt__protocol_set_env(const char *payload, size_t len);

/*
 * Writes all of data to fd, retrying after EINTR. Returns 0, or PT__ERUN
 * with the reason in err (which may be NULL).
 */
int pt__write_all(int fd, const void *data, size_t len, struct pt__buf *err);

#endif
