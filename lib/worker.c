/*
 * The worker side of the protocol (docs/protocol.md): what a test program
 * does when the runner starts it with PARTEST_PROTOCOL set. It answers
 * "list", runs its init phase on "init" (the global set-up unless it was
 * forked from a server that ran it, then the worker set-up), runs tests on
 * "run" (suite fixtures around each suite, per-test fixtures around each
 * test), tears the suite down on "end", and on end of input runs the
 * remaining tear-downs and exits. On "serve" it becomes a fork server
 * (lib/server.c).
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../src/clock.h"
#include "../src/protocol.h"
#include "../src/xalloc.h"
#include "leaks.h"
#include "outcome.h"
#include "registry.h"
#include "server.h"

struct worker {
	const struct pt__registry *registry;
	bool forked;	       /* forked from a server, which ran the global set-up */
	struct pt__buf events; /* frames waiting to be written */
	char *suite;	       /* the suite whose set-up ran, or NULL */
	struct pt__outcome suite_setup;
	struct pt__children before; /* children alive before the current test */
	bool global_setup_ran;	    /* this process ran the global set-up: tear it down */
	bool worker_setup_ran;
};

static void flush_events(struct worker *worker)
{
	if (pt__write_all(PT__WIRE_EVENT_FD, worker->events.data, worker->events.len)) {
		/* The runner is gone: nobody is left to report to. */
		_exit(70);
	}
	pt__buf_reset(&worker->events);
}

static void send_with_payload(struct worker *worker, const struct pt__buf *payload, const char *fmt,
			      ...) __attribute__((format(printf, 3, 4)));

static void send_with_payload(struct worker *worker, const struct pt__buf *payload, const char *fmt,
			      ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt__buf_vaddf(&worker->events, fmt, ap);
	va_end(ap);
	pt__buf_addf(&worker->events, " %zu\n", payload->len);
	pt__buf_add(&worker->events, payload->data, payload->len);
	flush_events(worker);
}

static void call_fixture(struct worker *worker, enum pt__kind kind, const char *suite,
			 struct pt__outcome *outcome)
{
	const struct pt__registration *fixture =
		pt__registry_fixture(worker->registry, kind, suite);

	if (fixture)
		pt__call_protected(fixture->fn, outcome);
}

static void list_tests(struct worker *worker)
{
	for (size_t i = 0; i < worker->registry->nr_tests; i++) {
		const struct pt__registration *test = worker->registry->tests[i];
		pt__buf_addf(&worker->events, "test %s %s %lld\n", test->suite, test->name,
			     (long long)(test->options.timeout * 1000.0));
	}
	pt__buf_adds(&worker->events, "listed\n");
	flush_events(worker);
}

static void init(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};

	if (!worker->forked) {
		call_fixture(worker, PT__KIND_GLOBAL_SETUP, NULL, &outcome);
		worker->global_setup_ran = outcome.status != PT__OUTCOME_FAIL;
	}
	if (outcome.status != PT__OUTCOME_FAIL) {
		call_fixture(worker, PT__KIND_WORKER_SETUP, NULL, &outcome);
		worker->worker_setup_ran = outcome.status != PT__OUTCOME_FAIL;
	}
	fflush(NULL);
	if (outcome.status == PT__OUTCOME_FAIL)
		send_with_payload(worker, &outcome.message, "init-failed");
	else {
		pt__buf_adds(&worker->events, "ready\n");
		flush_events(worker);
	}
	pt__buf_release(&outcome.message);
}

/* Runs the current suite's tear-down; returns its outcome in outcome. */
static void end_suite(struct worker *worker, struct pt__outcome *outcome)
{
	if (!worker->suite)
		return;
	if (worker->suite_setup.status == PT__OUTCOME_PASS)
		call_fixture(worker, PT__KIND_SUITE_TEARDOWN, worker->suite, outcome);
	free(worker->suite);
	worker->suite = NULL;
	pt__buf_release(&worker->suite_setup.message);
	fflush(NULL);
}

static void begin_suite(struct worker *worker, const char *suite)
{
	if (worker->suite && !strcmp(worker->suite, suite))
		return;
	if (worker->suite) {
		struct pt__outcome ignored = {PT__OUTCOME_PASS, PT__BUF_INIT};
		end_suite(worker, &ignored);
		pt__buf_release(&ignored.message);
	}
	worker->suite = pt__xstrdup(suite);
	worker->suite_setup.status = PT__OUTCOME_PASS;
	pt__buf_reset(&worker->suite_setup.message);
	call_fixture(worker, PT__KIND_SUITE_SETUP, suite, &worker->suite_setup);
}

/*
 * Where the test's output ends in this worker's stdout or stderr: the runner
 * hands workers files there, so the offset tells which bytes were this
 * test's even when the next test is already writing. "-" when unknown.
 */
static void add_output_end(struct pt__buf *out, int fd)
{
	off_t end = lseek(fd, 0, SEEK_CUR);

	if (end < 0)
		pt__buf_addc(out, '-');
	else
		pt__buf_addf(out, "%lld", (long long)end);
}

static const char *status_word(enum pt__outcome_status status)
{
	switch (status) {
	case PT__OUTCOME_PASS: return "pass";
	case PT__OUTCOME_FAIL: return "fail";
	case PT__OUTCOME_SKIP: return "skip";
	}
	return "fail";
}

static void run_test(struct worker *worker, const char *seq, const char *suite, const char *name)
{
	const struct pt__registration *test = pt__registry_test(worker->registry, suite, name);
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	struct pt__buf leaked = PT__BUF_INIT;
	const char *status;
	int64_t start = pt__now_us();

	if (!test) {
		outcome.status = PT__OUTCOME_FAIL;
		pt__buf_addf(&outcome.message, "no test %s::%s in this program", suite, name);
	} else if (test->options.skip) {
		outcome.status = PT__OUTCOME_SKIP;
		pt__buf_adds(&outcome.message, test->options.skip);
	} else {
		begin_suite(worker, suite);
		if (worker->suite_setup.status != PT__OUTCOME_PASS) {
			outcome.status = worker->suite_setup.status;
			if (outcome.status == PT__OUTCOME_FAIL)
				pt__buf_adds(&outcome.message, "suite set-up failed: ");
			pt__buf_adds(&outcome.message, pt__buf_str(&worker->suite_setup.message));
		} else {
			pt__leaks_snapshot(&worker->before);
			call_fixture(worker, PT__KIND_SETUP, suite, &outcome);
			if (outcome.status == PT__OUTCOME_PASS)
				pt__call_protected(test->fn, &outcome);
			call_fixture(worker, PT__KIND_TEARDOWN, suite, &outcome);
		}
	}
	fflush(NULL);
	status = status_word(outcome.status);
	if (pt__leaks_kill_new(&worker->before, &leaked)) {
		if (outcome.message.len)
			pt__buf_addc(&outcome.message, '\n');
		pt__buf_addf(&outcome.message, "left running after the test ended, killed: %s",
			     pt__buf_str(&leaked));
		if (outcome.status != PT__OUTCOME_FAIL)
			status = "leak";
	}
	struct pt__buf ends = PT__BUF_INIT;
	add_output_end(&ends, 1);
	pt__buf_addc(&ends, ' ');
	add_output_end(&ends, 2);
	send_with_payload(worker, &outcome.message, "result %s %s %lld %s", seq, status,
			  (long long)(pt__now_us() - start), ends.data);
	pt__buf_release(&ends);
	pt__buf_release(&outcome.message);
	pt__buf_release(&leaked);
}

static void end_group(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};

	end_suite(worker, &outcome);
	send_with_payload(worker, &outcome.message, "ended %s", status_word(outcome.status));
	pt__buf_release(&outcome.message);
}

/* The last tear-downs. Returns the exit status: 1 if one failed. */
static int finish(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	int status = 0;

	end_suite(worker, &outcome);
	if (worker->worker_setup_ran)
		call_fixture(worker, PT__KIND_WORKER_TEARDOWN, NULL, &outcome);
	if (worker->global_setup_ran)
		call_fixture(worker, PT__KIND_GLOBAL_TEARDOWN, NULL, &outcome);
	if (outcome.status == PT__OUTCOME_FAIL) {
		fprintf(stderr, "partest: tear-down failed: %s\n", pt__buf_str(&outcome.message));
		status = 1;
	}
	pt__buf_release(&outcome.message);
	return status;
}

/* Handles one command. Returns -1 to leave the loop with *status. */
static int handle(struct worker *worker, const struct pt__frame *frame, int *status)
{
	const char *verb = frame->words[0];

	if (!strcmp(verb, "list"))
		list_tests(worker);
	else if (!strcmp(verb, "init"))
		init(worker);
	else if (!strcmp(verb, "run"))
		run_test(worker, frame->words[1], frame->words[2], frame->words[3]);
	else if (!strcmp(verb, "end"))
		end_group(worker);
	else if (!strcmp(verb, "serve") && !worker->forked) {
		*status = pt__server_main(worker->registry);
		return -1;
	} else {
		fprintf(stderr, "partest: worker: \"%s\" is not for a worker\n", verb);
		*status = 70;
		return -1;
	}
	return 0;
}

int pt__worker_loop(const struct pt__registry *registry, bool forked)
{
	struct worker worker = {.registry = registry, .forked = forked};
	struct pt__buf input = PT__BUF_INIT, err = PT__BUF_INIT;
	char chunk[65536];
	int status = 0;

	pt__buf_addf(&worker.events, "hello %d %ld\n", PT__WIRE_VERSION, (long)getpid());
	flush_events(&worker);
	for (;;) {
		ssize_t n = read(PT__WIRE_COMMAND_FD, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pt__buf_add(&input, chunk, (size_t)n);
		for (;;) {
			struct pt__frame frame;
			size_t used;
			int parsed = pt__wire_parse(PT__WIRE_COMMANDS, input.data, input.len,
						    &frame, &used, &err);
			if (parsed < 0) {
				fprintf(stderr,
					"partest: worker: bad command from the runner: %s\n",
					pt__buf_str(&err));
				status = 70;
				goto out;
			}
			if (!parsed)
				break;
			pt__buf_consume(&input, used);
			if (handle(&worker, &frame, &status))
				goto out;
		}
	}
	status = finish(&worker);
out:
	free(worker.suite);
	pt__buf_release(&worker.suite_setup.message);
	pt__children_release(&worker.before);
	pt__buf_release(&worker.events);
	pt__buf_release(&input);
	pt__buf_release(&err);
	fflush(NULL);
	return status;
}

void pt__worker_prepare_process(void)
{
	/* Children of tests must neither inherit the protocol nor think they are workers. */
	unsetenv(PT__WIRE_ENV);
	fcntl(PT__WIRE_COMMAND_FD, F_SETFD, FD_CLOEXEC);
	fcntl(PT__WIRE_EVENT_FD, F_SETFD, FD_CLOEXEC);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pt__leaks_adopt_orphans();
#ifdef __linux__
	/* Go when the parent (runner or fork server) dies, instead of running on
	 * unsupervised; if it died before the call, init or a subreaper adopted us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() == 1)
		_exit(70);
#endif
}

int pt__worker_main(void)
{
	static struct pt__registry registry;
	struct pt__buf err = PT__BUF_INIT;

	pt__worker_prepare_process();
	if (pt__registry_load(&registry, &err)) {
		fprintf(stderr, "partest: %s\n", pt__buf_str(&err));
		pt__buf_release(&err);
		return 2;
	}
	int status = pt__worker_loop(&registry, false);
	pt__registry_release(&registry);
	return status;
}
