/*
 * A program started by the runner: the worker loop (lib/worker.c), which
 * hands over to the fork server (lib/server.c) when the runner says "serve".
 * The two meet only here, so that neither needs the other.
 */
#include "worker_main.h"

#include <stdio.h>

#include "../src/buf.h"
#include "registry.h"
#include "server.h"
#include "worker.h"

int pt__worker_main(void)
{
	static struct pt__registry registry;
	struct pt__buf err = PT__BUF_INIT;
	int status;

	pt__worker_prepare_process();
	if (pt__registry_load(&registry, &err)) {
		fprintf(stderr, "partest: %s\n", pt__buf_str(&err));
		pt__buf_release(&err);
		return 2;
	}
	status = pt__worker_loop(&registry, false);
	if (status == PT__WORKER_SERVE)
		status = pt__server_main(&registry);
	pt__registry_release(&registry);
	return status;
}
