/*
 * The SQLite backend: the template is a database file, each clone a copy of
 * it in the run's directory, and a registry record under the state
 * directory proves which template files partest created. See
 * docs/databases.md.
 */
#ifndef PT_DB_SQLITE_H
#define PT_DB_SQLITE_H

#include "db.h"

extern const struct pt__db_backend pt__db_sqlite;

#endif
