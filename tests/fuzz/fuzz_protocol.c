/*
 * libFuzzer target for what partest reads from processes it does not trust:
 * the worker protocol's frames (both directions) and TAP output. Any input
 * must be parsed or refused without a crash, a leak or undefined behaviour,
 * and a parsed frame must stay inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "protocol.h"

static void parse_all(enum pt__wire_direction direction, const char *data, size_t len)
{
	struct pt__buf err = PT__BUF_INIT;
	static struct pt__frame frame;
	size_t at = 0;

	while (at < len) {
		size_t used = 0;
		pt__buf_reset(&err);
		int parsed = pt__wire_parse(direction, data + at, len - at, &frame, &used, &err);
		if (parsed <= 0)
			break;
		if (used == 0 || used > len - at)
			abort();
		if (frame.payload && (frame.payload < data + at ||
				      frame.payload + frame.payload_len > data + at + used))
			abort();
		at += used;
	}
	pt__buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt__buf details = PT__BUF_INIT;

	parse_all(PT__WIRE_EVENTS, (const char *)data, size);
	parse_all(PT__WIRE_COMMANDS, (const char *)data, size);
	pt__tap_judge((const char *)data, size, &details);
	pt__buf_release(&details);
	return 0;
}
