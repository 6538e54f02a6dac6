/* UTF-8 as the reports read it: test output is bytes, reports are text. */
#ifndef PT_REPORT_UTF8_H
#define PT_REPORT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../buf.h"

/* Marks an invalid sequence in pt__utf8_decode()'s result. */
#define PT__UTF8_INVALID UINT32_MAX

/*
 * Decodes the UTF-8 sequence at s[0..len), len > 0, s[0] >= 0x80, under the
 * rules of Unicode Table 3-7 (no overlongs, no surrogates, nothing above
 * U+10FFFF). Returns the bytes taken; for an invalid sequence *code_point
 * is PT__UTF8_INVALID and the bytes taken are its maximal subpart (at
 * least one), so that each invalid subpart is replaced exactly once.
 */
size_t pt__utf8_decode(const unsigned char *s, size_t len, uint32_t *code_point);

/*
 * How one text format (JSON, XML, a terminal) writes bytes from tests, for
 * pt__utf8_escape(). Printable ASCII is written as it is unless named.
 */
struct pt__utf8_escapes {
	const char *named[128];	   /* an ASCII byte written as this text ("&amp;", "\\n") */
	const char *controls_kept; /* the ASCII controls written as they are ("\t\n") */
	/* a code point from U+0080 on that the format shows as it is */
	bool (*shown)(uint32_t code_point);
	/*
	 * Writes the rest: an ASCII byte neither printable, kept nor named; a
	 * code point shown() refuses; an invalid sequence (code_point
	 * PT__UTF8_INVALID, its maximal subpart). bytes[0..len) are its bytes.
	 */
	void (*escape)(struct pt__buf *out, const unsigned char *bytes, size_t len,
		       uint32_t code_point);
};

/* Appends data[0..len), any bytes, to out as escapes says. */
void pt__utf8_escape(struct pt__buf *out, const char *data, size_t len,
		     const struct pt__utf8_escapes *escapes);

#endif
