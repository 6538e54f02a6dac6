#include "protocol.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "xalloc.h"

#define MAX_WORDS 8

/* A message's shape: its verb and how many words its header has. */
struct shape {
	const char *verb;
	size_t words; /* the verb and the payload's length included */
	int has_payload;
	size_t optional; /* words that may follow those, never with a payload */
};

/* One message a line, its header's shape beside it. */
/* clang-format off */
static const struct shape command_shapes[] = {
	[PT__COMMAND_LIST] = {"list", 1, 0},
	[PT__COMMAND_INIT] = {"init", 1, 0},
	[PT__COMMAND_RUN] = {"run", 4, 0, 1},			/* run SEQ SUITE NAME [ATTEMPT] */
	[PT__COMMAND_END] = {"end", 1, 0},
	[PT__COMMAND_SERVE] = {"serve", 1, 0},
	[PT__COMMAND_FORK] = {"fork", 3, 1},			/* fork K LEN */
	[PT__COMMAND_ENV] = {"env", 2, 1},			/* env LEN */
};

static const struct shape event_shapes[] = {
	[PT__EVENT_HELLO] = {"hello", 3, 0},			/* hello VERSION PID */
	[PT__EVENT_TEST] = {"test", 4, 0},			/* test SUITE NAME TIMEOUT_MS */
	[PT__EVENT_TEST_INFO] = {"test-info", 2, 1},		/* test-info LEN */
	[PT__EVENT_LISTED] = {"listed", 1, 0},
	[PT__EVENT_READY] = {"ready", 1, 0},
	[PT__EVENT_INIT_FAILED] = {"init-failed", 2, 1},	/* init-failed LEN */
	[PT__EVENT_RESULT] = {"result", 7, 1},			/* result SEQ STATUS USEC OUT ERR LEN */
	[PT__EVENT_ENDED] = {"ended", 3, 1},			/* ended STATUS LEN */
	[PT__EVENT_SERVING] = {"serving", 1, 0},
	[PT__EVENT_FORKED] = {"forked", 3, 0},			/* forked K PID */
	[PT__EVENT_FORK_REFUSED] = {"fork-refused", 3, 1},	/* fork-refused K LEN */
	[PT__EVENT_EXITED] = {"exited", 3, 0},			/* exited PID WAIT_STATUS */
};
/* clang-format on */

#define NR_SHAPES(table) (sizeof(table) / sizeof((table)[0]))

static const char *const status_words[] = {
	[PT__WIRE_PASS] = "pass",
	[PT__WIRE_FAIL] = "fail",
	[PT__WIRE_SKIP] = "skip",
	[PT__WIRE_LEAK] = "leak",
};

const char *pt__protocol_command_name(enum pt__command_type type)
{
	return command_shapes[type].verb;
}

const char *pt__protocol_event_name(enum pt__event_type type)
{
	return event_shapes[type].verb;
}

/* ---- encoding ---- */

static void add_payload(struct pt__buf *out, const char *payload, size_t len)
{
	pt__buf_addf(out, " %zu\n", len);
	pt__buf_add(out, payload, len);
}

void pt__protocol_encode_command(struct pt__buf *out, const struct pt__command *cmd)
{
	pt__buf_adds(out, command_shapes[cmd->type].verb);
	switch (cmd->type) {
	case PT__COMMAND_RUN:
		pt__buf_addf(out, " %zu %s %s", cmd->seq, cmd->suite, cmd->name);
		/* The first attempt goes without: what every worker understands. */
		if (cmd->attempt > 1)
			pt__buf_addf(out, " %d", cmd->attempt);
		pt__buf_addc(out, '\n');
		break;
	case PT__COMMAND_FORK:
		pt__buf_addf(out, " %d", cmd->worker);
		add_payload(out, cmd->payload, cmd->payload_len);
		break;
	case PT__COMMAND_ENV: add_payload(out, cmd->payload, cmd->payload_len); break;
	default: pt__buf_addc(out, '\n');
	}
}

static void add_offset(struct pt__buf *out, off_t offset)
{
	if (offset < 0)
		pt__buf_adds(out, " -");
	else
		pt__buf_addf(out, " %lld", (long long)offset);
}

void pt__protocol_encode_event(struct pt__buf *out, const struct pt__event *event)
{
	pt__buf_adds(out, event_shapes[event->type].verb);
	switch (event->type) {
	case PT__EVENT_HELLO: pt__buf_addf(out, " %d %ld\n", event->version, event->pid); break;
	case PT__EVENT_TEST:
		pt__buf_addf(out, " %s %s %lld\n", event->suite, event->name, event->timeout_ms);
		break;
	case PT__EVENT_RESULT:
		pt__buf_addf(out, " %zu %s %" PRId64, event->seq, status_words[event->status],
			     event->duration_us);
		add_offset(out, event->out_end);
		add_offset(out, event->err_end);
		add_payload(out, event->payload, event->payload_len);
		break;
	case PT__EVENT_ENDED:
		pt__buf_addf(out, " %s", status_words[event->status]);
		add_payload(out, event->payload, event->payload_len);
		break;
	case PT__EVENT_TEST_INFO:
	case PT__EVENT_INIT_FAILED: add_payload(out, event->payload, event->payload_len); break;
	case PT__EVENT_FORKED: pt__buf_addf(out, " %d %ld\n", event->worker, event->pid); break;
	case PT__EVENT_FORK_REFUSED:
		pt__buf_addf(out, " %d", event->worker);
		add_payload(out, event->payload, event->payload_len);
		break;
	case PT__EVENT_EXITED:
		pt__buf_addf(out, " %ld %d\n", event->pid, event->wait_status);
		break;
	default: pt__buf_addc(out, '\n');
	}
}

/* Adds "key value\n" to text when value is given and keeps the payload within a header's size. */
static void add_info(struct pt__buf *text, const char *key, const char *value)
{
	size_t len = strlen(key) + 1 + strlen(value) + 1;

	if (!*value || strchr(value, '\n') || text->len + len > PT__PROTOCOL_MAX_HEADER)
		return;
	pt__buf_addf(text, "%s %s\n", key, value);
}

void pt__protocol_encode_test_info(struct pt__buf *out, const struct pt__test_info *info)
{
	struct pt__buf text = PT__BUF_INIT;
	char number[24];

	if (info->file)
		add_info(&text, "file", info->file);
	if (info->line > 0) {
		snprintf(number, sizeof(number), "%d", info->line);
		add_info(&text, "line", number);
	}
	if (info->tags)
		add_info(&text, "tags", info->tags);
	if (info->locks)
		add_info(&text, "locks", info->locks);
	if (info->exclusive)
		add_info(&text, "exclusive", "1");
	if (info->weight > 1) {
		snprintf(number, sizeof(number), "%d", info->weight);
		add_info(&text, "weight", number);
	}
	if (info->retries) {
		snprintf(number, sizeof(number), "%d", info->retries < 0 ? 0 : info->retries);
		add_info(&text, "retries", number);
	}
	pt__protocol_encode_event(out, &(struct pt__event){.type = PT__EVENT_TEST_INFO,
							   .payload = text.data ? text.data : "",
							   .payload_len = text.len});
	pt__buf_release(&text);
}

/* ---- decoding ---- */

/* A header split into words; words point into storage. */
struct header {
	const char *words[MAX_WORDS];
	size_t nr_words;
	const struct shape *shape;
	size_t type;
	const char *payload;
	size_t payload_len;
};

/* Parses a decimal number of at most max_digits digits into *out. */
static bool parse_unsigned(const char *word, size_t max_digits, unsigned long long *out)
{
	unsigned long long value = 0;
	size_t digits = strlen(word);

	if (!digits || digits > max_digits)
		return false;
	for (const char *p = word; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (unsigned long long)(*p - '0');
	}
	*out = value;
	return true;
}

static bool parse_signed(const char *word, long long *out)
{
	unsigned long long magnitude;

	if (!parse_unsigned(word + (*word == '-'), 18, &magnitude))
		return false;
	*out = *word == '-' ? -(long long)magnitude : (long long)magnitude;
	return true;
}

/*
 * Splits the frame at data into h, checking its verb against shapes and its
 * word count and payload length. Returns as the decoders do.
 */
static int split(const struct shape *shapes, size_t nr_shapes, const char *data, size_t len,
		 struct header *h, struct pt__frame_storage *storage, size_t *used,
		 struct pt__buf *err)
{
	size_t window = len < PT__PROTOCOL_MAX_HEADER ? len : PT__PROTOCOL_MAX_HEADER;
	const char *newline = memchr(data, '\n', window);
	size_t header_len, frame_len;
	char *header = storage->header;

	if (!newline) {
		if (len >= PT__PROTOCOL_MAX_HEADER) {
			pt__buf_addf(err, "header longer than %d bytes", PT__PROTOCOL_MAX_HEADER);
			return PT__EPROTOCOL;
		}
		return 0;
	}
	header_len = (size_t)(newline - data);
	if (memchr(data, '\0', header_len)) {
		pt__buf_adds(err, "NUL byte in a header");
		return PT__EPROTOCOL;
	}
	memcpy(header, data, header_len);
	header[header_len] = '\0';
	h->nr_words = 0;
	for (char *p = header; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		if (h->nr_words == MAX_WORDS) {
			pt__buf_adds(err, "too many words in a header");
			return PT__EPROTOCOL;
		}
		h->words[h->nr_words++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (!h->nr_words) {
		pt__buf_adds(err, "empty header");
		return PT__EPROTOCOL;
	}
	for (h->type = 0; h->type < nr_shapes; h->type++)
		if (!strcmp(shapes[h->type].verb, h->words[0]))
			break;
	if (h->type == nr_shapes) {
		pt__buf_adds(err, "unknown message \"");
		pt__buf_add(err, h->words[0], strnlen(h->words[0], 40));
		pt__buf_adds(err, "\"");
		return PT__EPROTOCOL;
	}
	h->shape = &shapes[h->type];
	if (h->nr_words < h->shape->words || h->nr_words > h->shape->words + h->shape->optional) {
		if (h->shape->optional)
			pt__buf_addf(err, "\"%s\" takes %zu to %zu words, got %zu", h->shape->verb,
				     h->shape->words, h->shape->words + h->shape->optional,
				     h->nr_words);
		else
			pt__buf_addf(err, "\"%s\" takes %zu words, got %zu", h->shape->verb,
				     h->shape->words, h->nr_words);
		return PT__EPROTOCOL;
	}
	h->payload = NULL;
	h->payload_len = 0;
	frame_len = header_len + 1;
	if (h->shape->has_payload) {
		unsigned long long payload_len;
		if (!parse_unsigned(h->words[h->nr_words - 1], 9, &payload_len) ||
		    payload_len > PT__PROTOCOL_MAX_PAYLOAD) {
			pt__buf_addf(err, "bad payload length in \"%s\"", h->shape->verb);
			return PT__EPROTOCOL;
		}
		if (len - frame_len < payload_len)
			return 0;
		h->payload = data + frame_len;
		h->payload_len = (size_t)payload_len;
		frame_len += (size_t)payload_len;
	}
	*used = frame_len;
	return 1;
}

static int bad_word(const struct header *h, size_t word, const char *what, struct pt__buf *err)
{
	pt__buf_addf(err, "\"%s\" with %s \"", h->shape->verb, what);
	pt__buf_add(err, h->words[word], strnlen(h->words[word], 40));
	pt__buf_adds(err, "\"");
	return PT__EPROTOCOL;
}

/* Parses a number word that must lie in [min, max]. */
static int number(const struct header *h, size_t word, long long min, long long max,
		  const char *what, long long *out, struct pt__buf *err)
{
	if (!parse_signed(h->words[word], out) || *out < min || *out > max)
		return bad_word(h, word, what, err);
	return 0;
}

static int status(const struct header *h, size_t word, enum pt__wire_status *out,
		  struct pt__buf *err)
{
	for (size_t s = 0; s < sizeof(status_words) / sizeof(status_words[0]); s++) {
		if (!strcmp(h->words[word], status_words[s])) {
			*out = (enum pt__wire_status)s;
			return 0;
		}
	}
	return bad_word(h, word, "an unknown status", err);
}

static int offset(const struct header *h, size_t word, off_t *out, struct pt__buf *err)
{
	long long value;

	if (!strcmp(h->words[word], "-")) {
		*out = -1;
		return 0;
	}
	if (number(h, word, 0, INT64_MAX, "a bad output offset", &value, err))
		return PT__EPROTOCOL;
	*out = (off_t)value;
	return 0;
}

int pt__protocol_decode_command(const char *data, size_t len, struct pt__command *cmd,
				struct pt__frame_storage *storage, size_t *used,
				struct pt__buf *err)
{
	struct header h;
	struct pt__command decoded = {0};
	long long value;
	int rc =
		split(command_shapes, NR_SHAPES(command_shapes), data, len, &h, storage, used, err);

	if (rc <= 0)
		return rc;
	decoded.type = (enum pt__command_type)h.type;
	decoded.payload = h.payload;
	decoded.payload_len = h.payload_len;
	if (decoded.type == PT__COMMAND_RUN) {
		if (number(&h, 1, 0, INT64_MAX, "a bad sequence number", &value, err))
			return PT__EPROTOCOL;
		decoded.seq = (size_t)value;
		decoded.suite = h.words[2];
		decoded.name = h.words[3];
		decoded.attempt = 1;
		if (h.nr_words > 4 && number(&h, 4, 1, INT32_MAX, "a bad attempt", &value, err))
			return PT__EPROTOCOL;
		if (h.nr_words > 4)
			decoded.attempt = (int)value;
	} else if (decoded.type == PT__COMMAND_FORK) {
		if (number(&h, 1, 1, INT32_MAX, "a bad worker number", &value, err))
			return PT__EPROTOCOL;
		decoded.worker = (int)value;
	}
	*cmd = decoded;
	return 1;
}

int pt__protocol_decode_event(const char *data, size_t len, struct pt__event *event,
			      struct pt__frame_storage *storage, size_t *used, struct pt__buf *err)
{
	struct header h;
	struct pt__event decoded = {0};
	long long a = 0, b = 0;
	int rc = split(event_shapes, NR_SHAPES(event_shapes), data, len, &h, storage, used, err);

	if (rc <= 0)
		return rc;
	decoded.type = (enum pt__event_type)h.type;
	decoded.payload = h.payload;
	decoded.payload_len = h.payload_len;
	decoded.out_end = decoded.err_end = -1;
	switch (decoded.type) {
	case PT__EVENT_HELLO:
		if (number(&h, 1, 0, INT32_MAX, "a bad version", &a, err) ||
		    number(&h, 2, 1, INT32_MAX, "a bad process id", &b, err))
			return PT__EPROTOCOL;
		decoded.version = (int)a;
		decoded.pid = (long)b;
		break;
	case PT__EVENT_TEST:
		if (number(&h, 3, 0, INT32_MAX, "a bad time-out", &a, err))
			return PT__EPROTOCOL;
		decoded.suite = h.words[1];
		decoded.name = h.words[2];
		decoded.timeout_ms = a;
		break;
	case PT__EVENT_RESULT:
		if (number(&h, 1, 0, INT64_MAX, "a bad sequence number", &a, err) ||
		    status(&h, 2, &decoded.status, err) ||
		    number(&h, 3, INT64_MIN, INT64_MAX, "a bad duration", &b, err) ||
		    offset(&h, 4, &decoded.out_end, err) || offset(&h, 5, &decoded.err_end, err))
			return PT__EPROTOCOL;
		decoded.seq = (size_t)a;
		decoded.duration_us = b > 0 ? b : 0;
		break;
	case PT__EVENT_ENDED:
		if (status(&h, 1, &decoded.status, err))
			return PT__EPROTOCOL;
		break;
	case PT__EVENT_FORKED:
	case PT__EVENT_FORK_REFUSED:
		if (number(&h, 1, 1, INT32_MAX, "a bad worker number", &a, err))
			return PT__EPROTOCOL;
		decoded.worker = (int)a;
		if (decoded.type == PT__EVENT_FORKED) {
			if (number(&h, 2, 1, INT32_MAX, "a bad process id", &b, err))
				return PT__EPROTOCOL;
			decoded.pid = (long)b;
		}
		break;
	case PT__EVENT_EXITED:
		if (number(&h, 1, 1, INT32_MAX, "a bad process id", &a, err) ||
		    number(&h, 2, INT32_MIN, INT32_MAX, "a bad wait status", &b, err))
			return PT__EPROTOCOL;
		decoded.pid = (long)a;
		decoded.wait_status = (int)b;
		break;
	default: break;
	}
	*event = decoded;
	return 1;
}

int pt__protocol_set_env(const char *payload, size_t len)
{
	for (size_t at = 0; at < len;) {
		size_t entry_len = strnlen(payload + at, len - at);
		const char *eq = memchr(payload + at, '=', entry_len);
		char *entry;

		if (!eq || eq == payload + at)
			return -1;
		entry = pt__xstrndup(payload + at, entry_len);
		entry[eq - (payload + at)] = '\0';
		setenv(entry, entry + (eq - (payload + at)) + 1, 1);
		free(entry);
		at += entry_len + 1;
	}
	return 0;
}

/* Parses value, a number in [min, max], for key of a test-info. */
static int info_number(const char *key, const char *value, int min, int max, int *out,
		       struct pt__buf *err)
{
	long long n;

	if (!parse_signed(value, &n) || n < min || n > max) {
		pt__buf_addf(err, "\"test-info\" with a bad %s \"", key);
		pt__buf_add(err, value, strnlen(value, 40));
		pt__buf_adds(err, "\"");
		return PT__EPROTOCOL;
	}
	*out = (int)n;
	return 0;
}

int pt__protocol_decode_test_info(const char *payload, size_t len, struct pt__test_info *info,
				  struct pt__test_info_storage *storage, struct pt__buf *err)
{
	struct pt__test_info decoded = {0};
	char *line, *end;

	if (len >= sizeof(storage->text)) {
		pt__buf_addf(err, "\"test-info\" longer than %d bytes",
			     PT__PROTOCOL_MAX_HEADER - 1);
		return PT__EPROTOCOL;
	}
	memcpy(storage->text, payload, len);
	storage->text[len] = '\0';
	for (line = storage->text; *line; line = end) {
		char *value;
		int rc = 0;

		end = line + strcspn(line, "\n");
		if (*end)
			*end++ = '\0';
		value = strchr(line, ' ');
		if (!value)
			continue;
		*value++ = '\0';
		if (!strcmp(line, "file"))
			decoded.file = value;
		else if (!strcmp(line, "line"))
			rc = info_number(line, value, 1, INT32_MAX, &decoded.line, err);
		else if (!strcmp(line, "tags"))
			decoded.tags = value;
		else if (!strcmp(line, "locks"))
			decoded.locks = value;
		else if (!strcmp(line, "exclusive"))
			rc = info_number(line, value, 0, 1, &decoded.exclusive, err);
		else if (!strcmp(line, "weight"))
			rc = info_number(line, value, 1, 1 << 20, &decoded.weight, err);
		else if (!strcmp(line, "retries") &&
			 !(rc = info_number(line, value, 0, PT__RETRIES_MAX, &decoded.retries,
					    err)))
			decoded.retries = decoded.retries ? decoded.retries : -1;
		if (rc)
			return rc;
	}
	*info = decoded;
	return 0;
}

int pt__write_all(int fd, const void *data, size_t len, struct pt__buf *err)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (err)
				pt__buf_addf(err, "cannot write to descriptor %d: %s", fd,
					     strerror(errno));
			return PT__ERUN;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
