/*
 * Running one piece of test code (a test or a fixture) so that assertions
 * inside it can record failures and, when fatal, leave it early.
 */
#ifndef PT_LIB_OUTCOME_H
#define PT_LIB_OUTCOME_H

#include "../src/buf.h"

enum pt__outcome_status {
	PT__OUTCOME_PASS,
	PT__OUTCOME_FAIL,
	PT__OUTCOME_SKIP,
};

struct pt__outcome {
	enum pt__outcome_status status;
	struct pt__buf message; /* failures, one after another, or the skip reason */
};

/*
 * Calls fn. Failed assertions inside it append to outcome->message and set
 * outcome->status to FAIL (a skip sets SKIP); a fatal one returns from here
 * at once. An outcome that already failed stays failed. Returns the status.
 * Calls may nest (a test can check how an assertion fails); assertions only
 * work on the calling thread.
 */
enum pt__outcome_status pt__call_protected(void (*fn)(void), struct pt__outcome *outcome);

#endif
