/*
 * The Oracle backend.
 *
 * partest connects as the URL's user (an administrator of test schemas)
 * and talks to the server through OCI, loaded at run time (load_oci()).
 * The template is a schema (datapump, setup) or a pluggable database
 * (pdb). Clones are schemas or PDBs named after the template and the run.
 *
 * Ours: Oracle users and PDBs carry no comment, so partest keeps a
 * registry table, PARTEST_REGISTRY, in the connecting user's schema: one
 * row per object it created, holding the object's name, its USER_ID (or
 * CON_UID) and partest's marker ("partest clone v1 run=... host=... pid=...
 * start=...", the PostgreSQL backend's format). An object is partest's only
 * while a row matches both its name and its id, and every drop checks that
 * inside the same PL/SQL block that drops.
 *
 * Clones are made at once, one thread and one OCI connection each; Ctrl-C
 * interrupts the statements in flight with OCIBreak().
 */
#include "oracle.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../clock.h"
#include "../signals.h"
#include "../xalloc.h"
#include "oracle_oci.h"
#include "admin.h"
#include "clones.h"
#include "owner.h"
#include "postgres.h" /* the marker format and process start times */

#define MESSAGE_MAX 2048
#define COLUMNS_MAX 3
#define COLUMN_SIZE 600

/* ORA codes partest acts on. */
#define ORA_TABLE_MISSING  942
#define ORA_USER_CONNECTED 1940
#define ORA_CANCELLED	   1013

/* The OCI entry points, loaded once per process. */
static struct {
	void *handle;
	pt__oci_env_nls_create_fn env_nls_create;
	pt__oci_handle_alloc_fn handle_alloc;
	pt__oci_handle_free_fn handle_free;
	pt__oci_logon2_fn logon2;
	pt__oci_logoff_fn logoff;
	pt__oci_stmt_prepare2_fn stmt_prepare2;
	pt__oci_stmt_execute_fn stmt_execute;
	pt__oci_define_by_pos_fn define_by_pos;
	pt__oci_stmt_fetch2_fn stmt_fetch2;
	pt__oci_stmt_release_fn stmt_release;
	pt__oci_error_get_fn error_get;
	pt__oci_break_fn brk;
	pt__oci_server_version_fn server_version;
} oci;

struct conn {
	OCISvcCtx *svc;
	OCIError *errh;
};

struct ora_state {
	struct pt__db_admin shared; /* first: where the admin connection is */
	struct pt__ora_url url;
	OCIEnv *env;
	struct conn admin;
	bool connected;
	char *banner;
	int name_limit;
	bool registry_ready;
	struct pt__buf marker; /* this run's clone marker */
	char *link;	       /* datapump: this run's loopback link, once made */
	struct pt__db_clones clones;
};

/* One statement's outcome: 0 or the ORA code, and the server's first line. */
struct outcome {
	int code;
	char message[MESSAGE_MAX];
};

static const char missing_library[] =
	"install Oracle Instant Client Basic or Basic Light "
	"(https://www.oracle.com/database/technologies/instant-client.html) and point partest at "
	"it with PARTEST_OCI_LIBRARY=/path/to/libclntsh.so (or LD_LIBRARY_PATH=/path/to/"
	"instantclient)";

/*
 * Loads libclntsh and its entry points: $PARTEST_OCI_LIBRARY when set (and
 * only it), else $ORACLE_HOME/lib/libclntsh.so, else whatever the dynamic
 * linker finds as libclntsh.so. Returns 0 or PT__ERUN saying what to
 * install.
 */
static int load_oci(const struct pt__db *db, struct pt__buf *err)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const char *explicit_path = getenv("PARTEST_OCI_LIBRARY");
	char *candidates[3] = {NULL, NULL, NULL};
	struct pt__buf why = PT__BUF_INIT;
	void *handle = NULL;
	int n, rc = 0;

	pthread_mutex_lock(&lock);
	if (oci.handle)
		goto out;
	n = pt__ora_library_candidates(explicit_path, getenv("ORACLE_HOME"), candidates);
	for (int i = 0; i < n && !handle; i++) {
		handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
		if (!handle && i == 0 && explicit_path && *explicit_path) {
			const char *e = dlerror();
			pt__buf_adds(&why, e ? e : "cannot be loaded");
		}
	}
	if (!handle) {
		if (why.len)
			pt__buf_addf(err,
				     "cannot load the Oracle client library for --db %s: "
				     "PARTEST_OCI_LIBRARY: %s; %s",
				     db->alias, why.data, missing_library);
		else
			pt__buf_addf(
				err,
				"cannot load the Oracle client library for --db %s: no "
				"libclntsh.so in $ORACLE_HOME/lib or the dynamic linker's path; "
				"%s",
				db->alias, missing_library);
		rc = PT__ERUN;
		goto out;
	}
#define LOAD(field, symbol)                                                                        \
	do {                                                                                       \
		void *sym = dlsym(handle, symbol);                                                 \
		if (!sym) {                                                                        \
			pt__buf_addf(                                                              \
				err,                                                               \
				"cannot use the Oracle client library for --db %s: it has no "     \
				"%s (Instant Client 11.2 or later is needed); %s",                 \
				db->alias, symbol, missing_library);                               \
			dlclose(handle);                                                           \
			memset(&oci, 0, sizeof(oci));                                              \
			rc = PT__ERUN;                                                             \
			goto out;                                                                  \
		}                                                                                  \
		memcpy(&oci.field, &sym, sizeof(sym));                                             \
	} while (0)
	LOAD(env_nls_create, "OCIEnvNlsCreate");
	LOAD(handle_alloc, "OCIHandleAlloc");
	LOAD(handle_free, "OCIHandleFree");
	LOAD(logon2, "OCILogon2");
	LOAD(logoff, "OCILogoff");
	LOAD(stmt_prepare2, "OCIStmtPrepare2");
	LOAD(stmt_execute, "OCIStmtExecute");
	LOAD(define_by_pos, "OCIDefineByPos");
	LOAD(stmt_fetch2, "OCIStmtFetch2");
	LOAD(stmt_release, "OCIStmtRelease");
	LOAD(error_get, "OCIErrorGet");
	LOAD(brk, "OCIBreak");
	LOAD(server_version, "OCIServerVersion");
#undef LOAD
	oci.handle = handle;
out:
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 3; i++)
		free(candidates[i]);
	pt__buf_release(&why);
	return rc;
}

/* The error handle's first record: its ORA code and first line. */
static void read_error(OCIError *errh, sword status, struct outcome *out)
{
	OraText text[MESSAGE_MAX];
	sb4 code = 0;

	text[0] = '\0';
	if (status == OCI_INVALID_HANDLE || !errh ||
	    oci.error_get(errh, 1, NULL, &code, text, sizeof(text), OCI_HTYPE_ERROR) != OCI_SUCCESS)
		snprintf((char *)text, sizeof(text), "OCI call failed with status %d", (int)status);
	out->code = code > 0 ? (int)code : -1;
	text[strcspn((char *)text, "\n")] = '\0';
	snprintf(out->message, sizeof(out->message), "%s", (char *)text);
}

/*
 * Runs sql on c: a SELECT is fetched (its first COLUMNS_MAX columns, as
 * strings, into rows when rows is given); anything else is executed and
 * committed. Returns 0 or the ORA code (-1 when OCI gave none), filling
 * out.
 */
static int run_sql(struct conn *c, const char *sql, struct pt__db_rows *rows, struct outcome *out)
{
	bool query = !strncmp(sql, "SELECT", 6);
	char columns[COLUMNS_MAX][COLUMN_SIZE];
	const char *values[COLUMNS_MAX];
	short indicators[COLUMNS_MAX] = {-1, -1, -1};
	OCIStmt *stmt = NULL;
	sword status;

	out->code = 0;
	out->message[0] = '\0';
	status = oci.stmt_prepare2(c->svc, &stmt, c->errh, (const OraText *)sql, (ub4)strlen(sql),
				   NULL, 0, OCI_NTV_SYNTAX, OCI_DEFAULT);
	if (status != OCI_SUCCESS && status != OCI_SUCCESS_WITH_INFO) {
		read_error(c->errh, status, out);
		return out->code;
	}
	for (int i = 0; query && i < COLUMNS_MAX; i++) {
		OCIDefine *define = NULL;
		columns[i][0] = '\0';
		oci.define_by_pos(stmt, &define, c->errh, (ub4)(i + 1), columns[i], COLUMN_SIZE,
				  SQLT_STR, &indicators[i], NULL, NULL, OCI_DEFAULT);
	}
	status = oci.stmt_execute(c->svc, stmt, c->errh, query ? 0 : 1, 0, NULL, NULL,
				  query ? OCI_DEFAULT : OCI_COMMIT_ON_SUCCESS);
	while (query && (status == OCI_SUCCESS || status == OCI_SUCCESS_WITH_INFO)) {
		for (int i = 0; i < COLUMNS_MAX; i++)
			columns[i][0] = '\0';
		status = oci.stmt_fetch2(stmt, c->errh, 1, OCI_FETCH_NEXT, 0, OCI_DEFAULT);
		if (status == OCI_SUCCESS || status == OCI_SUCCESS_WITH_INFO) {
			for (int i = 0; i < COLUMNS_MAX; i++)
				values[i] = indicators[i] == -1 ? NULL : columns[i];
			if (rows) {
				rows->columns = COLUMNS_MAX;
				pt__db_rows_add(rows, values);
			}
		}
	}
	if (status != OCI_SUCCESS && status != OCI_SUCCESS_WITH_INFO && status != OCI_NO_DATA)
		read_error(c->errh, status, out);
	oci.stmt_release(stmt, c->errh, NULL, 0, OCI_DEFAULT);
	return out->code;
}

/* "ORA-01031: insufficient privileges; grant partest's user CREATE USER". */
static void add_outcome(const struct outcome *outcome, enum pt__ora_op op, struct pt__buf *err)
{
	const char *hint = pt__ora_privilege_hint(op, outcome->code);

	pt__buf_adds(err, outcome->message[0] ? outcome->message : "the server gave no reason");
	if (hint)
		pt__buf_addf(err, " (%s)", hint);
}

/*
 * The URL as given: partest connects as its user, where template_url names
 * the template schema's.
 */
static void describe_url(const struct pt__db *db, struct pt__buf *out)
{
	pt__buf_addf(out, "--db %s (\"", db->alias);
	pt__db_redact_url(db->url, out);
	pt__buf_adds(out, "\")");
}

/* Opens a connection as the URL's user. Returns 0, or PT__ERUN with the
 * reason in *out. */
static int connect_as(struct ora_state *state, struct conn *c, struct outcome *out)
{
	struct pt__buf connect = PT__BUF_INIT;
	sword status;

	out->code = 0;
	if (oci.handle_alloc(state->env, (void **)&c->errh, OCI_HTYPE_ERROR, 0, NULL)) {
		snprintf(out->message, sizeof(out->message), "cannot allocate an OCI error handle");
		out->code = -1;
		return PT__ERUN;
	}
	pt__ora_connect_string(&state->url, state->url.service, &connect);
	status = oci.logon2(state->env, c->errh, &c->svc, (const OraText *)state->url.user,
			    (ub4)strlen(state->url.user), (const OraText *)state->url.password,
			    (ub4)strlen(state->url.password), (const OraText *)connect.data,
			    (ub4)connect.len, OCI_DEFAULT);
	pt__buf_release(&connect);
	if (status != OCI_SUCCESS && status != OCI_SUCCESS_WITH_INFO) {
		read_error(c->errh, status, out);
		oci.handle_free(c->errh, OCI_HTYPE_ERROR);
		c->errh = NULL;
		c->svc = NULL;
		return PT__ERUN;
	}
	return 0;
}

static void disconnect(struct conn *c)
{
	if (c->svc)
		oci.logoff(c->svc, c->errh);
	if (c->errh)
		oci.handle_free(c->errh, OCI_HTYPE_ERROR);
	c->svc = NULL;
	c->errh = NULL;
}

/* Loads OCI and makes the environment, once. */
static int oracle_prepare(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	int rc;

	if (state->env)
		return 0;
	if ((rc = load_oci(db, err)))
		return rc;
	if (oci.env_nls_create(&state->env, OCI_THREADED, NULL, NULL, NULL, NULL, 0, NULL,
			       OCI_AL32UTF8, OCI_AL32UTF8) != OCI_SUCCESS) {
		state->env = NULL;
		pt__buf_adds(err, "cannot start the Oracle client for ");
		describe_url(db, err);
		pt__buf_adds(err, ": OCIEnvNlsCreate failed (is the Instant Client complete?)");
		return PT__ERUN;
	}
	return 0;
}

/* Connects as the URL's user and reads the server's banner (once). */
static int oracle_connect(struct pt__db *db, struct pt__buf *where, bool *lost, struct pt__buf *why)
{
	struct ora_state *state = db->state;
	struct outcome outcome;
	OraText banner[512];

	(void)lost; /* a lost connection shows in its statement's ORA code */
	if (state->connected)
		return 0;
	if (connect_as(state, &state->admin, &outcome)) {
		add_outcome(&outcome, PT__ORA_OP_CONNECT, why);
		return PT__ERUN;
	}
	state->connected = true;
	pt__ora_connect_string(&state->url, state->url.service, where);
	banner[0] = '\0';
	if (oci.server_version(state->admin.svc, state->admin.errh, banner, sizeof(banner),
			       OCI_HTYPE_SVCCTX) != OCI_SUCCESS)
		banner[0] = '\0';
	banner[strcspn((char *)banner, "\n")] = '\0';
	free(state->banner);
	state->banner = pt__xstrdup((char *)banner);
	state->name_limit = pt__ora_name_limit(state->banner);
	return 0;
}

/*
 * Runs a statement as the admin, its purpose (an enum pt__ora_op) naming
 * the privilege a failure most likely lacks. ORA-01013 is an interruption.
 */
static int oracle_run(struct pt__db *db, const struct pt__db_statement *statement,
		      struct pt__db_rows *rows, int *code, struct pt__buf *why)
{
	struct ora_state *state = db->state;
	struct outcome outcome;

	if (!run_sql(&state->admin, statement->sql, rows, &outcome))
		return 0;
	if (outcome.code == ORA_CANCELLED)
		return PT__EINTR;
	*code = outcome.code;
	add_outcome(&outcome, (enum pt__ora_op)statement->purpose, why);
	return PT__ERUN;
}

/* Names are checked to be plain when the URL is parsed: quoting cannot fail. */
static void oracle_add_identifier(struct pt__db *db, const char *name, struct pt__buf *out)
{
	(void)db;
	pt__db_add_quoted(name, '"', out);
}

static const struct pt__db_admin_ops oracle_admin = {
	.engine = "Oracle",
	.prepare = oracle_prepare,
	.connect = oracle_connect,
	.describe = describe_url,
	.run = oracle_run,
	.add_identifier = oracle_add_identifier,
};

/* Runs sql as the admin, for op (see oracle_run), its rows in rows if given. */
static int admin_sql(struct pt__db *db, enum pt__ora_op op, const char *what, const char *sql,
		     struct pt__db_rows *rows, int *code, struct pt__buf *err)
{
	struct pt__db_statement statement = {.what = what, .sql = sql, .purpose = (int)op};

	return pt__db_admin_run(db, &statement, rows, code, err);
}

static int ensure_registry(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	int rc;

	if (state->registry_ready)
		return 0;
	pt__ora_sql_create_registry(&sql);
	rc = admin_sql(db, PT__ORA_OP_REGISTRY, "create partest's registry table PARTEST_REGISTRY",
		       sql.data, NULL, NULL, err);
	state->registry_ready = !rc;
	pt__buf_release(&sql);
	return rc;
}

static int oracle_open(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = pt__xcalloc(1, sizeof(*state));
	struct pt__buf url = PT__BUF_INIT;
	int rc;

	if ((rc = pt__ora_url_parse(db->url, &state->url, err))) {
		free(state);
		return rc;
	}
	db->state = state;
	/* (partest_strategy=setup without --db-setup is refused when cloning:
	 * partest db clean needs no set-up.) */
	if (state->url.strategy == PT__ORA_STRATEGY_PDB && db->ctx->setup_cmd) {
		pt__buf_adds(err, "--db \"");
		pt__db_redact_url(db->url, err);
		pt__buf_adds(err,
			     "\": partest_strategy=pdb clones an existing PDB and does not build "
			     "it with --db-setup; build it yourself or use datapump or setup");
		return PT__EUSAGE;
	}
	/* What --db-setup gets: the template schema, with the URL's password
	 * (the password partest gives a template it creates). */
	pt__ora_url_format(&state->url, state->url.schema, state->url.password,
			   state->url.strategy == PT__ORA_STRATEGY_PDB ? state->url.pdb
								       : state->url.service,
			   &url);
	db->template_url = pt__buf_detach(&url);
	state->name_limit = PT__ORA_NAME_MAX_OLD;
	return 0;
}

static void oracle_close(struct pt__db *db)
{
	struct ora_state *state = db->state;

	if (!state)
		return;
	if (state->connected)
		disconnect(&state->admin);
	if (state->env)
		oci.handle_free(state->env, OCI_HTYPE_ENV);
	pt__db_clones_release(&state->clones);
	free(state->link);
	pt__db_admin_release(&state->shared);
	free(state->banner);
	pt__buf_release(&state->marker);
	pt__ora_url_release(&state->url);
	free(state);
	db->state = NULL;
}

static bool uses_pdb(const struct ora_state *state)
{
	return state->url.strategy == PT__ORA_STRATEGY_PDB;
}

static int oracle_template_exists(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	int rc;

	if (uses_pdb(state))
		pt__ora_sql_pdb_exists(state->url.pdb, &sql);
	else
		pt__ora_sql_user_exists(state->url.schema, &sql);
	rc = admin_sql(db, PT__ORA_OP_LOOKUP, "look for the template", sql.data, &rows, NULL, err);
	if (!rc)
		rc = rows.nr > 0;
	pt__db_rows_release(&rows);
	pt__buf_release(&sql);
	return rc;
}

/* The registry's marker (rows' first value) names this run. */
static bool marker_is_this_runs(const struct pt__db *db, const struct pt__db_rows *rows)
{
	struct pt__db_owner owner;
	const char *marker = pt__db_rows_get(rows, 0, 0);

	return marker && pt__db_owner_parse(marker, &owner) &&
	       !strcmp(owner.run_id, db->ctx->run_id);
}

static int oracle_template_is_ours(struct pt__db *db, bool this_run, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, why = PT__BUF_INIT;
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	int code, rc;

	if (uses_pdb(state))
		return 0; /* partest never builds a template PDB */
	pt__ora_sql_registry_marker(state->url.schema, "template", &sql);
	rc = admin_sql(db, PT__ORA_OP_LOOKUP, "read partest's registry", sql.data, &rows, &code,
		       &why);
	if (rc && code == ORA_TABLE_MISSING)
		rc = 0; /* no registry: partest never created anything here */
	else if (rc)
		pt__buf_add(err, why.data, why.len);
	else
		rc = rows.nr > 0 && (!this_run || marker_is_this_runs(db, &rows));
	pt__db_rows_release(&rows);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	return rc;
}

static int oracle_create_template(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, marker = PT__BUF_INIT, what = PT__BUF_INIT;
	int rc;

	if ((rc = ensure_registry(db, err)))
		return rc;
	pt__db_owner_format_this_run(db->ctx, false, &marker);
	pt__buf_addf(&what, "create the template schema \"%s\"", state->url.schema);
	pt__ora_sql_create_user(state->url.schema, state->url.password, state->url.tablespace,
				"template", marker.data, &sql);
	rc = admin_sql(db, PT__ORA_OP_CREATE_USER, what.data, sql.data, NULL, NULL, err);
	if (!rc) {
		pt__buf_reset(&sql);
		pt__ora_sql_default_grants(state->url.schema, &sql);
		rc = admin_sql(db, PT__ORA_OP_GRANT, what.data, sql.data, NULL, NULL, err);
		if (rc) {
			struct pt__buf ignored = PT__BUF_INIT;
			pt__buf_reset(&sql);
			pt__ora_sql_drop_user(state->url.schema, "template", marker.data, &sql);
			admin_sql(db, PT__ORA_OP_DROP_USER, "drop", sql.data, NULL, NULL, &ignored);
			pt__buf_release(&ignored);
		}
	}
	pt__buf_release(&sql);
	pt__buf_release(&marker);
	pt__buf_release(&what);
	return rc;
}

static int oracle_drop_template(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, what = PT__BUF_INIT;
	int rc;

	pt__buf_addf(&what, "drop the template schema \"%s\"", state->url.schema);
	pt__ora_sql_drop_user(state->url.schema, "template", NULL, &sql);
	rc = admin_sql(db, PT__ORA_OP_DROP_USER, what.data, sql.data, NULL, NULL, err);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static int oracle_fingerprint(struct pt__db *db, struct pt__buf *out, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	int rc = pt__db_admin_connect(db, err);

	if (!rc)
		pt__buf_addf(out, "oracle server %s", state->banner);
	return rc;
}

/* ---- cloning ---- */

struct clone_job {
	struct pt__db *db;
	struct pt__db_clone *clone;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock; /* guards conn.svc against OCIBreak from the main thread */
	struct conn conn;
	OCIError *break_errh;
	atomic_bool done;
	enum pt__ora_op failed_op;
	struct pt__buf what; /* what failed, for the message */
	struct outcome outcome;
};

/* Runs sql for the job; on failure notes op and what in it and returns PT__ERUN. */
static int job_sql(struct clone_job *job, enum pt__ora_op op, const char *what, const char *sql)
{
	if (!run_sql(&job->conn, sql, NULL, &job->outcome))
		return 0;
	job->failed_op = op;
	pt__buf_adds(&job->what, what);
	return PT__ERUN;
}

/* One clone, on its own connection: create, grant, import (or the PDB). */
static void *clone_thread(void *arg)
{
	struct clone_job *job = arg;
	struct ora_state *state = job->db->state;
	const char *name = job->clone->name;
	struct pt__buf sql = PT__BUF_INIT, job_name = PT__BUF_INIT;
	struct conn conn = {NULL, NULL};

	if (connect_as(state, &conn, &job->outcome)) {
		job->failed_op = PT__ORA_OP_CONNECT;
		pt__buf_adds(&job->what, "connect");
		goto out;
	}
	pthread_mutex_lock(&job->lock);
	job->conn = conn;
	pthread_mutex_unlock(&job->lock);
	if (pt__cancelled(&job->db->ctx->cancel)) {
		job->outcome.code = ORA_CANCELLED;
		goto out;
	}
	if (uses_pdb(state)) {
		pt__ora_sql_create_pdb(name, state->url.pdb, state->url.snapshot,
				       state->marker.data, &sql);
		/* Marked made even when the block failed: it may have failed after
		 * CREATE (at OPEN), and the drop proves ownership before it drops. */
		job_sql(job, PT__ORA_OP_CREATE_PDB, "create the PDB", sql.data);
		job->clone->made = true;
		goto out;
	}
	pt__ora_sql_create_user(name, job->clone->password, state->url.tablespace, "user",
				state->marker.data, &sql);
	if (job_sql(job, PT__ORA_OP_CREATE_USER, "create the user", sql.data))
		goto out;
	job->clone->made = true;
	pt__buf_reset(&sql);
	pt__ora_sql_default_grants(name, &sql);
	if (job_sql(job, PT__ORA_OP_GRANT, "grant", sql.data))
		goto out;
	if (state->url.strategy == PT__ORA_STRATEGY_SETUP)
		goto out;
	pt__buf_reset(&sql);
	pt__ora_sql_copy_grants(state->url.schema, name, &sql);
	if (job_sql(job, PT__ORA_OP_GRANT, "copy the template's grants", sql.data))
		goto out;
	pt__buf_reset(&sql);
	pt__ora_object_name("JOB", job->db->ctx->run_id,
			    (int)(job->clone - state->clones.items) + 1, PT__ORA_NAME_MAX_OLD,
			    &job_name);
	pt__ora_sql_datapump(state->url.schema, name, state->link, job_name.data,
			     state->url.remap_from, state->url.remap_to, &sql);
	job_sql(job, PT__ORA_OP_DATAPUMP, "import the template with Data Pump", sql.data);
out:
	pthread_mutex_lock(&job->lock);
	disconnect(&job->conn);
	pthread_mutex_unlock(&job->lock);
	pt__buf_release(&sql);
	pt__buf_release(&job_name);
	atomic_store(&job->done, true);
	return NULL;
}

/* Drops one of this run's clones (it must carry this run's marker). */
static int drop_clone(struct pt__db *db, const char *name, const char *kind, const char *marker,
		      struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf sql = PT__BUF_INIT, what = PT__BUF_INIT, why = PT__BUF_INIT;
	long long deadline = pt__now_ms() + 1000LL * state->url.wait_seconds;
	long delay = 50;
	int code, rc;

	if (!strcmp(kind, "pdb"))
		pt__ora_sql_drop_pdb(name, marker, &sql);
	else if (!strcmp(kind, "link"))
		pt__ora_sql_drop_link(name, &sql);
	else
		pt__ora_sql_drop_user(name, kind, marker, &sql);
	pt__buf_addf(&what, "drop the %s \"%s\"",
		     !strcmp(kind, "pdb")    ? "PDB"
		     : !strcmp(kind, "link") ? "database link"
					     : "clone schema",
		     name);
	/* A killed session takes a moment to go: ORA-01940 is retried. */
	for (;;) {
		pt__buf_reset(&why);
		rc = admin_sql(db,
			       !strcmp(kind, "pdb") ? PT__ORA_OP_DROP_PDB : PT__ORA_OP_DROP_USER,
			       what.data, sql.data, NULL, &code, &why);
		if (!rc || code != ORA_USER_CONNECTED || pt__now_ms() >= deadline)
			break;
		pt__sleep_ms(delay);
		delay = delay * 2 > 1000 ? 1000 : delay * 2;
	}
	if (rc)
		pt__buf_add(err, why.data, why.len);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static int drop_link(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	int rc;

	if (!state->link)
		return 0;
	rc = drop_clone(db, state->link, "link", NULL, err);
	if (!rc) {
		free(state->link);
		state->link = NULL;
	}
	return rc;
}

static int create_link(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__buf name = PT__BUF_INIT, sql = PT__BUF_INIT, what = PT__BUF_INIT;
	int rc;

	pt__ora_object_name("LINK", db->ctx->run_id, 0, state->name_limit, &name);
	pt__ora_sql_create_link(name.data, &state->url, state->marker.data, &sql);
	pt__buf_addf(&what, "create the loopback database link \"%s\"", name.data);
	rc = admin_sql(db, PT__ORA_OP_LINK, what.data, sql.data, NULL, NULL, err);
	if (!rc)
		state->link = pt__buf_detach(&name);
	pt__buf_release(&name);
	pt__buf_release(&sql);
	pt__buf_release(&what);
	return rc;
}

static const char *clone_kind(const struct ora_state *state)
{
	return uses_pdb(state) ? "pdb" : "user";
}

/*
 * Makes the clones, all at once (a thread and a connection each), and
 * fills db->clone_urls. Ctrl-C breaks the statements in flight. On
 * failure drops what it made and reports the first clone's error.
 */
/* Drops one of this run's clones, which carries this run's marker. */
static int drop_own_clone(struct pt__db *db, struct pt__db_clone *clone, struct pt__buf *err)
{
	struct ora_state *state = db->state;

	return drop_clone(db, clone->name, clone_kind(state), state->marker.data, err);
}

/* The setup strategy copies no template: --db-setup builds every clone. */
static bool oracle_has_template(const struct pt__db *db)
{
	const struct ora_state *state = db->state;

	return state->url.strategy != PT__ORA_STRATEGY_SETUP;
}

static int oracle_clone(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	int workers = db->ctx->workers;
	struct clone_job *jobs;
	int rc, exists;

	if (state->url.strategy == PT__ORA_STRATEGY_SETUP && !db->ctx->setup_cmd) {
		pt__buf_adds(err, "--db \"");
		pt__db_redact_url(db->url, err);
		pt__buf_adds(err, "\": partest_strategy=setup runs --db-setup on every clone; give "
				  "--db-setup");
		return PT__EUSAGE;
	}
	if ((rc = pt__db_admin_connect(db, err)) || (rc = ensure_registry(db, err)))
		return rc;
	/* The setup strategy needs no template: every clone is built by --db-setup. */
	if (state->url.strategy != PT__ORA_STRATEGY_SETUP) {
		exists = oracle_template_exists(db, err);
		if (exists < 0)
			return exists;
		if (!exists) {
			pt__buf_addf(err,
				     "cannot clone on %s: the template %s \"%s\" does not exist",
				     state->shared.where, uses_pdb(state) ? "PDB" : "schema",
				     uses_pdb(state) ? state->url.pdb : state->url.schema);
			return PT__ERUN;
		}
	}
	pt__buf_reset(&state->marker);
	pt__db_owner_format_this_run(db->ctx, true, &state->marker);
	if (state->url.strategy == PT__ORA_STRATEGY_DATAPUMP && (rc = create_link(db, err)))
		return rc;

	pt__db_clones_init(&state->clones, db);
	jobs = pt__xcalloc((size_t)workers, sizeof(*jobs));
	for (int k = 0; k < workers; k++) {
		struct pt__buf name = PT__BUF_INIT, password = PT__BUF_INIT, url = PT__BUF_INIT;
		pt__ora_clone_name(uses_pdb(state) ? state->url.pdb : state->url.schema,
				   db->ctx->run_id, k + 1, state->name_limit, &name);
		if (uses_pdb(state)) {
			/* The schema and its password come with the copied PDB. */
			pt__ora_url_format(&state->url, state->url.schema, state->url.password,
					   name.data, &url);
		} else {
			pt__ora_random_password(&password);
			pt__ora_url_format(&state->url, name.data, password.data,
					   state->url.service, &url);
		}
		state->clones.items[k].name = pt__buf_detach(&name);
		state->clones.items[k].password = pt__buf_detach(&password);
		db->clone_urls[k] = pt__buf_detach(&url);
	}
	/* The threads block the signals partest handles, so that Ctrl-C lands
	 * in this thread's poll and OCI calls in flight are not cut by EINTR. */
	sigset_t blocked, old_mask;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &blocked, &old_mask);
	for (int k = 0; k < workers; k++) {
		struct clone_job *job = &jobs[k];
		job->db = db;
		job->clone = &state->clones.items[k];
		pthread_mutex_init(&job->lock, NULL);
		atomic_init(&job->done, false);
		oci.handle_alloc(state->env, (void **)&job->break_errh, OCI_HTYPE_ERROR, 0, NULL);
		job->started = !pthread_create(&job->thread, NULL, clone_thread, job);
		if (!job->started) {
			job->outcome.code = -1;
			snprintf(job->outcome.message, sizeof(job->outcome.message),
				 "cannot start a thread: %s", strerror(errno));
			pt__buf_adds(&job->what, "start");
			atomic_store(&job->done, true);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	/* Wait, watching for Ctrl-C. */
	for (bool broken = false;;) {
		int left = 0;
		for (int k = 0; k < workers; k++)
			left += !atomic_load(&jobs[k].done);
		if (!left)
			break;
		if (pt__cancelled(&db->ctx->cancel) && !broken) {
			broken = true;
			for (int k = 0; k < workers; k++) {
				pthread_mutex_lock(&jobs[k].lock);
				if (jobs[k].conn.svc && jobs[k].break_errh)
					oci.brk(jobs[k].conn.svc, jobs[k].break_errh);
				pthread_mutex_unlock(&jobs[k].lock);
			}
		}
		struct pollfd fd = {pt__signals_fd(), POLLIN, 0};
		if (poll(&fd, 1, 20) > 0)
			pt__signals_drain();
	}
	rc = 0;
	for (int k = 0; k < workers; k++) {
		struct clone_job *job = &jobs[k];
		if (job->started)
			pthread_join(job->thread, NULL);
		if (!rc && pt__cancelled(&db->ctx->cancel)) {
			pt__buf_adds(err, "interrupted while making the database clones");
			rc = PT__EINTR;
		}
		if (!rc && job->outcome.code) {
			pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s: %s: ",
				     uses_pdb(state) ? state->url.pdb : state->url.schema,
				     job->clone->name, state->shared.where, job->what.data);
			add_outcome(&job->outcome, job->failed_op, err);
			rc = job->outcome.code == ORA_CANCELLED ? PT__EINTR : PT__ERUN;
		}
		if (job->break_errh)
			oci.handle_free(job->break_errh, OCI_HTYPE_ERROR);
		pthread_mutex_destroy(&job->lock);
		pt__buf_release(&job->what);
	}
	free(jobs);
	if (state->url.strategy == PT__ORA_STRATEGY_DATAPUMP && !rc) {
		struct pt__buf ignored = PT__BUF_INIT;
		drop_link(db, &ignored); /* only needed while importing */
		pt__buf_release(&ignored);
	}
	if (!rc)
		return 0;
	pt__db_clones_abandon(&state->clones, db, drop_own_clone);
	{
		struct pt__buf ignored = PT__BUF_INIT;
		drop_link(db, &ignored);
		pt__buf_release(&ignored);
	}
	return rc;
}

/*
 * Clone k dropped and made again by the job that makes a run's clones, on
 * this thread (with the signals partest handles blocked, as the clone
 * threads have them: Ctrl-C is seen once the clone is made), under the
 * same name and password. The setup strategy's clone comes back empty:
 * provision.c runs --db-setup on it.
 */
static int oracle_renew_clone(struct pt__db *db, int k, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__db_clone *clone = &state->clones.items[k];
	struct clone_job job;
	sigset_t blocked, old_mask;
	int rc;

	if (clone->made && (rc = drop_own_clone(db, clone, err)))
		return rc;
	clone->made = false;
	if (state->url.strategy == PT__ORA_STRATEGY_DATAPUMP && (rc = create_link(db, err)))
		return rc;
	memset(&job, 0, sizeof(job));
	job.db = db;
	job.clone = clone;
	pthread_mutex_init(&job.lock, NULL);
	atomic_init(&job.done, false);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &blocked, &old_mask);
	clone_thread(&job);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (job.outcome.code) {
		pt__buf_addf(err, "cannot clone \"%s\" to \"%s\" on %s: %s: ",
			     uses_pdb(state) ? state->url.pdb : state->url.schema, clone->name,
			     state->shared.where, job.what.data);
		add_outcome(&job.outcome, job.failed_op, err);
		rc = job.outcome.code == ORA_CANCELLED ? PT__EINTR : PT__ERUN;
	}
	pthread_mutex_destroy(&job.lock);
	pt__buf_release(&job.what);
	{
		struct pt__buf ignored = PT__BUF_INIT;
		if (rc && clone->made && !drop_own_clone(db, clone, &ignored))
			clone->made = false;
		drop_link(db, &ignored);
		pt__buf_release(&ignored);
	}
	return rc;
}

static int oracle_drop_clones(struct pt__db *db, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	int first = pt__db_clones_drop(&state->clones, db, drop_own_clone, err);

	if (state->link) {
		struct pt__buf why = PT__BUF_INIT;
		int rc = drop_link(db, &why);
		if (rc && !first) {
			pt__buf_add(err, why.data, why.len);
			first = rc;
		}
		pt__buf_release(&why);
	}
	return first;
}

/* A registry row (name, kind, marker) in list, if its marker names its run. */
static void add_leftover(char *const *columns, struct pt__db_leftovers *list)
{
	struct pt__db_leftover item = {.name = columns[0],
				       .kind = columns[1],
				       .marker = columns[2],
				       .what = !strcmp(columns[1], "pdb") ? "Oracle PDB"
					       : !strcmp(columns[1], "link")
						       ? "Oracle database link"
						       : "Oracle user"};

	if (pt__db_owner_parse(columns[2], &item.owner))
		pt__db_leftovers_add(list, &item);
}

static int drop_leftover(struct pt__db *db, const struct pt__db_leftover *leftover,
			 struct pt__buf *err)
{
	return drop_clone(db, leftover->name, leftover->kind, leftover->marker, err);
}

static int oracle_reap(struct pt__db *db, struct pt__buf *dropped, struct pt__buf *err)
{
	struct ora_state *state = db->state;
	struct pt__db_leftovers list = {NULL, 0, 0};
	struct pt__db_rows rows = PT__DB_ROWS_INIT;
	struct pt__buf sql = PT__BUF_INIT, why = PT__BUF_INIT;
	int code, rc;

	pt__ora_sql_leftovers(&sql);
	rc = admin_sql(db, PT__ORA_OP_LOOKUP, "look for clones left by dead runs", sql.data, &rows,
		       &code, &why);
	if (rc && code == ORA_TABLE_MISSING)
		rc = 0; /* no registry yet: nothing of partest's is here */
	else if (rc)
		pt__buf_add(err, why.data, why.len);
	for (size_t i = 0; !rc && i < rows.nr; i++)
		add_leftover(pt__db_rows_row(&rows, i), &list);
	if (!rc)
		pt__db_reap_leftovers(db, &list, drop_leftover, state->shared.where, dropped);
	pt__db_rows_release(&rows);
	pt__db_leftovers_release(&list);
	pt__buf_release(&why);
	pt__buf_release(&sql);
	return rc;
}

const struct pt__db_backend pt__db_oracle = {
	.name = "oracle",
	.open = oracle_open,
	.close = oracle_close,
	.template_exists = oracle_template_exists,
	.template_is_ours = oracle_template_is_ours,
	.create_template = oracle_create_template,
	.drop_template = oracle_drop_template,
	.fingerprint = oracle_fingerprint,
	.clone = oracle_clone,
	.renew_clone = oracle_renew_clone,
	.drop_clones = oracle_drop_clones,
	.reap = oracle_reap,
	.has_template = oracle_has_template,
	.admin = &oracle_admin,
};
