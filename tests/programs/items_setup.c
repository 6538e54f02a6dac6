/* A --db-setup for the end-to-end tests: the items table with one fixture row. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	const char *url = getenv("DATABASE_URL");
	sqlite3 *db = NULL;
	char *error = NULL;

	if (!url || strncmp(url, "sqlite:", 7)) {
		fprintf(stderr, "items_setup: DATABASE_URL is not a sqlite: URL\n");
		return 1;
	}
	if (sqlite3_open(url + 7, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "CREATE TABLE items (id INTEGER PRIMARY KEY, worker TEXT, suite TEXT);"
			 "INSERT INTO items (worker, suite) VALUES ('0', 'fixture');",
			 NULL, NULL, &error) != SQLITE_OK) {
		fprintf(stderr, "items_setup: %s\n", error ? error : sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_close(db);
	printf("items_setup: built %s\n", url + 7);
	return 0;
}
