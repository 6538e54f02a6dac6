/*
 * A stand-in for Oracle's client library (libclntsh), for partest's tests:
 * the OCI entry points partest's Oracle backend uses, answering from a
 * script instead of a server.
 *
 * OCI_STANDIN_SCRIPT names the script: one rule a line, "TEXT => ANSWER".
 * A statement (or "LOGON user@host:port/service" for a logon) gets the
 * answer of the first rule whose TEXT occurs in it; "once TEXT => ..." is
 * used up by its first match. Answers:
 *   ok                         success, no rows
 *   rows A|B|C;;D|E|F          rows of string columns
 *   ORA-01031: message         that error
 * any of them after "sleep=MS ": the call takes that long first, and an
 * OCIBreak meanwhile ends it with ORA-01013. No matching rule: ok. "@RUN@"
 * in an answer is the run id ("partest-...") last seen in a statement (a
 * marker partest wrote), so that a registry row can name the run asking.
 * OCI_STANDIN_LOG names a file that gets every statement, one a line, in
 * the order they were executed. OCI_STANDIN_VERSION sets the banner.
 * Blank lines and lines starting with '#' in the script are ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/db/oracle_oci.h"

#define EXPORT __attribute__((visibility("default")))

struct OCIEnv {
	int type;
};

struct OCIError {
	int type;
	int code;
	char message[1024];
};

struct OCISvcCtx {
	int type;
	atomic_bool broken;
};

#define MAX_COLUMNS 8
struct OCIStmt {
	int type;
	struct OCISvcCtx *svc;
	char *sql;
	char *answer; /* the rule's answer, copied */
	char *rows;   /* the next row in answer, or NULL */
	void *values[MAX_COLUMNS];
	sb4 sizes[MAX_COLUMNS];
	short *indicators[MAX_COLUMNS];
};

struct rule {
	char *text;
	char *answer;
	bool once, used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rule *rules;
static size_t nr_rules;
static bool loaded;

static char *dup_string(const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		abort();
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

static void load_rules(void)
{
	const char *path = getenv("OCI_STANDIN_SCRIPT");
	char line[8192];
	FILE *file;

	loaded = true;
	if (!path || !(file = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), file)) {
		char *arrow, *text = line, *answer;
		bool once = false;
		line[strcspn(line, "\n")] = '\0';
		if (!*line || *line == '#' || !(arrow = strstr(line, " => ")))
			continue;
		if (!strncmp(text, "once ", 5)) {
			once = true;
			text += 5;
		}
		answer = arrow + 4;
		struct rule *grown = realloc(rules, (nr_rules + 1) * sizeof(*rules));
		if (!grown)
			abort();
		rules = grown;
		rules[nr_rules++] = (struct rule){dup_string(text, (size_t)(arrow - text)),
						  dup_string(answer, strlen(answer)), once, false};
	}
	fclose(file);
}

/* The run id last seen in a statement, for "@RUN@" in answers. */
static char run_seen[64];

/* A copy of answer with its first "@RUN@" replaced by run_seen. */
static char *with_run(const char *answer)
{
	const char *at = strstr(answer, "@RUN@");
	size_t len = strlen(answer) + strlen(run_seen);
	char *copy;

	if (!at)
		return dup_string(answer, strlen(answer));
	copy = malloc(len + 1);
	if (!copy)
		abort();
	snprintf(copy, len + 1, "%.*s%s%s", (int)(at - answer), answer, run_seen, at + 5);
	return copy;
}

/* Logs text (newlines flattened) and returns a copy of its answer. */
static char *answer_for(const char *text)
{
	const char *log_path = getenv("OCI_STANDIN_LOG");
	char *answer = NULL;

	pthread_mutex_lock(&lock);
	if (!loaded)
		load_rules();
	if (log_path) {
		int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			size_t len = strlen(text);
			char *flat = dup_string(text, len + 1);
			for (size_t i = 0; i < len; i++)
				if (flat[i] == '\n')
					flat[i] = ' ';
			flat[len] = '\n';
			if (write(fd, flat, len + 1) < 0)
				perror("oci standin: log");
			free(flat);
			close(fd);
		}
	}
	const char *run = strstr(text, "run=partest-");
	if (run) {
		size_t len = strcspn(run + 4, " '\"");
		snprintf(run_seen, sizeof(run_seen), "%.*s", (int)len, run + 4);
	}
	for (size_t i = 0; i < nr_rules; i++) {
		if ((rules[i].once && rules[i].used) || !strstr(text, rules[i].text))
			continue;
		rules[i].used = true;
		answer = with_run(rules[i].answer);
		break;
	}
	pthread_mutex_unlock(&lock);
	return answer ? answer : dup_string("ok", 2);
}

static sword fail(OCIError *errh, int code, const char *message)
{
	if (errh) {
		errh->code = code;
		snprintf(errh->message, sizeof(errh->message), "%s", message);
	}
	return OCI_ERROR;
}

/* Plays the answer's "sleep=" part and its error, if any; 0 when it is a success. */
static sword play(char **answer, struct OCISvcCtx *svc, OCIError *errh)
{
	if (!strncmp(*answer, "sleep=", 6)) {
		char *end;
		long ms = strtol(*answer + 6, &end, 10);
		for (long waited = 0; waited < ms; waited += 10) {
			struct timespec ts = {0, 10 * 1000000L};
			if (svc && atomic_load(&svc->broken)) {
				atomic_store(&svc->broken, false);
				return fail(errh, 1013,
					    "ORA-01013: user requested cancel of current "
					    "operation");
			}
			nanosleep(&ts, NULL);
		}
		*answer = end + (*end == ' ');
	}
	if (!strncmp(*answer, "ORA-", 4))
		return fail(errh, atoi(*answer + 4), *answer);
	return OCI_SUCCESS;
}

EXPORT sword OCIEnvNlsCreate(OCIEnv **envp, ub4 mode, void *ctxp, void *(*malocfp)(void *, size_t),
			     void *(*ralocfp)(void *, void *, size_t),
			     void (*mfreefp)(void *, void *), size_t xtramem_sz, void **usrmempp,
			     ub2 charset, ub2 ncharset)
{
	(void)mode, (void)ctxp, (void)malocfp, (void)ralocfp, (void)mfreefp, (void)xtramem_sz;
	(void)usrmempp, (void)charset, (void)ncharset;
	*envp = calloc(1, sizeof(**envp));
	if (!*envp)
		return OCI_ERROR;
	(*envp)->type = OCI_HTYPE_ENV;
	return OCI_SUCCESS;
}

EXPORT sword OCIHandleAlloc(const void *parenth, void **hndlpp, ub4 type, size_t xtramem_sz,
			    void **usrmempp)
{
	(void)xtramem_sz, (void)usrmempp;
	if (!parenth)
		return OCI_INVALID_HANDLE;
	if (type == OCI_HTYPE_ERROR) {
		OCIError *errh = calloc(1, sizeof(*errh));
		if (!errh)
			return OCI_ERROR;
		errh->type = OCI_HTYPE_ERROR;
		*hndlpp = errh;
		return OCI_SUCCESS;
	}
	return OCI_INVALID_HANDLE;
}

EXPORT sword OCIHandleFree(void *hndlp, ub4 type)
{
	(void)type;
	free(hndlp);
	return OCI_SUCCESS;
}

EXPORT sword OCILogon2(OCIEnv *envhp, OCIError *errhp, OCISvcCtx **svchp, const OraText *username,
		       ub4 uname_len, const OraText *password, ub4 passwd_len,
		       const OraText *dbname, ub4 dbname_len, ub4 mode)
{
	char text[1024];
	char *answer, *rest;
	sword status;

	(void)envhp, (void)password, (void)passwd_len, (void)mode;
	snprintf(text, sizeof(text), "LOGON %.*s@%.*s", (int)uname_len, (const char *)username,
		 (int)dbname_len, (const char *)dbname);
	answer = rest = answer_for(text);
	status = play(&rest, NULL, errhp);
	free(answer);
	if (status != OCI_SUCCESS)
		return status;
	*svchp = calloc(1, sizeof(**svchp));
	if (!*svchp)
		return OCI_ERROR;
	(*svchp)->type = OCI_HTYPE_SVCCTX;
	atomic_init(&(*svchp)->broken, false);
	return OCI_SUCCESS;
}

EXPORT sword OCILogoff(OCISvcCtx *svchp, OCIError *errhp)
{
	(void)errhp;
	free(svchp);
	return OCI_SUCCESS;
}

EXPORT sword OCIStmtPrepare2(OCISvcCtx *svchp, OCIStmt **stmtp, OCIError *errhp,
			     const OraText *stmt, ub4 stmt_len, const OraText *key, ub4 keylen,
			     ub4 language, ub4 mode)
{
	(void)key, (void)keylen, (void)language, (void)mode;
	if (!svchp)
		return fail(errhp, 3114, "ORA-03114: not connected to ORACLE");
	*stmtp = calloc(1, sizeof(**stmtp));
	if (!*stmtp)
		return OCI_ERROR;
	(*stmtp)->type = OCI_HTYPE_STMT;
	(*stmtp)->svc = svchp;
	(*stmtp)->sql = dup_string((const char *)stmt, stmt_len);
	return OCI_SUCCESS;
}

EXPORT sword OCIDefineByPos(OCIStmt *stmtp, OCIDefine **defnp, OCIError *errhp, ub4 position,
			    void *valuep, sb4 value_sz, ub2 dty, void *indp, ub2 *rlenp,
			    ub2 *rcodep, ub4 mode)
{
	(void)defnp, (void)rlenp, (void)rcodep, (void)mode;
	if (dty != SQLT_STR || position < 1 || position > MAX_COLUMNS)
		return fail(errhp, 932,
			    "ORA-00932: inconsistent datatypes (stand-in: SQLT_STR only)");
	stmtp->values[position - 1] = valuep;
	stmtp->sizes[position - 1] = value_sz;
	stmtp->indicators[position - 1] = indp;
	return OCI_SUCCESS;
}

EXPORT sword OCIStmtExecute(OCISvcCtx *svchp, OCIStmt *stmtp, OCIError *errhp, ub4 iters,
			    ub4 rowoff, const OCISnapshot *snap_in, OCISnapshot *snap_out, ub4 mode)
{
	char *rest;
	sword status;

	(void)iters, (void)rowoff, (void)snap_in, (void)snap_out, (void)mode;
	free(stmtp->answer);
	stmtp->answer = rest = answer_for(stmtp->sql);
	status = play(&rest, svchp, errhp);
	if (status != OCI_SUCCESS)
		return status;
	stmtp->rows = !strncmp(rest, "rows ", 5) ? rest + 5 : NULL;
	return OCI_SUCCESS;
}

EXPORT sword OCIStmtFetch2(OCIStmt *stmtp, OCIError *errhp, ub4 nrows, ub2 orientation,
			   sb4 scroll_offset, ub4 mode)
{
	char *row, *end, *next;

	(void)errhp, (void)nrows, (void)orientation, (void)scroll_offset, (void)mode;
	if (!stmtp->rows || !*stmtp->rows)
		return OCI_NO_DATA;
	row = stmtp->rows;
	end = strstr(row, ";;");
	next = end ? end + 2 : row + strlen(row);
	if (!end)
		end = row + strlen(row);
	for (int i = 0; i < MAX_COLUMNS; i++) {
		size_t len = strcspn(row, "|");
		if (row + len > end)
			len = (size_t)(end - row);
		if (stmtp->values[i] && stmtp->sizes[i] > 0) {
			size_t room = (size_t)stmtp->sizes[i] - 1;
			size_t n = len < room ? len : room;
			memcpy(stmtp->values[i], row, n);
			((char *)stmtp->values[i])[n] = '\0';
			if (stmtp->indicators[i])
				*stmtp->indicators[i] = 0;
		}
		row += len;
		if (row >= end)
			break;
		row++; /* the '|' */
	}
	stmtp->rows = next;
	return OCI_SUCCESS;
}

EXPORT sword OCIStmtRelease(OCIStmt *stmtp, OCIError *errhp, const OraText *key, ub4 keylen,
			    ub4 mode)
{
	(void)errhp, (void)key, (void)keylen, (void)mode;
	if (stmtp) {
		free(stmtp->sql);
		free(stmtp->answer);
		free(stmtp);
	}
	return OCI_SUCCESS;
}

EXPORT sword OCIErrorGet(void *hndlp, ub4 recordno, OraText *sqlstate, sb4 *errcodep, OraText *bufp,
			 ub4 bufsiz, ub4 type)
{
	OCIError *errh = hndlp;

	(void)sqlstate;
	if (!errh || type != OCI_HTYPE_ERROR || recordno != 1 || !errh->code)
		return OCI_NO_DATA;
	*errcodep = errh->code;
	snprintf((char *)bufp, bufsiz, "%s\n", errh->message);
	return OCI_SUCCESS;
}

EXPORT sword OCIBreak(void *hndlp, OCIError *errhp)
{
	struct OCISvcCtx *svc = hndlp;

	(void)errhp;
	if (svc)
		atomic_store(&svc->broken, true);
	return OCI_SUCCESS;
}

EXPORT sword OCIServerVersion(void *hndlp, OCIError *errhp, OraText *bufp, ub4 bufsz, ub1 hndltype)
{
	const char *banner = getenv("OCI_STANDIN_VERSION");

	(void)hndlp, (void)errhp, (void)hndltype;
	snprintf((char *)bufp, bufsz, "%s",
		 banner ? banner
			: "Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production");
	return OCI_SUCCESS;
}
