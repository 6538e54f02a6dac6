/*
 * The PostgreSQL backend's pieces that need no server: taking a --db URL
 * apart and putting it back together with another database name, naming
 * clones, and the marker partest leaves on every database it creates.
 */
#include "postgres.h"
#include "url_escape.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../xalloc.h"

#define DEFAULT_WAIT_SECONDS 10
#define THROWAWAY_DEFAULT_DB "partest"

/* Takes one of partest's own query parameters. */
static int take_partest_param(const char *url, const char *param, size_t len,
			      struct pt__pg_url *out, struct pt__buf *err)
{
	struct pt__buf value = PT__BUF_INIT;
	const char *eq = memchr(param, '=', len);
	int rc = 0;

	if (!eq || !pt__db_percent_decode(eq + 1, len - (size_t)(eq + 1 - param), &value))
		return pt__db_url_error(
			err, url, "a partest_ parameter needs a value (partest_strategy=...)");
	const char *name = param, *v = pt__buf_str(&value);
	size_t name_len = (size_t)(eq - param);
	if (name_len == strlen("partest_strategy") &&
	    !strncmp(name, "partest_strategy", name_len)) {
		if (!strcasecmp(v, "auto"))
			out->strategy = PT__PG_STRATEGY_AUTO;
		else if (!strcasecmp(v, "file_copy"))
			out->strategy = PT__PG_STRATEGY_FILE_COPY;
		else if (!strcasecmp(v, "wal_log"))
			out->strategy = PT__PG_STRATEGY_WAL_LOG;
		else if (!strcasecmp(v, "default"))
			out->strategy = PT__PG_STRATEGY_DEFAULT;
		else
			rc = pt__db_url_error(
				err, url,
				"partest_strategy must be auto, file_copy, wal_log or default");
	} else if (name_len == strlen("partest_wait") && !strncmp(name, "partest_wait", name_len)) {
		char *end;
		long seconds = strtol(v, &end, 10);
		if (!*v || *end || seconds < 0 || seconds > 86400)
			rc = pt__db_url_error(
				err, url, "partest_wait must be a number of seconds (0..86400)");
		else
			out->wait_seconds = (int)seconds;
	} else {
		rc = pt__db_url_error(
			err, url,
			"unknown partest_ parameter; partest knows partest_strategy and "
			"partest_wait");
	}
	pt__buf_release(&value);
	return rc;
}

int pt__pg_url_parse(const char *url, struct pt__pg_url *out, struct pt__buf *err)
{
	struct pt__buf name = PT__BUF_INIT, query = PT__BUF_INIT;
	const char *rest, *p, *host;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->wait_seconds = DEFAULT_WAIT_SECONDS;
	if ((rest = pt__db_url_after_scheme(url, "postgresql+tmp://"))) {
		out->throwaway = true;
		out->scheme = pt__xstrdup("postgresql://");
	} else if ((rest = pt__db_url_after_scheme(url, "postgresql://"))) {
		out->scheme = pt__xstrdup("postgresql://");
	} else if ((rest = pt__db_url_after_scheme(url, "postgres://"))) {
		out->scheme = pt__xstrdup("postgres://");
	} else {
		rc = pt__db_url_error(err, url, "not a postgresql:// or postgres:// URL");
		goto out;
	}

	/* As libpq reads it: user info runs to an '@' met before any '/'. */
	for (p = rest; *p && *p != '@' && *p != '/'; p++)
		;
	host = *p == '@' ? p + 1 : rest;
	p = host + strcspn(host, "/?");
	out->authority = pt__xstrndup(rest, (size_t)(p - rest));
	if (out->throwaway && *out->authority) {
		rc = pt__db_url_error(
			err, url,
			"postgresql+tmp:// starts its own server and takes no user or host "
			"(postgresql+tmp:///NAME)");
		goto out;
	}
	if ((rc = pt__db_url_take_dbname(url, &p, &name, err)))
		goto out;
	if (*p == '?') {
		for (const char *param = p + 1; *param;) {
			size_t len = strcspn(param, "&");
			if (!strncmp(param, "partest_", strlen("partest_"))) {
				if ((rc = take_partest_param(url, param, len, out, err)))
					goto out;
			} else if (!strncmp(param, "dbname=", strlen("dbname="))) {
				rc = pt__db_url_error(
					err, url,
					"name the template in the path (postgresql://host/NAME), "
					"not with dbname=");
				goto out;
			} else if (len) {
				if (query.len)
					pt__buf_addc(&query, '&');
				pt__buf_add(&query, param, len);
			}
			param += len + (param[len] == '&');
		}
	}
	if (!name.len && out->throwaway)
		pt__buf_adds(&name, THROWAWAY_DEFAULT_DB);
	if (!name.len) {
		rc = pt__db_url_error(err, url,
				      "name the template database after the host "
				      "(postgresql://user@host:port/NAME)");
		goto out;
	}
	if (name.len > PT__PG_NAME_MAX || strlen(name.data) != name.len) {
		rc = pt__db_url_error(
			err, url,
			"the database name must be 1 to 63 bytes (PostgreSQL's limit) "
			"without NUL");
		goto out;
	}
	out->dbname = pt__buf_detach(&name);
	out->query = pt__buf_detach(&query);
out:
	pt__buf_release(&name);
	pt__buf_release(&query);
	if (rc)
		pt__pg_url_release(out);
	return rc;
}

void pt__pg_url_release(struct pt__pg_url *url)
{
	free(url->scheme);
	free(url->authority);
	free(url->dbname);
	free(url->query);
	memset(url, 0, sizeof(*url));
}

void pt__pg_url_format(const struct pt__pg_url *url, const char *dbname, struct pt__buf *out)
{
	pt__db_url_format(url->scheme, url->authority, dbname, url->query, out);
}
