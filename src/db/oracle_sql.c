/*
 * The Oracle backend's pieces that need no server: taking a --db URL apart,
 * naming clones, finding the client library, and the text of every SQL
 * statement and PL/SQL block partest sends. Names are checked to be
 * Oracle's plain identifiers when the URL is parsed, so every statement
 * can quote them without further escaping.
 */
#include "oracle.h"
#include "url_escape.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../xalloc.h"

#define DEFAULT_PORT	     1521
#define DEFAULT_TABLESPACE   "USERS"
#define DEFAULT_WAIT_SECONDS 10
#define REGISTRY	     "PARTEST_REGISTRY"

/* Puts name in capitals; true if it is a plain Oracle identifier of at most 128 bytes. */
static bool plain_identifier(char *name)
{
	size_t len = strlen(name);

	if (!len || len > PT__ORA_NAME_MAX || !isalpha((unsigned char)name[0]))
		return false;
	for (char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("_$#", *c))
			return false;
		*c = (char)toupper((unsigned char)*c);
	}
	return true;
}

static int take_param(const char *url, const char *param, size_t len, struct pt__ora_url *out,
		      struct pt__buf *err)
{
	const char *eq = memchr(param, '=', len);
	size_t name_len = eq ? (size_t)(eq - param) : len;
	char *value = eq ? pt__db_percent_decoded(eq + 1, len - name_len - 1) : NULL;
	int rc = 0;

#define IS(name) (name_len == strlen(name) && !strncmp(param, name, name_len))
	if (!value || !*value) {
		rc = pt__db_url_error(err, url,
				      "a URL parameter needs a value (partest_strategy=...)");
	} else if (IS("partest_strategy")) {
		if (!strcasecmp(value, "datapump"))
			out->strategy = PT__ORA_STRATEGY_DATAPUMP;
		else if (!strcasecmp(value, "setup"))
			out->strategy = PT__ORA_STRATEGY_SETUP;
		else if (!strcasecmp(value, "pdb"))
			out->strategy = PT__ORA_STRATEGY_PDB;
		else
			rc = pt__db_url_error(err, url,
					      "partest_strategy must be datapump, setup or pdb");
	} else if (IS("partest_pdb")) {
		free(out->pdb);
		out->pdb = value;
		value = NULL;
		if (!plain_identifier(out->pdb))
			rc = pt__db_url_error(err, url, "partest_pdb must be a plain Oracle name");
	} else if (IS("partest_tablespace")) {
		free(out->tablespace);
		out->tablespace = value;
		value = NULL;
		if (!plain_identifier(out->tablespace))
			rc = pt__db_url_error(err, url,
					      "partest_tablespace must be a plain Oracle name");
	} else if (IS("partest_remap_tablespace")) {
		char *colon = strchr(value, ':');
		if (colon)
			*colon = '\0';
		free(out->remap_from);
		free(out->remap_to);
		out->remap_from = pt__xstrdup(value);
		out->remap_to = pt__xstrdup(colon ? colon + 1 : "");
		if (!colon || !plain_identifier(out->remap_from) ||
		    !plain_identifier(out->remap_to))
			rc = pt__db_url_error(err, url,
					      "partest_remap_tablespace must be FROM:TO, two plain "
					      "Oracle names");
	} else if (IS("partest_snapshot")) {
		if (!strcmp(value, "1") || !strcasecmp(value, "true"))
			out->snapshot = true;
		else if (!strcmp(value, "0") || !strcasecmp(value, "false"))
			out->snapshot = false;
		else
			rc = pt__db_url_error(err, url, "partest_snapshot must be 1 or 0");
	} else if (IS("partest_wait")) {
		char *end;
		long seconds = strtol(value, &end, 10);
		if (*end || seconds < 0 || seconds > 86400)
			rc = pt__db_url_error(
				err, url, "partest_wait must be a number of seconds (0..86400)");
		else
			out->wait_seconds = (int)seconds;
	} else {
		rc = pt__db_url_error(
			err, url,
			"unknown URL parameter; partest knows partest_strategy, partest_pdb, "
			"partest_tablespace, partest_remap_tablespace, partest_snapshot and "
			"partest_wait");
	}
#undef IS
	free(value);
	return rc;
}

int pt__ora_url_parse(const char *url, struct pt__ora_url *out, struct pt__buf *err)
{
	const char *rest, *at, *colon, *host, *host_end, *path, *slash, *query;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->port = DEFAULT_PORT;
	out->wait_seconds = DEFAULT_WAIT_SECONDS;
	if (strncasecmp(url, "oracle://", 9))
		return pt__db_url_error(err, url, "not an oracle:// URL");
	rest = url + 9;
	/* As in redaction: a password may hold '/', '?' or '@'; the last '@' ends it. */
	at = strrchr(rest, '@');
	if (!at || at == rest) {
		rc = pt__db_url_error(err, url,
				      "name the user partest connects as "
				      "(oracle://USER:PASSWORD@HOST:PORT/SERVICE)");
		goto fail;
	}
	colon = memchr(rest, ':', (size_t)(at - rest));
	out->user = pt__db_percent_decoded(rest, (size_t)((colon ? colon : at) - rest));
	out->password = colon ? pt__db_percent_decoded(colon + 1, (size_t)(at - colon - 1))
			      : pt__xstrdup("");
	if (!out->user || !plain_identifier(out->user)) {
		rc = pt__db_url_error(
			err, url,
			"the user must be a plain Oracle name (letters, digits, _, $, #)");
		goto fail;
	}
	if (!out->password || strchr(out->password, '"')) {
		rc = pt__db_url_error(err, url,
				      "the password may not hold '\"' (Oracle cannot quote it)");
		goto fail;
	}
	host = at + 1;
	if (*host == '[') {
		host_end = strchr(host, ']');
		host_end = host_end ? host_end + 1 : host + strlen(host);
	} else {
		host_end = host + strcspn(host, ":/?");
	}
	if (host_end == host) {
		rc = pt__db_url_error(err, url,
				      "name the host (oracle://USER:PASSWORD@HOST:PORT/SERVICE)");
		goto fail;
	}
	out->host = pt__xstrndup(host, (size_t)(host_end - host));
	path = host_end;
	if (*path == ':') {
		char *end;
		long port = strtol(path + 1, &end, 10);
		if (end == path + 1 || port < 1 || port > 65535 ||
		    (*end && *end != '/' && *end != '?')) {
			rc = pt__db_url_error(err, url,
					      "the port must be a number from 1 to 65535");
			goto fail;
		}
		out->port = (int)port;
		path = end;
	}
	if (*path != '/' || path[1] == '/' || path[1] == '?' || !path[1]) {
		rc = pt__db_url_error(err, url,
				      "name the service after the host "
				      "(oracle://USER:PASSWORD@HOST:PORT/SERVICE)");
		goto fail;
	}
	path++;
	query = path + strcspn(path, "?");
	slash = memchr(path, '/', (size_t)(query - path));
	out->service = pt__db_percent_decoded(path, (size_t)((slash ? slash : query) - path));
	if (!out->service || strpbrk(out->service, "\"'() ")) {
		rc = pt__db_url_error(err, url, "a bad service name");
		goto fail;
	}
	out->schema = slash ? pt__db_percent_decoded(slash + 1, (size_t)(query - slash - 1))
			    : pt__xstrdup(out->user);
	if (!out->schema || !plain_identifier(out->schema)) {
		rc = pt__db_url_error(
			err, url,
			"the template schema (/SERVICE/SCHEMA) must be a plain Oracle name");
		goto fail;
	}
	if (*query == '?') {
		for (const char *param = query + 1; *param;) {
			size_t len = strcspn(param, "&");
			if (len && (rc = take_param(url, param, len, out, err)))
				goto fail;
			param += len + (param[len] == '&');
		}
	}
	if (!out->tablespace)
		out->tablespace = pt__xstrdup(DEFAULT_TABLESPACE);
	if (out->strategy == PT__ORA_STRATEGY_PDB && !out->pdb) {
		rc = pt__db_url_error(
			err, url,
			"the pdb strategy needs the template PDB: ?partest_pdb=NAME (connect "
			"to the container's root service)");
		goto fail;
	}
	if (out->strategy != PT__ORA_STRATEGY_PDB && (out->pdb || out->snapshot)) {
		rc = pt__db_url_error(err, url,
				      "partest_pdb and partest_snapshot need partest_strategy=pdb");
		goto fail;
	}
	return 0;
fail:
	pt__ora_url_release(out);
	return rc;
}

void pt__ora_url_release(struct pt__ora_url *url)
{
	free(url->user);
	free(url->password);
	free(url->host);
	free(url->service);
	free(url->schema);
	free(url->pdb);
	free(url->tablespace);
	free(url->remap_from);
	free(url->remap_to);
	memset(url, 0, sizeof(*url));
}

void pt__ora_connect_string(const struct pt__ora_url *url, const char *service, struct pt__buf *out)
{
	pt__buf_addf(out, "%s:%d/%s", url->host, url->port, service);
}

void pt__ora_url_format(const struct pt__ora_url *url, const char *user, const char *password,
			const char *service, struct pt__buf *out)
{
	pt__buf_adds(out, "oracle://");
	pt__db_percent_encode(user, out);
	if (password && *password) {
		pt__buf_addc(out, ':');
		pt__db_percent_encode(password, out);
	}
	pt__buf_addf(out, "@%s:%d/", url->host, url->port);
	pt__db_percent_encode(service, out);
}

int pt__ora_name_limit(const char *banner)
{
	const char *release = banner ? strstr(banner, "Release ") : NULL;
	int major = 0, minor = 0;

	if (!release || sscanf(release, "Release %d.%d", &major, &minor) < 1)
		return PT__ORA_NAME_MAX_OLD; /* unknown: the limit every version accepts */
	return major > 12 || (major == 12 && minor >= 2) ? PT__ORA_NAME_MAX : PT__ORA_NAME_MAX_OLD;
}

/* "partest-4242-Xa9Qe1" as "4242_XA9QE1". */
static void run_part(const char *run_id, struct pt__buf *out)
{
	const char *run = strncmp(run_id, "partest-", 8) ? run_id : run_id + 8;

	for (const char *c = run; *c && out->len < 40; c++)
		pt__buf_addc(out,
			     isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_');
}

void pt__ora_clone_name(const char *template_name, const char *run_id, int k, int limit,
			struct pt__buf *out)
{
	struct pt__buf suffix = PT__BUF_INIT, run = PT__BUF_INIT;
	size_t keep;

	run_part(run_id, &run);
	pt__buf_addf(&suffix, "_PT%s_%d", run.data, k);
	if (suffix.len + 1 > (size_t)limit) {
		/* Too long for an old server: keep the template's first letter, the
		 * end of the run (its random part) and k. */
		pt__buf_reset(&suffix);
		size_t room = (size_t)limit - 1 - 3 - (size_t)snprintf(NULL, 0, "_%d", k);
		const char *tail = run.data + (run.len > room ? run.len - room : 0);
		pt__buf_addf(&suffix, "_PT%s_%d", tail, k);
	}
	keep = strlen(template_name);
	if (keep > (size_t)limit - suffix.len)
		keep = (size_t)limit - suffix.len;
	pt__buf_add(out, template_name, keep);
	pt__buf_add(out, suffix.data, suffix.len);
	pt__buf_release(&suffix);
	pt__buf_release(&run);
}

void pt__ora_object_name(const char *what, const char *run_id, int k, int limit,
			 struct pt__buf *out)
{
	struct pt__buf run = PT__BUF_INIT, tail = PT__BUF_INIT;
	size_t head;

	run_part(run_id, &run);
	if (k > 0)
		pt__buf_addf(&tail, "_%d", k);
	head = strlen("PT_") + strlen(what) + 1;
	const char *r = run.data;
	if (head + run.len + tail.len > (size_t)limit)
		r += head + run.len + tail.len - (size_t)limit;
	pt__buf_addf(out, "PT_%s_%s%s", what, r, tail.len ? tail.data : "");
	pt__buf_release(&run);
	pt__buf_release(&tail);
}

void pt__ora_random_password(struct pt__buf *out)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	static const char digits[] = "0123456789";
	unsigned char bytes[24];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, bytes, sizeof(bytes)) : -1;

	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(bytes)) {
		/* No /dev/urandom: weaker, but still unique to this process and moment. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long seed = (unsigned long long)ts.tv_nsec ^
					  ((unsigned long long)getpid() << 32) ^
					  (unsigned long long)ts.tv_sec;
		for (size_t i = 0; i < sizeof(bytes); i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			bytes[i] = (unsigned char)(seed >> 56);
		}
	}
	/* A letter first, a digit and both cases inside: passes the usual
	 * password verify functions. */
	pt__buf_addc(out, letters[bytes[0] % 26]);
	pt__buf_addc(out, letters[26 + bytes[1] % 26]);
	pt__buf_addc(out, digits[bytes[2] % 10]);
	for (size_t i = 3; i < sizeof(bytes); i++) {
		unsigned v = bytes[i] % 62;
		pt__buf_addc(out, v < 52 ? letters[v] : digits[v - 52]);
	}
}

void pt__ora_literal(const char *value, struct pt__buf *out)
{
	pt__db_add_quoted(value, '\'', out);
}

/* A literal that itself sits inside a literal (EXECUTE IMMEDIATE '...'). */
static void nested_literal(const char *value, struct pt__buf *out)
{
	struct pt__buf inner = PT__BUF_INIT;

	pt__ora_literal(value, &inner);
	for (const char *c = inner.data; *c; c++) {
		if (*c == '\'')
			pt__buf_addc(out, '\'');
		pt__buf_addc(out, *c);
	}
	pt__buf_release(&inner);
}

const char *pt__ora_privilege_hint(enum pt__ora_op op, int ora_code)
{
	switch (ora_code) {
	case 1045: return "grant it CREATE SESSION";
	case 1950: return "give it a quota on the tablespace (ALTER USER ... QUOTA)";
	case 942:
	case 1031:
	case 1749:
	case 31626:
	case 39149: break;
	default: return NULL;
	}
	switch (op) {
	case PT__ORA_OP_CONNECT: return NULL;
	case PT__ORA_OP_REGISTRY:
		return "grant partest's user CREATE TABLE and a quota on its default tablespace";
	case PT__ORA_OP_LOOKUP:
		return ora_code == 942 ? "grant partest's user SELECT_CATALOG_ROLE, for "
					 "V$PDBS, V$SESSION and DBA_ views"
				       : "grant partest's user SELECT_CATALOG_ROLE";
	case PT__ORA_OP_CREATE_USER: return "grant partest's user CREATE USER";
	case PT__ORA_OP_GRANT:
		return ora_code == 942 ? "grant partest's user SELECT_CATALOG_ROLE, for "
					 "DBA_SYS_PRIVS, DBA_ROLE_PRIVS and DBA_TAB_PRIVS"
				       : "grant partest's user GRANT ANY PRIVILEGE, GRANT ANY ROLE "
					 "and GRANT ANY OBJECT PRIVILEGE";
	case PT__ORA_OP_LINK: return "grant partest's user CREATE DATABASE LINK";
	case PT__ORA_OP_DATAPUMP:
		return "grant partest's user DATAPUMP_EXP_FULL_DATABASE and "
		       "DATAPUMP_IMP_FULL_DATABASE";
	case PT__ORA_OP_DROP_USER:
		return ora_code == 942
			       ? "grant partest's user SELECT on V$SESSION"
			       : "grant partest's user DROP USER, ALTER USER and ALTER SYSTEM";
	case PT__ORA_OP_CREATE_PDB:
		return "connect to CDB$ROOT as a common user granted CREATE PLUGGABLE DATABASE";
	case PT__ORA_OP_DROP_PDB:
		return "connect to CDB$ROOT as a common user granted ALTER PLUGGABLE DATABASE "
		       "and DROP PLUGGABLE DATABASE";
	}
	return NULL;
}

void pt__ora_sql_create_registry(struct pt__buf *out)
{
	/* ORA-00955: it exists already. */
	pt__buf_adds(out, "BEGIN EXECUTE IMMEDIATE 'CREATE TABLE " REGISTRY
			  " (NAME VARCHAR2(128) NOT NULL, KIND VARCHAR2(8) NOT NULL, "
			  "OBJ_ID NUMBER NOT NULL, MARKER VARCHAR2(512) NOT NULL)'; "
			  "EXCEPTION WHEN OTHERS THEN IF SQLCODE != -955 THEN RAISE; END IF; END;");
}

void pt__ora_sql_user_exists(const char *name, struct pt__buf *out)
{
	pt__buf_adds(out, "SELECT USERNAME FROM ALL_USERS WHERE USERNAME = ");
	pt__ora_literal(name, out);
}

void pt__ora_sql_pdb_exists(const char *name, struct pt__buf *out)
{
	pt__buf_adds(out, "SELECT NAME FROM V$PDBS WHERE NAME = ");
	pt__ora_literal(name, out);
}

/* The join that proves a registry row still names the object partest made:
 * the same name and the same USER_ID (or CON_UID), so a user dropped and
 * made again by someone else under the name is not taken for partest's. */
static void owned_rows(const char *name, const char *kind, const char *marker, struct pt__buf *out)
{
	bool pdb = !strcmp(kind, "pdb");

	pt__buf_addf(out, "FROM " REGISTRY " r JOIN %s WHERE r.KIND = ",
		     pdb ? "V$PDBS p ON p.NAME = r.NAME AND p.CON_UID = r.OBJ_ID"
			 : "ALL_USERS u ON u.USERNAME = r.NAME AND u.USER_ID = r.OBJ_ID");
	pt__ora_literal(kind, out);
	pt__buf_adds(out, " AND r.NAME = ");
	pt__ora_literal(name, out);
	if (marker) {
		pt__buf_adds(out, " AND r.MARKER = ");
		pt__ora_literal(marker, out);
	}
}

void pt__ora_sql_registry_marker(const char *name, const char *kind, struct pt__buf *out)
{
	pt__buf_adds(out, "SELECT r.MARKER ");
	owned_rows(name, kind, NULL, out);
}

void pt__ora_sql_create_user(const char *name, const char *password, const char *tablespace,
			     const char *kind, const char *marker, struct pt__buf *out)
{
	pt__buf_addf(out,
		     "BEGIN EXECUTE IMMEDIATE 'CREATE USER \"%s\" IDENTIFIED BY \"%s\" "
		     "DEFAULT TABLESPACE \"%s\" QUOTA UNLIMITED ON \"%s\"'; ",
		     name, password, tablespace, tablespace);
	pt__buf_adds(out,
		     "INSERT INTO " REGISTRY " (NAME, KIND, OBJ_ID, MARKER) SELECT USERNAME, ");
	pt__ora_literal(kind, out);
	pt__buf_adds(out, ", USER_ID, ");
	pt__ora_literal(marker, out);
	pt__buf_adds(out, " FROM ALL_USERS WHERE USERNAME = ");
	pt__ora_literal(name, out);
	pt__buf_adds(out, "; COMMIT; END;");
}

void pt__ora_sql_default_grants(const char *name, struct pt__buf *out)
{
	pt__buf_addf(out,
		     "GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE SEQUENCE, "
		     "CREATE PROCEDURE, CREATE TRIGGER, CREATE TYPE, CREATE SYNONYM TO \"%s\"",
		     name);
}

void pt__ora_sql_copy_grants(const char *template_name, const char *clone, struct pt__buf *out)
{
	pt__buf_adds(out, "BEGIN FOR p IN (SELECT PRIVILEGE FROM DBA_SYS_PRIVS WHERE GRANTEE = ");
	pt__ora_literal(template_name, out);
	pt__buf_addf(out,
		     ") LOOP EXECUTE IMMEDIATE 'GRANT ' || p.PRIVILEGE || ' TO \"%s\"'; "
		     "END LOOP; ",
		     clone);
	pt__buf_adds(out, "FOR r IN (SELECT GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE = ");
	pt__ora_literal(template_name, out);
	pt__buf_addf(out,
		     ") LOOP EXECUTE IMMEDIATE 'GRANT \"' || r.GRANTED_ROLE || '\" TO \"%s\"'; "
		     "END LOOP; ",
		     clone);
	pt__buf_adds(out, "FOR o IN (SELECT PRIVILEGE, OWNER, TABLE_NAME FROM DBA_TAB_PRIVS "
			  "WHERE GRANTEE = ");
	pt__ora_literal(template_name, out);
	pt__buf_adds(out, " AND OWNER <> ");
	pt__ora_literal(template_name, out);
	pt__buf_addf(out,
		     " AND TYPE IN ('TABLE', 'VIEW', 'SEQUENCE', 'PROCEDURE', 'FUNCTION', "
		     "'PACKAGE', 'TYPE')) LOOP EXECUTE IMMEDIATE 'GRANT ' || o.PRIVILEGE || "
		     "' ON \"' || o.OWNER || '\".\"' || o.TABLE_NAME || '\" TO \"%s\"'; END LOOP; "
		     "END;",
		     clone);
}

void pt__ora_sql_create_link(const char *link, const struct pt__ora_url *url, const char *marker,
			     struct pt__buf *out)
{
	struct pt__buf connect = PT__BUF_INIT;

	pt__ora_connect_string(url, url->service, &connect);
	pt__buf_addf(out,
		     "BEGIN EXECUTE IMMEDIATE 'CREATE DATABASE LINK \"%s\" CONNECT TO \"%s\" "
		     "IDENTIFIED BY \"",
		     link, url->user);
	/* The password sits in a literal: its quotes doubled. */
	for (const char *c = url->password; *c; c++) {
		if (*c == '\'')
			pt__buf_addc(out, '\'');
		pt__buf_addc(out, *c);
	}
	pt__buf_adds(out, "\" USING ");
	nested_literal(connect.data, out);
	pt__buf_adds(out, "'; INSERT INTO " REGISTRY " (NAME, KIND, OBJ_ID, MARKER) VALUES (");
	pt__ora_literal(link, out);
	pt__buf_adds(out, ", 'link', 0, ");
	pt__ora_literal(marker, out);
	pt__buf_adds(out, "); COMMIT; END;");
	pt__buf_release(&connect);
}

void pt__ora_sql_drop_link(const char *link, struct pt__buf *out)
{
	/* ORA-02024: already gone. */
	pt__buf_addf(
		out,
		"BEGIN BEGIN EXECUTE IMMEDIATE 'DROP DATABASE LINK \"%s\"'; EXCEPTION WHEN "
		"OTHERS THEN IF SQLCODE != -2024 THEN RAISE; END IF; END; DELETE FROM " REGISTRY
		" WHERE KIND = 'link' AND NAME = ",
		link);
	pt__ora_literal(link, out);
	pt__buf_adds(out, "; COMMIT; END;");
}

void pt__ora_sql_datapump(const char *template_name, const char *clone, const char *link,
			  const char *job, const char *remap_from, const char *remap_to,
			  struct pt__buf *out)
{
	struct pt__buf expr = PT__BUF_INIT;

	pt__buf_adds(&expr, "IN (");
	pt__ora_literal(template_name, &expr);
	pt__buf_adds(&expr, ")");
	/* Schema mode over the link (NETWORK_LINK: no dump file), REMAP_SCHEMA;
	 * the job's error lines are gathered while it runs and raised at the end. */
	pt__buf_adds(out, "DECLARE h NUMBER; state VARCHAR2(30); status ku$_Status; "
			  "entries ku$_LogEntry; errors VARCHAR2(4000); BEGIN "
			  "h := DBMS_DATAPUMP.OPEN(operation => 'IMPORT', job_mode => 'SCHEMA', "
			  "remote_link => ");
	pt__ora_literal(link, out);
	pt__buf_adds(out, ", job_name => ");
	pt__ora_literal(job, out);
	pt__buf_adds(out, "); DBMS_DATAPUMP.METADATA_FILTER(h, 'SCHEMA_EXPR', ");
	pt__ora_literal(expr.data, out);
	pt__buf_adds(out, "); DBMS_DATAPUMP.METADATA_REMAP(h, 'REMAP_SCHEMA', ");
	pt__ora_literal(template_name, out);
	pt__buf_adds(out, ", ");
	pt__ora_literal(clone, out);
	pt__buf_adds(out, "); ");
	if (remap_from && remap_to) {
		pt__buf_adds(out, "DBMS_DATAPUMP.METADATA_REMAP(h, 'REMAP_TABLESPACE', ");
		pt__ora_literal(remap_from, out);
		pt__buf_adds(out, ", ");
		pt__ora_literal(remap_to, out);
		pt__buf_adds(out, "); ");
	}
	/* The user exists already (with its grants): skip the USER object. */
	pt__buf_adds(out,
		     "DBMS_DATAPUMP.METADATA_FILTER(h, 'EXCLUDE_PATH_EXPR', 'IN (''USER'')'); "
		     "DBMS_DATAPUMP.START_JOB(h); state := 'UNDEFINED'; "
		     "WHILE state NOT IN ('COMPLETED', 'STOPPED') LOOP "
		     "DBMS_DATAPUMP.GET_STATUS(h, DBMS_DATAPUMP.KU$_STATUS_JOB_ERROR + "
		     "DBMS_DATAPUMP.KU$_STATUS_JOB_STATUS, -1, state, status); "
		     "IF BITAND(status.mask, DBMS_DATAPUMP.KU$_STATUS_JOB_ERROR) != 0 THEN "
		     "entries := status.error; "
		     "IF entries IS NOT NULL THEN FOR i IN entries.FIRST .. entries.LAST LOOP "
		     "IF LENGTH(errors) IS NULL OR LENGTH(errors) < 1800 THEN "
		     "errors := errors || CASE WHEN errors IS NOT NULL THEN '; ' END || "
		     "REPLACE(entries(i).LogText, CHR(10), ' '); END IF; END LOOP; END IF; "
		     "END IF; END LOOP; DBMS_DATAPUMP.DETACH(h); "
		     "IF errors IS NOT NULL THEN RAISE_APPLICATION_ERROR(-20100, 'Data Pump job ' "
		     "|| ");
	pt__ora_literal(job, out);
	pt__buf_adds(out, " || ': ' || errors); END IF; END;");
	pt__buf_release(&expr);
}

void pt__ora_sql_drop_user(const char *name, const char *kind, const char *marker,
			   struct pt__buf *out)
{
	/* Proven partest's inside the block itself, so nothing can slip in
	 * between the look and the drop; new sessions are locked out, the
	 * existing ones ended (ORA-00030: one ended by itself meanwhile). */
	pt__buf_adds(out, "DECLARE n NUMBER; BEGIN SELECT COUNT(*) INTO n ");
	owned_rows(name, kind, marker, out);
	pt__buf_adds(out, "; IF n = 0 THEN RAISE_APPLICATION_ERROR(-20101, ");
	{
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why,
			     "user %s is not partest's (no matching registry row); left alone",
			     name);
		pt__ora_literal(why.data, out);
		pt__buf_release(&why);
	}
	pt__buf_addf(out,
		     "); END IF; EXECUTE IMMEDIATE 'ALTER USER \"%s\" ACCOUNT LOCK'; "
		     "FOR s IN (SELECT SID, SERIAL# AS SERIAL FROM V$SESSION WHERE USERNAME = ",
		     name);
	pt__ora_literal(name, out);
	pt__buf_addf(out,
		     ") LOOP BEGIN EXECUTE IMMEDIATE 'ALTER SYSTEM KILL SESSION ''' || s.SID || "
		     "',' || s.SERIAL || ''' IMMEDIATE'; EXCEPTION WHEN OTHERS THEN "
		     "IF SQLCODE != -30 THEN RAISE; END IF; END; END LOOP; "
		     "EXECUTE IMMEDIATE 'DROP USER \"%s\" CASCADE'; DELETE FROM " REGISTRY
		     " WHERE NAME = ",
		     name);
	pt__ora_literal(name, out);
	pt__buf_adds(out, " AND KIND = ");
	pt__ora_literal(kind, out);
	pt__buf_adds(out, "; COMMIT; END;");
}

void pt__ora_sql_create_pdb(const char *clone, const char *template_pdb, bool snapshot,
			    const char *marker, struct pt__buf *out)
{
	pt__buf_addf(out,
		     "BEGIN EXECUTE IMMEDIATE 'CREATE PLUGGABLE DATABASE \"%s\" FROM \"%s\"%s'; ",
		     clone, template_pdb, snapshot ? " SNAPSHOT COPY" : "");
	pt__buf_adds(out, "INSERT INTO " REGISTRY
			  " (NAME, KIND, OBJ_ID, MARKER) SELECT NAME, 'pdb', CON_UID, ");
	pt__ora_literal(marker, out);
	pt__buf_adds(out, " FROM V$PDBS WHERE NAME = ");
	pt__ora_literal(clone, out);
	pt__buf_addf(out,
		     "; COMMIT; EXECUTE IMMEDIATE 'ALTER PLUGGABLE DATABASE \"%s\" OPEN'; END;",
		     clone);
}

void pt__ora_sql_drop_pdb(const char *name, const char *marker, struct pt__buf *out)
{
	pt__buf_adds(out, "DECLARE n NUMBER; BEGIN SELECT COUNT(*) INTO n ");
	owned_rows(name, "pdb", marker, out);
	pt__buf_adds(out, "; IF n = 0 THEN RAISE_APPLICATION_ERROR(-20101, ");
	{
		struct pt__buf why = PT__BUF_INIT;
		pt__buf_addf(&why, "PDB %s is not partest's (no matching registry row); left alone",
			     name);
		pt__ora_literal(why.data, out);
		pt__buf_release(&why);
	}
	/* CLOSE IMMEDIATE ends the clone's sessions; ORA-65020: closed already. */
	pt__buf_addf(out,
		     "); END IF; BEGIN EXECUTE IMMEDIATE 'ALTER PLUGGABLE DATABASE \"%s\" CLOSE "
		     "IMMEDIATE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -65020 THEN RAISE; END "
		     "IF; END; EXECUTE IMMEDIATE 'DROP PLUGGABLE DATABASE \"%s\" INCLUDING "
		     "DATAFILES'; DELETE FROM " REGISTRY " WHERE KIND = 'pdb' AND NAME = ",
		     name, name);
	pt__ora_literal(name, out);
	pt__buf_adds(out, "; COMMIT; END;");
}

void pt__ora_sql_leftovers(struct pt__buf *out)
{
	pt__buf_adds(out, "SELECT NAME, KIND, MARKER FROM " REGISTRY
			  " WHERE MARKER LIKE 'partest clone v1 %' ORDER BY NAME");
}

int pt__ora_library_candidates(const char *explicit_path, const char *oracle_home, char *out[3])
{
	int n = 0;

	if (explicit_path && *explicit_path) {
		out[n++] = pt__xstrdup(explicit_path);
		return n;
	}
	if (oracle_home && *oracle_home) {
		struct pt__buf path = PT__BUF_INIT;
		pt__buf_addf(&path, "%s/lib/libclntsh.so", oracle_home);
		out[n++] = pt__buf_detach(&path);
	}
	out[n++] = pt__xstrdup("libclntsh.so");
	return n;
}
