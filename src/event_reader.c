#include "event_reader.h"

#include <errno.h>
#include <unistd.h>

#include "spawn.h"

void pt__event_reader_init(struct pt__event_reader *reader, int fd)
{
	reader->fd = fd;
	reader->received = (struct pt__buf)PT__BUF_INIT;
	reader->start = reader->decoded = 0;
}

/* Drops the bytes before start: once a read, not once an event, so that a
 * read holding many events costs one move, not one each. */
static void compact(struct pt__event_reader *reader)
{
	pt__buf_consume(&reader->received, reader->start);
	reader->start = 0;
}

void pt__event_reader_read(struct pt__event_reader *reader)
{
	char chunk[65536];

	while (reader->fd >= 0) {
		ssize_t n = read(reader->fd, chunk, sizeof(chunk));
		if (n > 0) {
			if (reader->start && !reader->decoded)
				compact(reader);
			pt__buf_add(&reader->received, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		pt__close_fd(&reader->fd);
	}
}

int pt__event_reader_next(struct pt__event_reader *reader, struct pt__event *event,
			  struct pt__buf *why)
{
	size_t used;
	int rc;

	/* The last event's payload pointed into received until now. */
	reader->start += reader->decoded;
	reader->decoded = 0;
	if (reader->start == reader->received.len) {
		pt__buf_reset(&reader->received);
		reader->start = 0;
		return 0;
	}
	rc = pt__protocol_decode_event(reader->received.data + reader->start,
				       reader->received.len - reader->start, event, &reader->storage,
				       &used, why);
	if (rc == 1)
		reader->decoded = used;
	return rc;
}

bool pt__event_reader_mid_frame(const struct pt__event_reader *reader)
{
	return reader->received.len - reader->start > reader->decoded;
}

void pt__event_reader_discard(struct pt__event_reader *reader)
{
	pt__buf_reset(&reader->received);
	reader->start = reader->decoded = 0;
}

void pt__event_reader_release(struct pt__event_reader *reader)
{
	pt__close_fd(&reader->fd);
	pt__buf_release(&reader->received);
	reader->start = reader->decoded = 0;
}
