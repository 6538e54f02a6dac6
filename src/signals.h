/*
 * The runner's signal handling: SIGINT, SIGTERM and SIGCHLD become bytes
 * on a self-pipe that the poll loop watches, plus a counter of interrupts.
 */
#ifndef PT_SIGNALS_H
#define PT_SIGNALS_H

#include <signal.h>

#include "buf.h"

/* How many times SIGINT or SIGTERM arrived. */
extern volatile sig_atomic_t pt__interrupts;

/*
 * Installs the handlers and ignores SIGPIPE. Returns 0, or PT__ERUN with one
 * line in err; some handlers may be in place then.
 */
int pt__signals_install(struct pt__buf *err);

/* The read end of the self-pipe: readable after any handled signal. */
int pt__signals_fd(void);

/* Empties the self-pipe. */
void pt__signals_drain(void);

#endif
