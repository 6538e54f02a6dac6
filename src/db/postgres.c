/*
 * The PostgreSQL backend.
 *
 * The template is the database the URL names. partest talks to the server
 * over an "admin" connection to the maintenance database (postgres, else
 * template1), never to the template itself, which would block cloning.
 *
 * Ours: every database partest creates gets a comment (COMMENT ON DATABASE)
 * holding partest's marker: "partest clone v1 run=... host=... pid=...
 * start=..." (or "partest template v1 ..."). partest drops only databases
 * carrying its marker: templates it built, clones of its own run, and
 * clones whose run, on this host, is dead (its pid is gone or has another
 * start time).
 *
 * Clones are made with CREATE DATABASE "clone" TEMPLATE "template", one
 * connection per clone, all driven at once by one poll loop over libpq's
 * asynchronous API. CREATE DATABASE fails while anything is connected to the
 * template; partest waits for those sessions with backoff for a bounded time
 * and then names them, and never ends a session it did not open.
 *
 * While a run holds a template (from the first look at it until its clones
 * exist) it holds a session advisory lock named after it, so that two runs
 * rebuilding one template with --db-setup take turns.
 */
#include "admin.h"
#include "clones.h"
#include "owner.h"
#include "secrets.h"
#include "url_escape.h"
#include "postgres.h"

#ifdef PT_HAVE_LIBPQ

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../clock.h"
#include "../signals.h"
#include "../xalloc.h"

/* The advisory lock's first key: "pt" in ASCII. */
#define LOCK_CLASS    "28788"
/*
 * STRATEGY for partest_strategy=auto: FILE_COPY. Measured by
 * bench/postgres_clones.sh on PostgreSQL 15 (2 CPUs, fsync off), four
 * clones made at once: an 8 MB template 465 ms with FILE_COPY, 539 ms with
 * WAL_LOG; an 87 MB one 609 ms against 878 ms.
 */
#define AUTO_STRATEGY " STRATEGY FILE_COPY"
#define OBJECT_IN_USE "55006"

struct pg_state {
	struct pt__db_admin shared; /* first: where the admin connection is */
	struct pt__pg_url url;
	struct pt__pg_server server; /* postgresql+tmp:// only */
	bool server_started;
	PQconninfoOption *options; /* the template URL's libpq parameters */
	PGconn *admin;
	const char *maintenance_db; /* what admin is connected to */
	bool locked;		    /* holds the template's advisory lock */
	struct pt__buf marker;	    /* this run's clone marker */
	struct pt__db_clones clones;
};

/*
 * Server notices (a shutdown's "terminating connection", NOTICEs of DDL)
 * would reach the user's terminal through libpq's default processor; what
 * matters comes back as an error and is said in one line.
 */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}
/* Appends what went wrong on conn (res may be NULL) as one line. */
static void add_pg_error(PGconn *conn, const PGresult *res, struct pt__buf *out)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *text = primary ? primary : conn ? PQerrorMessage(conn) : "out of memory";
	size_t start = out->len;
	bool space = false;

	for (const char *c = text; *c; c++) {
		if (*c == '\n' || *c == '\t' || *c == ' ') {
			space = true;
			continue;
		}
		if (space && out->len > start)
			pt__buf_addc(out, ' ');
		space = false;
		pt__buf_addc(out, *c);
	}
	if (out->len == start)
		pt__buf_adds(out, "the server gave no reason");
	/* libpq's own prefixes say nothing a user needs. */
	static const char *const prefixes[] = {"ERROR: ", "FATAL: "};
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(prefixes[i]);
		if (out->len - start > len && !strncmp(out->data + start, prefixes[i], len)) {
			memmove(out->data + start, out->data + start + len, out->len - start - len);
			out->len -= len;
			out->data[out->len] = '\0';
		}
	}
}

static const char *sqlstate(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return state ? state : "";
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

/*
 * Runs sql on conn and returns its last result, which the caller clears;
 * NULL when the connection failed. When cancel (if given) fires, the
 * statement is cancelled and *interrupted set.
 */
static PGresult *run_query(PGconn *conn, const char *sql, const struct pt__cancel *cancel,
			   bool *interrupted)
{
	PGresult *last = NULL, *res;
	bool cancelled = false;

	if (interrupted)
		*interrupted = false;
	if (!PQsendQueryParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0))
		return NULL;
	while (PQisBusy(conn)) {
		struct pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {pt__signals_fd(), POLLIN, 0}};
		if (cancel && pt__cancelled(cancel) && !cancelled) {
			PGcancel *request = PQgetCancel(conn);
			char ignored[256];
			if (request) {
				PQcancel(request, ignored, sizeof(ignored));
				PQfreeCancel(request);
			}
			cancelled = true;
			if (interrupted)
				*interrupted = true;
		}
		if (poll(fds, 2, cancel ? pt__cancel_poll_ms(cancel, 100) : 100) < 0 &&
		    errno != EINTR)
			break;
		if (fds[1].revents)
			pt__signals_drain();
		if (!PQconsumeInput(conn))
			break;
	}
	while ((res = PQgetResult(conn))) {
		PQclear(last);
		last = res;
		if (PQstatus(conn) == CONNECTION_BAD)
			break;
	}
	return last;
}

/*
 * A quoted identifier, or a quoted literal, in out. libpq's quoting also
 * checks the encoding; where it refuses, the plain SQL quoting rules do.
 */
static void add_identifier(PGconn *conn, const char *name, struct pt__buf *out)
{
	char *quoted = PQescapeIdentifier(conn, name, strlen(name));

	if (quoted) {
		pt__buf_adds(out, quoted);
		PQfreemem(quoted);
		return;
	}
	pt__db_add_quoted(name, '"', out);
}

static void add_literal(PGconn *conn, const char *value, struct pt__buf *out)
{
	char *quoted = PQescapeLiteral(conn, value, strlen(value));

	if (quoted) {
		pt__buf_adds(out, quoted);
		PQfreemem(quoted);
		return;
	}
	pt__buf_adds(out, strchr(value, '\\') ? "E'" : "'");
	for (const char *c = value; *c; c++) {
		if (*c == '\'' || *c == '\\')
			pt__buf_addc(out, *c);
		pt__buf_addc(out, *c);
	}
	pt__buf_addc(out, '\'');
}

/*
 * The libpq parameters of the template URL with dbname replaced, as
 * keyword and value arrays (pointing into state->options) for
 * PQconnectdbParams.
 */
static void connect_params(struct pg_state *state, const char *dbname, const char ***keywords,
			   const char ***values)
{
	size_t n = 0, i = 0;
	bool has_app = false, has_timeout = false;

	for (PQconninfoOption *o = state->options; o->keyword; o++)
		n++;
	*keywords = pt__xcalloc(n + 4, sizeof(**keywords));
	*values = pt__xcalloc(n + 4, sizeof(**values));
	for (PQconninfoOption *o = state->options; o->keyword; o++) {
		if (!o->val || !*o->val || !strcmp(o->keyword, "dbname"))
			continue;
		has_app = has_app || !strcmp(o->keyword, "application_name");
		has_timeout = has_timeout || !strcmp(o->keyword, "connect_timeout");
		(*keywords)[i] = o->keyword;
		(*values)[i++] = o->val;
	}
	(*keywords)[i] = "dbname";
	(*values)[i++] = dbname;
	if (!has_app) {
		(*keywords)[i] = "application_name";
		(*values)[i++] = "partest";
	}
	if (!has_timeout) {
		(*keywords)[i] = "connect_timeout";
		(*values)[i++] = "10";
	}
}

/* Starts the throwaway server of postgresql+tmp:// and points the URLs at it. */
static int start_server(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__pg_url *url = &state->url;
	struct pt__buf query = PT__BUF_INIT, encoded = PT__BUF_INIT, template = PT__BUF_INIT;
	char *errmsg = NULL;
	int rc;

	if ((rc = pt__pg_server_start(&state->server, db->ctx->run_id, &db->ctx->cancel, err)))
		return rc;
	state->server_started = true;
	pt__db_percent_encode(state->server.common.dir, &encoded);
	pt__buf_addf(&query, "host=%s&port=%d&user=%s", encoded.data, state->server.port,
		     state->server.user);
	if (*url->query)
		pt__buf_addf(&query, "&%s", url->query);
	free(url->query);
	url->query = pt__buf_detach(&query);
	pt__pg_url_format(url, url->dbname, &template);
	pt__db_set_template_url(db, pt__buf_detach(&template));
	PQconninfoFree(state->options);
	state->options = PQconninfoParse(db->template_url, &errmsg);
	pt__buf_release(&encoded);
	if (!state->options) {
		pt__buf_addf(err, "cannot use the throwaway PostgreSQL server: %s",
			     errmsg ? errmsg : "out of memory");
		PQfreemem(errmsg);
		return PT__ERUN;
	}
	return 0;
}

/* The admin connection's first need: postgresql+tmp://'s server. */
static int postgres_prepare(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;

	return state->url.throwaway && !state->server_started ? start_server(db, err) : 0;
}

/* Connects to the maintenance database: postgres, else template1. */
static int postgres_connect(struct pt__db *db, struct pt__buf *where, bool *lost,
			    struct pt__buf *why)
{
	struct pg_state *state = db->state;
	static const char *const maintenance[] = {"postgres", "template1"};
	const char **keywords, **values;

	if (state->admin && PQstatus(state->admin) == CONNECTION_OK)
		return 0;
	if (state->admin) {
		/* The server went away or restarted: one more try, then report. */
		PQreset(state->admin);
		if (PQstatus(state->admin) == CONNECTION_OK)
			return 0;
		*lost = true;
		add_pg_error(state->admin, NULL, why);
		return PT__ERUN;
	}
	for (size_t i = 0; i < 2; i++) {
		connect_params(state, maintenance[i], &keywords, &values);
		state->admin = PQconnectdbParams(keywords, values, 0);
		if (state->admin)
			PQsetNoticeProcessor(state->admin, ignore_notice, NULL);
		free(keywords);
		free(values);
		state->maintenance_db = maintenance[i];
		if (PQstatus(state->admin) == CONNECTION_OK)
			break;
		if (i == 0 && strstr(PQerrorMessage(state->admin), "\"postgres\" does not exist")) {
			PQfinish(state->admin);
			state->admin = NULL;
			continue;
		}
		add_pg_error(state->admin, NULL, why);
		PQfinish(state->admin);
		state->admin = NULL;
		return PT__ERUN;
	}
	const char *host = PQhost(state->admin);
	pt__buf_addf(where, "%s:%s", host && *host ? host : "localhost", PQport(state->admin));
	return 0;
}

/* Runs a statement on the admin connection; libpq cancels an interrupted one. */
static int postgres_run(struct pt__db *db, const struct pt__db_statement *statement,
			struct pt__db_rows *rows, int *code, struct pt__buf *why)
{
	struct pg_state *state = db->state;
	bool interrupted = false;
	PGresult *res;
	int rc = 0;

	(void)code; /* SQLSTATEs are not numbers; no caller needs one here */
	res = run_query(state->admin, statement->sql,
			statement->interruptible ? &db->ctx->cancel : NULL, &interrupted);
	if (interrupted) {
		rc = PT__EINTR;
	} else if (!result_ok(res)) {
		add_pg_error(state->admin, res, why);
		rc = PT__ERUN;
	} else if (rows) {
		int columns = PQnfields(res);
		const char **values = pt__xcalloc((size_t)columns + 1, sizeof(*values));
		rows->columns = (size_t)columns;
		for (int r = 0; r < PQntuples(res); r++) {
			for (int c = 0; c < columns; c++)
				values[c] = PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
			pt__db_rows_add(rows, values);
		}
		free(values);
	}
	PQclear(res);
	return rc;
}

static void postgres_add_identifier(struct pt__db *db, const char *name, struct pt__buf *out)
{
	struct pg_state *state = db->state;

	add_identifier(state->admin, name, out);
}

static const struct pt__db_admin_ops postgres_admin = {
	.engine = "PostgreSQL",
	.prepare = postgres_prepare,
	.connect = postgres_connect,
	.describe = pt__db_describe_url,
	.run = postgres_run,
	.add_identifier = postgres_add_identifier,
};

/*
 * PREFIX 'value' SUFFIX in sql, the value quoted by libpq (which needs the
 * admin connection, opened here).
 */
static int literal_sql(struct pt__db *db, const char *prefix, const char *value, const char *suffix,
		       struct pt__buf *sql, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	int rc = pt__db_admin_connect(db, err);

	if (rc)
		return rc;
	pt__buf_adds(sql, prefix);
	add_literal(state->admin, value, sql);
	pt__buf_adds(sql, suffix);
	return 0;
}

/* Whether value is a whole number from min to max. */
static bool is_number(const char *value, long min, long max)
{
	char *end;
	long n = strtol(value, &end, 10);

	return *value && !*end && n >= min && n <= max;
}

/*
 * What libpq would refuse only when it connects, refused here, where it is
 * the --db's fault (exit 2): a port that is not one (each of a host
 * list's), a timeout or keepalive that is not a number, an unknown
 * sslmode. The password is remembered to be hidden.
 */
static int check_options(const struct pt__db *db, PQconninfoOption *options, struct pt__buf *err)
{
	static const char *const numbers[] = {"connect_timeout",  "keepalives",
					      "keepalives_idle",  "keepalives_interval",
					      "keepalives_count", "tcp_user_timeout"};
	static const char *const sslmodes[] = {"disable", "allow",     "prefer",
					       "require", "verify-ca", "verify-full"};
	struct pt__buf why = PT__BUF_INIT;

	for (PQconninfoOption *o = options; o->keyword && !why.len; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "password") && *o->val)
			pt__secrets_add(o->val);
		if (!strcmp(o->keyword, "port")) {
			for (const char *p = o->val; !why.len;) {
				size_t len = strcspn(p, ",");
				char *port = pt__xstrndup(p, len);
				if (*port && !is_number(port, 1, 65535))
					pt__buf_addf(
						&why,
						"the port \"%s\" is not a number from 1 to 65535",
						port);
				free(port);
				if (!p[len])
					break;
				p += len + 1;
			}
		}
		for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
			if (!strcmp(o->keyword, numbers[i]) && *o->val &&
			    !is_number(o->val, 0, 2147483647))
				pt__buf_addf(&why, "%s \"%s\" is not a whole number", o->keyword,
					     o->val);
		if (!strcmp(o->keyword, "sslmode") && *o->val) {
			bool known = false;
			for (size_t i = 0; i < sizeof(sslmodes) / sizeof(sslmodes[0]); i++)
				known = known || !strcmp(o->val, sslmodes[i]);
			if (!known)
				pt__buf_addf(&why,
					     "sslmode \"%s\" is not one of disable, allow, prefer, "
					     "require, verify-ca, verify-full",
					     o->val);
		}
	}
	if (!why.len)
		return 0;
	pt__db_url_error(err, db->url, why.data);
	pt__buf_release(&why);
	return PT__EUSAGE;
}

/* The cluster's system identifier and the template's name. */
static int postgres_identify(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	char *cluster = NULL;
	int rc = pt__db_admin_value(db, "identify the server",
				    "SELECT system_identifier::text FROM pg_control_system()",
				    &cluster, err);

	if (rc < 0)
		return rc;
	pt__buf_addf(out, "%s/%s", cluster ? cluster : "", state->url.dbname);
	free(cluster);
	return 0;
}

static int postgres_open(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = pt__xcalloc(1, sizeof(*state));
	struct pt__buf url = PT__BUF_INIT;
	char *errmsg = NULL;
	int rc;

	if ((rc = pt__pg_url_parse(db->url, &state->url, err))) {
		free(state);
		return rc;
	}
	db->state = state;
	if (state->url.throwaway)
		return 0; /* the URL is known once the server runs */
	pt__pg_url_format(&state->url, state->url.dbname, &url);
	state->options = PQconninfoParse(url.data, &errmsg);
	if (!state->options) {
		struct pt__buf shown = PT__BUF_INIT;
		pt__db_redact_url(db->url, &shown);
		pt__buf_addf(err, "--db \"%s\": %s", shown.data, errmsg ? errmsg : "out of memory");
		while (err->len && err->data[err->len - 1] == '\n')
			err->data[--err->len] = '\0';
		PQfreemem(errmsg);
		pt__buf_release(&shown);
		pt__buf_release(&url);
		return PT__EUSAGE;
	}
	db->template_url = pt__buf_detach(&url);
	return check_options(db, state->options, err);
}

static void postgres_close(struct pt__db *db)
{
	struct pg_state *state = db->state;

	if (!state)
		return;
	PQfinish(state->admin);
	if (state->server_started)
		pt__pg_server_stop(&state->server);
	PQconninfoFree(state->options);
	pt__db_clones_release(&state->clones);
	pt__db_admin_release(&state->shared);
	pt__buf_release(&state->marker);
	pt__pg_url_release(&state->url);
	free(state);
	db->state = NULL;
}

/* Takes the template's advisory lock, waiting for another run to let go. */
static int lock_template(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_statement lock = {.what = "lock the template for this run",
					.interruptible = true};
	int rc;

	if (state->locked)
		return 0;
	rc = literal_sql(db, "SELECT pg_advisory_lock(" LOCK_CLASS ", hashtext(", state->url.dbname,
			 "))", &sql, err);
	lock.sql = sql.data;
	if (!rc)
		rc = pt__db_admin_run(db, &lock, NULL, NULL, err);
	state->locked = !rc;
	pt__buf_release(&sql);
	return rc;
}

static void unlock_template(struct pt__db *db)
{
	struct pg_state *state = db->state;

	if (state->locked && state->admin && PQstatus(state->admin) == CONNECTION_OK)
		PQclear(run_query(state->admin, "SELECT pg_advisory_unlock_all()", NULL, NULL));
	state->locked = false;
}

static int postgres_template_exists(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {.what = "look for the template", .interruptible = true};
	int rc;

	if ((rc = lock_template(db, err)) ||
	    (rc = literal_sql(db, "SELECT 1 FROM pg_database WHERE datname = ", state->url.dbname,
			      "", &sql, err)))
		goto out;
	look.sql = sql.data;
	rc = pt__db_admin_run(db, &look, &rows, NULL, err);
	if (!rc)
		rc = rows.nr > 0;
out:
	pt__db_rows_release(&rows);
	pt__buf_release(&sql);
	return rc;
}

/* The comment on database name (NULL if none) in *comment; *exists if it is there. */
static int read_comment(struct pt__db *db, const char *name, bool *exists, char **comment,
			struct pt__buf *err)
{
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	*comment = NULL;
	rc = literal_sql(db,
			 "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
			 "WHERE datname = ",
			 name, "", &sql, err);
	if (!rc)
		rc = pt__db_admin_value(db, "read partest's marker", sql.data, comment, err);
	pt__buf_release(&sql);
	if (rc < 0)
		return rc;
	*exists = rc;
	return 0;
}

static int postgres_template_is_ours(struct pt__db *db, bool this_run, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_owner marker;
	char *comment = NULL;
	bool exists;
	int rc;

	if ((rc = lock_template(db, err)) ||
	    (rc = read_comment(db, state->url.dbname, &exists, &comment, err)))
		return rc;
	rc = exists && pt__db_owner_parse(comment, &marker) && !marker.clone && !marker.kept &&
	     (!this_run || !strcmp(marker.run_id, db->ctx->run_id));
	free(comment);
	return rc;
}

static int postgres_create_template(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT, sql = PT__BUF_INIT, marker = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "create the template \"%s\"", state->url.dbname);
	rc = pt__db_admin_command(db, what.data, "CREATE DATABASE ", state->url.dbname, "", err);
	if (rc)
		goto out;
	pt__db_owner_format_this_run(db->ctx, false, &marker);
	pt__buf_adds(&sql, "COMMENT ON DATABASE ");
	add_identifier(state->admin, state->url.dbname, &sql);
	pt__buf_adds(&sql, " IS ");
	add_literal(state->admin, marker.data, &sql);
	pt__buf_reset(&what);
	pt__buf_addf(&what, "mark the template \"%s\" as partest's", state->url.dbname);
	if ((rc = pt__db_admin_exec(db, what.data, sql.data, err))) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_admin_command(db, "drop", "DROP DATABASE ", state->url.dbname, "", &ignored);
		pt__buf_release(&ignored);
	}
out:
	pt__buf_release(&marker);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static int postgres_drop_template(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "drop the template \"%s\"", state->url.dbname);
	/* A database marked as a template cannot be dropped. */
	rc = pt__db_admin_command(db, what.data, "ALTER DATABASE ", state->url.dbname,
				  " IS_TEMPLATE false", err);
	if (!rc)
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ",
					  state->url.dbname, "", err);
	pt__buf_release(&what);
	return rc;
}

static int postgres_fingerprint(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	int rc = pt__db_admin_connect(db, err);

	if (rc)
		return rc;
	pt__buf_addf(out, "postgresql server %d", PQserverVersion(state->admin));
	return 0;
}

/* ---- cloning ---- */

/* Appends the sessions connected to the template, described for people. */
static int describe_blockers(struct pt__db *db, struct pt__buf *out, int *count,
			     struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement list = {.what = "list the sessions on the template",
					.interruptible = true};
	int rc;

	rc = literal_sql(db,
			 "SELECT pid, coalesce(usename, '?'), coalesce(application_name, ''), "
			 "CASE WHEN client_addr IS NOT NULL THEN host(client_addr) "
			 "WHEN client_port = -1 THEN 'local socket' ELSE 'unknown' END "
			 "FROM pg_stat_activity WHERE datname = ",
			 state->url.dbname, " AND pid <> pg_backend_pid() ORDER BY pid", &sql, err);
	list.sql = sql.data;
	if (!rc)
		rc = pt__db_admin_run(db, &list, &rows, NULL, err);
	*count = rc ? 0 : (int)rows.nr;
	for (size_t i = 0; !rc && i < rows.nr; i++)
		pt__buf_addf(out, "%spid %s (user %s, application \"%s\", client %s)",
			     i ? ", " : "", pt__db_rows_get(&rows, i, 0),
			     pt__db_rows_get(&rows, i, 1), pt__db_rows_get(&rows, i, 2),
			     pt__db_rows_get(&rows, i, 3));
	pt__db_rows_release(&rows);
	pt__buf_release(&sql);
	return rc;
}

/*
 * Waits, with backoff, until no session is connected to the template or
 * the deadline passes; then fails naming the sessions.
 */
static int wait_for_template(struct pt__db *db, long long deadline, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sessions = PT__BUF_INIT;
	long delay = 20;
	int count, rc;

	for (;;) {
		pt__buf_reset(&sessions);
		if ((rc = describe_blockers(db, &sessions, &count, err)))
			break;
		if (!count)
			break;
		if (pt__now_ms() >= deadline) {
			pt__buf_addf(err,
				     "cannot clone \"%s\" on %s: other sessions are connected to "
				     "it and were still there after %d s: %s; partest does not end "
				     "sessions it did not open (wait longer with ?partest_wait=)",
				     state->url.dbname, state->shared.where,
				     state->url.wait_seconds, sessions.data);
			rc = PT__ERUN;
			break;
		}
		if (pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while waiting for the template to be free");
			rc = PT__EINTR;
			break;
		}
		long left = (long)(deadline - pt__now_ms());
		pt__sleep_ms(delay < left ? delay : left);
		delay = delay * 2 > 1000 ? 1000 : delay * 2;
	}
	pt__buf_release(&sessions);
	return rc;
}

/* The STRATEGY clause for this server and the URL's partest_strategy. */
static const char *pick_strategy(struct pt__db *db)
{
	struct pg_state *state = db->state;

	if (PQserverVersion(state->admin) < 150000)
		return ""; /* no STRATEGY before PostgreSQL 15 */
	switch (state->url.strategy) {
	case PT__PG_STRATEGY_FILE_COPY: return " STRATEGY FILE_COPY";
	case PT__PG_STRATEGY_WAL_LOG: return " STRATEGY WAL_LOG";
	case PT__PG_STRATEGY_DEFAULT: return "";
	case PT__PG_STRATEGY_AUTO: break;
	}
	return AUTO_STRATEGY;
}

enum job_step { JOB_CONNECT, JOB_CREATE, JOB_MARK, JOB_DONE, JOB_FAILED };

struct clone_job {
	struct pt__db_clone *clone;
	PGconn *conn;
	enum job_step step;
	PostgresPollingStatusType polling;
	struct pt__buf error;
	char sqlstate[6];
};

/* Sends the job's next statement. */
static void job_send(struct pt__db *db, struct clone_job *job, const char *strategy)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, marker = PT__BUF_INIT;

	if (job->step == JOB_CREATE) {
		pt__buf_adds(&sql, "CREATE DATABASE ");
		add_identifier(job->conn, job->clone->name, &sql);
		pt__buf_adds(&sql, " TEMPLATE ");
		add_identifier(job->conn, state->url.dbname, &sql);
		pt__buf_adds(&sql, strategy);
	} else {
		pt__buf_adds(&sql, "COMMENT ON DATABASE ");
		add_identifier(job->conn, job->clone->name, &sql);
		pt__buf_adds(&sql, " IS ");
		add_literal(job->conn, state->marker.data, &sql);
	}
	if (!PQsendQuery(job->conn, sql.data)) {
		add_pg_error(job->conn, NULL, &job->error);
		job->step = JOB_FAILED;
	}
	pt__buf_release(&sql);
	pt__buf_release(&marker);
}

/* Reads what arrived for job; moves it on when its statement is done. */
static void job_read(struct pt__db *db, struct clone_job *job, const char *strategy)
{
	PGresult *res, *last = NULL;

	if (!PQconsumeInput(job->conn)) {
		add_pg_error(job->conn, NULL, &job->error);
		job->step = JOB_FAILED;
		return;
	}
	if (PQisBusy(job->conn))
		return;
	while ((res = PQgetResult(job->conn))) {
		PQclear(last);
		last = res;
	}
	if (!result_ok(last)) {
		add_pg_error(job->conn, last, &job->error);
		snprintf(job->sqlstate, sizeof(job->sqlstate), "%s", sqlstate(last));
		job->step = JOB_FAILED;
	} else if (job->step == JOB_CREATE) {
		job->clone->made = true;
		job->step = JOB_MARK;
		job_send(db, job, strategy);
	} else {
		job->step = JOB_DONE;
	}
	PQclear(last);
}

/*
 * Makes the clones in jobs[0..nr-1] at once: each connects (asynchronously),
 * creates its clone and marks it; one poll loop drives them all. Returns
 * PT__EINTR on Ctrl-C (statements in flight are cancelled), else 0; each
 * job ends JOB_DONE or JOB_FAILED.
 */
static int run_clone_jobs(struct pt__db *db, struct clone_job *jobs, int nr, const char *strategy)
{
	struct pg_state *state = db->state;
	struct pollfd *fds = pt__xcalloc((size_t)nr + 1, sizeof(*fds));
	const char **keywords, **values;
	int rc = 0;

	connect_params(state, state->maintenance_db, &keywords, &values);
	for (int i = 0; i < nr; i++) {
		jobs[i].step = JOB_CONNECT;
		jobs[i].polling = PGRES_POLLING_WRITING;
		jobs[i].conn = PQconnectStartParams(keywords, values, 0);
		if (jobs[i].conn)
			PQsetNoticeProcessor(jobs[i].conn, ignore_notice, NULL);
		if (!jobs[i].conn || PQstatus(jobs[i].conn) == CONNECTION_BAD) {
			add_pg_error(jobs[i].conn, NULL, &jobs[i].error);
			jobs[i].step = JOB_FAILED;
		}
	}
	free(keywords);
	free(values);

	for (;;) {
		int waiting = 0;
		for (int i = 0; i < nr; i++) {
			struct clone_job *job = &jobs[i];
			short events = 0;
			if (job->step == JOB_CONNECT)
				events = job->polling == PGRES_POLLING_READING ? POLLIN : POLLOUT;
			else if (job->step == JOB_CREATE || job->step == JOB_MARK)
				events = POLLIN;
			fds[i] = (struct pollfd){events ? PQsocket(job->conn) : -1, events, 0};
			waiting += events != 0;
		}
		if (!waiting)
			break;
		if (pt__cancelled(&db->ctx->cancel) && !rc) {
			rc = PT__EINTR;
			for (int i = 0; i < nr; i++) {
				PGcancel *cancel;
				char ignored[256];
				if (jobs[i].step == JOB_CONNECT) {
					jobs[i].step = JOB_FAILED;
				} else if ((jobs[i].step == JOB_CREATE ||
					    jobs[i].step == JOB_MARK) &&
					   (cancel = PQgetCancel(jobs[i].conn))) {
					PQcancel(cancel, ignored, sizeof(ignored));
					PQfreeCancel(cancel);
				}
			}
			continue;
		}
		fds[nr] = (struct pollfd){pt__signals_fd(), POLLIN, 0};
		if (poll(fds, (nfds_t)nr + 1, pt__cancel_poll_ms(&db->ctx->cancel, 1000)) < 0 &&
		    errno != EINTR)
			break;
		if (fds[nr].revents)
			pt__signals_drain();
		for (int i = 0; i < nr; i++) {
			struct clone_job *job = &jobs[i];
			if (!fds[i].revents)
				continue;
			if (job->step == JOB_CONNECT) {
				job->polling = PQconnectPoll(job->conn);
				if (job->polling == PGRES_POLLING_FAILED) {
					add_pg_error(job->conn, NULL, &job->error);
					job->step = JOB_FAILED;
				} else if (job->polling == PGRES_POLLING_OK) {
					job->step = JOB_CREATE;
					job_send(db, job, strategy);
				}
			} else {
				job_read(db, job, strategy);
			}
		}
	}
	free(fds);
	return rc;
}

/* Drops the clone if it carries this run's marker. */
static int drop_clone(struct pt__db *db, struct pt__db_clone *clone, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT;
	char *comment = NULL;
	bool exists;
	int rc;

	if ((rc = read_comment(db, clone->name, &exists, &comment, err)))
		return rc;
	/* This run's marker; or none on one this run created but failed to mark. */
	if (exists && (comment ? !strcmp(comment, state->marker.data) : clone->made)) {
		pt__buf_addf(&what, "drop the clone \"%s\"", clone->name);
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", clone->name,
					  "", err);
	}
	free(comment);
	pt__buf_release(&what);
	return rc;
}

static void format_clone_url(const struct pt__db *db, const char *name, struct pt__buf *url)
{
	const struct pg_state *state = db->state;

	pt__pg_url_format(&state->url, name, url);
}

/*
 * Protects a template partest built (no new connections, marked as a
 * template) and makes the clones, waiting for sessions on the template
 * for up to ?partest_wait= seconds. On failure drops what it made.
 */
static int postgres_clone(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	int workers = db->ctx->workers;
	long long deadline;
	const char *strategy;
	struct clone_job *jobs = NULL;
	int rc, ours;

	if ((rc = lock_template(db, err)))
		return rc;
	pt__buf_reset(&state->marker);
	pt__db_owner_format_this_run(db->ctx, true, &state->marker);
	pt__db_clones_init_named(&state->clones, db, state->url.dbname, PT__PG_NAME_MAX, false,
				 format_clone_url);

	ours = postgres_template_is_ours(db, false, err);
	if (ours < 0) {
		rc = ours;
		goto fail;
	}
	if (ours) {
		struct pt__buf what = PT__BUF_INIT;
		pt__buf_addf(&what, "protect the template \"%s\" while cloning", state->url.dbname);
		rc = pt__db_admin_command(db, what.data, "ALTER DATABASE ", state->url.dbname,
					  " ALLOW_CONNECTIONS false IS_TEMPLATE true", err);
		pt__buf_release(&what);
		if (rc)
			goto fail;
	}
	strategy = pick_strategy(db);

	deadline = pt__now_ms() + 1000LL * state->url.wait_seconds;
	jobs = pt__xcalloc((size_t)workers, sizeof(*jobs));
	for (;;) {
		int nr = 0, busy = 0;
		if ((rc = wait_for_template(db, deadline, err)))
			goto fail;
		for (int k = 0; k < workers; k++) {
			if (state->clones.items[k].made)
				continue;
			pt__buf_release(&jobs[nr].error);
			jobs[nr] = (struct clone_job){
				&state->clones.items[k], NULL, JOB_CONNECT, 0, PT__BUF_INIT, ""};
			nr++;
		}
		rc = run_clone_jobs(db, jobs, nr, strategy);
		for (int i = 0; i < nr; i++) {
			PQfinish(jobs[i].conn);
			jobs[i].conn = NULL;
		}
		if (rc) {
			pt__buf_adds(err, "interrupted while making the database clones");
			goto fail;
		}
		for (int i = 0; i < nr; i++) {
			struct clone_job *job = &jobs[i];
			if (job->step == JOB_DONE)
				continue;
			/* Someone connected to the template meanwhile: wait and retry. */
			if (!strcmp(job->sqlstate, OBJECT_IN_USE) && !job->clone->made) {
				busy++;
				continue;
			}
			pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s: %s",
				     state->url.dbname, job->clone->name,
				     state->shared.where ? state->shared.where : "the server",
				     job->error.data);
			rc = PT__ERUN;
			goto fail;
		}
		if (!busy)
			break;
	}
	unlock_template(db);
	for (int k = 0; k < workers; k++)
		pt__buf_release(&jobs[k].error);
	free(jobs);
	return 0;
fail:
	for (int k = 0; jobs && k < workers; k++)
		pt__buf_release(&jobs[k].error);
	free(jobs);
	pt__db_clones_abandon(&state->clones, db, drop_clone);
	unlock_template(db);
	return rc;
}

static int postgres_drop_clones(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;

	unlock_template(db);
	return pt__db_clones_drop(&state->clones, db, drop_clone, err);
}

static int drop_leftover(struct pt__db *db, const struct pt__db_leftover *leftover,
			 struct pt__buf *err)
{
	return pt__db_admin_command(db, "drop", "DROP DATABASE IF EXISTS ", leftover->name, "",
				    err);
}

static int postgres_reap(struct pt__db *db, struct pt__buf *dropped, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_leftovers list = {NULL, 0, 0};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {
		.what = "look for clones left by dead runs",
		.sql = "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
		       "WHERE shobj_description(oid, 'pg_database') LIKE 'partest clone v1 %' "
		       "ORDER BY datname",
		.interruptible = true,
	};
	int rc;

	/* A throwaway server is new: nothing there to reap. */
	if (state->url.throwaway && !state->server_started)
		return 0;
	if ((rc = pt__db_admin_run(db, &look, &rows, NULL, err))) {
		pt__db_rows_release(&rows);
		return rc;
	}
	for (size_t i = 0; i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_leftover item = {.name = row[0], .what = "PostgreSQL database"};
		if (pt__db_owner_parse(row[1], &item.owner))
			pt__db_leftovers_add(&list, &item);
	}
	pt__db_rows_release(&rows);
	pt__db_reap_leftovers(db, &list, drop_leftover, state->shared.where, dropped);
	pt__db_leftovers_release(&list);
	return 0;
}

/* ---- a clone made anew, a clone kept ---- */

/* " WITH (FORCE)" where the server has it (13 and later): a crashed
 * worker's sessions may not be gone yet, and they are partest's to end. */
static const char *force_clause(struct pg_state *state)
{
	return PQserverVersion(state->admin) >= 130000 ? " WITH (FORCE)" : "";
}

/*
 * Clone k dropped (if it is this run's) and made again from the template
 * by the same job as a run's clones, under the template's lock, waiting
 * for sessions on the template as postgres_clone does.
 */
static int postgres_renew_clone(struct pt__db *db, int k, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_clone *clone = &state->clones.items[k];
	struct clone_job job = {clone, NULL, JOB_CONNECT, 0, PT__BUF_INIT, ""};
	struct pt__buf what = PT__BUF_INIT;
	char *comment = NULL;
	bool exists;
	long long deadline = pt__now_ms() + 1000LL * state->url.wait_seconds;
	int rc;

	if ((rc = lock_template(db, err)) ||
	    (rc = read_comment(db, clone->name, &exists, &comment, err)))
		goto out;
	if (exists && (comment ? !strcmp(comment, state->marker.data) : clone->made)) {
		pt__buf_addf(&what, "drop the clone \"%s\" to make it anew", clone->name);
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", clone->name,
					  force_clause(state), err);
		if (rc)
			goto out;
	} else if (exists) {
		pt__buf_addf(err,
			     "cannot make the clone \"%s\" anew on %s: a database of that name is "
			     "there and is not this run's",
			     clone->name, state->shared.where);
		rc = PT__ERUN;
		goto out;
	}
	clone->made = false;
	for (;;) {
		if ((rc = wait_for_template(db, deadline, err)))
			break;
		pt__buf_reset(&job.error);
		job = (struct clone_job){clone, NULL, JOB_CONNECT, 0, job.error, ""};
		rc = run_clone_jobs(db, &job, 1, pick_strategy(db));
		PQfinish(job.conn);
		job.conn = NULL;
		if (rc) {
			pt__buf_adds(err, "interrupted while making a database clone anew");
			break;
		}
		if (job.step == JOB_DONE)
			break;
		if (strcmp(job.sqlstate, OBJECT_IN_USE) || clone->made) {
			pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s: %s",
				     state->url.dbname, clone->name, state->shared.where,
				     job.error.data);
			rc = PT__ERUN;
			break;
		}
	}
out:
	unlock_template(db);
	free(comment);
	pt__buf_release(&job.error);
	pt__buf_release(&what);
	return rc;
}

/*
 * Clone k renamed to its kept name with its marker replaced by a kept one,
 * in one transaction: the database is a clone of this run or the user's,
 * never something in between a reap could take. Sessions still on it (a
 * crashed worker's) are ended first.
 */
static int postgres_keep_clone(struct pt__db *db, int k, int serial, const char *dir,
			       struct pt__buf *url, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_clone *clone = &state->clones.items[k];
	struct pt__buf name = PT__BUF_INIT, sql = PT__BUF_INIT, marker = PT__BUF_INIT,
		       what = PT__BUF_INIT;
	char *comment = NULL;
	bool exists;
	int rc;

	(void)dir;
	pt__db_kept_name(state->url.dbname, db->ctx->run_id, serial, PT__PG_NAME_MAX, false,
			 &name);
	if ((rc = read_comment(db, clone->name, &exists, &comment, err)))
		goto out;
	pt__buf_addf(&what, "keep the clone \"%s\" as \"%s\"", clone->name, name.data);
	if (!exists || !comment || strcmp(comment, state->marker.data)) {
		pt__buf_addf(err, "cannot %s on %s: it is not there as this run's clone", what.data,
			     state->shared.where);
		rc = PT__ERUN;
		goto out;
	}
	pt__db_owner_format_kept(db->ctx, &marker);
	pt__buf_adds(&sql, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ");
	add_literal(state->admin, clone->name, &sql);
	if ((rc = pt__db_admin_exec(db, what.data, sql.data, err)))
		goto out;
	if ((rc = pt__db_admin_exec(db, what.data, "BEGIN", err)))
		goto out;
	pt__buf_reset(&sql);
	pt__buf_adds(&sql, "COMMENT ON DATABASE ");
	add_identifier(state->admin, clone->name, &sql);
	pt__buf_adds(&sql, " IS ");
	add_literal(state->admin, marker.data, &sql);
	if (!(rc = pt__db_admin_exec(db, what.data, sql.data, err))) {
		pt__buf_reset(&sql);
		pt__buf_adds(&sql, "ALTER DATABASE ");
		add_identifier(state->admin, clone->name, &sql);
		pt__buf_adds(&sql, " RENAME TO ");
		add_identifier(state->admin, name.data, &sql);
		rc = pt__db_admin_exec(db, what.data, sql.data, err);
	}
	if (!rc)
		rc = pt__db_admin_exec(db, what.data, "COMMIT", err);
	if (rc) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_admin_exec(db, "roll back", "ROLLBACK", &ignored);
		pt__buf_release(&ignored);
		goto out;
	}
	clone->made = false;
	format_clone_url(db, name.data, url);
out:
	free(comment);
	pt__buf_release(&name);
	pt__buf_release(&sql);
	pt__buf_release(&marker);
	pt__buf_release(&what);
	return rc;
}

static int postgres_kept(struct pt__db *db, bool drop, struct pt__buf *dropped,
			 struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {
		.what = "look for kept clones",
		.sql = "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
		       "WHERE shobj_description(oid, 'pg_database') LIKE 'partest kept v1 %' "
		       "ORDER BY datname",
		.interruptible = true,
	};
	int rc, count = 0;

	if (state->url.throwaway && !state->server_started)
		return 0;
	if ((rc = pt__db_admin_run(db, &look, &rows, NULL, err))) {
		pt__db_rows_release(&rows);
		return rc;
	}
	for (size_t i = 0; i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_owner owner;
		struct pt__buf what = PT__BUF_INIT;
		if (!pt__db_owner_parse(row[1], &owner) || !owner.kept || pt__db_owner_live(&owner))
			continue;
		count++;
		if (!drop)
			continue;
		pt__buf_addf(&what, "drop the kept clone \"%s\"", row[0]);
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", row[0], "",
					  err);
		pt__buf_release(&what);
		if (rc)
			break;
		pt__buf_addf(dropped, "dropped the kept PostgreSQL database \"%s\" on %s\n", row[0],
			     state->shared.where);
	}
	pt__db_rows_release(&rows);
	return rc ? rc : count;
}

const struct pt__db_backend pt__db_postgres = {
	.name = "postgresql",
	.open = postgres_open,
	.close = postgres_close,
	.template_exists = postgres_template_exists,
	.template_is_ours = postgres_template_is_ours,
	.create_template = postgres_create_template,
	.drop_template = postgres_drop_template,
	.fingerprint = postgres_fingerprint,
	.clone = postgres_clone,
	.renew_clone = postgres_renew_clone,
	.keep_clone = postgres_keep_clone,
	.kept = postgres_kept,
	.drop_clones = postgres_drop_clones,
	.reap = postgres_reap,
	.identify = postgres_identify,
	.admin = &postgres_admin,
};

#else
typedef int pt__pg_backend_not_built; /* ISO C wants something in a file */
#endif
