/*
 * The MySQL backend's pieces that need no server: taking a --db URL apart
 * and putting it back together with another database name, naming clones
 * and quoting identifiers.
 */
#include "mysql.h"
#include "url_escape.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../xalloc.h"

#define THROWAWAY_DEFAULT_DB "partest"
#define MAX_THREADS	     64

static char *decode(const char *str, size_t len, int *bad)
{
	struct pt__buf out = PT__BUF_INIT;

	if (!pt__db_percent_decode(str, len, &out))
		*bad = 1;
	return pt__buf_detach(&out);
}

static bool param_is(const char *param, size_t name_len, const char *name)
{
	return name_len == strlen(name) && !strncmp(param, name, name_len);
}

/* Takes one query parameter: socket, partest_strategy or partest_threads. */
static int take_param(const char *url, const char *param, size_t len, struct pt__my_url *out,
		      struct pt__buf *query, struct pt__buf *err)
{
	const char *eq = memchr(param, '=', len);
	size_t name_len = eq ? (size_t)(eq - param) : len;
	int bad = 0, rc = 0;
	char *value;

	if (!eq)
		return pt__db_url_error(
			err, url, "a query parameter needs a value (socket=/path/to/mysql.sock)");
	value = decode(eq + 1, len - name_len - 1, &bad);
	if (bad) {
		rc = pt__db_url_error(err, url, "a bad %-escape in a query parameter");
	} else if (param_is(param, name_len, "socket")) {
		free(out->socket);
		out->socket = value;
		value = NULL;
		if (query->len)
			pt__buf_addc(query, '&');
		pt__buf_add(query, param, len);
	} else if (param_is(param, name_len, "partest_strategy")) {
		if (!strcasecmp(value, "copy"))
			out->strategy = PT__MY_STRATEGY_COPY;
		else if (!strcasecmp(value, "dump"))
			out->strategy = PT__MY_STRATEGY_DUMP;
		else
			rc = pt__db_url_error(err, url, "partest_strategy must be copy or dump");
	} else if (param_is(param, name_len, "partest_threads")) {
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end || n < 1 || n > MAX_THREADS)
			rc = pt__db_url_error(err, url,
					      "partest_threads must be a number from 1 to 64");
		else
			out->threads = (int)n;
	} else {
		rc = pt__db_url_error(
			err, url,
			"unknown query parameter; partest knows socket, partest_strategy and "
			"partest_threads");
	}
	free(value);
	return rc;
}

/* Splits [user[:password]@][host][:port] (rest..end) into out. */
static int take_authority(const char *url, const char *rest, const char *end,
			  struct pt__my_url *out, struct pt__buf *err)
{
	const char *at = NULL, *host, *colon;
	int bad = 0;

	/* A password may hold an unencoded '@': the user part ends at the last one. */
	for (const char *p = rest; p < end; p++)
		if (*p == '@')
			at = p;
	host = at ? at + 1 : rest;
	if (at) {
		colon = memchr(rest, ':', (size_t)(at - rest));
		out->user = decode(rest, (size_t)((colon ? colon : at) - rest), &bad);
		if (colon)
			out->password = decode(colon + 1, (size_t)(at - colon - 1), &bad);
	}
	colon = host < end ? memchr(host, ':', (size_t)(end - host)) : NULL;
	if (host < (colon ? colon : end))
		out->host = decode(host, (size_t)((colon ? colon : end) - host), &bad);
	if (colon) {
		char *stop;
		long port = strtol(colon + 1, &stop, 10);
		if (stop != end || port < 1 || port > 65535)
			return pt__db_url_error(err, url,
						"the port must be a number from 1 to 65535");
		out->port = (unsigned)port;
	}
	return bad ? pt__db_url_error(err, url, "a bad %-escape in the user, password or host") : 0;
}

int pt__my_url_parse(const char *url, struct pt__my_url *out, struct pt__buf *err)
{
	struct pt__buf name = PT__BUF_INIT, query = PT__BUF_INIT;
	const char *rest, *p;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((rest = pt__db_url_after_scheme(url, "mysql+tmp://")) ||
	    (rest = pt__db_url_after_scheme(url, "mariadb+tmp://"))) {
		out->throwaway = true;
		out->scheme = pt__xstrdup("mysql://");
	} else if ((rest = pt__db_url_after_scheme(url, "mysql://"))) {
		out->scheme = pt__xstrdup("mysql://");
	} else if ((rest = pt__db_url_after_scheme(url, "mariadb://"))) {
		out->scheme = pt__xstrdup("mariadb://");
	} else {
		rc = pt__db_url_error(err, url, "not a mysql:// or mariadb:// URL");
		goto out;
	}
	/* The path starts at the first '/' after the last '@' (a password may hold '/'). */
	p = strrchr(rest, '@');
	p = p ? p + 1 : rest;
	p += strcspn(p, "/?");
	out->authority = pt__xstrndup(rest, (size_t)(p - rest));
	if (out->throwaway && *out->authority) {
		rc = pt__db_url_error(
			err, url,
			"mysql+tmp:// starts its own server and takes no user or host "
			"(mysql+tmp:///NAME)");
		goto out;
	}
	if ((rc = take_authority(url, rest, p, out, err)))
		goto out;
	if ((rc = pt__db_url_take_dbname(url, &p, &name, err)))
		goto out;
	if (*p == '?') {
		for (const char *param = p + 1; *param;) {
			size_t len = strcspn(param, "&");
			if (len && (rc = take_param(url, param, len, out, &query, err)))
				goto out;
			param += len + (param[len] == '&');
		}
	}
	if (!name.len && out->throwaway)
		pt__buf_adds(&name, THROWAWAY_DEFAULT_DB);
	if (!name.len) {
		rc = pt__db_url_error(err, url,
				      "name the template database after the host "
				      "(mysql://user:password@host:port/NAME)");
		goto out;
	}
	if (pt__db_utf8_length(name.data) > PT__MY_NAME_MAX || strlen(name.data) != name.len ||
	    name.data[name.len - 1] == ' ') {
		rc = pt__db_url_error(
			err, url,
			"the database name must be 1 to 64 characters, without NUL, and not end "
			"in a space (MySQL's rules)");
		goto out;
	}
	if (!strcasecmp(name.data, PT__MY_REGISTRY)) {
		rc = pt__db_url_error(err, url,
				      "partest_registry is partest's own database, not a template");
		goto out;
	}
	out->dbname = pt__buf_detach(&name);
	out->query = pt__buf_detach(&query);
out:
	pt__buf_release(&name);
	pt__buf_release(&query);
	if (rc)
		pt__my_url_release(out);
	return rc;
}

void pt__my_url_release(struct pt__my_url *url)
{
	free(url->scheme);
	free(url->authority);
	free(url->user);
	free(url->password);
	free(url->host);
	free(url->socket);
	free(url->dbname);
	free(url->query);
	memset(url, 0, sizeof(*url));
}

void pt__my_url_format(const struct pt__my_url *url, const char *dbname, struct pt__buf *out)
{
	pt__db_url_format(url->scheme, url->authority, dbname, url->query, out);
}

void pt__my_add_identifier(const char *name, struct pt__buf *out)
{
	pt__db_add_quoted(name, '`', out);
}
