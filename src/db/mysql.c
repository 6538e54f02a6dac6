/*
 * The MySQL and MariaDB backend.
 *
 * The template is the database the URL names. partest talks to the server
 * over an "admin" connection with no default database.
 *
 * Ours: MySQL has no comments on databases (MariaDB has them only since
 * 10.5), so partest records every database it creates in a registry of its
 * own, the database partest_registry with one table, `databases`: one row
 * per template or clone with the run that made it, that run's host, pid
 * and process start time. A row is written before its database is created
 * and deleted after it is dropped, so a run killed in between leaves a row
 * without a database (harmless, reaped), never a database without a row.
 * The row says what to look for; the proof is in the database itself, on
 * every version alike: an empty stored procedure, partest_template or
 * partest_clone (partest_kept once --keep-failed kept it), whose comment
 * is partest's marker for the run that made it. A database someone dropped
 * and made again under a remembered name lacks it. partest drops only databases with a row and that marker:
 * templates it built, clones of its own run, and clones whose run, on this
 * host, is dead. Clones never copy the template's marker procedure.
 *
 * Clones (the default "copy" strategy) are made inside the server: each
 * table from its own SHOW CREATE TABLE (so foreign keys, indexes, charsets,
 * collations, partitions and the AUTO_INCREMENT counter survive), its rows
 * with INSERT ... SELECT, with foreign key and unique checks off. The
 * (clone, table) pairs, largest tables first, are shared out among several
 * threads, each with its own connection. Then, per clone, views (their
 * schema qualifiers rewritten to the clone), triggers (after the rows, so
 * that they do not fire), procedures, functions and events, each under the
 * sql_mode it was created with. ?partest_strategy=dump pipes mysqldump into
 * mysql instead, one clone after another, as Django does.
 *
 * While a run holds a template (from the first look at it until its clones
 * exist) it holds a named lock (GET_LOCK) on it, so that two runs building
 * one template with --db-setup take turns.
 *
 * Ready clones (db.h), made by partest db fill for the next run to claim,
 * keep one name from their copy to the end of the run that claims it:
 * MySQL has no RENAME DATABASE, and RENAME TABLE cannot move a table with
 * triggers, or a view, to another schema. Their state is the registry
 * row's kind, changed each time by one UPDATE whose affected rows say who
 * changed it: "clone" of the filler's run while the copy is made (a reap
 * takes it once the filler is dead, as any clone), "ready" once it is
 * complete, "clone" of the claiming run once one claims it (of two runs
 * claiming it, the one whose UPDATE changed the row). The marker
 * procedure partest_clone follows, its comment rewritten by one ALTER
 * PROCEDURE: to the ready marker before the row says ready, to the
 * claiming run's clone marker after the row says it is that run's. A
 * ready row thus always names a complete copy with the ready marker, and
 * a run killed between the two steps leaves a clone row of a dead run
 * whose marker is a ready marker, which a reap drops as that run's clone.
 */
#include "mysql.h"

#ifdef PT_HAVE_MARIADB

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../find_program.h"
#include "../spawn.h"
#include "../signals.h"
#include "../xalloc.h"
#include "admin.h"
#include "clones.h"
#include "owner.h"
#include "secrets.h"
#include "url_escape.h"

#define REGISTRY_TABLE	    "`" PT__MY_REGISTRY "`.`databases`"
#define COPY_SQL_MODE	    "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
#define DEFAULT_THREADS_MIN 2
#define DEFAULT_THREADS_MAX 8
#define CONNECT_TIMEOUT	    10
#define MARKER_TEMPLATE	    "partest_template"
#define MARKER_CLONE	    "partest_clone"
#define MARKER_KEPT	    "partest_kept"

struct my_state {
	struct pt__db_admin shared; /* first: where the admin connection is */
	struct pt__my_url url;
	struct pt__my_server server; /* mysql+tmp:// only */
	bool server_started;
	MYSQL *admin;
	bool locked;		     /* holds the template's named lock */
	struct pt__db_clones clones; /* made: its row is in the registry */
	int claimed;		     /* clones 0..claimed-1 came from ready_claim */
	int ready_serial;	     /* the last ready clone ready_make named */
};

/* ---- connections and statements ---- */

static MYSQL *connect_to(const struct my_state *state, const char *dbname, struct pt__buf *err)
{
	const struct pt__my_url *url = &state->url;
	unsigned int timeout = CONNECT_TIMEOUT;
	MYSQL *conn = mysql_init(NULL);

	if (!conn) {
		pt__buf_adds(err, "out of memory");
		return NULL;
	}
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn, MYSQL_READ_DEFAULT_GROUP, "partest");
	if (!mysql_real_connect(conn, url->host ? url->host : "localhost", url->user, url->password,
				dbname, url->port, url->socket, 0)) {
		pt__buf_adds(err, mysql_error(conn));
		mysql_close(conn);
		return NULL;
	}
	return conn;
}

/*
 * Runs sql; returns its rows (NULL for none) in *res if res is given.
 * Returns 0, or PT__ERUN with the reason in mysql_error(conn).
 */
static int run_sql(MYSQL *conn, const char *sql, MYSQL_RES **res)
{
	MYSQL_RES *rows;

	if (res)
		*res = NULL;
	if (mysql_real_query(conn, sql, strlen(sql)))
		return PT__ERUN;
	rows = mysql_store_result(conn);
	if (!rows && mysql_field_count(conn))
		return PT__ERUN;
	if (res)
		*res = rows;
	else
		mysql_free_result(rows);
	return 0;
}

static void add_literal(MYSQL *conn, const char *value, struct pt__buf *out)
{
	size_t len = strlen(value);
	char *escaped = pt__xmalloc(2 * len + 1);

	mysql_real_escape_string(conn, escaped, value, (unsigned long)len);
	pt__buf_addc(out, '\'');
	pt__buf_adds(out, escaped);
	pt__buf_addc(out, '\'');
	free(escaped);
}

/* Points the URLs at the throwaway server of mysql+tmp://, starting it. */
static int start_server(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__my_url *url = &state->url;
	struct pt__buf query = PT__BUF_INIT, template = PT__BUF_INIT;
	int rc;

	if ((rc = pt__my_server_start(&state->server, db->ctx->run_id, &db->ctx->cancel, err)))
		return rc;
	state->server_started = true;
	pt__buf_adds(&query, "socket=");
	pt__db_percent_encode(state->server.socket, &query);
	if (*url->query)
		pt__buf_addf(&query, "&%s", url->query);
	free(url->query);
	url->query = pt__buf_detach(&query);
	free(url->authority);
	url->authority = pt__xstrdup("root@localhost");
	free(url->user);
	url->user = pt__xstrdup("root");
	free(url->host);
	url->host = pt__xstrdup("localhost");
	free(url->socket);
	url->socket = pt__xstrdup(state->server.socket);
	pt__my_url_format(url, url->dbname, &template);
	pt__db_set_template_url(db, pt__buf_detach(&template));
	return 0;
}

/* The admin connection's first need: mysql+tmp://'s server. */
static int mysql_prepare(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;

	return state->url.throwaway && !state->server_started ? start_server(db, err) : 0;
}

/* Connects with no default database; a connection that fails a ping is lost. */
static int mysql_connect_admin(struct pt__db *db, struct pt__buf *where, bool *lost,
			       struct pt__buf *why)
{
	struct my_state *state = db->state;

	if (state->admin && !mysql_ping(state->admin))
		return 0;
	if (state->admin) {
		*lost = true;
		pt__buf_adds(why, mysql_error(state->admin));
		return PT__ERUN;
	}
	state->admin = connect_to(state, NULL, why);
	if (!state->admin)
		return PT__ERUN;
	if (state->url.socket)
		pt__buf_addf(where, "the server at %s", state->url.socket);
	else
		pt__buf_addf(where, "%s:%u", state->url.host ? state->url.host : "localhost",
			     state->url.port ? state->url.port : 3306);
	run_sql(state->admin, "SET SESSION group_concat_max_len = 1048576", NULL);
	return 0;
}

/* Runs a statement on the admin connection (MySQL's are not interrupted). */
static int mysql_run(struct pt__db *db, const struct pt__db_statement *statement,
		     struct pt__db_rows *rows, int *code, struct pt__buf *why)
{
	struct my_state *state = db->state;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;

	if (run_sql(state->admin, statement->sql, rows ? &res : NULL)) {
		pt__buf_adds(why, mysql_error(state->admin));
		*code = (int)mysql_errno(state->admin);
		return PT__ERUN;
	}
	if (res) {
		rows->columns = mysql_num_fields(res);
		while ((row = mysql_fetch_row(res)))
			pt__db_rows_add(rows, (const char *const *)row);
		mysql_free_result(res);
	}
	return 0;
}

static void mysql_add_identifier(struct pt__db *db, const char *name, struct pt__buf *out)
{
	(void)db;
	pt__my_add_identifier(name, out);
}

static const struct pt__db_admin_ops mysql_admin = {
	.engine = "MySQL",
	.prepare = mysql_prepare,
	.connect = mysql_connect_admin,
	.describe = pt__db_describe_url,
	.run = mysql_run,
	.add_identifier = mysql_add_identifier,
};

static int mysql_open(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = pt__xcalloc(1, sizeof(*state));
	struct pt__buf url = PT__BUF_INIT;
	int rc;

	if ((rc = pt__my_url_parse(db->url, &state->url, err))) {
		free(state);
		return rc;
	}
	if (mysql_library_init(0, NULL, NULL)) {
		pt__buf_adds(err, "cannot start the MySQL client library");
		pt__my_url_release(&state->url);
		free(state);
		return PT__ERUN;
	}
	db->state = state;
	if (state->url.password)
		pt__secrets_add(state->url.password);
	if (state->url.throwaway)
		return 0; /* the URL is known once the server runs */
	pt__my_url_format(&state->url, state->url.dbname, &url);
	db->template_url = pt__buf_detach(&url);
	return 0;
}

static void mysql_close_db(struct pt__db *db)
{
	struct my_state *state = db->state;

	if (!state)
		return;
	if (state->admin)
		mysql_close(state->admin);
	if (state->server_started)
		pt__my_server_stop(&state->server);
	pt__db_clones_release(&state->clones);
	pt__db_admin_release(&state->shared);
	pt__my_url_release(&state->url);
	free(state);
	db->state = NULL;
}

/* ---- the registry ---- */

static int ensure_registry(struct pt__db *db, struct pt__buf *err)
{
	int rc = pt__db_admin_exec(db, "create partest's registry database",
				   "CREATE DATABASE IF NOT EXISTS `" PT__MY_REGISTRY
				   "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
				   err);
	if (!rc)
		rc = pt__db_admin_exec(
			db, "create partest's registry table",
			"CREATE TABLE IF NOT EXISTS " REGISTRY_TABLE
			" (name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin "
			"NOT NULL PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
			"run_id VARCHAR(64) NOT NULL, host VARCHAR(255) NOT NULL, "
			"pid BIGINT NOT NULL, start BIGINT UNSIGNED NOT NULL, "
			"created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP) "
			"ENGINE=InnoDB",
			err);
	return rc;
}

/* Records name as this run's (kind "template" or "clone"), replacing a stale row. */
static int register_database(struct pt__db *db, const char *name, const char *kind,
			     struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, what = PT__BUF_INIT;
	struct pt__db_owner owner;
	int rc;

	pt__db_owner_of_this_run(&owner, db->ctx, !strcmp(kind, "clone"));
	if ((rc = ensure_registry(db, err)))
		return rc;
	pt__buf_adds(&sql, "REPLACE INTO " REGISTRY_TABLE
			   " (name, kind, run_id, host, pid, start) VALUES (");
	add_literal(state->admin, name, &sql);
	pt__buf_addf(&sql, ", '%s', ", kind);
	add_literal(state->admin, db->ctx->run_id, &sql);
	pt__buf_adds(&sql, ", ");
	add_literal(state->admin, owner.host, &sql);
	pt__buf_addf(&sql, ", %ld, %llu)", owner.pid, owner.start);
	pt__buf_addf(&what, "record \"%s\" in partest's registry", name);
	rc = pt__db_admin_exec(db, what.data, sql.data, err);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static void unregister_database(struct pt__db *db, const char *name)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, ignored = PT__BUF_INIT;

	if (!pt__db_admin_connect(db, &ignored)) {
		pt__buf_adds(&sql, "DELETE FROM " REGISTRY_TABLE " WHERE name = ");
		add_literal(state->admin, name, &sql);
		run_sql(state->admin, sql.data, NULL);
	}
	pt__buf_release(&sql);
	pt__buf_release(&ignored);
}

/*
 * A failure of a statement on partest's registry that means only that
 * there is no registry (yet): nothing on the server is partest's.
 */
static bool no_registry(int code)
{
	return code == ER_BAD_DB_ERROR || code == ER_NO_SUCH_TABLE;
}

/* The registry's row for name: 1 and its kind and run in out if there, else 0. */
static int read_registry(struct pt__db *db, const char *name, char *kind, size_t kind_size,
			 char *run_id, size_t run_size, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, why = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement read = {.what = "read partest's registry"};
	int code, rc;

	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	pt__buf_adds(&sql, "SELECT kind, run_id FROM " REGISTRY_TABLE " WHERE name = ");
	add_literal(state->admin, name, &sql);
	read.sql = sql.data;
	rc = pt__db_admin_run(db, &read, &rows, &code, &why);
	if (rc && no_registry(code))
		rc = 0;
	else if (rc)
		pt__buf_add(err, why.data, why.len);
	else if ((rc = rows.nr > 0)) {
		snprintf(kind, kind_size, "%s", pt__db_rows_get(&rows, 0, 0));
		snprintf(run_id, run_size, "%s", pt__db_rows_get(&rows, 0, 1));
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	return rc;
}

/*
 * Creates the database name (CREATE DATABASE name suffix) and marks it as
 * this run's template or clone. A database that cannot be marked is
 * dropped again at once: nothing unmarked of partest's stays.
 */
static int create_marked(struct pt__db *db, const char *name, bool clone, const char *suffix,
			 struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT, sql = PT__BUF_INIT, marker = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "create the %s \"%s\"", clone ? "clone" : "template", name);
	rc = pt__db_admin_command(db, what.data, "CREATE DATABASE ", name, suffix, err);
	if (rc)
		goto out;
	pt__db_owner_format_this_run(db->ctx, clone, &marker);
	pt__buf_adds(&sql, "CREATE PROCEDURE ");
	pt__my_add_identifier(name, &sql);
	pt__buf_addf(&sql, ".%s() COMMENT ", clone ? MARKER_CLONE : MARKER_TEMPLATE);
	add_literal(state->admin, marker.data, &sql);
	pt__buf_adds(&sql, " BEGIN END");
	pt__buf_reset(&what);
	pt__buf_addf(&what, "mark \"%s\" as partest's (a procedure: CREATE ROUTINE is needed)",
		     name);
	if ((rc = pt__db_admin_exec(db, what.data, sql.data, err))) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_admin_command(db, "drop", "DROP DATABASE IF EXISTS ", name, "", &ignored);
		pt__buf_release(&ignored);
	}
out:
	pt__buf_release(&what);
	pt__buf_release(&sql);
	pt__buf_release(&marker);
	return rc;
}

/*
 * 1 when database name carries the marker of the run run_id (a clone's or
 * a template's); 0 when it lacks it: made again by someone else. For a
 * clone a ready marker of any run counts too: the registry row, which the
 * caller read, says whose the clone is, and a run that claimed or
 * published a ready clone rewrites its marker only after the row.
 */
static int marker_matches(struct pt__db *db, const char *name, bool clone, const char *run_id,
			  struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_owner owner;
	char *comment = NULL;
	int rc;

	pt__buf_adds(&sql, "SELECT ROUTINE_COMMENT FROM information_schema.ROUTINES WHERE "
			   "ROUTINE_TYPE = 'PROCEDURE' AND ROUTINE_NAME = '");
	pt__buf_adds(&sql, clone ? MARKER_CLONE : MARKER_TEMPLATE);
	pt__buf_adds(&sql, "' AND ROUTINE_SCHEMA = ");
	add_literal(state->admin, name, &sql);
	rc = pt__db_admin_value(db, "read partest's marker", sql.data, &comment, err);
	if (rc >= 0)
		rc = rc == 1 && pt__db_owner_parse(comment, &owner) &&
		     ((owner.clone == clone && !owner.kept && !strcmp(owner.run_id, run_id)) ||
		      (clone && owner.ready));
	free(comment);
	pt__buf_release(&sql);
	return rc;
}

/* 1 if database name exists. */
static int database_exists(struct pt__db *db, const char *name, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	pt__buf_adds(&sql, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ");
	add_literal(state->admin, name, &sql);
	rc = pt__db_admin_count(db, "look for the template", sql.data, err);
	pt__buf_release(&sql);
	return rc < 0 ? rc : rc > 0;
}

/* ---- the template ---- */

/* Takes the template's named lock, waiting for another run to let go. */
static int lock_template(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	unsigned long long hash =
		pt__db_hash(PT__DB_HASH_INIT, state->url.dbname, strlen(state->url.dbname));
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	if (state->locked)
		return 0;
	pt__buf_addf(&sql, "SELECT GET_LOCK('partest:%016llx', 1)", hash);
	for (;;) {
		char *got = NULL;
		if ((rc = pt__db_admin_value(db, "lock the template for this run", sql.data, &got,
					     err)) < 0)
			break;
		rc = 0;
		state->locked = got && !strcmp(got, "1");
		free(got);
		if (state->locked)
			break;
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while waiting for the template's lock");
			rc = PT__EINTR;
			break;
		}
	}
	pt__buf_release(&sql);
	return rc;
}

static void unlock_template(struct pt__db *db)
{
	struct my_state *state = db->state;

	if (state->locked && state->admin)
		run_sql(state->admin, "DO RELEASE_ALL_LOCKS()", NULL);
	state->locked = false;
}

static int mysql_template_exists(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	int rc;

	if ((rc = lock_template(db, err)))
		return rc;
	rc = database_exists(db, state->url.dbname, err);
	if (rc == 0) {
		/* A row for a template that is gone must not claim a new one. */
		char kind[16], run[64];
		struct pt__buf ignored = PT__BUF_INIT;
		if (read_registry(db, state->url.dbname, kind, sizeof(kind), run, sizeof(run),
				  &ignored) == 1)
			unregister_database(db, state->url.dbname);
		pt__buf_release(&ignored);
	}
	return rc;
}

static int mysql_template_is_ours(struct pt__db *db, bool this_run, struct pt__buf *err)
{
	struct my_state *state = db->state;
	char kind[16] = "", run[64] = "";
	int rc = lock_template(db, err);

	if (!rc)
		rc = database_exists(db, state->url.dbname, err);
	if (rc <= 0)
		return rc;
	rc = read_registry(db, state->url.dbname, kind, sizeof(kind), run, sizeof(run), err);
	if (rc != 1 || strcmp(kind, "template") || (this_run && strcmp(run, db->ctx->run_id)))
		return rc < 0 ? rc : 0;
	return marker_matches(db, state->url.dbname, false, run, err);
}

static int mysql_create_template(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	int rc;

	/* The row first: a run killed in between leaves a row, never a database without one. */
	if ((rc = register_database(db, state->url.dbname, "template", err)))
		return rc;
	if ((rc = create_marked(db, state->url.dbname, false, "", err)))
		unregister_database(db, state->url.dbname);
	return rc;
}

static int mysql_drop_template(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "drop the template \"%s\"", state->url.dbname);
	rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", state->url.dbname, "",
				  err);
	if (!rc)
		unregister_database(db, state->url.dbname);
	pt__buf_release(&what);
	return rc;
}

/*
 * The server's host name and data directory (MariaDB has no server UUID)
 * and the template's name, in lower case where the server folds names.
 */
static int mysql_identify(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	struct my_state *state = db->state;
	char *server = NULL;
	int rc = pt__db_admin_value(db, "identify the server",
				    "SELECT CONCAT(@@hostname, ':', @@datadir, ':', "
				    "@@lower_case_table_names)",
				    &server, err);

	if (rc < 0)
		return rc;
	pt__buf_addf(out, "%s/", server ? server : "");
	for (const char *c = state->url.dbname; *c; c++)
		pt__buf_addc(out, server && server[strlen(server) - 1] != '0'
					  ? (char)tolower((unsigned char)*c)
					  : *c);
	free(server);
	return 0;
}

static int mysql_fingerprint(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	struct my_state *state = db->state;
	int rc = pt__db_admin_connect(db, err);

	if (rc)
		return rc;
	pt__buf_addf(out, "mysql server %s", mysql_get_server_info(state->admin));
	return 0;
}

/* ---- what the template holds ---- */

struct table {
	char *name;
	char *create;  /* SHOW CREATE TABLE, less implied column collations */
	char *columns; /* the stored columns, quoted, comma-separated */
	unsigned long long size;
	bool versioned; /* MariaDB's WITH SYSTEM VERSIONING: history rows too */
};

/* A view, trigger, routine or event: its CREATE statement and the session it needs. */
struct object {
	char *kind; /* "view", "trigger", "procedure", "function", "event" */
	char *name;
	char *create;
	char *sql_mode;	 /* NULL: leave the session's */
	char *time_zone; /* events only */
};

struct contents {
	char *charset, *collation;
	bool versioned; /* some table is system-versioned */
	struct table *tables;
	int nr_tables;
	size_t cap_tables;
	struct object *objects;
	int nr_objects;
	size_t cap_objects;
};

static void contents_release(struct contents *c)
{
	for (int i = 0; i < c->nr_tables; i++) {
		free(c->tables[i].name);
		free(c->tables[i].create);
		free(c->tables[i].columns);
	}
	for (int i = 0; i < c->nr_objects; i++) {
		free(c->objects[i].kind);
		free(c->objects[i].name);
		free(c->objects[i].create);
		free(c->objects[i].sql_mode);
		free(c->objects[i].time_zone);
	}
	free(c->tables);
	free(c->objects);
	free(c->charset);
	free(c->collation);
	memset(c, 0, sizeof(*c));
}

/* Runs "SELECT ... WHERE column = '<template>' ..." on admin, its rows in rows. */
static int list_query(struct pt__db *db, const char *what, const char *prefix, const char *suffix,
		      struct pt__db_rows *rows, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_statement list = {.what = what};
	int rc;

	pt__db_rows_release(rows);
	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	pt__buf_adds(&sql, prefix);
	add_literal(state->admin, state->url.dbname, &sql);
	pt__buf_adds(&sql, suffix);
	list.sql = sql.data;
	rc = pt__db_admin_run(db, &list, rows, NULL, err);
	pt__buf_release(&sql);
	return rc;
}

/* SHOW CREATE <kind> `template`.`name`: its rows in shown, the first in *row. */
static int show_create(struct pt__db *db, const char *kind, const char *name,
		       struct pt__db_rows *shown, char *const **row, size_t min_fields,
		       struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, what = PT__BUF_INIT;
	struct pt__db_statement show = {.what = NULL};
	int rc;

	pt__db_rows_release(shown);
	pt__buf_addf(&sql, "SHOW CREATE %s ", kind);
	pt__my_add_identifier(state->url.dbname, &sql);
	pt__buf_addc(&sql, '.');
	pt__my_add_identifier(name, &sql);
	pt__buf_addf(&what, "read the definition of %s \"%s\" in \"%s\"", kind, name,
		     state->url.dbname);
	show.what = what.data;
	show.sql = sql.data;
	rc = pt__db_admin_run(db, &show, shown, NULL, err);
	if (!rc) {
		if (!shown->nr || shown->columns < min_fields ||
		    !pt__db_rows_get(shown, 0, min_fields - 1)) {
			pt__buf_addf(err,
				     "cannot %s on %s: the server did not show it (does the user "
				     "lack a privilege on it?)",
				     what.data, state->shared.where);
			rc = PT__ERUN;
		} else {
			*row = pt__db_rows_row(shown, 0);
		}
	}
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static void add_object(struct contents *c, const char *kind, const char *name, const char *create,
		       const char *sql_mode, const char *time_zone)
{
	PT__GROW(c->objects, (size_t)c->nr_objects + 1, c->cap_objects);
	c->objects[c->nr_objects++] = (struct object){
		pt__xstrdup(kind),
		pt__xstrdup(name),
		pt__xstrdup(create),
		sql_mode ? pt__xstrdup(sql_mode) : NULL,
		time_zone ? pt__xstrdup(time_zone) : NULL,
	};
}

/* Reads everything the clones need from the template. */
static int read_contents(struct pt__db *db, struct contents *c, struct pt__buf *err)
{
	struct pt__db_rows res = PT__DB_ROWS_INIT, shown = PT__DB_ROWS_INIT;
	char *const *row, *const *def;
	int rc;

	rc = list_query(db, "read the template's character set",
			"SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM "
			"information_schema.SCHEMATA WHERE SCHEMA_NAME = ",
			"", &res, err);
	if (rc)
		goto out;
	if (res.nr) {
		row = pt__db_rows_row(&res, 0);
		c->charset = pt__xstrdup(row[0]);
		c->collation = pt__xstrdup(row[1]);
	}

	rc = list_query(db, "list the template's tables",
			"SELECT TABLE_NAME, TABLE_TYPE, COALESCE(DATA_LENGTH, 0) + "
			"COALESCE(INDEX_LENGTH, 0), TABLE_COLLATION FROM information_schema.TABLES "
			"WHERE TABLE_SCHEMA = ",
			" ORDER BY 3 DESC, 1", &res, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < res.nr; i++) {
		row = pt__db_rows_row(&res, i);
		if (!strcmp(row[1], "VIEW")) {
			if ((rc = show_create(db, "VIEW", row[0], &shown, &def, 2, err)))
				goto out;
			add_object(c, "view", row[0], def[1], NULL, NULL);
		} else {
			struct pt__buf create = PT__BUF_INIT;
			bool versioned = !strcmp(row[1], "SYSTEM VERSIONED");
			if ((rc = show_create(db, "TABLE", row[0], &shown, &def, 2, err)))
				goto out;
			pt__my_drop_implied_collations(def[1], row[3], &create);
			PT__GROW(c->tables, (size_t)c->nr_tables + 1, c->cap_tables);
			c->tables[c->nr_tables++] = (struct table){
				pt__xstrdup(row[0]), pt__buf_detach(&create), pt__xstrdup(""),
				strtoull(row[2], NULL, 10), versioned};
			c->versioned |= versioned;
		}
	}

	/*
	 * The stored columns: generated ones are computed again in the clone
	 * (MySQL marks a column with an expression default DEFAULT_GENERATED:
	 * not generated, so EXTRA cannot tell). A system-versioned table's
	 * period columns are copied, so that its history keeps its times;
	 * MariaDB lists them only when the table names them.
	 */
	rc = list_query(db, "list the template's columns",
			"SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', "
			"'``'), '`') ORDER BY ORDINAL_POSITION SEPARATOR ', '), "
			"MAX(GENERATION_EXPRESSION = 'ROW START') FROM information_schema.COLUMNS "
			"WHERE (COALESCE(GENERATION_EXPRESSION, '') = '' OR GENERATION_EXPRESSION "
			"IN ('ROW START', 'ROW END')) AND TABLE_SCHEMA = ",
			" GROUP BY TABLE_NAME", &res, err);
	if (rc)
		goto out;
	for (size_t r = 0; r < res.nr; r++) {
		row = pt__db_rows_row(&res, r);
		for (int i = 0; i < c->nr_tables; i++)
			if (!strcmp(c->tables[i].name, row[0]) && row[1]) {
				struct table *table = &c->tables[i];
				struct pt__buf columns = PT__BUF_INIT;
				pt__buf_adds(&columns, row[1]);
				if (table->versioned && !(row[2] && !strcmp(row[2], "1")))
					pt__buf_adds(&columns, ", `ROW_START`, `ROW_END`");
				free(table->columns);
				table->columns = pt__buf_detach(&columns);
			}
	}

	rc = list_query(db, "list the template's triggers",
			"SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE "
			"TRIGGER_SCHEMA = ",
			" ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, "
			"ACTION_ORDER",
			&res, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < res.nr; i++) {
		row = pt__db_rows_row(&res, i);
		if ((rc = show_create(db, "TRIGGER", row[0], &shown, &def, 3, err)))
			goto out;
		add_object(c, "trigger", row[0], def[2], def[1], NULL);
	}

	rc = list_query(
		db, "list the template's routines",
		"SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE "
		"(ROUTINE_TYPE = 'FUNCTION' OR (ROUTINE_TYPE = 'PROCEDURE' AND ROUTINE_NAME "
		"NOT IN ('" MARKER_TEMPLATE "', '" MARKER_CLONE "'))) AND ROUTINE_SCHEMA = ",
		" ORDER BY 1, 2", &res, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < res.nr; i++) {
		row = pt__db_rows_row(&res, i);
		if ((rc = show_create(db, row[0], row[1], &shown, &def, 3, err)))
			goto out;
		add_object(c, !strcmp(row[0], "PROCEDURE") ? "procedure" : "function", row[1],
			   def[2], def[1], NULL);
	}

	rc = list_query(db, "list the template's events",
			"SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ",
			" ORDER BY 1", &res, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < res.nr; i++) {
		row = pt__db_rows_row(&res, i);
		if ((rc = show_create(db, "EVENT", row[0], &shown, &def, 4, err)))
			goto out;
		add_object(c, "event", row[0], def[3], def[1], def[2]);
	}
out:
	pt__db_rows_release(&shown);
	pt__db_rows_release(&res);
	return rc;
}

/* ---- copying tables, several connections at once ---- */

struct copier {
	pthread_mutex_t lock;
	const struct my_state *state;
	const struct contents *contents;
	int nr_clones;
	int next_job, nr_jobs; /* job j: table j / nr_clones, clone j % nr_clones */
	bool stop;
	int running;
	unsigned long *connection_ids; /* per thread, for KILL QUERY; 0 until connected */
	struct pt__buf error;	       /* the first failure */
};

struct copy_thread {
	struct copier *copier;
	int index;
};

static void copier_fail(struct copier *copier, const char *text)
{
	pthread_mutex_lock(&copier->lock);
	if (!copier->error.len)
		pt__buf_adds(&copier->error, text);
	copier->stop = true;
	pthread_mutex_unlock(&copier->lock);
}

static void *copy_tables(void *arg)
{
	struct copy_thread *self = arg;
	struct copier *copier = self->copier;
	const struct my_state *state = copier->state;
	struct pt__buf why = PT__BUF_INIT, sql = PT__BUF_INIT;
	MYSQL *conn = connect_to(state, NULL, &why);

	if (!conn) {
		pt__buf_reset(&sql);
		pt__buf_addf(&sql, "cannot connect to %s to copy tables: %s", state->shared.where,
			     why.data);
		copier_fail(copier, sql.data);
		goto out;
	}
	if (run_sql(conn,
		    "SET SESSION foreign_key_checks = 0, unique_checks = 0, "
		    "sql_mode = '" COPY_SQL_MODE "'",
		    NULL)) {
		pt__buf_addf(&why, "cannot prepare a session on %s: %s", state->shared.where,
			     mysql_error(conn));
		copier_fail(copier, why.data);
		goto out;
	}
	/* MariaDB 10.11 lets history rows be inserted with their own times. */
	if (copier->contents->versioned &&
	    run_sql(conn, "SET SESSION system_versioning_insert_history = 1", NULL)) {
		pt__buf_addf(&why,
			     "cannot copy the history of the system-versioned tables of \"%s\" on "
			     "%s: %s (MariaDB 10.11 or later can; ?partest_strategy=dump copies "
			     "the current rows only)",
			     state->url.dbname, state->shared.where, mysql_error(conn));
		copier_fail(copier, why.data);
		goto out;
	}
	pthread_mutex_lock(&copier->lock);
	copier->connection_ids[self->index] = mysql_thread_id(conn);
	pthread_mutex_unlock(&copier->lock);
	for (;;) {
		int job;
		pthread_mutex_lock(&copier->lock);
		job = copier->stop || copier->next_job >= copier->nr_jobs ? -1 : copier->next_job++;
		pthread_mutex_unlock(&copier->lock);
		if (job < 0)
			break;
		const struct table *table = &copier->contents->tables[job / copier->nr_clones];
		const char *clone = state->clones.items[job % copier->nr_clones].name;
		bool failed = mysql_select_db(conn, clone) || run_sql(conn, table->create, NULL);
		if (!failed && *table->columns) {
			pt__buf_reset(&sql);
			pt__buf_adds(&sql, "INSERT INTO ");
			pt__my_add_identifier(table->name, &sql);
			pt__buf_addf(&sql, " (%s) SELECT %s FROM ", table->columns, table->columns);
			pt__my_add_identifier(state->url.dbname, &sql);
			pt__buf_addc(&sql, '.');
			pt__my_add_identifier(table->name, &sql);
			if (table->versioned)
				pt__buf_adds(&sql, " FOR SYSTEM_TIME ALL");
			failed = run_sql(conn, sql.data, NULL);
		}
		if (failed) {
			pt__buf_reset(&why);
			pt__buf_addf(&why,
				     "cannot copy the table \"%s\" of \"%s\" to \"%s\" on %s: %s",
				     table->name, state->url.dbname, clone, state->shared.where,
				     mysql_error(conn));
			copier_fail(copier, why.data);
			break;
		}
	}
out:
	if (conn)
		mysql_close(conn);
	pthread_mutex_lock(&copier->lock);
	copier->running--;
	copier->connection_ids[self->index] = 0;
	pthread_mutex_unlock(&copier->lock);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	return NULL;
}

static int default_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long n = cpus > 0 ? 2 * cpus : DEFAULT_THREADS_MIN;

	return (int)(n < DEFAULT_THREADS_MIN   ? DEFAULT_THREADS_MIN
		     : n > DEFAULT_THREADS_MAX ? DEFAULT_THREADS_MAX
					       : n);
}

/*
 * Creates and fills every table in every clone over several connections.
 * Ctrl-C stops the threads and kills the statements in flight.
 */
static int copy_all_tables(struct pt__db *db, const struct contents *contents, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct copier copier = {.state = state, .contents = contents};
	int nr_threads = state->url.threads ? state->url.threads : default_threads();
	pthread_t *threads;
	struct copy_thread *args;
	bool killed = false;
	int started = 0, rc = 0;

	copier.nr_clones = state->clones.nr;
	copier.nr_jobs = contents->nr_tables * state->clones.nr;
	if (!copier.nr_jobs)
		return 0;
	if (nr_threads > copier.nr_jobs)
		nr_threads = copier.nr_jobs;
	pthread_mutex_init(&copier.lock, NULL);
	copier.connection_ids = pt__xcalloc((size_t)nr_threads, sizeof(*copier.connection_ids));
	threads = pt__xcalloc((size_t)nr_threads, sizeof(*threads));
	args = pt__xcalloc((size_t)nr_threads, sizeof(*args));
	copier.running = nr_threads;
	for (int i = 0; i < nr_threads; i++) {
		args[i] = (struct copy_thread){&copier, i};
		if (pthread_create(&threads[i], NULL, copy_tables, &args[i])) {
			pthread_mutex_lock(&copier.lock);
			copier.running -= nr_threads - i;
			pthread_mutex_unlock(&copier.lock);
			if (!started)
				copier_fail(&copier, "cannot start a thread to copy tables");
			break;
		}
		started++;
	}
	for (;;) {
		struct pollfd fd = {pt__signals_fd(), POLLIN, 0};
		int running;
		pthread_mutex_lock(&copier.lock);
		running = copier.running;
		pthread_mutex_unlock(&copier.lock);
		if (!running)
			break;
		if (pt__cancelled(&db->ctx->cancel) && !killed) {
			struct pt__buf sql = PT__BUF_INIT;
			killed = true;
			pthread_mutex_lock(&copier.lock);
			copier.stop = true;
			for (int i = 0; i < nr_threads; i++)
				if (copier.connection_ids[i])
					pt__buf_addf(&sql, "%lu ", copier.connection_ids[i]);
			pthread_mutex_unlock(&copier.lock);
			for (char *id = sql.data; id && *id;) {
				char stmt[64];
				snprintf(stmt, sizeof(stmt), "KILL QUERY %lu",
					 strtoul(id, &id, 10));
				run_sql(state->admin, stmt, NULL);
				while (*id == ' ')
					id++;
			}
			pt__buf_release(&sql);
		}
		if (poll(&fd, 1, 20) > 0)
			pt__signals_drain();
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (killed) {
		pt__buf_adds(err, "interrupted while making the database clones");
		rc = PT__EINTR;
	} else if (copier.error.len) {
		pt__buf_add(err, copier.error.data, copier.error.len);
		rc = PT__ERUN;
	}
	pt__buf_release(&copier.error);
	pthread_mutex_destroy(&copier.lock);
	free(copier.connection_ids);
	free(threads);
	free(args);
	return rc;
}

/* Creates one view, trigger, routine or event of the template in clone. */
static int create_object(struct pt__db *db, const struct object *object, const char *clone,
			 unsigned int *code, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	int rc = 0;

	if (object->sql_mode) {
		pt__buf_adds(&sql, "SET SESSION sql_mode = ");
		add_literal(state->admin, object->sql_mode, &sql);
		if (object->time_zone) {
			pt__buf_adds(&sql, ", time_zone = ");
			add_literal(state->admin, object->time_zone, &sql);
		}
		if (run_sql(state->admin, sql.data, NULL))
			rc = -1;
		pt__buf_reset(&sql);
	}
	pt__my_rewrite_schema(object->create, state->url.dbname, clone, &sql);
	if (!rc && run_sql(state->admin, sql.data, NULL))
		rc = -1;
	*code = rc ? mysql_errno(state->admin) : 0;
	if (rc)
		pt__buf_addf(err, "cannot copy the %s \"%s\" of \"%s\" to \"%s\" on %s: %s",
			     object->kind, object->name, state->url.dbname, clone,
			     state->shared.where, mysql_error(state->admin));
	if (object->sql_mode)
		run_sql(state->admin, "SET SESSION sql_mode = DEFAULT, time_zone = DEFAULT", NULL);
	pt__buf_release(&sql);
	return rc ? PT__ERUN : 0;
}

/*
 * Views (in an order that satisfies views on views: those that fail for a
 * missing table are tried again while others succeed), then triggers,
 * routines and events, in clone k.
 */
static int copy_objects(struct pt__db *db, const struct contents *contents, int k,
			struct pt__buf *err)
{
	struct my_state *state = db->state;
	const char *clone = state->clones.items[k].name;
	bool *done = pt__xcalloc((size_t)contents->nr_objects + 1, sizeof(*done));
	struct pt__buf why = PT__BUF_INIT;
	unsigned int code;
	int rc = 0;

	if (mysql_select_db(state->admin, clone)) {
		pt__buf_addf(err, "cannot use the clone \"%s\" on %s: %s", clone,
			     state->shared.where, mysql_error(state->admin));
		free(done);
		return PT__ERUN;
	}
	for (bool progress = true; progress;) {
		progress = false;
		pt__buf_reset(&why);
		rc = 0;
		for (int i = 0; i < contents->nr_objects; i++) {
			if (done[i] || strcmp(contents->objects[i].kind, "view"))
				continue;
			if (!create_object(db, &contents->objects[i], clone, &code, &why)) {
				done[i] = progress = true;
			} else if (!rc) {
				rc = PT__ERUN;
				pt__buf_add(err, why.data, why.len);
			}
			pt__buf_reset(&why);
		}
		if (!rc)
			break;
		if (progress)
			pt__buf_reset(err);
	}
	for (int i = 0; !rc && i < contents->nr_objects; i++)
		if (strcmp(contents->objects[i].kind, "view"))
			rc = create_object(db, &contents->objects[i], clone, &code, err);
	run_sql(state->admin, "USE information_schema", NULL);
	pt__buf_release(&why);
	free(done);
	return rc;
}

/* ---- the dump strategy ---- */

/* An option file value: quoted, '\' and '"' escaped. */
static void add_option_value(const char *value, struct pt__buf *out)
{
	pt__buf_addc(out, '"');
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			pt__buf_addc(out, '\\');
		if (*c == '\n')
			pt__buf_adds(out, "\\n");
		else
			pt__buf_addc(out, *c);
	}
	pt__buf_adds(out, "\"\n");
}

/*
 * Writes the connection settings to a 0600 option file in the run
 * directory, asking mysqldump for history rows when the server can load
 * them back (history).
 */
static int write_option_file(struct pt__db *db, bool history, struct pt__buf *path,
			     struct pt__buf *err)
{
	const struct pt__my_url *url = &((struct my_state *)db->state)->url;
	struct pt__buf text = PT__BUF_INIT;
	int fd, rc = 0;

	pt__buf_addf(path, "%s/mysql-%s.cnf", db->ctx->run_dir, db->alias);
	pt__buf_adds(&text, "[client]\n");
	if (url->user) {
		pt__buf_adds(&text, "user=");
		add_option_value(url->user, &text);
	}
	if (url->password) {
		pt__buf_adds(&text, "password=");
		add_option_value(url->password, &text);
	}
	if (url->host) {
		pt__buf_adds(&text, "host=");
		add_option_value(url->host, &text);
	}
	if (url->port)
		pt__buf_addf(&text, "port=%u\n", url->port);
	if (url->socket) {
		pt__buf_adds(&text, "socket=");
		add_option_value(url->socket, &text);
	}
	/*
	 * "loose-": an option the other vendor's mysqldump lacks is skipped.
	 * MySQL's: no SET @@GLOBAL.GTID_PURGED, which a server with GTIDs on
	 * refuses when the dump is loaded back into it. MariaDB's: system-
	 * versioned tables with their history, where the server can load it
	 * (10.11 and later; before, the history rows' times are refused).
	 */
	pt__buf_adds(&text, "[mysqldump]\nloose-set-gtid-purged=OFF\n");
	if (history)
		pt__buf_adds(&text, "loose-dump-history\n");
	fd = open(path->data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text.data, text.len) != (ssize_t)text.len) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path->data, strerror(errno));
		rc = PT__ERUN;
	}
	if (fd >= 0)
		close(fd);
	pt__buf_release(&text);
	return rc;
}

/* Waits for both; cancel kills them. Returns 0 or PT__EINTR. */
static int wait_pipeline(pid_t dump, pid_t load, const struct pt__cancel *cancel, int *dump_status,
			 int *load_status)
{
	bool dump_done = false, load_done = false, killed = false;

	while (!dump_done || !load_done) {
		if (pt__cancelled(cancel) && !killed) {
			killed = true;
			kill(-dump, SIGKILL);
			kill(-load, SIGKILL);
		}
		if (!dump_done && waitpid(dump, dump_status, WNOHANG) == dump)
			dump_done = true;
		if (!load_done && waitpid(load, load_status, WNOHANG) == load)
			load_done = true;
		if (!dump_done || !load_done) {
			struct pollfd fd = {pt__signals_fd(), POLLIN, 0};
			if (poll(&fd, 1, 20) > 0)
				pt__signals_drain();
		}
	}
	return killed ? PT__EINTR : 0;
}

/* The end of what a failing tool wrote, on one line. */
static void add_output(int fd, struct pt__buf *out)
{
	struct pt__buf text = PT__BUF_INIT;
	char chunk[4096];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		pt__buf_add(&text, chunk, (size_t)n);
	while (text.len && text.data[text.len - 1] == '\n')
		text.data[--text.len] = '\0';
	const char *start = text.len > 500 ? text.data + text.len - 500 : pt__buf_str(&text);
	for (const char *c = start; *c; c++)
		pt__buf_addc(out, *c == '\n' ? ' ' : *c);
	pt__buf_release(&text);
}

/* mysqldump TEMPLATE | mysql CLONE, one clone after another. */
static int dump_clones(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf dumper = PT__BUF_INIT, loader = PT__BUF_INIT, option_file = PT__BUF_INIT,
		       defaults = PT__BUF_INIT, not_found = PT__BUF_INIT;
	bool history;
	int rc = 0;

	if ((pt__find_program("mysqldump", NULL, &dumper, &not_found) &&
	     pt__find_program("mariadb-dump", NULL, &dumper, &not_found)) ||
	    (pt__find_program("mysql", NULL, &loader, &not_found) &&
	     pt__find_program("mariadb", NULL, &loader, &not_found))) {
		pt__buf_adds(err, "cannot clone with partest_strategy=dump: mysqldump or mysql is "
				  "not on the PATH; install the MySQL or MariaDB client");
		rc = PT__ERUN;
		goto out;
	}
	/* MariaDB 10.11 and later take history rows with their own times. */
	history = !run_sql(state->admin, "SELECT @@system_versioning_insert_history", NULL);
	if ((rc = write_option_file(db, history, &option_file, err)))
		goto out;
	pt__buf_addf(&defaults, "--defaults-extra-file=%s", option_file.data);
	for (int k = 0; !rc && k < state->clones.nr; k++) {
		char *dump_argv[] = {dumper.data,  defaults.data, "--single-transaction",
				     "--routines", "--triggers",  "--events",
				     "--hex-blob", "--quick",	  state->url.dbname,
				     NULL};
		char *load_argv[] = {loader.data, defaults.data, state->clones.items[k].name, NULL};
		struct pt__buf why = PT__BUF_INIT;
		int pipe_fds[2] = {-1, -1}, dump_err = pt__unlinked_file(db->ctx->run_dir, &why),
		    load_err = dump_err < 0 ? -1 : pt__unlinked_file(db->ctx->run_dir, &why);
		int dump_status = 0, load_status = 0;
		pid_t dump = 0, load = 0;

		if (dump_err < 0 || load_err < 0 || pt__pipe(pipe_fds, &why)) {
			pt__buf_addf(err, "cannot clone with partest_strategy=dump: %s", why.data);
			pt__buf_release(&why);
			if (dump_err >= 0)
				close(dump_err);
			if (load_err >= 0)
				close(load_err);
			rc = PT__ERUN;
			break;
		}
		struct pt__spawn dump_spawn = {
			.path = dumper.data,
			.argv = dump_argv,
			.fds = {PT__SPAWN_DEVNULL, pipe_fds[1], dump_err, PT__SPAWN_NONE,
				PT__SPAWN_NONE},
			.new_group = true,
		};
		struct pt__spawn load_spawn = {
			.path = loader.data,
			.argv = load_argv,
			.fds = {pipe_fds[0], load_err, load_err, PT__SPAWN_NONE, PT__SPAWN_NONE},
			.new_group = true,
		};
		int spawned = pt__spawn(&dump_spawn, &dump, &why);
		if (!spawned && (spawned = pt__spawn(&load_spawn, &load, &why))) {
			kill(-dump, SIGKILL);
			waitpid(dump, NULL, 0);
		}
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		if (spawned) {
			pt__buf_addf(err, "cannot clone with partest_strategy=dump: %s", why.data);
			rc = spawned;
		} else if ((rc = wait_pipeline(dump, load, &db->ctx->cancel, &dump_status,
					       &load_status))) {
			pt__buf_adds(err, "interrupted while making the database clones");
		} else if (!WIFEXITED(dump_status) || WEXITSTATUS(dump_status) ||
			   !WIFEXITED(load_status) || WEXITSTATUS(load_status)) {
			bool dump_failed = !WIFEXITED(dump_status) || WEXITSTATUS(dump_status);
			pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s with %s: ",
				     state->url.dbname, state->clones.items[k].name,
				     state->shared.where, dump_failed ? dumper.data : loader.data);
			add_output(dump_failed ? dump_err : load_err, err);
			rc = PT__ERUN;
		} else {
			/* The dump brought the template's marker: the clone has its own. */
			pt__buf_reset(&why);
			pt__buf_adds(&why, "DROP PROCEDURE IF EXISTS ");
			pt__my_add_identifier(state->clones.items[k].name, &why);
			pt__buf_adds(&why, "." MARKER_TEMPLATE);
			rc = pt__db_admin_exec(db, "remove the template's marker from a clone",
					       why.data, err);
		}
		pt__buf_release(&why);
		close(dump_err);
		close(load_err);
	}
	unlink(option_file.data);
out:
	pt__buf_release(&dumper);
	pt__buf_release(&loader);
	pt__buf_release(&option_file);
	pt__buf_release(&defaults);
	pt__buf_release(&not_found);
	return rc;
}

/* ---- clones ---- */

/* Drops the clone if the registry says this run made it. */
static int drop_clone(struct pt__db *db, struct pt__db_clone *clone, struct pt__buf *err)
{
	struct pt__buf what = PT__BUF_INIT;
	char kind[16] = "", run[64] = "";
	int rc;

	rc = read_registry(db, clone->name, kind, sizeof(kind), run, sizeof(run), err);
	if (rc < 0)
		return rc;
	rc = 0;
	if (!strcmp(kind, "clone") && !strcmp(run, db->ctx->run_id) &&
	    (rc = marker_matches(db, clone->name, true, run, err)) == 1) {
		pt__buf_addf(&what, "drop the clone \"%s\"", clone->name);
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", clone->name,
					  "", err);
		if (!rc)
			unregister_database(db, clone->name);
	}
	pt__buf_release(&what);
	return rc;
}

/* Registers and creates every clone, empty, with the template's charset. */
static int create_clones(struct pt__db *db, const struct contents *contents, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf suffix = PT__BUF_INIT;
	int rc = 0;

	if (contents->charset)
		pt__buf_addf(&suffix, " CHARACTER SET %s COLLATE %s", contents->charset,
			     contents->collation);
	for (int k = 0; !rc && k < state->clones.nr; k++) {
		struct pt__db_clone *clone = &state->clones.items[k];
		if ((rc = register_database(db, clone->name, "clone", err)))
			break;
		clone->made = true;
		rc = create_marked(db, clone->name, true, pt__buf_str(&suffix), err);
	}
	pt__buf_release(&suffix);
	return rc;
}

static void format_clone_url(const struct pt__db *db, const char *name, struct pt__buf *url)
{
	const struct my_state *state = db->state;

	pt__my_url_format(&state->url, name, url);
}

/* This run's clones named, none made yet, and their URLs: where clone and
 * ready_claim start. */
static void name_clones(struct pt__db *db)
{
	struct my_state *state = db->state;

	pt__db_clones_release(&state->clones);
	pt__db_free_clone_urls(db);
	pt__db_clones_init_named(&state->clones, db, state->url.dbname, PT__MY_NAME_MAX, true,
				 format_clone_url);
	state->claimed = 0;
}

static const char *mysql_copy_program(const struct pt__db *db)
{
	const struct my_state *state = db->state;

	return state->url.strategy == PT__MY_STRATEGY_DUMP ? "mysqldump" : NULL;
}

/* Copies the template into every clone of state->clones, which exist empty. */
static int fill_clones(struct pt__db *db, const struct contents *contents, struct pt__buf *err)
{
	struct my_state *state = db->state;
	int rc;

	if (state->url.strategy == PT__MY_STRATEGY_DUMP)
		return dump_clones(db, err);
	if ((rc = copy_all_tables(db, contents, err)))
		return rc;
	for (int k = 0; k < state->clones.nr; k++) {
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while making the database clones");
			return PT__EINTR;
		}
		if ((rc = copy_objects(db, contents, k, err)))
			return rc;
	}
	return 0;
}

/*
 * Makes the clones ready_claim did not fill: every one, or those after
 * the claimed ones, which the copy steps see as state->clones meanwhile.
 */
static int mysql_clone(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_clones all;
	struct contents contents;
	int rc;

	memset(&contents, 0, sizeof(contents));
	if ((rc = lock_template(db, err)))
		return rc;
	if (!state->claimed) /* also after a ready_claim that found none */
		name_clones(db);
	all = state->clones;
	state->clones = (struct pt__db_clones){all.items + state->claimed, all.nr - state->claimed};
	if (state->clones.nr && (!(rc = read_contents(db, &contents, err)) &&
				 !(rc = create_clones(db, &contents, err))))
		rc = fill_clones(db, &contents, err);
	state->clones = all;
	state->claimed = 0;
	contents_release(&contents);
	if (rc)
		pt__db_clones_abandon(&state->clones, db, drop_clone);
	unlock_template(db);
	return rc;
}

static int mysql_drop_clones(struct pt__db *db, struct pt__buf *err)
{
	struct my_state *state = db->state;

	unlock_template(db);
	return pt__db_clones_drop(&state->clones, db, drop_clone, err);
}

/* Drops a dead run's clone and its registry row. */
static int drop_leftover(struct pt__db *db, const struct pt__db_leftover *leftover,
			 struct pt__buf *err)
{
	int rc = pt__db_admin_command(db, "drop", "DROP DATABASE IF EXISTS ", leftover->name, "",
				      err);

	if (!rc)
		unregister_database(db, leftover->name);
	return rc;
}

static int mysql_reap(struct pt__db *db, struct pt__buf *dropped, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_leftovers list = {NULL, 0, 0};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {.what = "look for clones left by dead runs"};
	struct pt__buf why = PT__BUF_INIT, sql = PT__BUF_INIT;
	int code = 0, rc;

	/* A throwaway server is new: nothing there to reap. */
	if (state->url.throwaway && !state->server_started)
		return 0;
	pt__buf_adds(&sql, "SELECT r.name, r.run_id, r.host, r.pid, r.start, s.SCHEMA_NAME IS NOT "
			   "NULL, m.ROUTINE_COMMENT FROM " REGISTRY_TABLE " r LEFT JOIN "
			   "information_schema.SCHEMATA s ON s.SCHEMA_NAME = r.name LEFT JOIN "
			   "information_schema.ROUTINES m ON m.ROUTINE_SCHEMA = r.name AND "
			   "m.ROUTINE_TYPE = 'PROCEDURE' AND m.ROUTINE_NAME = '" MARKER_CLONE
			   "' WHERE r.kind = 'clone' ORDER BY r.name");
	look.sql = sql.data;
	rc = pt__db_admin_run(db, &look, &rows, &code, &why);
	if (rc && !no_registry(code))
		pt__buf_add(err, why.data, why.len);
	for (size_t i = 0; !rc && i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_leftover item = {.name = row[0],
					       .what = "MySQL database",
					       .owner = {.clone = true,
							 .pid = strtol(row[3], NULL, 10),
							 .start = strtoull(row[4], NULL, 10)}};
		snprintf(item.owner.run_id, sizeof(item.owner.run_id), "%s", row[1]);
		snprintf(item.owner.host, sizeof(item.owner.host), "%s", row[2]);
		struct pt__db_owner marker;
		/* A ready marker under a clone row: a claim or a publishing the
		 * row's run did not finish (see ready clones). */
		bool marked = pt__db_owner_parse(row[6], &marker) &&
			      ((marker.clone && !strcmp(marker.run_id, row[1])) || marker.ready);
		/*
		 * A live run's row is its own business: it may be between
		 * creating the clone and marking it.
		 */
		if (!pt__db_owner_dead(&item.owner, db->ctx))
			continue;
		if (strcmp(row[5], "0") && marked)
			pt__db_leftovers_add(&list, &item);
		else /* made again by someone else (left alone), or never made */
			unregister_database(db, row[0]);
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	if (!rc)
		pt__db_reap_leftovers(db, &list, drop_leftover, state->shared.where, dropped);
	pt__db_leftovers_release(&list);
	return rc && no_registry(code) ? 0 : rc;
}

/* ---- a clone made anew ---- */

/*
 * Copies the database source into target alone (made and marked as a
 * clone) by the steps that make a run's clones. Those work on the
 * template the URL names and on every clone in state->clones: for the
 * time of the copy they are source and target.
 */
static int copy_into_one(struct pt__db *db, const char *source, struct pt__db_clone *target,
			 struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_clones all = state->clones;
	char *template = state->url.dbname;
	struct contents contents;
	int rc;

	memset(&contents, 0, sizeof(contents));
	state->url.dbname = (char *)source;
	state->clones = (struct pt__db_clones){target, 1};
	if (!(rc = read_contents(db, &contents, err)) && !(rc = create_clones(db, &contents, err)))
		rc = fill_clones(db, &contents, err);
	state->clones = all;
	state->url.dbname = template;
	contents_release(&contents);
	return rc;
}

/*
 * Clone k dropped (when the registry and its marker say it is this run's)
 * and made again from the template, under the template's lock.
 */
static int mysql_renew_clone(struct pt__db *db, int k, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_clone *clone = &state->clones.items[k];
	int rc;

	if ((rc = lock_template(db, err)))
		return rc;
	if ((rc = drop_clone(db, clone, err)))
		goto out;
	clone->made = false;
	if ((rc = copy_into_one(db, state->url.dbname, clone, err))) {
		struct pt__buf ignored = PT__BUF_INIT;
		if (!drop_clone(db, clone, &ignored))
			clone->made = false;
		pt__buf_release(&ignored);
	}
out:
	unlock_template(db);
	return rc;
}

/* ---- a clone kept ---- */

/*
 * Registers name as this run's kept clone and marks it so: its clone
 * marker replaced by a partest_kept procedure carrying the kept marker,
 * on every version as templates and clones are. The user's now, which no
 * reap takes and only `db clean --kept` drops while the marker holds.
 */
static int mark_kept(struct pt__db *db, const char *name, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, marker = PT__BUF_INIT, what = PT__BUF_INIT;
	int rc = register_database(db, name, "kept", err);

	if (!rc) {
		pt__db_owner_format_kept(db->ctx, &marker);
		pt__buf_adds(&sql, "CREATE PROCEDURE ");
		pt__my_add_identifier(name, &sql);
		pt__buf_adds(&sql, "." MARKER_KEPT "() COMMENT ");
		add_literal(state->admin, marker.data, &sql);
		pt__buf_adds(&sql, " BEGIN END");
		pt__buf_addf(&what, "mark \"%s\" as kept", name);
		rc = pt__db_admin_exec(db, what.data, sql.data, err);
	}
	if (!rc) {
		pt__buf_reset(&sql);
		pt__buf_adds(&sql, "DROP PROCEDURE IF EXISTS ");
		pt__my_add_identifier(name, &sql);
		pt__buf_adds(&sql, "." MARKER_CLONE);
		rc = pt__db_admin_exec(db, what.data, sql.data, err);
	}
	pt__buf_release(&sql);
	pt__buf_release(&marker);
	pt__buf_release(&what);
	return rc < 0 ? rc : 0;
}

/*
 * Clone k copied into a kept database, since MySQL has no RENAME DATABASE
 * (and RENAME TABLE leaves a table's triggers and views behind): by the
 * steps that make a run's clones, with clone k as their template and the
 * kept database as their one clone; the copy is then registered and marked
 * as kept, and clone k dropped.
 */
static int mysql_keep_clone(struct pt__db *db, int k, int serial, const char *dir,
			    struct pt__buf *url, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_clone *clone = &state->clones.items[k], kept = {NULL, NULL, false};
	struct pt__buf name = PT__BUF_INIT, ignored = PT__BUF_INIT;
	int rc;

	(void)dir;
	pt__db_kept_name(state->url.dbname, db->ctx->run_id, serial, PT__MY_NAME_MAX, true, &name);
	kept.name = name.data;
	if (!(rc = copy_into_one(db, clone->name, &kept, err)))
		rc = mark_kept(db, kept.name, err);
	if (rc) {
		if (kept.made)
			drop_clone(db, &kept, &ignored);
	} else if (!drop_clone(db, clone, &ignored)) {
		clone->made = false;
	}
	if (!rc)
		format_clone_url(db, kept.name, url);
	pt__buf_release(&name);
	pt__buf_release(&ignored);
	return rc;
}

static int mysql_kept(struct pt__db *db, bool drop, struct pt__buf *dropped, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {.what = "look for kept clones"};
	struct pt__buf why = PT__BUF_INIT, sql = PT__BUF_INIT, what = PT__BUF_INIT;
	int code = 0, rc, count = 0;

	if (state->url.throwaway && !state->server_started)
		return 0;
	pt__buf_adds(&sql,
		     "SELECT r.name, r.run_id, r.host, r.pid, r.start, s.SCHEMA_NAME IS NOT NULL, "
		     "(SELECT p.ROUTINE_COMMENT FROM information_schema.ROUTINES p WHERE "
		     "p.ROUTINE_TYPE = 'PROCEDURE' AND p.ROUTINE_NAME = '" MARKER_KEPT "' AND "
		     "p.ROUTINE_SCHEMA = r.name) FROM " REGISTRY_TABLE " r LEFT JOIN "
		     "information_schema.SCHEMATA s ON s.SCHEMA_NAME = r.name "
		     "WHERE r.kind = 'kept' ORDER BY r.name");
	look.sql = sql.data;
	rc = pt__db_admin_run(db, &look, &rows, &code, &why);
	if (rc && no_registry(code))
		rc = 0;
	else if (rc)
		pt__buf_add(err, why.data, why.len);
	for (size_t i = 0; !rc && i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_owner owner = {.kept = true,
					     .pid = strtol(row[3], NULL, 10),
					     .start = strtoull(row[4], NULL, 10)},
				    marker;
		snprintf(owner.run_id, sizeof(owner.run_id), "%s", row[1]);
		snprintf(owner.host, sizeof(owner.host), "%s", row[2]);
		if (pt__db_owner_live(&owner))
			continue;
		/* Gone, or someone else's under that name now: forgotten, left alone. */
		if (!strcmp(row[5], "0") || !(pt__db_owner_parse(row[6], &marker) && marker.kept &&
					      !strcmp(marker.run_id, row[1]))) {
			if (drop)
				unregister_database(db, row[0]);
			continue;
		}
		count++;
		if (!drop)
			continue;
		pt__buf_reset(&what);
		pt__buf_addf(&what, "drop the kept clone \"%s\"", row[0]);
		if ((rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", row[0], "",
					       err)))
			break;
		unregister_database(db, row[0]);
		pt__buf_addf(dropped, "dropped the kept MySQL database \"%s\" on %s\n", row[0],
			     state->shared.where);
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc ? rc : count;
}

/* ---- ready clones ---- */

/* Rewrites the comment of name's marker procedure to marker, in one statement. */
static int set_marker(struct pt__db *db, const char *name, const char *marker, const char *what,
		      struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	pt__buf_adds(&sql, "ALTER PROCEDURE ");
	pt__my_add_identifier(name, &sql);
	pt__buf_adds(&sql, "." MARKER_CLONE " COMMENT ");
	add_literal(state->admin, marker, &sql);
	rc = pt__db_admin_exec(db, what, sql.data, err);
	pt__buf_release(&sql);
	return rc;
}

/*
 * Moves name's registry row from kind from to kind to, this run its owner
 * from then on, in one statement; with only_ours, only a row of this run.
 * Returns 1 when this call moved it, 0 when the row was not of kind from
 * (another run moved it first), or a negative code.
 */
static int move_row(struct pt__db *db, const char *name, const char *from, const char *to,
		    bool only_ours, const char *what, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_owner owner;
	int rc;

	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	pt__db_owner_of_this_run(&owner, db->ctx, true);
	pt__buf_addf(&sql, "UPDATE " REGISTRY_TABLE " SET kind = '%s', run_id = ", to);
	add_literal(state->admin, db->ctx->run_id, &sql);
	pt__buf_adds(&sql, ", host = ");
	add_literal(state->admin, owner.host, &sql);
	pt__buf_addf(&sql, ", pid = %ld, start = %llu WHERE name = ", owner.pid, owner.start);
	add_literal(state->admin, name, &sql);
	pt__buf_addf(&sql, " AND kind = '%s'", from);
	if (only_ours) {
		pt__buf_adds(&sql, " AND run_id = ");
		add_literal(state->admin, db->ctx->run_id, &sql);
	}
	rc = pt__db_admin_exec(db, what, sql.data, err);
	if (!rc)
		rc = mysql_affected_rows(state->admin) == 1;
	pt__buf_release(&sql);
	return rc;
}

/*
 * The ready clones on the server, oldest first: per row its name, 1 if
 * the database exists, and its marker's comment (NULL without one). No
 * registry yet: none.
 */
static int list_ready(struct pt__db *db, struct pt__db_rows *rows, struct pt__buf *err)
{
	struct pt__db_statement look = {
		.what = "look for ready clones",
		.sql = "SELECT r.name, s.SCHEMA_NAME IS NOT NULL, m.ROUTINE_COMMENT "
		       "FROM " REGISTRY_TABLE
		       " r LEFT JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = r.name LEFT "
		       "JOIN information_schema.ROUTINES m ON m.ROUTINE_SCHEMA = r.name AND "
		       "m.ROUTINE_TYPE = 'PROCEDURE' AND m.ROUTINE_NAME = '" MARKER_CLONE
		       "' WHERE r.kind = 'ready' ORDER BY r.created, r.name"};
	struct pt__buf why = PT__BUF_INIT;
	int code = 0, rc = pt__db_admin_run(db, &look, rows, &code, &why);

	if (rc && no_registry(code))
		rc = 0;
	else if (rc)
		pt__buf_add(err, why.data, why.len);
	pt__buf_release(&why);
	return rc;
}

/*
 * 1 when a row of list_ready is a ready clone of this template, its
 * marker parsed into owner; 0 for another template's. A row whose
 * database is gone, or lacks the ready marker (made again by someone
 * else), is forgotten, the database left alone: a ready row is written
 * only once its copy is complete and marked.
 */
static int ready_of_template(struct pt__db *db, char *const *row, struct pt__db_owner *owner)
{
	struct my_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;

	if (strcmp(row[1], "0") && pt__db_owner_parse(row[2], owner) && owner->ready)
		return pt__db_owner_of_template(owner, state->url.dbname);
	pt__buf_adds(&sql, "DELETE FROM " REGISTRY_TABLE " WHERE kind = 'ready' AND name = ");
	add_literal(state->admin, row[0], &sql);
	run_sql(state->admin, sql.data, NULL);
	pt__buf_release(&sql);
	return 0;
}

/*
 * Drops each ready clone of this template whose fingerprint is not
 * fingerprint (every one when it is NULL), after claiming it, so that a
 * run claiming it at the same time either has it first or never gets it.
 */
static int mysql_ready_sweep(struct pt__db *db, const char *fingerprint, struct pt__buf *dropped,
			     struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__buf what = PT__BUF_INIT;
	int rc, moved, left = 0;

	if (state->url.throwaway && !state->server_started)
		return 0;
	rc = list_ready(db, &rows, err);
	for (size_t i = 0; !rc && i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_owner owner;
		if (!ready_of_template(db, row, &owner))
			continue;
		if (fingerprint && !strcmp(owner.fingerprint, fingerprint)) {
			left++;
			continue;
		}
		pt__buf_reset(&what);
		pt__buf_addf(&what, "take the ready clone \"%s\" to drop it", row[0]);
		moved = move_row(db, row[0], "ready", "clone", false, what.data, err);
		if (moved <= 0) { /* claimed by another run meanwhile, or a failure */
			rc = moved;
			continue;
		}
		pt__buf_reset(&what);
		pt__buf_addf(&what, "drop the ready clone \"%s\"", row[0]);
		if ((rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", row[0],
					       "", err)))
			break;
		unregister_database(db, row[0]);
		if (dropped)
			pt__buf_addf(dropped, "dropped the ready MySQL database \"%s\" on %s\n",
				     row[0], state->shared.where);
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&what);
	return rc < 0 ? rc : fingerprint ? left : 0;
}

/*
 * Claims ready clones of fingerprint into slots 0, 1, ... as they come,
 * oldest first: each row moved to this run, then its marker rewritten to
 * this run's clone marker. The clone keeps its name, which its URL gives.
 */
static int mysql_ready_claim(struct pt__db *db, const char *fingerprint, struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__buf what = PT__BUF_INIT, marker = PT__BUF_INIT;
	int rc, moved;

	name_clones(db);
	pt__db_owner_format_this_run(db->ctx, true, &marker);
	rc = list_ready(db, &rows, err);
	for (size_t i = 0; !rc && i < rows.nr && state->claimed < state->clones.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_clone *clone = &state->clones.items[state->claimed];
		struct pt__buf url = PT__BUF_INIT;
		struct pt__db_owner owner;
		if (!ready_of_template(db, row, &owner) || strcmp(owner.fingerprint, fingerprint))
			continue;
		pt__buf_reset(&what);
		pt__buf_addf(&what, "claim the ready clone \"%s\"", row[0]);
		moved = move_row(db, row[0], "ready", "clone", false, what.data, err);
		if (moved <= 0) { /* another run claimed it first, or a failure */
			rc = moved;
			continue;
		}
		free(clone->name);
		clone->name = pt__xstrdup(row[0]);
		clone->made = true;
		format_clone_url(db, clone->name, &url);
		free(db->clone_urls[state->claimed]);
		db->clone_urls[state->claimed++] = pt__buf_detach(&url);
		rc = set_marker(db, row[0], marker.data, what.data, err);
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&what);
	pt__buf_release(&marker);
	return rc < 0 ? rc : state->claimed;
}

/*
 * Publishes a complete clone of this run as a ready clone of fingerprint:
 * its marker first, then its row, so that a ready row always names a
 * marked, complete copy.
 */
static int publish_ready(struct pt__db *db, const char *name, const char *fingerprint,
			 struct pt__buf *err)
{
	struct my_state *state = db->state;
	struct pt__buf marker = PT__BUF_INIT, what = PT__BUF_INIT;
	int rc;

	pt__db_owner_format_ready(db->ctx, state->url.dbname, fingerprint, &marker);
	pt__buf_addf(&what, "make \"%s\" a ready clone", name);
	if (!(rc = set_marker(db, name, marker.data, what.data, err)) &&
	    (rc = move_row(db, name, "clone", "ready", true, what.data, err)) == 0) {
		pt__buf_addf(err, "cannot %s on %s: its registry row is gone", what.data,
			     state->shared.where);
		rc = PT__ERUN;
	}
	pt__buf_release(&marker);
	pt__buf_release(&what);
	return rc < 0 ? rc : 0;
}

/*
 * Makes n ready clones, each copied under its ready name as a clone of
 * this run (what a reap takes once the filler is dead), then published.
 */
static int mysql_ready_make(struct pt__db *db, const char *fingerprint, int n, struct pt__buf *err)
{
	struct my_state *state = db->state;
	int rc = 0;

	for (int i = 0; !rc && i < n; i++) {
		struct pt__buf name = PT__BUF_INIT, ignored = PT__BUF_INIT;
		struct pt__db_clone target = {NULL, NULL, false};
		pt__db_ready_name(state->url.dbname, db->ctx->run_id, ++state->ready_serial,
				  PT__MY_NAME_MAX, true, &name);
		target.name = name.data;
		if ((rc = copy_into_one(db, state->url.dbname, &target, err)) ||
		    (rc = publish_ready(db, target.name, fingerprint, err)))
			if (target.made)
				drop_clone(db, &target, &ignored);
		pt__buf_release(&name);
		pt__buf_release(&ignored);
	}
	unlock_template(db);
	return rc;
}

const struct pt__db_backend pt__db_mysql = {
	.name = "mysql",
	.open = mysql_open,
	.close = mysql_close_db,
	.template_exists = mysql_template_exists,
	.template_is_ours = mysql_template_is_ours,
	.create_template = mysql_create_template,
	.drop_template = mysql_drop_template,
	.fingerprint = mysql_fingerprint,
	.clone = mysql_clone,
	.renew_clone = mysql_renew_clone,
	.keep_clone = mysql_keep_clone,
	.kept = mysql_kept,
	.drop_clones = mysql_drop_clones,
	.reap = mysql_reap,
	.identify = mysql_identify,
	.copy_program = mysql_copy_program,
	.ready_sweep = mysql_ready_sweep,
	.ready_claim = mysql_ready_claim,
	.ready_make = mysql_ready_make,
	.admin = &mysql_admin,
};

#else
typedef int pt__my_backend_not_built; /* ISO C wants something in a file */
#endif
