/*
 * Events read from a descriptor (a worker's or a fork server's), decoded
 * one by one with the protocol's decoder. The reader owns the descriptor.
 */
#ifndef PT_EVENT_READER_H
#define PT_EVENT_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "protocol.h"

struct pt__event_reader {
	int fd;				  /* non-blocking; -1 once closed */
	struct pt__buf received;	  /* bytes read, from start on not yet consumed */
	size_t start;			  /* where the last decoded event begins */
	struct pt__frame_storage storage; /* the last decoded event's words */
	size_t decoded;			  /* its bytes, from start on */
};

/* Starts reading fd (or nothing, for -1). Allocates nothing. */
void pt__event_reader_init(struct pt__event_reader *reader, int fd);

/* Reads what is there; closes the descriptor at its end. */
void pt__event_reader_read(struct pt__event_reader *reader);

/*
 * Decodes the next event read. Returns 1 with *event filled (valid until
 * the next call), 0 when no whole event is there, or PT__EPROTOCOL when the
 * bytes are not an event, with the reason in why.
 */
int pt__event_reader_next(struct pt__event_reader *reader, struct pt__event *event,
			  struct pt__buf *why);

/* True when bytes of an event that did not come whole are waiting. */
bool pt__event_reader_mid_frame(const struct pt__event_reader *reader);

/* Drops what was read and not decoded. */
void pt__event_reader_discard(struct pt__event_reader *reader);

/* Closes the descriptor and frees the buffer. */
void pt__event_reader_release(struct pt__event_reader *reader);

#endif
