/* A --db-setup for the PostgreSQL end-to-end tests: the items table with one fixture row. */
#include <stdio.h>
#include <stdlib.h>

#ifdef PT_HAVE_LIBPQ
#include <libpq-fe.h>

int main(void)
{
	const char *url = getenv("DATABASE_URL");
	PGconn *conn;
	PGresult *res;

	if (!url) {
		fprintf(stderr, "pg_items_setup: no DATABASE_URL\n");
		return 1;
	}
	conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pg_items_setup: %s", PQerrorMessage(conn));
		return 1;
	}
	res = PQexec(conn, "CREATE TABLE items (id serial PRIMARY KEY, worker text, suite text);"
			   "INSERT INTO items (worker, suite) VALUES ('0', 'fixture');");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "pg_items_setup: %s", PQerrorMessage(conn));
		return 1;
	}
	PQclear(res);
	printf("pg_items_setup: built %s\n", PQdb(conn));
	PQfinish(conn);
	return 0;
}
#else
int main(void)
{
	fprintf(stderr, "pg_items_setup: built without libpq\n");
	return 1;
}
#endif
