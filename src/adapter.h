/*
 * partest's adapter: partest itself, re-executed as a worker (docs/protocol.md)
 * for tests that do not speak the protocol themselves: a GoogleTest or
 * Criterion binary, a CMake build's ctest entries, a meson build's tests.
 * The runner starts it as
 *
 *	partest --internal-adapter [--wrapper-words N WORD...] KIND ARG...
 *
 * (the words of the run's --wrapper, under which the adapter starts the
 * framework's processes that run tests, never those that list them)
 * and drives it as it drives a script worker. The adapter lists the tests
 * through the framework, takes the `run` frames it is sent as batches, runs
 * each batch through the framework (one process of a GoogleTest binary for
 * many tests) and reports every test's result in order. When the framework's
 * process dies in the middle of a test, the adapter dies the same way, so that
 * the runner charges that test and hands the rest of the batch to a new
 * worker, as it does for a crashed native worker.
 *
 * This file is the protocol's side, shared by the kinds; each kind (gtest.c,
 * criterion.c, ctest_adapter.c, meson_adapter.c) is a struct pt__adapter_kind.
 */
#ifndef PT_ADAPTER_H
#define PT_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "protocol.h"
#include "testlist.h"

#define PT__ADAPTER_FLAG "--internal-adapter"
#define PT__ADAPTER_WRAPPER_FLAG "--wrapper-words"

/* A test the runner asked for, in a batch. */
struct pt__adapter_test {
	size_t seq;
	char *suite, *name;
};

struct pt__adapter;

/* A framework's side of the adapter. */
struct pt__adapter_kind {
	const char *name;	/* as on the command line: "gtest" */
	int min_args, max_args; /* how many ARGs it takes */
	/* Lists the tests, one pt__adapter_list_test each. Returns 0, or
	 * PT__ERUN with one line in why. */
	int (*list)(struct pt__adapter *adapter, struct pt__buf *why);
	/* The init phase: reads what running tests needs. Returns 0, or
	 * PT__ERUN with one line in why. */
	int (*init)(struct pt__adapter *adapter, struct pt__buf *why);
	/* Runs tests[0..n) and reports each with pt__adapter_result, in this
	 * order; or, when the framework's process dies in one, calls
	 * pt__adapter_die_like after reporting those before it. */
	void (*run)(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n);
	/* Frees what init made. */
	void (*release)(struct pt__adapter *adapter);
};

struct pt__adapter {
	const struct pt__adapter_kind *kind;
	char **args; /* the kind's arguments */
	int nr_args;
	void *state; /* the kind's, from its init */
};

/*
 * Runs the adapter of kind with args: the whole life of a listing process
 * or a worker, on descriptors 3 and 4. Returns the exit status.
 */
int pt__adapter_serve(const struct pt__adapter_kind *kind, char **args, int nr_args);

/* Sends one listed test, with what else is known of it (NULL: nothing). */
void pt__adapter_list_test(struct pt__adapter *adapter, const char *suite, const char *name,
			   int timeout_ms, const struct pt__test_info *info);

/* Reports the next test of the batch: its status, duration and message. */
void pt__adapter_result(struct pt__adapter *adapter, enum pt__wire_status status,
			int64_t duration_us, const char *message, size_t len);

/*
 * After a test's processes ended: kills what it left running (the adapter
 * adopts orphans, so daemons count too) and says so in message. Returns
 * whether it left anything; a test that passed is then a leak.
 */
bool pt__adapter_leaked(struct pt__buf *message);

/*
 * The framework's process ended with wait_status while a test ran: says so
 * on stderr (naming what and which test) and ends the adapter the same way,
 * without a core file. Does not return.
 */
/*
 * After a run of the framework's binary for tests tests: appends, when it
 * left processes running (killed now), what pt__adapter_leaked says and,
 * for more than one test, that any of them may have started them. True if
 * it did; the caller charges the last of them.
 */
bool pt__adapter_batch_leaked(size_t tests, struct pt__buf *message);

_Noreturn void pt__adapter_die_like(int wait_status, const char *what, const char *test);

/*
 * Runner side: program is to be driven by the adapter of kind, with arg
 * (NULL: none) after its path, and the run's wrapper (pt__spawn_wrapper)
 * handed on. Sets program->argv and program->adapter.
 */
void pt__adapter_attach(struct pt__program *program, const char *kind, const char *arg);

#endif
