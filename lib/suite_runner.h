/*
 * Running tests in this process, suite by suite, as a worker does and as a
 * test program run by hand does: a suite's set-up once before its first
 * test, its tear-down when the next suite begins or the caller ends it (not
 * when the set-up failed), each test between its suite's per-test fixtures,
 * with the processes it left running killed. What is reported, and how, is
 * the caller's.
 */
#ifndef PT_LIB_SUITE_RUNNER_H
#define PT_LIB_SUITE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "leaks.h"
#include "outcome.h"
#include "registry.h"

/*
 * Called around each piece of test code the runner runs with hooks: a
 * fixture, or a test together with its per-test fixtures. Either may be
 * NULL.
 */
struct pt__suite_runner_hooks {
	/* code (a fixture, or a test: kind PT__KIND_TEST) is about to run. */
	void (*before)(void *context, const struct pt__registration *code);
	/*
	 * code returned (a test: its PT_TEARDOWN too, before what it left
	 * running is killed) and its output is flushed; outcome says how it went.
	 */
	void (*after)(void *context, const struct pt__registration *code,
		      const struct pt__outcome *outcome);
	void *context; /* passed to both */
};

struct pt__suite_runner {
	const struct pt__registry *registry;
	struct pt__suite_runner_hooks hooks;
	char *suite;			/* the suite whose set-up ran, or NULL */
	struct pt__outcome suite_setup; /* how that set-up went */
	struct pt__children before;	/* children alive before the current test */
};

/* Starts with no current suite; hooks may be NULL. Allocates nothing. */
void pt__suite_runner_init(struct pt__suite_runner *runner, const struct pt__registry *registry,
			   const struct pt__suite_runner_hooks *hooks);

/*
 * Runs the fixture of this kind for suite (NULL: the program's), if there
 * is one, between the hooks, into outcome (which stays failed if it had
 * failed). Returns whether there was one.
 */
bool pt__suite_runner_call_fixture(struct pt__suite_runner *runner, enum pt__kind kind,
				   const char *suite, struct pt__outcome *outcome);

/*
 * Runs test into outcome. A skipped test does not run (SKIP, with the
 * reason). Otherwise its suite becomes the current one (ending the previous
 * one, whose tear-down's failure only the hooks see, and running its
 * set-up, whose crash is caught and fails it: lib/crash_guard.h); when that
 * set-up failed the test does not run ("suite set-up failed: MESSAGE"; a
 * set-up that skipped passes its skip on). Otherwise the
 * test runs between its suite's PT_SETUP and PT_TEARDOWN, and the processes
 * it left running are killed and named on a line of outcome's message.
 * Returns how many were killed.
 */
size_t pt__suite_runner_run_test(struct pt__suite_runner *runner,
				 const struct pt__registration *test, struct pt__outcome *outcome);

/*
 * Ends the current suite, if there is one: runs its tear-down into outcome,
 * unless its set-up failed. Afterwards there is no current suite.
 */
void pt__suite_runner_end_suite(struct pt__suite_runner *runner, struct pt__outcome *outcome);

/* Frees what the runner holds, without running any tear-down. */
void pt__suite_runner_release(struct pt__suite_runner *runner);

#endif
