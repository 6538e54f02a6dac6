/* Percent-escapes in database URLs, for the backends that parse them. */
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

#endif
