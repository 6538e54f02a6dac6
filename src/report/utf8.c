#include "utf8.h"

#include <string.h>

size_t pt__utf8_decode(const unsigned char *s, size_t len, uint32_t *code_point)
{
	unsigned char lead = s[0];
	unsigned char low = 0x80, high = 0xBF; /* range of the second byte */
	size_t need;
	uint32_t cp;

	*code_point = PT__UTF8_INVALID;
	if (lead >= 0xC2 && lead <= 0xDF) {
		need = 1;
		cp = lead & 0x1F;
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		need = 2;
		cp = lead & 0x0F;
		if (lead == 0xE0)
			low = 0xA0; /* overlong */
		else if (lead == 0xED)
			high = 0x9F; /* surrogates */
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		need = 3;
		cp = lead & 0x07;
		if (lead == 0xF0)
			low = 0x90; /* overlong */
		else if (lead == 0xF4)
			high = 0x8F; /* above U+10FFFF */
	} else {
		return 1; /* continuation byte, C0, C1 or F5..FF */
	}

	for (size_t i = 1; i <= need; i++) {
		if (i >= len || s[i] < low || s[i] > high)
			return i;
		cp = (cp << 6) | (s[i] & 0x3F);
		low = 0x80;
		high = 0xBF;
	}
	*code_point = cp;
	return need + 1;
}

/* An ASCII byte that escapes writes as it is. */
static bool is_plain(const struct pt__utf8_escapes *escapes, unsigned char c)
{
	if (c >= 0x80 || escapes->named[c])
		return false;
	if (c >= 0x20 && c < 0x7F)
		return true;
	return c && escapes->controls_kept && strchr(escapes->controls_kept, c);
}

void pt__utf8_escape(struct pt__buf *out, const char *data, size_t len,
		     const struct pt__utf8_escapes *escapes)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		while (run < len && is_plain(escapes, s[run]))
			run++;
		if (run > i) {
			pt__buf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		if (s[i] < 0x80) {
			if (escapes->named[s[i]])
				pt__buf_adds(out, escapes->named[s[i]]);
			else
				escapes->escape(out, s + i, 1, s[i]);
			i++;
			continue;
		}
		uint32_t code_point;
		size_t taken = pt__utf8_decode(s + i, len - i, &code_point);
		if (code_point != PT__UTF8_INVALID && escapes->shown(code_point))
			pt__buf_add(out, s + i, taken);
		else
			escapes->escape(out, s + i, taken, code_point);
		i += taken;
	}
}
