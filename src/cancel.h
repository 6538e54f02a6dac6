/*
 * What ends a wait early: the run's interrupt count (Ctrl-C, SIGTERM) and a
 * deadline. Every loop that waits for something outside the runner (a child
 * process, a server, a database statement) is handed one of these instead of
 * reading a global, so that its caller decides what may stop it.
 */
#ifndef PT_CANCEL_H
#define PT_CANCEL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct pt__cancel {
	const volatile sig_atomic_t *interrupts; /* counts SIGINT/SIGTERM; NULL: never */
	int64_t deadline_us;			 /* CLOCK_MONOTONIC; 0: none */
};

#define PT__CANCEL_NEVER ((struct pt__cancel){NULL, 0})

/* How many interrupts have arrived: 0, 1, or 2 and more (stop waiting at all). */
int pt__cancel_interrupts(const struct pt__cancel *cancel);

/* True once the deadline has passed. */
bool pt__cancel_expired(const struct pt__cancel *cancel);

/* True when the wait should end: an interrupt arrived or the deadline passed. */
bool pt__cancelled(const struct pt__cancel *cancel);

/* A poll() timeout: at most max_ms (-1: unbounded), and no later than the deadline. */
int pt__cancel_poll_ms(const struct pt__cancel *cancel, int max_ms);

/* The same cancellation with a deadline no later than deadline_us (0: unchanged). */
struct pt__cancel pt__cancel_until(const struct pt__cancel *cancel, int64_t deadline_us);

#endif
