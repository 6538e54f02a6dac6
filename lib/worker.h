#ifndef PT_LIB_WORKER_H
#define PT_LIB_WORKER_H

#include <stdbool.h>

#include "registry.h"

/*
 * Serves the worker protocol on descriptors 3 (commands) and 4 (events)
 * until the runner closes the commands. Returns the process's exit status.
 */
int pt__worker_main(void);

/*
 * What every worker process does first: drop the protocol from the
 * environment, keep descriptors 3 and 4 from its tests, adopt orphans, and
 * die with its parent.
 */
void pt__worker_prepare_process(void);

/*
 * The command loop, for a process whose registry is loaded. forked: the
 * process was forked from a fork server, which ran the global set-up.
 * Returns the exit status.
 */
int pt__worker_loop(const struct pt__registry *registry, bool forked);

#endif
