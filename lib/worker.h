#ifndef PT_LIB_WORKER_H
#define PT_LIB_WORKER_H

#include <stdbool.h>

#include "registry.h"

/*
 * The exit status of a worker whose runner went away or sent a command no
 * worker takes (docs/protocol.md): sysexits' EX_SOFTWARE.
 */
#define PT__WORKER_EXIT_PROTOCOL 70

/* What pt__worker_loop returns when the runner asked it to become a fork server. */
#define PT__WORKER_SERVE (-1)

/*
 * What every worker process does first: drop the protocol from the
 * environment, keep descriptors 3 and 4 from its tests, adopt orphans, and
 * die with its parent.
 */
void pt__worker_prepare_process(void);

/*
 * The command loop on descriptors 3 (commands) and 4 (events), for a
 * process whose registry is loaded, until the runner closes the commands.
 * forked: the process was forked from a fork server, which ran the global
 * set-up. Returns the process's exit status, or PT__WORKER_SERVE after a
 * "serve" command (only when not forked).
 */
int pt__worker_loop(const struct pt__registry *registry, bool forked);

#endif
