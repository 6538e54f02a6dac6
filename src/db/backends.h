/*
 * Which backend serves a database URL: the engines built into this
 * partest, and those it knows by URL but was built without.
 */
#ifndef PT_DB_BACKENDS_H
#define PT_DB_BACKENDS_H

#include "../buf.h"
#include "db.h"

/*
 * Sets *backend to the one that serves url. Returns 0, or PT__EUSAGE with a
 * line in err naming the --db as shown (its password hidden): an engine
 * built without, or no database URL at all.
 */
int pt__db_backend_for(const char *url, const char *shown, const struct pt__db_backend **backend,
		       struct pt__buf *err);

#endif
