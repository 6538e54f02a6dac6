/*
 * --debug TEST: the one test run in the foreground, in a process of its own,
 * under $DEBUGGER when it is set (gdb --args, lldb --), with the terminal
 * as its stdin, stdout and stderr and worker 1's environment (its clones,
 * its TMPDIR).
 */
#ifndef PT_DEBUG_RUN_H
#define PT_DEBUG_RUN_H

#include "buf.h"
#include "testlist.h"

/*
 * Runs list's test `test` with env and waits for it; sets *status to its
 * exit status (128 + N when signal N ended it). A program built with
 * partest.h runs just that test itself (--filter); an executable is run as
 * it is, with its arguments (after ::). Returns 0, or PT__EUSAGE with one line in err for a
 * program partest does not run directly (through an adapter, a protocol
 * script) or an unusable $DEBUGGER, PT__ERUN when it cannot be started.
 */
int pt__debug_run(const struct pt__test_list *list, size_t test, char *const *env, int *status,
		  struct pt__buf *err);

#endif
