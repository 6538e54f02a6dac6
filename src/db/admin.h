/*
 * The admin connection of a server backend (PostgreSQL, MySQL, Oracle):
 * the one connection partest keeps to a database's server to look for,
 * create and drop templates and clones, and the statements it runs there.
 * The engine gives a few operations (struct pt__db_admin_ops, named by its
 * struct pt__db_backend); what every engine does the same way is written
 * here once: connecting when first needed, the one line a failure leaves
 * ("cannot connect to PostgreSQL for --db ALIAS (\"URL\"): why" before
 * there is a connection, "cannot WHAT on HOST:PORT: why" after, the
 * password never shown), a statement's rows, and an interrupted statement
 * ("interrupted while trying to WHAT").
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_DB_ADMIN_H
#define PT_DB_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "../buf.h"
#include "db.h"

/* A statement's rows, every value a string; NULL is SQL's NULL. */
struct pt__db_rows {
	char **values; /* row r, column c at values[r * columns + c] */
	size_t nr, columns;
};

#define PT__DB_ROWS_INIT                                                                           \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Appends a row: copies of values[0..rows->columns-1]. */
void pt__db_rows_add(struct pt__db_rows *rows, const char *const *values);

/* Row r's values, rows->columns of them; r < rows->nr. */
char *const *pt__db_rows_row(const struct pt__db_rows *rows, size_t r);

/* Row r's value in column c (NULL for SQL's NULL or a column not there). */
const char *pt__db_rows_get(const struct pt__db_rows *rows, size_t r, size_t c);

/* Frees the values and leaves rows empty, keeping its number of columns. */
void pt__db_rows_release(struct pt__db_rows *rows);

/*
 * What this layer keeps in a server backend's state (db->state), which
 * starts with it.
 */
struct pt__db_admin {
	char *where; /* the server as messages name it ("127.0.0.1:5432"), once connected */
};

/* Frees what admin holds. */
void pt__db_admin_release(struct pt__db_admin *admin);

/* One statement for the admin connection. */
struct pt__db_statement {
	const char *what;   /* what it does, as failures say it: "drop the clone \"x\"" */
	const char *sql;    /* the whole statement, names and literals quoted */
	int purpose;	    /* the engine's own word on it (Oracle: enum pt__ora_op); or 0 */
	bool interruptible; /* db->ctx->cancel stops it (where the engine can) */
};

/* What an engine gives; each works on db->state, the backend's own. */
struct pt__db_admin_ops {
	const char *engine; /* "PostgreSQL": "cannot connect to PostgreSQL for ..." */
	/*
	 * Whatever must come before the first connection (starting a
	 * throwaway server, loading a client library); NULL: nothing. Says in
	 * err, as a whole line, why it failed.
	 */
	int (*prepare)(struct pt__db *db, struct pt__buf *err);
	/*
	 * Opens the admin connection unless it is open and works, appending
	 * to where how messages name the server when it opens one. Returns
	 * 0; or PT__ERUN with the server's reason in why and *lost set when a
	 * connection that was open is gone for good.
	 */
	int (*connect)(struct pt__db *db, struct pt__buf *where, bool *lost, struct pt__buf *why);
	/* How messages name the database before there is a connection. */
	void (*describe)(const struct pt__db *db, struct pt__buf *out);
	/*
	 * Runs statement on the open admin connection, its rows in rows when
	 * rows is given. Returns 0; PT__EINTR when it was interrupted; or
	 * PT__ERUN with the server's reason in why and the engine's error
	 * code (0 if none) in *code.
	 */
	int (*run)(struct pt__db *db, const struct pt__db_statement *statement,
		   struct pt__db_rows *rows, int *code, struct pt__buf *why);
	/* Appends name as a quoted identifier; the connection is open. */
	void (*add_identifier)(struct pt__db *db, const char *name, struct pt__buf *out);
};

/*
 * Opens db's admin connection if it is not open (preparing the first
 * time), and keeps where it connected in the state's struct pt__db_admin.
 */
int pt__db_admin_connect(struct pt__db *db, struct pt__buf *err);

/*
 * Runs statement on the admin connection, connecting first; its rows, if
 * rows is given, in rows (which the caller releases, also on failure).
 * On failure err says "cannot WHAT on WHERE: why" and *code, when code is
 * given, holds the engine's error code (0 for none, and for a failure to
 * connect).
 */
int pt__db_admin_run(struct pt__db *db, const struct pt__db_statement *statement,
		     struct pt__db_rows *rows, int *code, struct pt__buf *err);

/*
 * The shorthands below run statements that cannot be interrupted: they
 * may run in a tear-down that a Ctrl-C started.
 */

/* Runs sql, which returns no rows that matter. */
int pt__db_admin_exec(struct pt__db *db, const char *what, const char *sql, struct pt__buf *err);

/* Runs "PREFIX <name quoted as an identifier> SUFFIX". */
int pt__db_admin_command(struct pt__db *db, const char *what, const char *prefix, const char *name,
			 const char *suffix, struct pt__buf *err);

/* Runs sql and returns how many rows it gave. */
int pt__db_admin_count(struct pt__db *db, const char *what, const char *sql, struct pt__buf *err);

/*
 * Runs sql and returns 1 with a copy of the first row's first value (NULL
 * for SQL's NULL) in *value, which the caller frees; or 0 and NULL when
 * there is no row.
 */
int pt__db_admin_value(struct pt__db *db, const char *what, const char *sql, char **value,
		       struct pt__buf *err);

#endif
