#include "secrets.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../xalloc.h"
#include "url_escape.h"

static struct {
	char **items;
	size_t nr, alloc;
} secrets;

#define SEPARATORS "/@:?&#"

static void remember(const char *secret, size_t len)
{
	if (len < PT__SECRET_MIN_LEN)
		return;
	for (size_t i = 0; i < secrets.nr; i++)
		if (strlen(secrets.items[i]) == len && !memcmp(secrets.items[i], secret, len))
			return;
	PT__GROW(secrets.items, secrets.nr + 1, secrets.alloc);
	secrets.items[secrets.nr++] = pt__xstrndup(secret, len);
}

/*
 * secret and every run of its pieces between separators ("b/c" and
 * "c@d" of "a:b/c@d"): whatever part a client took for a password or a
 * host and quotes back.
 */
static void remember_with_pieces(const char *secret, size_t len)
{
	for (size_t start = 0; start < len; start++) {
		if (start && !strchr(SEPARATORS, secret[start - 1]))
			continue;
		for (size_t end = start + 1; end <= len; end++)
			if (end == len || strchr(SEPARATORS, secret[end]))
				remember(secret + start, end - start);
	}
}

static void add(const char *secret, size_t len)
{
	struct pt__buf decoded = PT__BUF_INIT, encoded = PT__BUF_INIT;

	remember_with_pieces(secret, len);
	if (pt__db_percent_decode(secret, len, &decoded)) {
		remember_with_pieces(decoded.data ? decoded.data : "", decoded.len);
		pt__db_percent_encode(pt__buf_str(&decoded), &encoded);
		remember(pt__buf_str(&encoded), encoded.len);
	}
	pt__buf_release(&decoded);
	pt__buf_release(&encoded);
}

void pt__secrets_add(const char *secret)
{
	add(secret, strlen(secret));
}

static bool is_password_param(const char *param, size_t len, size_t *name_len)
{
	static const char *const names[] = {"password=", "passwd=", "pass=", "pwd="};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		*name_len = strlen(names[i]);
		if (len >= *name_len && !strncasecmp(param, names[i], *name_len))
			return true;
	}
	return false;
}

/* The password in rest..end, "user:password", when there is a ':'. */
static void add_user_part(const char *rest, const char *end)
{
	const char *colon = memchr(rest, ':', (size_t)(end - rest));

	if (colon)
		add(colon + 1, (size_t)(end - colon - 1));
}

void pt__secrets_add_url(const char *url)
{
	const char *rest = strstr(url, "://");
	const char *last_at, *first_at;

	rest = rest ? rest + 3 : url;
	if ((last_at = strrchr(rest, '@')))
		add_user_part(rest, last_at);
	first_at = rest + strcspn(rest, "@/");
	if (*first_at == '@' && first_at != last_at)
		add_user_part(rest, first_at);
	/* key=value pairs, in a query or a libpq connection string. */
	for (const char *param = url; *param;) {
		size_t len = strcspn(param, "?& \t"), name_len;
		if (is_password_param(param, len, &name_len))
			add(param + name_len, len - name_len);
		param += len + (param[len] != '\0');
	}
}

void pt__secrets_mask(const char *text, struct pt__buf *out)
{
	while (*text) {
		size_t best = 0;
		for (size_t i = 0; i < secrets.nr; i++) {
			size_t len = strlen(secrets.items[i]);
			if (len > best && !strncmp(text, secrets.items[i], len))
				best = len;
		}
		if (best) {
			pt__buf_adds(out, "***");
			text += best;
		} else {
			pt__buf_addc(out, *text++);
		}
	}
}

void pt__secrets_clear(void)
{
	for (size_t i = 0; i < secrets.nr; i++)
		free(secrets.items[i]);
	free(secrets.items);
	memset(&secrets, 0, sizeof(secrets));
}
