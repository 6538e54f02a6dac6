/*
 * ./t -j 4 becomes "partest -j 4 ./t": the runner's options need the
 * runner, which a test program does not carry (it links the test library
 * only), so it executes the partest command instead.
 */
#include "handover.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/buf.h"
#include "../src/find_program.h"
#include "../src/xalloc.h"

/* partest's path into found: $PARTEST, the install's bindir, PATH. */
static bool find_partest(struct pt__buf *found)
{
	const char *given = getenv("PARTEST");

	if (given && *given) {
		pt__buf_adds(found, given);
		return true;
	}
	struct pt__buf installed = PT__BUF_INIT, ignored = PT__BUF_INIT;
	bool done = false;

	if (*pt__installed_bindir) {
		pt__buf_addf(&installed, "%s/partest", pt__installed_bindir);
		done = !pt__find_program(installed.data, NULL, found, &ignored);
	}
	if (!done)
		done = !pt__find_program("partest", NULL, found, &ignored);
	pt__buf_release(&installed);
	pt__buf_release(&ignored);
	return done;
}

/*
 * This program's path as partest should be given it: argv[0] when it has a
 * slash (the ids then read as the user typed them), else the PATH entry the
 * shell found it by. Returns false when it is in neither.
 */
static bool find_self(const char *argv0, struct pt__buf *found)
{
	struct pt__buf ignored = PT__BUF_INIT;
	bool done = true;

	if (strchr(argv0, '/'))
		pt__buf_adds(found, argv0);
	else
		done = !pt__find_program(argv0, NULL, found, &ignored);
	pt__buf_release(&ignored);
	return done;
}

int pt__handover(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *name = slash ? slash + 1 : argv[0];
	struct pt__buf partest = PT__BUF_INIT, self = PT__BUF_INIT, options = PT__BUF_INIT;
	char **args;

	for (int i = 1; i < argc; i++)
		pt__buf_addf(&options, "%s%s", i > 1 ? " " : "", argv[i]);
	if (!find_partest(&partest)) {
		if (*pt__installed_bindir)
			fprintf(stderr,
				"%s: partest was not found in %s or on PATH (set PARTEST to its "
				"path): cannot run with %s\n",
				name, pt__installed_bindir, pt__buf_str(&options));
		else
			fprintf(stderr,
				"%s: partest was not found (set PARTEST or put it on PATH): cannot "
				"run with %s\n",
				name, pt__buf_str(&options));
		goto out;
	}
	if (!find_self(argv[0], &self)) {
		fprintf(stderr, "%s: cannot tell where this program is to run it with %s\n", name,
			pt__buf_str(&options));
		goto out;
	}
	args = pt__xcalloc((size_t)argc + 2, sizeof(*args));
	args[0] = partest.data;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = self.data;
	fflush(NULL);
	execv(partest.data, args);
	fprintf(stderr, "%s: cannot run partest \"%s\" with %s: %s\n", name, partest.data,
		pt__buf_str(&options), strerror(errno));
	free(args);
out:
	pt__buf_release(&partest);
	pt__buf_release(&self);
	pt__buf_release(&options);
	return 2;
}
