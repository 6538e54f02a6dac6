/*
 * Running one test of a build as its own runner would: a ctest entry's or a
 * meson test's command, with the build's environment and working directory,
 * its output shown as it comes and kept for judging.
 */
#ifndef PT_TEST_COMMAND_H
#define PT_TEST_COMMAND_H

#include <stdbool.h>

#include "buf.h"

struct pt__test_command {
	char **argv;	    /* NULL-terminated; argv[0] looked up on the PATH without a slash */
	char **environment; /* "NAME=value" set over this process's, NULL-terminated */
	const char *cwd;    /* where it runs */
	bool merge_stderr;  /* stderr goes with stdout (ctest); else it is this process's (meson) */
};

/*
 * Runs command with /dev/null for input; its stdout (and stderr, when
 * merged) goes to this process's stdout as it comes and is appended to
 * output. Returns its wait status, or -1 with one line in why when it could
 * not be started ("it has no command", "cannot run ...").
 */
int pt__test_command_run(const struct pt__test_command *command, struct pt__buf *output,
			 struct pt__buf *why);

#endif
