/*
 * libFuzzer target for what partest reads from processes it does not trust:
 * the worker protocol's frames (both directions) and TAP output. Any input
 * must be parsed or refused without a crash, a leak or undefined behaviour,
 * and a parsed frame must stay inside the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "protocol.h"

typedef int decode_fn(const char *data, size_t len, void *message,
		      struct pt__frame_storage *storage, size_t *used, struct pt__buf *err);

static int decode_event(const char *data, size_t len, void *message,
			struct pt__frame_storage *storage, size_t *used, struct pt__buf *err)
{
	return pt__protocol_decode_event(data, len, message, storage, used, err);
}

static int decode_command(const char *data, size_t len, void *message,
			  struct pt__frame_storage *storage, size_t *used, struct pt__buf *err)
{
	return pt__protocol_decode_command(data, len, message, storage, used, err);
}

/* Decodes every message of data; each must stay inside the input and re-encode. */
static void decode_all(decode_fn *decode, bool events, const char *data, size_t len)
{
	static struct pt__frame_storage storage;
	struct pt__buf err = PT__BUF_INIT, again = PT__BUF_INIT;
	union {
		struct pt__event event;
		struct pt__command command;
	} message;
	size_t at = 0;

	while (at < len) {
		size_t used = 0;
		pt__buf_reset(&err);
		if (decode(data + at, len - at, &message, &storage, &used, &err) <= 0)
			break;
		if (used == 0 || used > len - at)
			abort();
		const char *payload = events ? message.event.payload : message.command.payload;
		size_t payload_len =
			events ? message.event.payload_len : message.command.payload_len;
		if (payload && (payload < data + at || payload + payload_len > data + at + used))
			abort();
		if (events && message.event.type == PT__EVENT_TEST_INFO) {
			static struct pt__test_info_storage info_storage;
			struct pt__test_info info;
			pt__protocol_decode_test_info(payload, payload_len, &info, &info_storage,
						      &err);
		}
		pt__buf_reset(&again);
		if (events)
			pt__protocol_encode_event(&again, &message.event);
		else
			pt__protocol_encode_command(&again, &message.command);
		at += used;
	}
	pt__buf_release(&err);
	pt__buf_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};

	decode_all(decode_event, true, (const char *)data, size);
	decode_all(decode_command, false, (const char *)data, size);
	pt__tap_judge((const char *)data, size, &stream, &details);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
	return 0;
}
