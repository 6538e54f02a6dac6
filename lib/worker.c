/*
 * The worker side of the protocol (docs/protocol.md): what a test program
 * does when the runner starts it with PARTEST_PROTOCOL set. It answers
 * "list", runs its init phase on "init" (the global set-up unless it was
 * forked from a server that ran it, then the worker set-up), runs tests on
 * "run" (suite fixtures around each suite, per-test fixtures around each
 * test: lib/suite_runner.c), tears the suite down on "end", and on end of
 * input runs the remaining tear-downs and exits. On "serve" it leaves the loop, for its
 * caller (lib/worker_main.c) to become a fork server.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../src/clock.h"
#include "../src/protocol.h"
#include "leaks.h"
#include "outcome.h"
#include "registry.h"
#include "suite_runner.h"

struct worker {
	const struct pt__registry *registry;
	bool forked;	       /* forked from a server, which ran the global set-up */
	struct pt__buf events; /* frames waiting to be written */
	struct pt__suite_runner runner;
	bool global_setup_ran; /* this process ran the global set-up: tear it down */
	bool worker_setup_ran;
};

/* Sends event to the runner; when the runner is gone, nobody is left to report to. */
static void send_event(struct worker *worker, const struct pt__event *event)
{
	pt__protocol_encode_event(&worker->events, event);
	if (pt__write_all(PT__PROTOCOL_EVENT_FD, worker->events.data, worker->events.len, NULL))
		_exit(PT__WORKER_EXIT_PROTOCOL);
	pt__buf_reset(&worker->events);
}

static void send_with_message(struct worker *worker, struct pt__event event,
			      const struct pt__buf *message)
{
	event.payload = message->data ? message->data : "";
	event.payload_len = message->len;
	send_event(worker, &event);
}

static void list_tests(struct worker *worker)
{
	for (size_t i = 0; i < worker->registry->nr_tests; i++) {
		const struct pt__registration *test = worker->registry->tests[i];
		pt__protocol_encode_event(
			&worker->events,
			&(struct pt__event){.type = PT__EVENT_TEST,
					    .suite = test->suite,
					    .name = test->name,
					    .timeout_ms =
						    (long long)(test->options.timeout * 1000.0)});
		pt__protocol_encode_test_info(&worker->events,
					      &(struct pt__test_info){
						      .file = test->file,
						      .line = test->line,
						      .tags = test->options.tags,
						      .locks = test->options.locks,
						      .exclusive = test->options.exclusive != 0,
						      .weight = test->options.weight,
						      .retries = test->options.retries,
					      });
	}
	send_event(worker, &(struct pt__event){.type = PT__EVENT_LISTED});
}

static void init(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};

	struct pt__buf why = PT__BUF_INIT;

	if (!worker->forked) {
		pt__suite_runner_call_fixture(&worker->runner, PT__KIND_GLOBAL_SETUP, NULL,
					      &outcome);
		worker->global_setup_ran = outcome.status != PT__OUTCOME_FAIL;
		if (!worker->global_setup_ran)
			pt__buf_adds(&why, "in PT_GLOBAL_SETUP: ");
	}
	if (outcome.status != PT__OUTCOME_FAIL) {
		pt__suite_runner_call_fixture(&worker->runner, PT__KIND_WORKER_SETUP, NULL,
					      &outcome);
		worker->worker_setup_ran = outcome.status != PT__OUTCOME_FAIL;
		if (!worker->worker_setup_ran)
			pt__buf_adds(&why, "in PT_WORKER_SETUP: ");
	}
	fflush(NULL);
	if (outcome.status == PT__OUTCOME_FAIL) {
		/* Which set-up failed, then how. */
		pt__buf_add(&why, outcome.message.data, outcome.message.len);
		send_with_message(worker, (struct pt__event){.type = PT__EVENT_INIT_FAILED}, &why);
	} else {
		send_event(worker, &(struct pt__event){.type = PT__EVENT_READY});
	}
	pt__buf_release(&why);
	pt__buf_release(&outcome.message);
}

static enum pt__wire_status wire_status(enum pt__outcome_status status)
{
	switch (status) {
	case PT__OUTCOME_PASS: return PT__WIRE_PASS;
	case PT__OUTCOME_FAIL: return PT__WIRE_FAIL;
	case PT__OUTCOME_SKIP: return PT__WIRE_SKIP;
	}
	return PT__WIRE_FAIL;
}

/*
 * Says on message when some of what the test wrote may not have reached its
 * output files: a write to stdout or stderr failed, or the file system that
 * holds the file is full (a test that fills the disk takes its neighbours'
 * output with it). The runner reads those files, and would otherwise show
 * less than was written without a word.
 */
static void note_lost_output(struct pt__buf *message)
{
	static const char *const names[] = {"stdout", "stderr"};
	FILE *streams[] = {stdout, stderr};

	for (int i = 0; i < 2; i++) {
		struct stat st;
		struct statvfs fs;
		bool failed = ferror(streams[i]);
		bool full = !fstat(i + 1, &st) && S_ISREG(st.st_mode) && !fstatvfs(i + 1, &fs) &&
			    fs.f_bavail == 0;
		clearerr(streams[i]);
		if (!failed && !full)
			continue;
		if (message->len)
			pt__buf_addc(message, '\n');
		pt__buf_addf(message, "[partest: some of this test's %s may be lost: %s]", names[i],
			     full ? "the file system holding it is full" : "writing it failed");
	}
}

static void run_test(struct worker *worker, const struct pt__command *cmd)
{
	const char *suite = cmd->suite, *name = cmd->name;
	size_t seq = cmd->seq;
	const struct pt__registration *test = pt__registry_test(worker->registry, suite, name);
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	enum pt__wire_status status;
	size_t killed = 0;
	int64_t start = pt__now_us();
	char attempt[16];

	/* A retry's worker goes on with other tests: each test gets its own attempt. */
	snprintf(attempt, sizeof(attempt), "%d", cmd->attempt);
	setenv(PT__PROTOCOL_ATTEMPT_ENV, attempt, 1);
	if (!test) {
		outcome.status = PT__OUTCOME_FAIL;
		pt__buf_addf(&outcome.message, "no test %s::%s in this program", suite, name);
	} else {
		killed = pt__suite_runner_run_test(&worker->runner, test, &outcome);
	}
	note_lost_output(&outcome.message);
	status = wire_status(outcome.status);
	if (killed && outcome.status != PT__OUTCOME_FAIL)
		status = PT__WIRE_LEAK;
	/* The runner hands workers files as stdout and stderr, so these offsets
	 * (-1 when unknown) tell which bytes were this test's even when the
	 * next test is already writing. */
	send_with_message(worker,
			  (struct pt__event){.type = PT__EVENT_RESULT,
					     .seq = seq,
					     .status = status,
					     .duration_us = pt__now_us() - start,
					     .out_end = lseek(1, 0, SEEK_CUR),
					     .err_end = lseek(2, 0, SEEK_CUR)},
			  &outcome.message);
	pt__buf_release(&outcome.message);
}

static void end_group(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};

	pt__suite_runner_end_suite(&worker->runner, &outcome);
	send_with_message(
		worker,
		(struct pt__event){.type = PT__EVENT_ENDED, .status = wire_status(outcome.status)},
		&outcome.message);
	pt__buf_release(&outcome.message);
}

/* The last tear-downs. Returns the exit status: 1 if one failed. */
static int finish(struct worker *worker)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	int status = 0;

	pt__suite_runner_end_suite(&worker->runner, &outcome);
	if (worker->worker_setup_ran)
		pt__suite_runner_call_fixture(&worker->runner, PT__KIND_WORKER_TEARDOWN, NULL,
					      &outcome);
	if (worker->global_setup_ran)
		pt__suite_runner_call_fixture(&worker->runner, PT__KIND_GLOBAL_TEARDOWN, NULL,
					      &outcome);
	if (outcome.status == PT__OUTCOME_FAIL) {
		fprintf(stderr, "partest: tear-down failed: %s\n", pt__buf_str(&outcome.message));
		status = 1;
	}
	pt__buf_release(&outcome.message);
	return status;
}

/*
 * Handles one command. Returns 0 to go on, or 1 to leave the loop with
 * *status (PT__WORKER_SERVE when asked to become a fork server).
 */
static int handle(struct worker *worker, const struct pt__command *cmd, int *status)
{
	switch (cmd->type) {
	case PT__COMMAND_LIST: list_tests(worker); return 0;
	case PT__COMMAND_INIT: init(worker); return 0;
	case PT__COMMAND_RUN: run_test(worker, cmd); return 0;
	case PT__COMMAND_END: end_group(worker); return 0;
	case PT__COMMAND_ENV:
		/* --fresh-db: the clones of the tests that follow. */
		if (!pt__protocol_set_env(cmd->payload, cmd->payload_len))
			return 0;
		fprintf(stderr, "partest: worker: an env command with a malformed entry\n");
		*status = PT__WORKER_EXIT_PROTOCOL;
		return 1;
	case PT__COMMAND_SERVE:
		if (worker->forked)
			break;
		*status = PT__WORKER_SERVE;
		return 1;
	case PT__COMMAND_FORK: break;
	}
	fprintf(stderr, "partest: worker: a %s command is not for a worker\n",
		pt__protocol_command_name(cmd->type));
	*status = PT__WORKER_EXIT_PROTOCOL;
	return 1;
}

int pt__worker_loop(const struct pt__registry *registry, bool forked)
{
	struct worker worker = {.registry = registry, .forked = forked};
	struct pt__buf input = PT__BUF_INIT, err = PT__BUF_INIT;
	static struct pt__frame_storage storage;
	char chunk[65536];
	int status = 0;

	pt__suite_runner_init(&worker.runner, registry, NULL);
	send_event(&worker, &(struct pt__event){.type = PT__EVENT_HELLO,
						.version = PT__PROTOCOL_VERSION,
						.pid = (long)getpid()});
	for (;;) {
		ssize_t n = read(PT__PROTOCOL_COMMAND_FD, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pt__buf_add(&input, chunk, (size_t)n);
		for (;;) {
			struct pt__command cmd;
			size_t used;
			int parsed = pt__protocol_decode_command(input.data, input.len, &cmd,
								 &storage, &used, &err);
			if (parsed < 0) {
				fprintf(stderr,
					"partest: worker: bad command from the runner: %s\n",
					pt__buf_str(&err));
				status = PT__WORKER_EXIT_PROTOCOL;
				goto out;
			}
			if (!parsed)
				break;
			int leave = handle(&worker, &cmd, &status);
			pt__buf_consume(&input, used);
			if (leave)
				goto out;
		}
	}
	status = finish(&worker);
out:
	pt__suite_runner_release(&worker.runner);
	pt__buf_release(&worker.events);
	pt__buf_release(&input);
	pt__buf_release(&err);
	fflush(NULL);
	return status;
}

void pt__worker_prepare_process(void)
{
	/* Children of tests must neither inherit the protocol nor think they are workers. */
	unsetenv(PT__PROTOCOL_ENV);
	fcntl(PT__PROTOCOL_COMMAND_FD, F_SETFD, FD_CLOEXEC);
	fcntl(PT__PROTOCOL_EVENT_FD, F_SETFD, FD_CLOEXEC);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pt__leaks_adopt_orphans();
#ifdef __linux__
	/* Go when the parent (runner or fork server) dies, instead of running on
	 * unsupervised; if it died before the call, init or a subreaper adopted us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() == 1)
		_exit(PT__WORKER_EXIT_PROTOCOL);
#endif
}
