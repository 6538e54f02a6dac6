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
 * Clones are made with CREATE DATABASE "clone" TEMPLATE "template": the
 * first on the admin connection, each other one on a connection of its
 * own, all driven at once by one poll loop over libpq's asynchronous API
 * (bench/postgres_clone_parts.sh: a new connection costs about as much as
 * copying an 8 MB template, and on two cores four copies at once still take
 * half the time of four in a row). CREATE DATABASE fails while anything is
 * connected to the template; then partest waits for those sessions with
 * backoff for a bounded time and names them, and never ends a session it
 * did not open.
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
/* partest_strategy=auto's most bytes for WAL_LOG to copy at once: see pick_strategy(). */
#define WAL_LOG_MAX_BYTES (64LL << 20)
#define OBJECT_IN_USE "55006"
/* How often a server checks that partest is still there: see connect_params(). */
#define CONNECTION_CHECK_MS 100
/* How long the admin connection may sit idle before it is asked whether it is still there. */
#define ADMIN_IDLE_MS 1000

struct pg_state {
	struct pt__db_admin shared; /* first: where the admin connection is */
	struct pt__pg_url url;
	struct pt__pg_server server; /* postgresql+tmp:// only */
	bool server_started;
	PQconninfoOption *options; /* the template URL's libpq parameters */
	PGconn *admin;
	long long admin_used_ms;    /* when admin was last handed out: see admin_went_away() */
	const char *maintenance_db; /* what admin is connected to */
	bool locked;		    /* holds the template's advisory lock */
	const char *strategy;	    /* the STRATEGY clause of the clones being made */
	bool server_read;	    /* syncs and template_bytes are known */
	bool syncs;		    /* the server's fsync is on */
	long long template_bytes;   /* pg_database_size of the template, or -1 */
	struct pt__buf marker;	    /* this run's clone marker */
	struct pt__db_clones clones;
	struct pt__buf job_options; /* a clone connection's "options": see connect_params() */
	PGconn **spares;	    /* renewals' own connections, idle, kept for the next */
	int nr_spares;
	int claimed;		    /* clones claimed ready: clones is set up */
	int ready_serial;	    /* ready clones this process made */
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
 * PQconnectdbParams. With like_admin (the admin connection is open), a
 * connection that need not try what the admin connection found the server
 * does not do: SSL (libpq's sslmode=prefer asks for it first over TCP) and
 * GSS encryption (gssencmode=prefer first looks for Kerberos credentials).
 * The admin connection came up without them under the same parameters, so
 * leaving them out changes nothing but the round trips. Also with
 * like_admin, on PostgreSQL 14 and later, client_connection_check_interval
 * (CONNECTION_CHECK_MS) joins the URL's own "options": a server copying a
 * template for a partest that was killed notices and rolls the copy back,
 * instead of finishing a database no marker will ever name.
 */
static void connect_params(struct pg_state *state, const char *dbname, bool like_admin,
			   const char ***keywords, const char ***values)
{
	size_t n = 0, i = 0;
	bool has_app = false, has_timeout = false;
	bool no_ssl = like_admin && !PQsslInUse(state->admin);
	bool no_gss = like_admin && !PQgssEncInUse(state->admin);
	bool check = like_admin && PQserverVersion(state->admin) >= 140000;

	pt__buf_reset(&state->job_options);
	for (PQconninfoOption *o = state->options; o->keyword; o++) {
		n++;
		if (check && !strcmp(o->keyword, "options") && o->val)
			pt__buf_addf(&state->job_options, "%s ", o->val);
	}
	if (check)
		pt__buf_addf(&state->job_options, "-c client_connection_check_interval=%d",
			     CONNECTION_CHECK_MS);
	*keywords = pt__xcalloc(n + 7, sizeof(**keywords));
	*values = pt__xcalloc(n + 7, sizeof(**values));
	for (PQconninfoOption *o = state->options; o->keyword; o++) {
		if (!o->val || !*o->val || !strcmp(o->keyword, "dbname") ||
		    (check && !strcmp(o->keyword, "options")) ||
		    (no_ssl && !strcmp(o->keyword, "sslmode")) ||
		    (no_gss && !strcmp(o->keyword, "gssencmode")))
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
	if (no_ssl) {
		(*keywords)[i] = "sslmode";
		(*values)[i++] = "disable";
	}
	if (no_gss) {
		(*keywords)[i] = "gssencmode";
		(*values)[i++] = "disable";
	}
	if (check) {
		(*keywords)[i] = "options";
		(*values)[i++] = state->job_options.data;
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

/* The server checks this often that partest is still there (14 and later). */
static void set_connection_check(struct pg_state *state)
{
	char sql[80];

	if (PQserverVersion(state->admin) < 140000)
		return;
	snprintf(sql, sizeof(sql), "SET client_connection_check_interval = %d",
		 CONNECTION_CHECK_MS);
	PQclear(run_query(state->admin, sql, NULL, NULL));
}

/*
 * Whether the server ended the admin connection while it sat idle for more
 * than ADMIN_IDLE_MS (idle_session_timeout, an administrator): one SELECT 1
 * says. Not asked while it holds the template's lock (a --db-setup may run
 * that long), which a new session would not hold.
 */
static bool admin_went_away(struct pg_state *state)
{
	PGresult *res;
	bool ok;

	if (state->locked || pt__now_ms() - state->admin_used_ms < ADMIN_IDLE_MS)
		return false;
	res = run_query(state->admin, "SELECT 1", NULL, NULL);
	ok = result_ok(res);
	PQclear(res);
	return !ok;
}

/* Connects to the maintenance database: postgres, else template1. */
static int postgres_connect(struct pt__db *db, struct pt__buf *where, bool *lost,
			    struct pt__buf *why)
{
	struct pg_state *state = db->state;
	static const char *const maintenance[] = {"postgres", "template1"};
	const char **keywords, **values;

	if (state->admin && PQstatus(state->admin) == CONNECTION_OK && !admin_went_away(state)) {
		state->admin_used_ms = pt__now_ms();
		return 0;
	}
	if (state->admin) {
		/* The server went away, restarted or ended the session: one more try, then report. */
		PQreset(state->admin);
		if (PQstatus(state->admin) == CONNECTION_OK) {
			set_connection_check(state);
			state->admin_used_ms = pt__now_ms();
			return 0;
		}
		*lost = true;
		add_pg_error(state->admin, NULL, why);
		return PT__ERUN;
	}
	for (size_t i = 0; i < 2; i++) {
		connect_params(state, maintenance[i], false, &keywords, &values);
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
	set_connection_check(state);
	state->admin_used_ms = pt__now_ms();
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
	for (int i = 0; i < state->nr_spares; i++)
		PQfinish(state->spares[i]);
	free(state->spares);
	if (state->server_started)
		pt__pg_server_stop(&state->server);
	PQconninfoFree(state->options);
	pt__db_clones_release(&state->clones);
	pt__db_admin_release(&state->shared);
	pt__buf_release(&state->marker);
	pt__buf_release(&state->job_options);
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

/*
 * Chooses the STRATEGY clause for a batch of clones made at once (clones
 * of them), from the URL's partest_strategy and, for auto, from what the server reports (read
 * once). auto is FILE_COPY, which copies the template's files between two
 * checkpoints, unless the server syncs its writes (fsync on) and the
 * clones hold at most WAL_LOG_MAX_BYTES in all: then WAL_LOG, which writes
 * every block of each clone to the WAL instead. Measured by
 * bench/postgres_clone_parts.sh (PostgreSQL 15, 2 CPUs): with fsync off the
 * checkpoints cost next to nothing and FILE_COPY is as fast or faster at
 * any size; with fsync on each checkpoint flushes the whole cluster, which
 * costs more than WAL_LOG's copy of one 8 or 32 MB template or of four
 * 8 MB ones, and less than four 32 or 87 MB ones (several CREATEs at once
 * share a checkpoint, not their WAL). A template whose size the role may
 * not read counts as small.
 */
static int pick_strategy(struct pt__db *db, int clones, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {.what = "read the server's fsync and the template's size",
					.interruptible = true};
	int rc = pt__db_admin_connect(db, err);

	if (rc)
		return rc;
	if (PQserverVersion(state->admin) < 150000) {
		state->strategy = ""; /* no STRATEGY before PostgreSQL 15 */
		return 0;
	}
	switch (state->url.strategy) {
	case PT__PG_STRATEGY_FILE_COPY: state->strategy = " STRATEGY FILE_COPY"; return 0;
	case PT__PG_STRATEGY_WAL_LOG: state->strategy = " STRATEGY WAL_LOG"; return 0;
	case PT__PG_STRATEGY_DEFAULT: state->strategy = ""; return 0;
	case PT__PG_STRATEGY_AUTO: break;
	}
	if (!state->server_read) {
		rc = literal_sql(db,
				 "SELECT current_setting('fsync'), (SELECT CASE WHEN "
				 "has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) "
				 "END FROM pg_database WHERE datname = ",
				 state->url.dbname, ")", &sql, err);
		look.sql = sql.data;
		if (!rc)
			rc = pt__db_admin_run(db, &look, &rows, NULL, err);
		if (!rc) {
			const char *fsync = pt__db_rows_get(&rows, 0, 0);
			const char *size = pt__db_rows_get(&rows, 0, 1);
			state->syncs = fsync && !strcmp(fsync, "on");
			state->template_bytes = size ? strtoll(size, NULL, 10) : -1;
			state->server_read = true;
		}
		pt__db_rows_release(&rows);
		pt__buf_release(&sql);
	}
	if (!rc)
		state->strategy = state->syncs && state->template_bytes * clones <= WAL_LOG_MAX_BYTES
					  ? " STRATEGY WAL_LOG"
					  : " STRATEGY FILE_COPY";
	return rc;
}

enum job_step { JOB_CONNECT, JOB_DROP, JOB_CREATE, JOB_MARK, JOB_DONE, JOB_FAILED };

struct clone_job {
	struct pt__db_clone *clone;
	bool *drop; /* the clone is this run's and is dropped first (cleared once it is), or NULL */
	PGconn *conn;
	bool borrowed; /* conn is the admin connection, not the job's own */
	enum job_step step;
	PostgresPollingStatusType polling;
	struct pt__buf error;
	char sqlstate[6];
};

/*
 * The CONNECTION LIMIT a clone is created with: a number nobody types, made
 * from this host's name. CREATE DATABASE commits before the marker's
 * COMMENT can run, and a runner killed between the two leaves a database
 * no marker names. This number, set by the copy's own statement, lets a
 * reap know such a database as partest's (its name holds the runner's pid)
 * and drop it once that runner is gone.
 */
static int unmarked_clone_limit(void)
{
	return 1000000000 + (int)(pt__db_owner_host_hash() % 1000000000);
}

/* " WITH (FORCE)" where the server has it (13 and later): a crashed
 * worker's sessions may not be gone yet, and they are partest's to end. */
static const char *force_clause(struct pg_state *state)
{
	return PQserverVersion(state->admin) >= 130000 ? " WITH (FORCE)" : "";
}

/* Sends the job's next statement. */
static void job_send(struct pt__db *db, struct clone_job *job)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;

	if (job->step == JOB_DROP) {
		pt__buf_adds(&sql, "DROP DATABASE IF EXISTS ");
		add_identifier(job->conn, job->clone->name, &sql);
		pt__buf_adds(&sql, force_clause(state));
	} else if (job->step == JOB_CREATE) {
		pt__buf_adds(&sql, "CREATE DATABASE ");
		add_identifier(job->conn, job->clone->name, &sql);
		pt__buf_adds(&sql, " TEMPLATE ");
		add_identifier(job->conn, state->url.dbname, &sql);
		pt__buf_adds(&sql, state->strategy);
		pt__buf_addf(&sql, " CONNECTION LIMIT %d", unmarked_clone_limit());
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
}

/*
 * Reads what arrived for job; moves it on when its statement is done. The
 * marker waits for the CREATE's success, so that it never lands on a
 * database of that name that someone else made.
 */
static void job_read(struct pt__db *db, struct clone_job *job)
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
	} else if (job->step == JOB_DROP) {
		job->clone->made = false;
		*job->drop = false;
		job->step = JOB_CREATE;
		job_send(db, job);
	} else if (job->step == JOB_CREATE) {
		job->clone->made = true;
		job->step = JOB_MARK;
		job_send(db, job);
	} else {
		job->step = JOB_DONE;
	}
	PQclear(last);
}

/* Whether the admin connection can take a job's statements now. */
static bool admin_is_free(const struct pg_state *state)
{
	return state->admin && PQstatus(state->admin) == CONNECTION_OK &&
	       PQtransactionStatus(state->admin) == PQTRANS_IDLE;
}

/*
 * A spare connection that answers (one round trip): one the server ended
 * while it was idle (idle_session_timeout, an administrator, a restart)
 * is let go. NULL when none is left.
 */
static PGconn *take_spare(struct pt__db *db)
{
	struct pg_state *state = db->state;

	while (state->nr_spares) {
		PGconn *conn = state->spares[--state->nr_spares];
		PGresult *res = run_query(conn, "SELECT 1", &db->ctx->cancel, NULL);
		bool alive = result_ok(res);
		PQclear(res);
		if (alive)
			return conn;
		PQfinish(conn);
	}
	return NULL;
}

/*
 * Makes the clones in jobs[0..nr-1] at once: the first on the admin
 * connection, each other one on a spare connection or one it opens
 * (asynchronously); each drops its clone if job->drop says so, creates it
 * and marks it; one poll loop drives them all.
 * Returns PT__EINTR on Ctrl-C (statements in flight are cancelled), else 0;
 * each job ends JOB_DONE or JOB_FAILED, its own connection left for the
 * caller to finish.
 */
static int run_clone_jobs(struct pt__db *db, struct clone_job *jobs, int nr)
{
	struct pg_state *state = db->state;
	struct pollfd *fds = pt__xcalloc((size_t)nr + 1, sizeof(*fds));
	const char **keywords = NULL, **values = NULL;
	int rc = 0;

	for (int i = 0; i < nr; i++) {
		bool admin = i == 0 && admin_is_free(state);
		PGconn *spare = admin ? NULL : take_spare(db);
		if (admin || spare) {
			jobs[i].borrowed = admin;
			jobs[i].conn = admin ? state->admin : spare;
			jobs[i].step = jobs[i].drop ? JOB_DROP : JOB_CREATE;
			job_send(db, &jobs[i]);
			continue;
		}
		if (!keywords)
			connect_params(state, state->maintenance_db,
				       state->admin && PQstatus(state->admin) == CONNECTION_OK,
				       &keywords, &values);
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
			else if (job->step == JOB_DROP || job->step == JOB_CREATE ||
				 job->step == JOB_MARK)
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
				} else if ((jobs[i].step == JOB_DROP || jobs[i].step == JOB_CREATE ||
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
					job->step = job->drop ? JOB_DROP : JOB_CREATE;
					job_send(db, job);
				}
			} else {
				job_read(db, job);
			}
		}
	}
	free(fds);
	return rc;
}

/*
 * A job's own connection after its batch: kept as a spare when keep says
 * so and it is idle and sound, else closed.
 */
static void end_job_connection(struct pg_state *state, struct clone_job *job, bool keep)
{
	if (job->borrowed || !job->conn) {
		job->conn = NULL;
		return;
	}
	if (keep && job->step == JOB_DONE && PQstatus(job->conn) == CONNECTION_OK &&
	    PQtransactionStatus(job->conn) == PQTRANS_IDLE) {
		state->spares = pt__xrealloc(state->spares, (size_t)(state->nr_spares + 1) *
								     sizeof(*state->spares));
		state->spares[state->nr_spares++] = job->conn;
	} else {
		PQfinish(job->conn);
	}
	job->conn = NULL;
}

/*
 * Makes those of clones[0..nr-1] not made yet, at once (run_clone_jobs),
 * connecting first if need be; state->marker must hold this run's clone
 * marker. drop (NULL, or one flag per clone) names clones that are this
 * run's and made anew: each is dropped first, on its job's connection,
 * and its flag cleared. With keep_connections the connections opened stay
 * open as spares for the next call (renewals come one batch after
 * another); else they are closed. While other sessions are connected to
 * the template, waits for them up to ?partest_wait= seconds and tries
 * again. On failure the clones made stay made (clone->made), for the
 * caller to drop.
 */
static int make_clones(struct pt__db *db, struct pt__db_clone **clones, int nr, bool *drop,
		       bool keep_connections, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	long long deadline = pt__now_ms() + 1000LL * state->url.wait_seconds;
	struct clone_job *jobs = pt__xcalloc((size_t)nr, sizeof(*jobs));
	int rc;

	for (;;) {
		struct clone_job *failed = NULL, *blocked = NULL;
		int started = 0;
		for (int k = 0; k < nr; k++) {
			if (clones[k]->made && !(drop && drop[k]))
				continue;
			pt__buf_release(&jobs[started].error);
			jobs[started++] = (struct clone_job){
				.clone = clones[k], .drop = drop && drop[k] ? &drop[k] : NULL};
		}
		if ((rc = pick_strategy(db, started, err)))
			goto out;
		rc = run_clone_jobs(db, jobs, started);
		for (int i = 0; i < started; i++)
			end_job_connection(state, &jobs[i], keep_connections);
		if (rc) {
			pt__buf_adds(err, "interrupted while making the database clones");
			goto out;
		}
		for (int i = 0; i < started; i++) {
			struct clone_job *job = &jobs[i];
			if (job->step == JOB_DONE)
				continue;
			/* Someone is connected to the template: wait and retry. */
			if (!strcmp(job->sqlstate, OBJECT_IN_USE) && !job->clone->made)
				blocked = blocked ? blocked : job;
			else if (!failed)
				failed = job;
		}
		if (!failed && !blocked)
			break;
		/* Past the deadline it names the sessions; else the server's reason stands. */
		if (!failed && (rc = wait_for_template(db, deadline, err)))
			goto out;
		if (failed || pt__now_ms() >= deadline) {
			failed = failed ? failed : blocked;
			pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s: %s",
				     state->url.dbname, failed->clone->name,
				     state->shared.where ? state->shared.where : "the server",
				     failed->error.data);
			rc = PT__ERUN;
			goto out;
		}
	}
out:
	for (int k = 0; k < nr; k++)
		pt__buf_release(&jobs[k].error);
	free(jobs);
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

/* This run's clone marker, and its clones named and not made yet. */
static void start_clones(struct pt__db *db)
{
	struct pg_state *state = db->state;

	pt__buf_reset(&state->marker);
	pt__db_owner_format_this_run(db->ctx, true, &state->marker);
	pt__db_clones_release(&state->clones);
	pt__db_clones_init_named(&state->clones, db, state->url.dbname, PT__PG_NAME_MAX, false,
				 format_clone_url);
}

/* No new connections to a template partest built, and marked as a template. */
static int protect_template(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf what = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "protect the template \"%s\" while cloning", state->url.dbname);
	rc = pt__db_admin_command(db, what.data, "ALTER DATABASE ", state->url.dbname,
				  " ALLOW_CONNECTIONS false IS_TEMPLATE true", err);
	pt__buf_release(&what);
	return rc;
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
	struct pt__db_clone **clones = NULL;
	int rc, ours;

	if ((rc = lock_template(db, err)))
		return rc;
	if (!state->claimed)
		start_clones(db);
	if (state->claimed == workers) {
		unlock_template(db); /* every clone claimed ready: nothing to copy */
		return 0;
	}
	ours = postgres_template_is_ours(db, false, err);
	if (ours < 0) {
		rc = ours;
		goto fail;
	}
	if (ours && (rc = protect_template(db, err)))
		goto fail;
	clones = pt__xcalloc((size_t)workers, sizeof(*clones));
	for (int k = 0; k < workers; k++)
		clones[k] = &state->clones.items[k];
	if ((rc = make_clones(db, clones, workers, NULL, false, err)))
		goto fail;
	free(clones);
	unlock_template(db);
	return 0;
fail:
	free(clones);
	pt__db_clones_abandon(&state->clones, db, drop_clone);
	unlock_template(db);
	return rc;
}

static int postgres_drop_clones(struct pt__db *db, struct pt__buf *err)
{
	struct pg_state *state = db->state;

	unlock_template(db);
	state->claimed = 0;
	return pt__db_clones_drop(&state->clones, db, drop_clone, err);
}

static int drop_leftover(struct pt__db *db, const struct pt__db_leftover *leftover,
			 struct pt__buf *err)
{
	return pt__db_admin_command(db, "drop", "DROP DATABASE IF EXISTS ", leftover->name, "",
				    err);
}

/*
 * The owner of a clone its runner could not mark, from its name
 * "<template>_pt<pid>_<rnd>_<tail>" (pt__db_clone_name): a run of this host
 * whose start time is unknown. False when name is not such a name.
 */
static bool owner_from_name(const struct pt__db *db, const char *name,
			    struct pt__db_owner *owner)
{
	const char *tail = strrchr(name, '_'), *rnd, *pt;
	char *end;
	long pid;

	if (!tail || tail == name)
		return false;
	for (rnd = tail - 1; rnd > name && *rnd != '_'; rnd--)
		;
	for (pt = rnd - 1; pt > name && *pt != '_'; pt--)
		;
	if (rnd <= name || pt <= name || strncmp(pt, "_pt", 3))
		return false;
	pid = strtol(pt + 3, &end, 10);
	if (end != rnd || pid <= 0)
		return false;
	pt__db_owner_of_this_run(owner, db->ctx, true);
	snprintf(owner->run_id, sizeof(owner->run_id), "partest-%ld-%.*s", pid,
		 (int)(tail - rnd - 1), rnd + 1);
	owner->pid = pid;
	owner->start = 0;
	return true;
}

/* Adds to list the clones that carry unmarked_clone_limit() and no marker. */
static int find_unmarked(struct pt__db *db, struct pt__db_leftovers *list, struct pt__buf *err)
{
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&sql,
		     "SELECT datname FROM pg_database WHERE datconnlimit = %d AND "
		     "shobj_description(oid, 'pg_database') IS NULL ORDER BY datname",
		     unmarked_clone_limit());
	struct pt__db_statement look = {
		.what = "look for clones that dead runs could not mark",
		.sql = sql.data,
		.interruptible = true,
	};
	rc = pt__db_admin_run(db, &look, &rows, NULL, err);
	for (size_t i = 0; !rc && i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_leftover item = {.name = row[0], .what = "PostgreSQL database"};
		if (owner_from_name(db, row[0], &item.owner))
			pt__db_leftovers_add(list, &item);
	}
	pt__db_rows_release(&rows);
	pt__buf_release(&sql);
	return rc;
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
	if ((rc = find_unmarked(db, &list, err))) {
		pt__db_leftovers_release(&list);
		return rc;
	}
	pt__db_reap_leftovers(db, &list, drop_leftover, state->shared.where, dropped);
	pt__db_leftovers_release(&list);
	return 0;
}

/* ---- a clone made anew, a clone kept ---- */

/*
 * Clones ks[0..n-1] dropped (those that are this run's) and made again
 * from the template, all at once, each drop, copy and marker on a
 * connection of its own (make_clones: the admin connection and spares
 * kept from the last renewal), under the template's lock, waiting for
 * sessions on the template as postgres_clone does.
 */
static int postgres_renew_clones(struct pt__db *db, const int *ks, int n, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_clone **clones = pt__xcalloc((size_t)n, sizeof(*clones));
	bool *drop = pt__xcalloc((size_t)n, sizeof(*drop));
	int rc = lock_template(db, err);

	for (int i = 0; !rc && i < n; i++) {
		char *comment = NULL;
		bool exists;
		clones[i] = &state->clones.items[ks[i]];
		if ((rc = read_comment(db, clones[i]->name, &exists, &comment, err)))
			break;
		/* This run's: its marker, or none on one this run made but failed to mark. */
		drop[i] = exists &&
			  (comment ? !strcmp(comment, state->marker.data) : clones[i]->made);
		if (exists && !drop[i]) {
			pt__buf_addf(err,
				     "cannot make the clone \"%s\" anew on %s: a database of that "
				     "name is there and is not this run's",
				     clones[i]->name, state->shared.where);
			rc = PT__ERUN;
		}
		clones[i]->made = drop[i];
		free(comment);
	}
	if (!rc)
		rc = make_clones(db, clones, n, drop, true, err);
	unlock_template(db);
	free(drop);
	free(clones);
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

/* ---- ready clones ---- */

/*
 * Renames database from to to and gives it marker, in one transaction (or,
 * within the caller's, one savepoint): an observer sees the one or the
 * other, each with its marker. Returns 0, 1 when from is not there
 * (another run claimed or dropped it first), or a negative code with the
 * reason in err. One with a session on it counts as not there.
 */
static int rename_marked(struct pt__db *db, const char *from, const char *to, const char *marker,
			 bool nested, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, why = PT__BUF_INIT;
	PGresult *res = NULL;
	bool gone = false;
	int rc;

	if ((rc = pt__db_admin_connect(db, err)))
		return rc;
	PQclear(run_query(state->admin, nested ? "SAVEPOINT claim" : "BEGIN", NULL, NULL));
	pt__buf_adds(&sql, "ALTER DATABASE ");
	add_identifier(state->admin, from, &sql);
	pt__buf_adds(&sql, " RENAME TO ");
	add_identifier(state->admin, to, &sql);
	res = run_query(state->admin, sql.data, NULL, NULL);
	if (result_ok(res)) {
		PQclear(res);
		pt__buf_reset(&sql);
		pt__buf_adds(&sql, "COMMENT ON DATABASE ");
		add_identifier(state->admin, to, &sql);
		pt__buf_adds(&sql, " IS ");
		add_literal(state->admin, marker, &sql);
		res = run_query(state->admin, sql.data, NULL, NULL);
	}
	if (result_ok(res)) {
		PQclear(res);
		res = run_query(state->admin, nested ? "RELEASE SAVEPOINT claim" : "COMMIT", NULL,
				NULL);
	}
	if (!result_ok(res)) {
		/* invalid_catalog_name; or a session on it: another's, not to take */
		gone = !strcmp(sqlstate(res), "3D000") || !strcmp(sqlstate(res), OBJECT_IN_USE);
		add_pg_error(state->admin, res, &why);
		PQclear(run_query(state->admin, nested ? "ROLLBACK TO SAVEPOINT claim" : "ROLLBACK",
				  NULL, NULL));
	}
	PQclear(res);
	if (why.len && !gone) {
		pt__buf_addf(err, "cannot rename \"%s\" to \"%s\" on %s: %s", from, to,
			     state->shared.where, why.data);
		rc = PT__ERUN;
	}
	pt__buf_release(&sql);
	pt__buf_release(&why);
	return rc ? rc : gone;
}

/* The ready clones of this template on the server: name and marker, oldest first. */
static int list_ready(struct pt__db *db, struct pt__db_leftovers *list, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__db_statement look = {
		.what = "look for ready clones",
		.sql = "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database "
		       "WHERE shobj_description(oid, 'pg_database') LIKE 'partest ready v1 %' "
		       "ORDER BY oid",
		.interruptible = true,
	};
	int rc = pt__db_admin_run(db, &look, &rows, NULL, err);

	for (size_t i = 0; !rc && i < rows.nr; i++) {
		char *const *row = pt__db_rows_row(&rows, i);
		struct pt__db_leftover item = {.name = row[0], .what = "PostgreSQL database"};
		if (pt__db_owner_parse(row[1], &item.owner) &&
		    pt__db_owner_of_template(&item.owner, state->url.dbname))
			pt__db_leftovers_add(list, &item);
	}
	pt__db_rows_release(&rows);
	return rc;
}

static int postgres_ready_sweep(struct pt__db *db, const char *fingerprint, struct pt__buf *dropped,
				struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_leftovers list = {NULL, 0, 0};
	int rc = list_ready(db, &list, err), left = 0;

	for (size_t i = 0; !rc && i < list.nr; i++) {
		const struct pt__db_leftover *ready = &list.items[i];
		struct pt__buf what = PT__BUF_INIT;
		if (fingerprint && !strcmp(ready->owner.fingerprint, fingerprint)) {
			left++;
			continue;
		}
		pt__buf_addf(&what, "drop the ready clone \"%s\"", ready->name);
		rc = pt__db_admin_command(db, what.data, "DROP DATABASE IF EXISTS ", ready->name,
					  "", err);
		pt__buf_release(&what);
		if (!rc && dropped)
			pt__buf_addf(dropped,
				     "dropped the ready PostgreSQL database \"%s\" on %s\n",
				     ready->name, state->shared.where);
	}
	pt__db_leftovers_release(&list);
	return rc ? rc : left;
}

/*
 * Claims ready clones of fingerprint, oldest first, into this run's clone
 * slots: each renamed to the slot's name with this run's marker
 * (rename_marked), which fails for all but one of two runs claiming one
 * clone; all in one transaction, so that the claim costs one commit (one
 * WAL flush) however many clones it takes.
 */
static int postgres_ready_claim(struct pt__db *db, const char *fingerprint, struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__db_leftovers list = {NULL, 0, 0};
	int rc = list_ready(db, &list, err), claimed = 0;

	start_clones(db);
	if (!rc)
		rc = pt__db_admin_exec(db, "claim ready clones", "BEGIN", err);
	for (size_t i = 0; !rc && i < list.nr && claimed < db->ctx->workers; i++) {
		if (strcmp(list.items[i].owner.fingerprint, fingerprint))
			continue;
		rc = rename_marked(db, list.items[i].name, state->clones.items[claimed].name,
				   state->marker.data, true, err);
		claimed += rc == 0;
		rc = rc < 0 ? rc : 0;
	}
	if (!rc)
		rc = pt__db_admin_exec(db, "claim ready clones", "COMMIT", err);
	if (rc) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_admin_exec(db, "roll back", "ROLLBACK", &ignored);
		pt__buf_release(&ignored);
		claimed = 0;
	}
	for (int k = 0; k < claimed; k++)
		state->clones.items[k].made = true;
	state->claimed = claimed;
	pt__db_leftovers_release(&list);
	return rc ? rc : claimed;
}

/*
 * Each ready clone copied as this process's clone (make_clones, with the
 * clone marker a reap takes once it is dead), then renamed ready with its
 * marker in one transaction.
 */
static int postgres_ready_make(struct pt__db *db, const char *fingerprint, int n,
			       struct pt__buf *err)
{
	struct pg_state *state = db->state;
	struct pt__buf ready = PT__BUF_INIT, marker = PT__BUF_INIT, name = PT__BUF_INIT;
	int rc = protect_template(db, err);

	pt__buf_reset(&state->marker);
	pt__db_owner_format_this_run(db->ctx, true, &state->marker);
	pt__db_owner_format_ready(db->ctx, state->url.dbname, fingerprint, &marker);
	for (int i = 0; !rc && i < n; i++) {
		struct pt__db_clone clone = {NULL, NULL, false}, *one = &clone;
		int serial = ++state->ready_serial;
		pt__buf_reset(&name);
		pt__buf_reset(&ready);
		pt__db_clone_name(state->url.dbname, db->ctx->run_id, serial, PT__PG_NAME_MAX,
				  false, &name);
		pt__db_ready_name(state->url.dbname, db->ctx->run_id, serial, PT__PG_NAME_MAX,
				  false, &ready);
		clone.name = name.data;
		rc = make_clones(db, &one, 1, NULL, false, err);
		if (!rc &&
		    (rc = rename_marked(db, clone.name, ready.data, marker.data, false, err)) > 0) {
			pt__buf_addf(err, "cannot make \"%s\" ready on %s: it is gone", clone.name,
				     state->shared.where);
			rc = PT__ERUN;
		}
		if (rc && clone.made) {
			struct pt__buf ignored = PT__BUF_INIT;
			drop_clone(db, &clone, &ignored);
			pt__buf_release(&ignored);
		}
	}
	unlock_template(db);
	pt__buf_release(&ready);
	pt__buf_release(&marker);
	pt__buf_release(&name);
	return rc;
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
	.renew_clones = postgres_renew_clones,
	.keep_clone = postgres_keep_clone,
	.kept = postgres_kept,
	.drop_clones = postgres_drop_clones,
	.reap = postgres_reap,
	.identify = postgres_identify,
	.ready_sweep = postgres_ready_sweep,
	.ready_claim = postgres_ready_claim,
	.ready_make = postgres_ready_make,
	.admin = &postgres_admin,
};

#else
typedef int pt__pg_backend_not_built; /* ISO C wants something in a file */
#endif
