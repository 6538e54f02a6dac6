#include "url_escape.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "db.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool pt__db_percent_decode(const char *str, size_t len, struct pt__buf *out)
{
	for (size_t i = 0; i < len; i++) {
		if (str[i] != '%') {
			pt__buf_addc(out, str[i]);
			continue;
		}
		int high = i + 2 < len ? hex_value(str[i + 1]) : -1;
		int low = i + 2 < len ? hex_value(str[i + 2]) : -1;
		if (high < 0 || low < 0 || (high == 0 && low == 0))
			return false;
		pt__buf_addc(out, (char)(high * 16 + low));
		i += 2;
	}
	return true;
}

char *pt__db_percent_decoded(const char *str, size_t len)
{
	struct pt__buf out = PT__BUF_INIT;

	if (!pt__db_percent_decode(str, len, &out)) {
		pt__buf_release(&out);
		return NULL;
	}
	return pt__buf_detach(&out);
}

void pt__db_percent_encode(const char *str, struct pt__buf *out)
{
	for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
		if (isalnum(*c) || strchr("-._~", *c))
			pt__buf_addc(out, (char)*c);
		else
			pt__buf_addf(out, "%%%02X", *c);
	}
}

const char *pt__db_url_after_scheme(const char *url, const char *scheme)
{
	size_t len = strlen(scheme);

	return strncasecmp(url, scheme, len) ? NULL : url + len;
}

int pt__db_url_take_dbname(const char *url, const char **at, struct pt__buf *name,
			   struct pt__buf *err)
{
	const char *start = *at + 1, *end;

	if (**at != '/')
		return 0;
	end = start + strcspn(start, "?");
	if (!pt__db_percent_decode(start, (size_t)(end - start), name))
		return pt__db_url_error(err, url, "a bad %-escape in the database name");
	*at = end;
	return 0;
}

void pt__db_url_format(const char *scheme, const char *authority, const char *dbname,
		       const char *query, struct pt__buf *out)
{
	pt__buf_adds(out, scheme);
	pt__buf_adds(out, authority);
	pt__buf_addc(out, '/');
	pt__db_percent_encode(dbname, out);
	if (query && *query) {
		pt__buf_addc(out, '?');
		pt__buf_adds(out, query);
	}
}
