/*
 * The passwords a run was given in its --db URLs, and the one place where
 * they are taken out of what partest writes: every message on stderr goes
 * through pt__secrets_mask (src/cli.c), whatever produced it, so a
 * password a client library or a --db-setup quotes back is hidden as well
 * as one in a URL partest shows. URLs partest itself shows are redacted
 * by their structure too (pt__db_redact_url), which also hides passwords
 * too short to be searched for.
 */
#ifndef PT_DB_SECRETS_H
#define PT_DB_SECRETS_H

#include "../buf.h"

/* Shorter secrets are hidden only where a URL's structure shows them. */
#define PT__SECRET_MIN_LEN 4

/*
 * Remembers secret, as given, percent-decoded and percent-encoded, so
 * that pt__secrets_mask hides each of them.
 */
void pt__secrets_add(const char *secret);

/*
 * Remembers every password url could hold, however a reader splits it:
 * the user part up to the last '@' and up to the first '@' before a '/',
 * password= query parameters, and the pieces of each between '/', '@',
 * ':', '?', '&' and '#' (what a client quotes back from a URL it took
 * apart otherwise).
 */
void pt__secrets_add_url(const char *url);

/* Appends text to out with every remembered secret replaced by "***". */
void pt__secrets_mask(const char *text, struct pt__buf *out);

/* Forgets every secret. */
void pt__secrets_clear(void);

#endif
