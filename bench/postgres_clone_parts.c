/*
 * postgres_clone_parts: the timer behind bench/postgres_clone_parts.sh.
 * Each mode repeats one thing ROUNDS times and prints "median min" in ms
 * (CLOCK_MONOTONIC, this process's view: the round trips included).
 *
 *   connect CONNINFO ROUNDS
 *       a new connection, through its first SELECT 1
 *   statement CONNINFO ROUNDS SQL UNDO
 *       SQL on one open session, then UNDO (not timed)
 *   two CONNINFO ROUNDS SQL1 SQL2 UNDO
 *       SQL1, then SQL2 once SQL1 is answered
 *   pipelined CONNINFO ROUNDS SQL1 SQL2 UNDO
 *       SQL1 and SQL2 sent together in pipeline mode, each its own
 *       transaction, until both answered
 *   at_once CONNINFO ROUNDS K SQL UNDO
 *       SQL on K open sessions at the same time, until all answered; "%d"
 *       in SQL and UNDO is the session's number (1..K)
 *   one_after_another CONNINFO ROUNDS K SQL UNDO
 *       the same K statements one after another on one session
 *   partest URL ROUNDS WORKERS
 *       partest's PostgreSQL backend making WORKERS clones of URL's
 *       template (its clone operation, the admin connection already open:
 *       what a fresh clone costs a running partest), then dropping them
 *       (not timed)
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/provision.h"
#include "signals.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(double *times, int rounds)
{
	qsort(times, (size_t)rounds, sizeof(*times), by_value);
	printf("%.1f %.1f\n", rounds % 2 ? times[rounds / 2]
				      : (times[rounds / 2 - 1] + times[rounds / 2]) / 2,
	       times[0]);
}

static void die(const char *what, PGconn *conn)
{
	fprintf(stderr, "postgres_clone_parts: %s: %s", what, conn ? PQerrorMessage(conn) : "?\n");
	exit(1);
}

static PGconn *open_session(const char *conninfo)
{
	PGconn *conn = PQconnectdb(conninfo);

	if (PQstatus(conn) != CONNECTION_OK)
		die("connect", conn);
	return conn;
}

static void run(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType status = PQresultStatus(res);

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		die(sql, conn);
	PQclear(res);
}

/* sql with "%d" replaced by k. */
static char *numbered(const char *sql, int k)
{
	size_t len = strlen(sql) + 16;
	char *out = malloc(len);

	snprintf(out, len, sql, k);
	return out;
}

static void mode_connect(const char *conninfo, double *times, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		double start = now_ms();
		PGconn *conn = open_session(conninfo);
		run(conn, "SELECT 1");
		times[r] = now_ms() - start;
		PQfinish(conn);
	}
}

static void mode_statement(const char *conninfo, double *times, int rounds, const char *sql,
			   const char *undo)
{
	PGconn *conn = open_session(conninfo);

	for (int r = 0; r < rounds; r++) {
		double start = now_ms();
		run(conn, sql);
		times[r] = now_ms() - start;
		run(conn, undo);
	}
	PQfinish(conn);
}

static void mode_two(const char *conninfo, double *times, int rounds, const char *first,
		     const char *second, const char *undo, int pipelined)
{
	PGconn *conn = open_session(conninfo);

	for (int r = 0; r < rounds; r++) {
		double start = now_ms();
		if (!pipelined) {
			run(conn, first);
			run(conn, second);
			times[r] = now_ms() - start;
			run(conn, undo);
			continue;
		}
		if (!PQenterPipelineMode(conn) ||
		    !PQsendQueryParams(conn, first, 0, NULL, NULL, NULL, NULL, 0) ||
		    !PQpipelineSync(conn) ||
		    !PQsendQueryParams(conn, second, 0, NULL, NULL, NULL, NULL, 0) ||
		    !PQpipelineSync(conn))
			die("pipeline", conn);
		for (int syncs = 0; syncs < 2;) {
			PGresult *res = PQgetResult(conn);
			if (!res)
				continue;
			ExecStatusType status = PQresultStatus(res);
			if (status == PGRES_PIPELINE_SYNC)
				syncs++;
			else if (status != PGRES_COMMAND_OK)
				die("pipelined statement", conn);
			PQclear(res);
		}
		times[r] = now_ms() - start;
		if (!PQexitPipelineMode(conn))
			die("pipeline end", conn);
		run(conn, undo);
	}
	PQfinish(conn);
}

static void mode_many(const char *conninfo, double *times, int rounds, int k, const char *sql,
		      const char *undo, int at_once)
{
	PGconn **conns = calloc((size_t)k, sizeof(*conns));

	for (int i = 0; i < k; i++)
		conns[i] = open_session(conninfo);
	for (int r = 0; r < rounds; r++) {
		double start = now_ms();
		for (int i = 0; i < k; i++) {
			char *text = numbered(sql, i + 1);
			if (!at_once) {
				run(conns[0], text);
			} else if (!PQsendQuery(conns[i], text)) {
				die(text, conns[i]);
			}
			free(text);
		}
		for (int i = 0; at_once && i < k; i++) {
			PGresult *res;
			while ((res = PQgetResult(conns[i]))) {
				if (PQresultStatus(res) != PGRES_COMMAND_OK)
					die("at once", conns[i]);
				PQclear(res);
			}
		}
		times[r] = now_ms() - start;
		for (int i = 0; i < k; i++) {
			char *text = numbered(undo, i + 1);
			run(conns[0], text);
			free(text);
		}
	}
	for (int i = 0; i < k; i++)
		PQfinish(conns[i]);
	free(conns);
}

static void mode_partest(const char *url, double *times, int rounds, int workers)
{
	char run_id[64];
	char state_dir[] = "/tmp/partest-bench-state.XXXXXX";
	struct pt__db_context ctx = {.workers = workers, .cancel = {&pt__interrupts, 0}};
	struct pt__buf err = PT__BUF_INIT, dropped = PT__BUF_INIT;
	struct pt__db db;

	snprintf(run_id, sizeof(run_id), "partest-%d-bench1", (int)getpid());
	ctx.run_id = run_id;
	ctx.state_dir = ctx.run_dir = mkdtemp(state_dir);
	if (!ctx.state_dir || pt__signals_install(&err) || pt__db_init(&db, url, &ctx, &err) ||
	    pt__db_clean(&db, 1, &dropped, &err)) {
		fprintf(stderr, "postgres_clone_parts: %s\n", err.len ? err.data : "set-up failed");
		exit(1);
	}
	for (int r = 0; r < rounds; r++) {
		double start = now_ms();
		if (db.backend->clone(&db, &err)) {
			fprintf(stderr, "postgres_clone_parts: %s\n", err.data);
			exit(1);
		}
		times[r] = now_ms() - start;
		if (pt__db_teardown(&db, 1, &err)) {
			fprintf(stderr, "postgres_clone_parts: %s\n", err.data);
			exit(1);
		}
	}
	pt__db_release(&db);
	rmdir(state_dir);
	pt__buf_release(&err);
	pt__buf_release(&dropped);
}

int main(int argc, char **argv)
{
	int rounds = argc > 3 ? atoi(argv[3]) : 0;
	double *times = calloc(rounds > 0 ? (size_t)rounds : 1, sizeof(*times));
	const char *mode = argc > 1 ? argv[1] : "";

	if (rounds <= 0)
		mode = "";
	if (!strcmp(mode, "connect") && argc == 4)
		mode_connect(argv[2], times, rounds);
	else if (!strcmp(mode, "statement") && argc == 6)
		mode_statement(argv[2], times, rounds, argv[4], argv[5]);
	else if ((!strcmp(mode, "two") || !strcmp(mode, "pipelined")) && argc == 7)
		mode_two(argv[2], times, rounds, argv[4], argv[5], argv[6],
			 !strcmp(mode, "pipelined"));
	else if ((!strcmp(mode, "at_once") || !strcmp(mode, "one_after_another")) && argc == 7)
		mode_many(argv[2], times, rounds, atoi(argv[4]), argv[5], argv[6],
			  !strcmp(mode, "at_once"));
	else if (!strcmp(mode, "partest") && argc == 5)
		mode_partest(argv[2], times, rounds, atoi(argv[4]));
	else {
		fprintf(stderr, "usage: see the comment at the top of bench/postgres_clone_parts.c\n");
		return 2;
	}
	report(times, rounds);
	free(times);
	return 0;
}
