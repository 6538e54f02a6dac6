#include "backends.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "../error.h"
#include "mysql.h"
#include "oracle.h"
#include "postgres.h"
#include "sqlite.h"

/* The backends that need a client library at build time, when it was found. */
#ifdef PT_HAVE_LIBPQ
#define POSTGRES (&pt__db_postgres)
#else
#define POSTGRES NULL
#endif
#ifdef PT_HAVE_MARIADB
#define MYSQL (&pt__db_mysql)
#else
#define MYSQL NULL
#endif

/* The URL schemes, each with its engine and its backend (NULL: not built in). */
static const struct {
	const char *prefix;
	const char *engine;
	const struct pt__db_backend *backend;
} schemes[] = {
	{"sqlite:", "SQLite", &pt__db_sqlite},
	{"oracle://", "Oracle", &pt__db_oracle}, /* always built: OCI is loaded at run time */
	{"postgresql+tmp://", "PostgreSQL", POSTGRES},
	{"postgresql://", "PostgreSQL", POSTGRES},
	{"postgres://", "PostgreSQL", POSTGRES},
	{"mysql+tmp://", "MySQL", MYSQL},
	{"mariadb+tmp://", "MariaDB", MYSQL},
	{"mysql://", "MySQL", MYSQL},
	{"mariadb://", "MariaDB", MYSQL},
};

int pt__db_backend_for(const char *url, const char *shown, const struct pt__db_backend **backend,
		       struct pt__buf *err)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strncasecmp(url, schemes[i].prefix, strlen(schemes[i].prefix)))
			continue;
		if (!schemes[i].backend) {
			pt__buf_addf(
				err,
				"--db \"%s\": the %s backend is not built into this partest yet",
				shown, schemes[i].engine);
			return PT__EUSAGE;
		}
		*backend = schemes[i].backend;
		return 0;
	}
	pt__buf_addf(err,
		     "--db \"%s\": not a database URL; expected sqlite:PATH, postgresql://..., "
		     "mysql://..., mariadb://... or oracle://...",
		     shown);
	return PT__EUSAGE;
}
