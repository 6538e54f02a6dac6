/*
 * The pieces of server URLs (postgresql://, mysql://) their backends take
 * apart and put together alike: percent-escapes, the scheme, the database
 * name in the path.
 */
#ifndef PT_DB_URL_ESCAPE_H
#define PT_DB_URL_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "../buf.h"

/*
 * Appends len bytes of str to out with %XX escapes decoded. False on a
 * malformed escape or an encoded NUL (out then holds a part).
 */
bool pt__db_percent_decode(const char *str, size_t len, struct pt__buf *out);

/* The same into a new string; NULL on a malformed escape or an encoded NUL. */
char *pt__db_percent_decoded(const char *str, size_t len);

/* Appends str with every byte but RFC 3986's unreserved ones escaped. */
void pt__db_percent_encode(const char *str, struct pt__buf *out);

/* What follows scheme (matched without regard to case) in url, or NULL. */
const char *pt__db_url_after_scheme(const char *url, const char *scheme);

/*
 * Takes the database name at *at: "/NAME" up to a '?', percent-decoded into
 * name, and moves *at past it (nothing when *at is not at a '/'). A bad
 * escape is a usage error of the --db URL url, said in err.
 */
int pt__db_url_take_dbname(const char *url, const char **at, struct pt__buf *name,
			   struct pt__buf *err);

/* SCHEME AUTHORITY "/" escaped DBNAME, then "?" QUERY unless it is empty. */
void pt__db_url_format(const char *scheme, const char *authority, const char *dbname,
		       const char *query, struct pt__buf *out);

#endif
