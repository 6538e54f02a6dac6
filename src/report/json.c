#include "json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "utf8.h"

static bool json_shows(uint32_t code_point)
{
	return code_point > 0x9F;
}

/* Controls (DEL and C1 too) as \u00XX; an invalid sequence as U+FFFD. */
static void json_escape(struct pt__buf *out, const unsigned char *bytes, size_t len,
			uint32_t code_point)
{
	if (code_point == PT__UTF8_INVALID)
		pt__buf_adds(out, "\\uFFFD");
	else
		pt__buf_addf(out, "\\u%04" PRIX32, code_point);
}

static const struct pt__utf8_escapes json_escapes = {
	.named = {['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\t'] = "\\t", ['\r'] = "\\r"},
	.shown = json_shows,
	.escape = json_escape,
};

void pt__json_add_string(struct pt__buf *out, const char *data, size_t len)
{
	pt__buf_addc(out, '"');
	pt__utf8_escape(out, data, len, &json_escapes);
	pt__buf_addc(out, '"');
}

void pt__json_add_str_or_null(struct pt__buf *out, const char *str)
{
	if (str)
		pt__json_add_string(out, str, strlen(str));
	else
		pt__buf_adds(out, "null");
}
