#include "utf8.h"

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
