/*
 * The demo's database set-up (--db-setup): creates the schema and the
 * fixtures in the template that DATABASE_URL names. partest runs it once per
 * run; every worker then gets its own copy.
 */
#include <stdio.h>

#include "db_url.h"

static const char schema[] =
	"CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL UNIQUE,"
	"                       balance INTEGER NOT NULL CHECK (balance >= 0));"
	"CREATE TABLE transfers (id INTEGER PRIMARY KEY, from_id INTEGER REFERENCES accounts,"
	"                        to_id INTEGER REFERENCES accounts, amount INTEGER NOT NULL);"
	"INSERT INTO accounts (owner, balance) VALUES ('alice', 100), ('bob', 50), ('carol', 0);";

int main(void)
{
	sqlite3 *db = open_database_url();
	char *error = NULL;

	if (!db)
		return 1;
	if (sqlite3_exec(db, schema, NULL, NULL, &error) != SQLITE_OK) {
		fprintf(stderr, "bank_migrate: %s\n", error);
		sqlite3_free(error);
		sqlite3_close(db);
		return 1;
	}
	sqlite3_close(db);
	printf("bank_migrate: schema and fixtures ready\n");
	return 0;
}
