/* The example suite's one shared helper: opening DATABASE_URL (sqlite:PATH). */
#ifndef EXAMPLES_DB_URL_H
#define EXAMPLES_DB_URL_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opens the SQLite database DATABASE_URL names, or returns NULL and says why. */
static inline sqlite3 *open_database_url(void)
{
	const char *url = getenv("DATABASE_URL");
	sqlite3 *db = NULL;

	if (!url || strncmp(url, "sqlite:", 7)) {
		fprintf(stderr, "DATABASE_URL is not a sqlite: URL (%s)\n", url ? url : "unset");
		return NULL;
	}
	if (sqlite3_open_v2(url + 7, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s: %s\n", url + 7, sqlite3_errmsg(db));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

#endif
