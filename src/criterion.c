#include "criterion.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "command_output.h"
#include "error.h"
#include "spawn.h"
#include "xalloc.h"

static const char *binary(const struct pt__adapter *adapter)
{
	return adapter->args[0];
}

/* What a worker knows of the binary: how many tests each suite has. */
struct criterion_state {
	struct suite_size {
		char *suite;
		size_t tests;
	} * suites;
	size_t nr, alloc;
};

/* Calls found(ctx, suite, name) for each test --list prints. */
static int read_list(const struct pt__adapter *adapter,
		     void (*found)(void *ctx, const char *suite, const char *name), void *ctx,
		     struct pt__buf *why)
{
	char *argv[] = {(char *)binary(adapter), "--list", NULL};
	struct pt__buf out = PT__BUF_INIT, suite = PT__BUF_INIT;
	int rc = pt__command_output(argv, NULL, &out, why);

	/* "suite: N tests" lines, then "├── name" and "└── name (skipped)". */
	for (char *line = out.data, *next; !rc && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *branch = strstr(line, "\u2500\u2500 ");
		char *colon = strstr(line, ": ");
		if (branch && suite.len) {
			char *name = branch + strlen("\u2500\u2500 ");
			char *note = strstr(name, " (");
			if (note)
				*note = '\0';
			found(ctx, suite.data, name);
		} else if (colon && line[0] != ' ') {
			pt__buf_reset(&suite);
			pt__buf_add(&suite, line, (size_t)(colon - line));
		}
	}
	pt__buf_release(&out);
	pt__buf_release(&suite);
	return rc;
}

static void list_one(void *ctx, const char *suite, const char *name)
{
	pt__adapter_list_test(ctx, suite, name, 0, NULL);
}

static int criterion_list(struct pt__adapter *adapter, struct pt__buf *why)
{
	return read_list(adapter, list_one, adapter, why);
}

/* How many tests the binary has in suite. */
static size_t suite_size(const struct criterion_state *state, const char *suite)
{
	for (size_t i = 0; i < state->nr; i++)
		if (!strcmp(state->suites[i].suite, suite))
			return state->suites[i].tests;
	return 0;
}

static void count_one(void *ctx, const char *suite, const char *name)
{
	struct criterion_state *state = ctx;

	if (state->nr && !strcmp(state->suites[state->nr - 1].suite, suite)) {
		state->suites[state->nr - 1].tests++;
		return;
	}
	PT__GROW(state->suites, state->nr + 1, state->alloc);
	state->suites[state->nr++] = (struct suite_size){pt__xstrdup(suite), 1};
}

/* The init phase: how many tests each suite has, so that a whole suite runs as SUITE/\*. */
static int criterion_init(struct pt__adapter *adapter, struct pt__buf *why)
{
	struct criterion_state *state = pt__xcalloc(1, sizeof(*state));

	adapter->state = state;
	return read_list(adapter, count_one, state, why);
}

static void criterion_release(struct pt__adapter *adapter)
{
	struct criterion_state *state = adapter->state;

	for (size_t i = 0; i < state->nr; i++)
		free(state->suites[i].suite);
	free(state->suites);
	free(state);
}

static const char *text(const json_t *value)
{
	const char *string = json_string_value(value);

	return string ? string : "";
}

/* The test suite/name in Criterion's report, or NULL. */
static json_t *find(json_t *report, const struct pt__adapter_test *test)
{
	json_t *suites = json_object_get(report, "test_suites");

	for (size_t s = 0; s < json_array_size(suites); s++) {
		json_t *suite = json_array_get(suites, s);
		if (strcmp(text(json_object_get(suite, "name")), test->suite))
			continue;
		json_t *tests = json_object_get(suite, "tests");
		for (size_t t = 0; t < json_array_size(tests); t++) {
			json_t *one = json_array_get(tests, t);
			if (!strcmp(text(json_object_get(one, "name")), test->name))
				return one;
		}
	}
	return NULL;
}

/* Reports a test as Criterion judged it, with what its run left running
 * (leaked, non-empty when it left some) charged to it. */
static void report(struct pt__adapter *adapter, json_t *verdict, int64_t duration_us,
		   const struct pt__buf *leaked)
{
	const char *status = json_string_value(json_object_get(verdict, "status"));
	json_t *messages = json_object_get(verdict, "messages");
	struct pt__buf message = PT__BUF_INIT;
	enum pt__wire_status wire = PT__WIRE_FAIL;

	if (!status)
		status = "";
	if (!strcmp(status, "PASSED"))
		wire = PT__WIRE_PASS;
	else if (!strcmp(status, "SKIPPED"))
		wire = PT__WIRE_SKIP;
	else if (!strcmp(status, "ERRORED"))
		pt__buf_adds(&message, "errored: ");
	for (size_t i = 0; i < json_array_size(messages); i++)
		pt__buf_addf(&message, "%s%s", i ? "\n" : "", text(json_array_get(messages, i)));
	if (wire == PT__WIRE_FAIL && !json_array_size(messages))
		pt__buf_adds(&message, "Criterion says it failed (an unexpected signal or exit "
				       "status, or no message)");
	if (leaked->len) {
		pt__buf_addf(&message, "%s%s", message.len ? "\n" : "", leaked->data);
		if (wire != PT__WIRE_FAIL)
			wire = PT__WIRE_LEAK;
	}
	pt__adapter_result(adapter, wire, duration_us, message.data, message.len);
	pt__buf_release(&message);
}

/*
 * Runs the binary on tests[0..n) (all the tests of their suite when
 * whole_suite), its report written to json. Returns its wait status or -1.
 */
static int run_binary(const struct pt__adapter *adapter, const struct pt__adapter_test *tests,
		      size_t n, bool whole_suite, const char *json, struct pt__buf *why)
{
	struct pt__buf filter = PT__BUF_INIT, output = PT__BUF_INIT;
	int status = -1;
	pid_t pid;

	if (whole_suite) {
		pt__buf_addf(&filter, "--filter=%s/*", tests[0].suite);
	} else {
		pt__buf_adds(&filter, "--filter=@(");
		for (size_t i = 0; i < n; i++)
			pt__buf_addf(&filter, "%s%s/%s", i ? "|" : "", tests[i].suite,
				     tests[i].name);
		pt__buf_addc(&filter, ')');
	}
	pt__buf_addf(&output, "--json=%s", json);
	char *argv[] = {(char *)binary(adapter), "--jobs=1", filter.data, output.data, NULL};
	struct pt__spawn spawn = {
		.path = binary(adapter),
		.argv = argv,
		.fds = {PT__SPAWN_DEVNULL, PT__SPAWN_INHERIT, PT__SPAWN_INHERIT, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
		.wrapped = true,
	};
	if (!pt__spawn(&spawn, &pid, why))
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	pt__buf_release(&filter);
	pt__buf_release(&output);
	return status;
}

/* Runs tests[0..n) in one run of the binary. */
static void run_batch(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n,
		      bool whole_suite)
{
	struct pt__buf json = PT__BUF_INIT, why = PT__BUF_INIT, leaked = PT__BUF_INIT,
		       none = PT__BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	int64_t started = pt__now_us();
	json_error_t error;
	json_t *root = NULL;

	pt__buf_addf(&json, "%s/partest-criterion-%ld.json", tmp && *tmp ? tmp : "/tmp",
		     (long)getpid());
	int status = run_binary(adapter, tests, n, whole_suite, json.data, &why);
	int64_t each_us = (pt__now_us() - started) / (int64_t)n;
	if (status != -1)
		root = json_load_file(json.data, 0, &error);
	unlink(json.data);
	pt__adapter_batch_leaked(n, &leaked);
	if (!root && status != -1 && !WIFEXITED(status)) {
		struct pt__buf test = PT__BUF_INIT;
		pt__buf_addf(&test, "%s::%s", tests[0].suite, tests[0].name);
		pt__adapter_die_like(status, binary(adapter), test.data);
	}
	if (!root && status != -1) {
		pt__buf_addf(&why, "\"%s\" wrote no report: it ", binary(adapter));
		pt__describe_wait_status(status, &why);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *verdict = root ? find(root, &tests[i]) : NULL;
		if (verdict) {
			report(adapter, verdict, each_us, i + 1 == n ? &leaked : &none);
			continue;
		}
		if (root) {
			pt__buf_reset(&why);
			pt__buf_addf(&why, "\"%s\" does not know it", binary(adapter));
		}
		pt__adapter_result(adapter, PT__WIRE_FAIL, 0, why.data, why.len);
	}
	json_decref(root);
	pt__buf_release(&json);
	pt__buf_release(&why);
	pt__buf_release(&leaked);
}

/*
 * Runs the tests of each suite in one run of the binary when they are the
 * whole suite (--filter=SUITE/\*, whatever its size), else in runs of at most
 * BATCH_MAX named tests: Criterion 2.4 crashes on a --filter of 100
 * alternatives. Each run of the binary costs a start of Criterion's runner.
 */
static void criterion_run(struct pt__adapter *adapter, const struct pt__adapter_test *tests,
			  size_t n)
{
	enum { BATCH_MAX = 32 };

	for (size_t i = 0, same; i < n; i += same) {
		for (same = 1; i + same < n && !strcmp(tests[i + same].suite, tests[i].suite);)
			same++;
		if (same == suite_size(adapter->state, tests[i].suite)) {
			run_batch(adapter, tests + i, same, true);
			continue;
		}
		for (size_t k = 0; k < same; k += BATCH_MAX)
			run_batch(adapter, tests + i + k,
				  same - k < BATCH_MAX ? same - k : BATCH_MAX, false);
	}
}

const struct pt__adapter_kind pt__criterion_adapter = {
	.name = "criterion",
	.min_args = 1,
	.max_args = 1,
	.list = criterion_list,
	.init = criterion_init,
	.run = criterion_run,
	.release = criterion_release,
};
