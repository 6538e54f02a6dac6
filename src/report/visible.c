#include "visible.h"

/*
 * The length of the valid UTF-8 sequence at s[0..len) (lead byte >= 0x80)
 * and its code point in *code; 0 if the bytes are not one: a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate,
 * or beyond U+10FFFF.
 */
static size_t utf8_sequence(const unsigned char *s, size_t len, unsigned long *code)
{
	size_t need;
	unsigned long min, c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		min = 0x80;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		min = 0x800;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		min = 0x10000;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*code = c;
	return need;
}

static bool is_bidi_control(unsigned long code)
{
	return code == 0x200e || code == 0x200f || (code >= 0x202a && code <= 0x202e) ||
	       (code >= 0x2066 && code <= 0x2069);
}

void pt__visible_add(struct pt__buf *out, const char *text, size_t len, bool multiline)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned long code;
		size_t n;

		if (c == '\t' || (c == '\n' && multiline) || (c >= 0x20 && c < 0x7f)) {
			pt__buf_addc(out, (char)c);
			i++;
		} else if (c == '\n') {
			pt__buf_adds(out, "\\n");
			i++;
		} else if (c == '\r') {
			if (!(multiline && i + 1 < len && s[i + 1] == '\n'))
				pt__buf_adds(out, "\\r");
			i++;
		} else if (c >= 0x80 && (n = utf8_sequence(s + i, len - i, &code)) != 0 &&
			   code > 0x9f) {
			if (is_bidi_control(code))
				pt__buf_addf(out, "\\u%04lx", code);
			else
				pt__buf_add(out, text + i, n);
			i += n;
		} else {
			pt__buf_addf(out, "\\x%02x", c);
			i++;
		}
	}
}
