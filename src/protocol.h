/*
 * The worker protocol, version 1: framing and parsing shared by the runner
 * and the worker loop in lib/. docs/protocol.md is the specification; this
 * file must agree with it.
 *
 * A frame is one header line of space-separated words ending in '\n'. For
 * verbs that carry a payload, the header's last word is the payload's length
 * in bytes, and exactly that many bytes follow the newline.
 */
#ifndef PT_PROTOCOL_H
#define PT_PROTOCOL_H

#include <stddef.h>

#include "buf.h"

#define PT__WIRE_VERSION     1
#define PT__WIRE_ENV	     "PARTEST_PROTOCOL" /* set to the version for workers */
#define PT__WIRE_COMMAND_FD  3			/* runner -> worker */
#define PT__WIRE_EVENT_FD    4			/* worker -> runner */
#define PT__WIRE_MAX_HEADER  4096
#define PT__WIRE_MAX_PAYLOAD (16u << 20)
#define PT__WIRE_MAX_WORDS   8

enum pt__wire_direction {
	PT__WIRE_COMMANDS, /* what the runner sends */
	PT__WIRE_EVENTS,   /* what a worker sends */
};

struct pt__frame {
	char header[PT__WIRE_MAX_HEADER];
	const char *words[PT__WIRE_MAX_WORDS]; /* words[0] is the verb */
	size_t nr_words;
	const char *payload; /* points into the parsed input; NULL if none */
	size_t payload_len;
};

/*
 * Parses the frame at the start of data[0..len). Returns 1 and sets *used to
 * its size when a whole frame is there; 0 when more input is needed; -1 when
 * the input cannot be a frame of this direction (unknown verb, wrong number
 * of words, bad length, over-long header), with one line in err.
 */
int pt__wire_parse(enum pt__wire_direction direction, const char *data, size_t len,
		   struct pt__frame *frame, size_t *used, struct pt__buf *err);

/* Writes all of data to fd, retrying after EINTR. Returns 0 or -errno. */
int pt__write_all(int fd, const void *data, size_t len);

#endif
