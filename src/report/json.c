#include "json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "utf8.h"

static bool is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void pt__json_add_string(struct pt__buf *out, const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;

	pt__buf_addc(out, '"');
	while (i < len) {
		size_t run = i;
		while (run < len && is_plain(s[run]))
			run++;
		if (run > i) {
			pt__buf_add(out, s + i, run - i);
			i = run;
			continue;
		}

		unsigned char c = s[i];
		if (c < 0x80) {
			switch (c) {
			case '"': pt__buf_adds(out, "\\\""); break;
			case '\\': pt__buf_adds(out, "\\\\"); break;
			case '\n': pt__buf_adds(out, "\\n"); break;
			case '\t': pt__buf_adds(out, "\\t"); break;
			case '\r': pt__buf_adds(out, "\\r"); break;
			default: pt__buf_addf(out, "\\u%04X", c); break;
			}
			i++;
			continue;
		}

		uint32_t cp;
		size_t taken = pt__utf8_decode(s + i, len - i, &cp);
		if (cp == PT__UTF8_INVALID)
			pt__buf_adds(out, "\\uFFFD");
		else if (cp <= 0x9F)
			pt__buf_addf(out, "\\u%04" PRIX32, cp);
		else
			pt__buf_add(out, s + i, taken);
		i += taken;
	}
	pt__buf_addc(out, '"');
}

void pt__json_add_str_or_null(struct pt__buf *out, const char *str)
{
	if (str)
		pt__json_add_string(out, str, strlen(str));
	else
		pt__buf_adds(out, "null");
}
