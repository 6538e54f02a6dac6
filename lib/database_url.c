/*
 * pt_database_url (partest.h): a test's database clone, read from the
 * environment the runner gives it, which a worker changes per test from
 * its env commands under --fresh-db (docs/protocol.md). The variable names
 * are provision.c's pt__db_env_name, which the test library cannot link.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <partest.h>

#define PREFIX "PARTEST_DB_"
#define SUFFIX "_URL"

const char *pt_database_url(const char *alias)
{
	char name[256];
	size_t len = strlen(PREFIX);

	if (!alias || !strcmp(alias, "default"))
		return getenv("DATABASE_URL");
	if (len + strlen(alias) + sizeof(SUFFIX) > sizeof(name))
		return NULL;
	memcpy(name, PREFIX, len);
	for (const char *c = alias; *c; c++)
		name[len++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
	memcpy(name + len, SUFFIX, sizeof(SUFFIX));
	return getenv(name);
}
