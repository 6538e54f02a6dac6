#include "protocol.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

struct verb {
	const char *name;
	size_t words; /* including the verb and the length word */
	int has_payload;
};

static const struct verb commands[] = {
	{"list", 1, 0},
	{"init", 1, 0},
	{"run", 4, 0},	 /* run SEQ SUITE NAME */
	{"end", 1, 0},
	{"serve", 1, 0}, /* become a fork server */
	{"fork", 3, 1},	 /* fork K LEN: worker K's environment, NUL-separated */
};

static const struct verb events[] = {
	{"hello", 3, 0},	/* hello VERSION PID */
	{"test", 4, 0},		/* test SUITE NAME TIMEOUT_MS */
	{"listed", 1, 0},
	{"ready", 1, 0},
	{"init-failed", 2, 1},	/* init-failed LEN */
	{"result", 7, 1},	/* result SEQ STATUS USEC OUT_END ERR_END LEN */
	{"ended", 3, 1},	/* ended STATUS LEN */
	{"serving", 1, 0},
	{"forked", 3, 0},	/* forked K PID */
	{"fork-refused", 3, 1}, /* fork-refused K LEN */
	{"exited", 3, 0},	/* exited PID WAIT_STATUS */
};

static const struct verb *find_verb(enum pt__wire_direction direction, const char *name)
{
	const struct verb *table = direction == PT__WIRE_COMMANDS ? commands : events;
	size_t nr = direction == PT__WIRE_COMMANDS ? sizeof(commands) / sizeof(commands[0])
						   : sizeof(events) / sizeof(events[0]);

	for (size_t i = 0; i < nr; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

static int parse_length(const char *word, size_t *out)
{
	size_t value = 0;

	if (!*word || strlen(word) > 9)
		return -1;
	for (const char *p = word; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		value = value * 10 + (size_t)(*p - '0');
	}
	*out = value;
	return 0;
}

int pt__wire_parse(enum pt__wire_direction direction, const char *data, size_t len,
		   struct pt__frame *frame, size_t *used, struct pt__buf *err)
{
	const char *newline =
		memchr(data, '\n', len < PT__WIRE_MAX_HEADER ? len : PT__WIRE_MAX_HEADER);
	size_t header_len;

	if (!newline) {
		if (len >= PT__WIRE_MAX_HEADER) {
			pt__buf_addf(err, "header longer than %d bytes", PT__WIRE_MAX_HEADER);
			return -1;
		}
		return 0;
	}
	header_len = (size_t)(newline - data);
	if (memchr(data, '\0', header_len)) {
		pt__buf_adds(err, "NUL byte in a header");
		return -1;
	}
	memcpy(frame->header, data, header_len);
	frame->header[header_len] = '\0';
	frame->nr_words = 0;
	for (char *p = frame->header; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (frame->nr_words == PT__WIRE_MAX_WORDS) {
			pt__buf_adds(err, "too many words in a header");
			return -1;
		}
		frame->words[frame->nr_words++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (!frame->nr_words) {
		pt__buf_adds(err, "empty header");
		return -1;
	}
	const struct verb *verb = find_verb(direction, frame->words[0]);
	if (!verb) {
		pt__buf_adds(err, "unknown message \"");
		pt__buf_add(err, frame->words[0], strnlen(frame->words[0], 40));
		pt__buf_adds(err, "\"");
		return -1;
	}
	if (frame->nr_words != verb->words) {
		pt__buf_addf(err, "\"%s\" takes %zu words, got %zu", verb->name, verb->words,
			     frame->nr_words);
		return -1;
	}
	frame->payload = NULL;
	frame->payload_len = 0;
	*used = header_len + 1;
	if (verb->has_payload) {
		size_t payload_len;
		if (parse_length(frame->words[frame->nr_words - 1], &payload_len) ||
		    payload_len > PT__WIRE_MAX_PAYLOAD) {
			pt__buf_addf(err, "bad payload length in \"%s\"", verb->name);
			return -1;
		}
		if (len - *used < payload_len)
			return 0;
		frame->payload = data + *used;
		frame->payload_len = payload_len;
		*used += payload_len;
	}
	return 1;
}

int pt__write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
