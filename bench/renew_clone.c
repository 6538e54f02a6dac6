/*
 * renew_clone URL SETUP N: provisions one clone of URL's template (SETUP its
 * --db-setup, "" for none), then makes that clone anew N times through
 * pt__db_renew_clones, as a retry or a crash does, and prints each renewal's
 * wall time in ms, one a line. Built and run by bench/renew_clone.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db/provision.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct pt__buf err = PT__BUF_INIT, run_dir = PT__BUF_INIT, state = PT__BUF_INIT,
		       run_id = PT__BUF_INIT;
	struct pt__db_context ctx;
	struct pt__db db;
	int n, rc = 0;

	if (argc != 4 || (n = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: renew_clone URL SETUP N\n");
		return 2;
	}
	pt__buf_addf(&run_dir, "%s/run", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	pt__buf_addf(&state, "%s/state", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	pt__buf_addf(&run_id, "partest-%ld-bench", (long)getpid());
	mkdir(run_dir.data, 0700);
	memset(&ctx, 0, sizeof(ctx));
	ctx.run_id = run_id.data;
	ctx.run_dir = run_dir.data;
	ctx.state_dir = state.data;
	ctx.workers = 1;
	ctx.setup_cmd = *argv[2] ? argv[2] : NULL;
	if (pt__db_init(&db, argv[1], &ctx, &err) || pt__db_provision(&db, 1, &err)) {
		fprintf(stderr, "renew_clone: %s\n", err.data);
		return 1;
	}
	for (int i = 0; i < n && !rc; i++) {
		double start = now_ms();
		rc = pt__db_renew_clones(&db, 1, (int[]){1}, 1, &err);
		printf("%.2f\n", now_ms() - start);
	}
	if (rc)
		fprintf(stderr, "renew_clone: %s\n", err.data);
	pt__db_teardown(&db, 1, &err);
	pt__db_release(&db);
	return rc ? 1 : 0;
}
