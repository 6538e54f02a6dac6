#include "shell_quote.h"

#include <stdbool.h>
#include <string.h>

static bool is_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("/._-+,:@%=", c);
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

void pt__shell_quote(struct pt__buf *out, const char *word)
{
	const unsigned char *s = (const unsigned char *)word;
	bool safe = *s != '\0', control = false;

	for (size_t i = 0; s[i]; i++) {
		safe = safe && is_safe(s[i]);
		control = control || is_control(s[i]);
	}
	if (safe) {
		pt__buf_adds(out, word);
	} else if (control) {
		pt__buf_adds(out, "$'");
		for (size_t i = 0; s[i]; i++) {
			if (is_control(s[i]) || s[i] == '\'' || s[i] == '\\')
				pt__buf_addf(out, "\\x%02X", s[i]);
			else
				pt__buf_addc(out, (char)s[i]);
		}
		pt__buf_addc(out, '\'');
	} else {
		pt__buf_addc(out, '\'');
		for (size_t i = 0; s[i]; i++) {
			if (s[i] == '\'')
				pt__buf_adds(out, "'\\''");
			else
				pt__buf_addc(out, (char)s[i]);
		}
		pt__buf_addc(out, '\'');
	}
}

void pt__glob_escape(struct pt__buf *out, const char *text)
{
	for (; *text; text++) {
		if (strchr("*?[]\\", *text))
			pt__buf_addc(out, '\\');
		pt__buf_addc(out, *text);
	}
}
