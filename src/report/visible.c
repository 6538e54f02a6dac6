#include "visible.h"

#include <stdint.h>

#include "utf8.h"

static bool is_bidi_control(uint32_t code)
{
	return code == 0x200e || code == 0x200f || (code >= 0x202a && code <= 0x202e) ||
	       (code >= 0x2066 && code <= 0x2069);
}

static bool terminal_shows(uint32_t code_point)
{
	return code_point > 0x9f && !is_bidi_control(code_point);
}

/*
 * A bidirectional control as \uNNNN; anything else (an ASCII or C1
 * control, an invalid sequence) byte by byte as \xNN.
 */
static void terminal_escape(struct pt__buf *out, const unsigned char *bytes, size_t len,
			    uint32_t code_point)
{
	if (code_point != PT__UTF8_INVALID && is_bidi_control(code_point)) {
		pt__buf_addf(out, "\\u%04lx", (unsigned long)code_point);
		return;
	}
	for (size_t i = 0; i < len; i++)
		pt__buf_addf(out, "\\x%02x", bytes[i]);
}

static const struct pt__utf8_escapes one_line = {
	.named = {['\n'] = "\\n", ['\r'] = "\\r"},
	.controls_kept = "\t",
	.shown = terminal_shows,
	.escape = terminal_escape,
};

static const struct pt__utf8_escapes lines = {
	.named = {['\r'] = "\\r"},
	.controls_kept = "\t\n",
	.shown = terminal_shows,
	.escape = terminal_escape,
};

void pt__visible_add(struct pt__buf *out, const char *text, size_t len, bool multiline)
{
	size_t start = 0;

	if (!multiline) {
		pt__utf8_escape(out, text, len, &one_line);
		return;
	}
	/* A CR ending a line (CRLF) is dropped; any other is written out. */
	for (size_t i = 0; i + 1 < len; i++)
		if (text[i] == '\r' && text[i + 1] == '\n') {
			pt__utf8_escape(out, text + start, i - start, &lines);
			start = i + 1;
		}
	pt__utf8_escape(out, text + start, len - start, &lines);
}
