#include "admin.h"

#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"

void pt__db_rows_add(struct pt__db_rows *rows, const char *const *values)
{
	size_t start = rows->nr * rows->columns;

	rows->values = pt__xrealloc(rows->values, (start + rows->columns) * sizeof(*rows->values));
	for (size_t c = 0; c < rows->columns; c++)
		rows->values[start + c] = values[c] ? pt__xstrdup(values[c]) : NULL;
	rows->nr++;
}

char *const *pt__db_rows_row(const struct pt__db_rows *rows, size_t r)
{
	return rows->values + r * rows->columns;
}

const char *pt__db_rows_get(const struct pt__db_rows *rows, size_t r, size_t c)
{
	return r < rows->nr && c < rows->columns ? rows->values[r * rows->columns + c] : NULL;
}

void pt__db_rows_release(struct pt__db_rows *rows)
{
	for (size_t i = 0; i < rows->nr * rows->columns; i++)
		free(rows->values[i]);
	free(rows->values);
	rows->values = NULL;
	rows->nr = 0;
}

void pt__db_admin_release(struct pt__db_admin *admin)
{
	free(admin->where);
	admin->where = NULL;
}

/*
 * The first connection is prepared for (a throwaway server started, say)
 * once: a later call finds the connection open, or reconnects to the same
 * server, or says it was lost.
 */
int pt__db_admin_connect(struct pt__db *db, struct pt__buf *err)
{
	const struct pt__db_admin_ops *ops = db->backend->admin;
	struct pt__db_admin *admin = db->state;
	struct pt__buf where = PT__BUF_INIT, why = PT__BUF_INIT;
	bool lost = false;
	int rc;

	if (ops->prepare && (rc = ops->prepare(db, err)))
		return rc;
	if (!(rc = ops->connect(db, &where, &lost, &why))) {
		if (where.len) {
			free(admin->where);
			admin->where = pt__buf_detach(&where);
		}
		return 0;
	}
	pt__buf_release(&where);
	pt__buf_addf(err, "%s %s for ", lost ? "lost the connection to" : "cannot connect to",
		     ops->engine);
	ops->describe(db, err);
	pt__buf_addf(err, ": %s", why.len ? why.data : "the server gave no reason");
	pt__buf_release(&why);
	return rc;
}

int pt__db_admin_run(struct pt__db *db, const struct pt__db_statement *statement,
		     struct pt__db_rows *rows, int *code, struct pt__buf *err)
{
	const struct pt__db_admin_ops *ops = db->backend->admin;
	const struct pt__db_admin *admin = db->state;
	struct pt__buf why = PT__BUF_INIT;
	int engine_code = 0, rc;

	if (code)
		*code = 0;
	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	rc = ops->run(db, statement, rows, &engine_code, &why);
	if (rc == PT__EINTR) {
		pt__buf_addf(err, "interrupted while trying to %s", statement->what);
	} else if (rc) {
		pt__buf_addf(err, "cannot %s on %s: %s", statement->what, admin->where,
			     why.len ? why.data : "the server gave no reason");
		if (code)
			*code = engine_code;
	}
	pt__buf_release(&why);
	return rc;
}

int pt__db_admin_exec(struct pt__db *db, const char *what, const char *sql, struct pt__buf *err)
{
	struct pt__db_statement statement = {.what = what, .sql = sql};

	return pt__db_admin_run(db, &statement, NULL, NULL, err);
}

int pt__db_admin_command(struct pt__db *db, const char *what, const char *prefix, const char *name,
			 const char *suffix, struct pt__buf *err)
{
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	/* Quoting may need the connection (libpq's knows the encoding). */
	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	pt__buf_adds(&sql, prefix);
	db->backend->admin->add_identifier(db, name, &sql);
	pt__buf_adds(&sql, suffix);
	rc = pt__db_admin_exec(db, what, sql.data, err);
	pt__buf_release(&sql);
	return rc;
}

int pt__db_admin_count(struct pt__db *db, const char *what, const char *sql, struct pt__buf *err)
{
	struct pt__db_statement statement = {.what = what, .sql = sql};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	int rc = pt__db_admin_run(db, &statement, &rows, NULL, err);

	if (!rc)
		rc = rows.nr > 0x7fffffff ? 0x7fffffff : (int)rows.nr;
	pt__db_rows_release(&rows);
	return rc;
}

int pt__db_admin_value(struct pt__db *db, const char *what, const char *sql, char **value,
		       struct pt__buf *err)
{
	struct pt__db_statement statement = {.what = what, .sql = sql};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	int rc = pt__db_admin_run(db, &statement, &rows, NULL, err);

	*value = NULL;
	if (!rc && rows.nr) {
		const char *first = pt__db_rows_get(&rows, 0, 0);
		*value = first ? pt__xstrdup(first) : NULL;
		rc = 1;
	}
	pt__db_rows_release(&rows);
	return rc;
}
