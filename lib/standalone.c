/*
 * ./t run by hand: the program runs its own tests one after another, in this
 * process, without the runner. The order and the fixtures are those of one
 * partest worker (global and worker set-up, then suite by suite, each
 * suite's set-up once before its first test, the per-test fixtures around
 * each test, the tear-downs at the end; lib/suite_runner.c runs them for
 * both), so state a suite keeps from test to test behaves as under partest,
 * and a debugger or a sanitizer sees the test directly (gdb --args ./t
 * --filter ...). The price: a crash or exit() in a test ends the run, after
 * a line naming the test, and there are no time limits; the runner has
 * those (./t -j 1 hands over to it).
 */
#include "standalone.h"

#include <fnmatch.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/buf.h"
#include "../src/clock.h"
#include "../src/xalloc.h"
#include "outcome.h"
#include "registry.h"
#include "suite_runner.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct options {
	const char **filters; /* fnmatch globs on test ids, as alternatives */
	size_t nr_filters, alloc_filters;
	bool list;
	bool help;
};

struct standalone {
	const char *name;    /* the program's file name, for messages */
	const char *program; /* the ids' first part, as partest names the program */
	struct pt__registry registry;
	const struct pt__registration **selected; /* in definition order */
	size_t nr_selected;
	struct pt__suite_runner runner;
	struct pt__buf running_id; /* the test or fixture that runs */
	int64_t running_start_us;
	size_t reported, passed, failed, skipped, leaked, not_run;
};

/*
 * What a fatal signal or an exit() in the middle of a test or fixture
 * reports. The line is made before the code runs, since a signal handler
 * may only write it.
 */
static struct {
	pid_t pid; /* the process running the tests, not a child a test forked */
	char line[1024];
	size_t len; /* 0 while no test or fixture runs */
} watch;

static const struct {
	int number;
	const char *name;
} fatal_signals[] = {
	{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},
	{SIGILL, "SIGILL"},   {SIGABRT, "SIGABRT"},
};
static struct sigaction previous_actions[ARRAY_SIZE(fatal_signals)];

static void write_str(const char *str)
{
	(void)!write(STDOUT_FILENO, str, strlen(str));
}

/* Says which test the signal ended, then lets the signal do what it did before. */
static void on_fatal_signal(int number)
{
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		if (fatal_signals[i].number != number)
			continue;
		if (watch.len && getpid() == watch.pid) {
			(void)!write(STDOUT_FILENO, watch.line, watch.len);
			write_str("killed by ");
			write_str(fatal_signals[i].name);
			write_str("; the run stops here\n");
		}
		sigaction(number, &previous_actions[i], NULL);
		raise(number);
		return;
	}
}

/* A test called exit(): say so, and make sure the run does not look passed. */
static void on_exit_midway(void)
{
	if (!watch.len || getpid() != watch.pid)
		return;
	fwrite(watch.line, 1, watch.len, stdout);
	fputs("called exit() while it ran; the run stops here\n", stdout);
	fflush(NULL);
	_exit(1);
}

static void watch_install(void)
{
	struct sigaction action;

	watch.pid = getpid();
	memset(&action, 0, sizeof(action));
	action.sa_handler = on_fatal_signal;
	sigemptyset(&action.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i].number, &action, &previous_actions[i]);
	atexit(on_exit_midway);
}

/* From now on a crash is reported as ending id; NULL: nothing runs. */
static void watch_set(const char *id)
{
	int len = id ? snprintf(watch.line, sizeof(watch.line), "CRASH   %s  ", id) : 0;

	watch.len = len > 0 && (size_t)len < sizeof(watch.line) ? (size_t)len : 0;
}

static void report(struct standalone *run, const char *word, const char *id, int64_t start_us,
		   const struct pt__buf *message)
{
	printf("%-7s %s  [%.3f s]\n", word, id, (double)(pt__now_us() - start_us) / 1e6);
	for (const char *line = pt__buf_str(message); *line;) {
		size_t len = strcspn(line, "\n");
		printf("    %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
	run->reported++;
}

/* The id of a test or fixture, as partest would name it, into id. */
static void code_id(const struct standalone *run, const struct pt__registration *code,
		    struct pt__buf *id)
{
	static const char *const labels[] = {
		[PT__KIND_GLOBAL_SETUP] = "global-setup",
		[PT__KIND_GLOBAL_TEARDOWN] = "global-teardown",
		[PT__KIND_WORKER_SETUP] = "worker-setup",
		[PT__KIND_WORKER_TEARDOWN] = "worker-teardown",
		[PT__KIND_SUITE_SETUP] = "suite-setup",
		[PT__KIND_SUITE_TEARDOWN] = "suite-teardown",
	};

	pt__buf_reset(id);
	pt__buf_addf(id, "%s::", run->program);
	if (code->kind == PT__KIND_TEST)
		pt__buf_addf(id, "%s::%s", code->suite, code->name);
	else if (code->suite)
		pt__buf_addf(id, "%s::[%s]", code->suite, labels[code->kind]);
	else
		pt__buf_addf(id, "[%s]", labels[code->kind]);
}

/* The suite runner's hook before a test or fixture: a crash now is reported as ending it. */
static void code_begins(void *context, const struct pt__registration *code)
{
	struct standalone *run = context;

	code_id(run, code, &run->running_id);
	run->running_start_us = pt__now_us();
	watch_set(run->running_id.data);
}

/*
 * The suite runner's hook after a test or fixture: a set-up or tear-down
 * that is not a test's own (global, worker, suite) is reported when it
 * fails, except a suite's set-up: each test of the suite reports that.
 */
static void code_ended(void *context, const struct pt__registration *code,
		       const struct pt__outcome *outcome)
{
	struct standalone *run = context;

	watch_set(NULL);
	if (code->kind == PT__KIND_TEST || code->kind == PT__KIND_SUITE_SETUP ||
	    outcome->status != PT__OUTCOME_FAIL)
		return;
	report(run, "FAIL", run->running_id.data, run->running_start_us, &outcome->message);
	run->failed++;
}

/* Runs one test, through the suite runner, and reports it. */
static void run_test(struct standalone *run, const struct pt__registration *test)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	struct pt__buf id = PT__BUF_INIT;
	const char *word;
	int64_t start = pt__now_us();
	size_t killed = pt__suite_runner_run_test(&run->runner, test, &outcome);

	if (outcome.status == PT__OUTCOME_FAIL) {
		word = "FAIL";
		run->failed++;
	} else if (killed) {
		word = "LEAK";
		run->failed++;
		run->leaked++;
	} else if (outcome.status == PT__OUTCOME_SKIP) {
		word = "SKIP";
		run->skipped++;
	} else {
		word = "PASS";
		run->passed++;
	}
	code_id(run, test, &id);
	report(run, word, id.data, start, &outcome.message);
	pt__buf_release(&id);
	pt__buf_release(&outcome.message);
}

/* Runs the selected tests suite by suite, each suite in the order of its first test. */
static void run_tests(struct standalone *run)
{
	struct pt__outcome teardown = {PT__OUTCOME_PASS, PT__BUF_INIT};
	bool *done = pt__xcalloc(run->nr_selected + 1, sizeof(*done));

	for (size_t first = 0; first < run->nr_selected; first++) {
		const char *suite = run->selected[first]->suite;
		if (done[first])
			continue;
		for (size_t i = first; i < run->nr_selected; i++) {
			if (done[i] || strcmp(run->selected[i]->suite, suite))
				continue;
			run_test(run, run->selected[i]);
			done[i] = true;
		}
	}
	/* code_ended() has reported a failed tear-down already. */
	pt__suite_runner_end_suite(&run->runner, &teardown);
	pt__buf_release(&teardown.message);
	free(done);
}

/*
 * The whole run: the program's set-ups, the tests unless a set-up failed,
 * the tear-downs of what was set up, a summary. Returns 0 or 1.
 */
static int run_all(struct standalone *run)
{
	struct pt__outcome outcome = {PT__OUTCOME_PASS, PT__BUF_INIT};
	bool global_setup_ran, worker_setup_ran = false;
	int64_t start = pt__now_us();

	setvbuf(stdout, NULL, _IOLBF, 0);
	watch_install();
	pt__suite_runner_call_fixture(&run->runner, PT__KIND_GLOBAL_SETUP, NULL, &outcome);
	global_setup_ran = outcome.status != PT__OUTCOME_FAIL;
	if (global_setup_ran) {
		pt__suite_runner_call_fixture(&run->runner, PT__KIND_WORKER_SETUP, NULL, &outcome);
		worker_setup_ran = outcome.status != PT__OUTCOME_FAIL;
	}
	if (worker_setup_ran)
		run_tests(run);
	else
		run->not_run = run->nr_selected;
	pt__buf_reset(&outcome.message);
	outcome.status = PT__OUTCOME_PASS;
	if (worker_setup_ran)
		pt__suite_runner_call_fixture(&run->runner, PT__KIND_WORKER_TEARDOWN, NULL,
					      &outcome);
	if (global_setup_ran)
		pt__suite_runner_call_fixture(&run->runner, PT__KIND_GLOBAL_TEARDOWN, NULL,
					      &outcome);
	pt__buf_release(&outcome.message);

	printf("%zu tests in %.2f s", run->reported + run->not_run,
	       (double)(pt__now_us() - start) / 1e6);
	if (run->leaked)
		printf("; %zu leaked processes", run->leaked);
	if (run->not_run)
		printf("; %zu not run", run->not_run);
	printf("\n%zu passed, %zu failed, %zu skipped\n", run->passed, run->failed + run->not_run,
	       run->skipped);
	return run->failed || run->not_run ? 1 : 0;
}

static bool is_own_option(const char *arg)
{
	return !strcmp(arg, "--list") || !strcmp(arg, "--filter") ||
	       !strncmp(arg, "--filter=", 9) || !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

bool pt__standalone_needs_runner(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--filter"))
			i++;
		else if (argv[i][0] == '-' && argv[i][1] && !is_own_option(argv[i]))
			return true;
	}
	return false;
}

/* Fills options from argv. Returns 0, or -1 with a line in err. */
static int parse_options(int argc, char **argv, struct options *options, struct pt__buf *err)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *glob = NULL;
		if (!strcmp(arg, "--list"))
			options->list = true;
		else if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			options->help = true;
		else if (!strncmp(arg, "--filter=", 9))
			glob = arg + 9;
		else if (!strcmp(arg, "--filter")) {
			if (i + 1 == argc) {
				pt__buf_adds(err,
					     "--filter needs a glob, e.g. --filter '*::deposit*'");
				return -1;
			}
			glob = argv[++i];
		} else {
			pt__buf_addf(err,
				     "\"%s\": a test program runs only its own tests (to run it "
				     "with others: partest %s %s)",
				     arg, argv[0], arg);
			return -1;
		}
		if (glob) {
			PT__GROW(options->filters, options->nr_filters + 1, options->alloc_filters);
			options->filters[options->nr_filters++] = glob;
		}
	}
	return 0;
}

static void select_tests(struct standalone *run, const struct options *options)
{
	struct pt__buf id = PT__BUF_INIT;

	run->selected = pt__xcalloc(run->registry.nr_tests + 1, sizeof(*run->selected));
	for (size_t i = 0; i < run->registry.nr_tests; i++) {
		const struct pt__registration *test = run->registry.tests[i];
		bool match = !options->nr_filters;
		code_id(run, test, &id);
		for (size_t f = 0; f < options->nr_filters && !match; f++)
			match = !fnmatch(options->filters[f], id.data, 0);
		if (match)
			run->selected[run->nr_selected++] = test;
	}
	pt__buf_release(&id);
}

static void list_tests(const struct standalone *run)
{
	struct pt__buf id = PT__BUF_INIT;

	for (size_t i = 0; i < run->nr_selected; i++) {
		code_id(run, run->selected[i], &id);
		printf("%s\n", id.data);
	}
	pt__buf_release(&id);
}

static const char usage_text[] =
	"usage: %s [--list] [--filter GLOB]...\n"
	"\n"
	"Runs this program's tests one after another in this process, a line for\n"
	"each and a summary; --list prints their ids, --filter GLOB selects by id\n"
	"(repeatable). Any other option (-j 4, --timeout 30, --db URL, ...) runs the\n"
	"program under partest instead, as \"partest OPTIONS %s\" (see partest --help).\n"
	"\n"
	"Exit status: 0 all passed, 1 a test failed, 2 usage error. See partest(1).\n";

int pt__standalone_main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	struct standalone run = {.name = slash ? slash + 1 : argv[0], .program = argv[0]};
	struct options options = {0};
	struct pt__buf err = PT__BUF_INIT;
	int status = 0;

	pt__suite_runner_init(&run.runner, &run.registry,
			      &(struct pt__suite_runner_hooks){
				      .before = code_begins, .after = code_ended, .context = &run});
	while (run.program[0] == '.' && run.program[1] == '/')
		run.program += 2;
	if (parse_options(argc, argv, &options, &err)) {
		status = 2;
	} else if (options.help) {
		printf(usage_text, argv[0], argv[0]);
	} else if (pt__registry_load(&run.registry, &err)) {
		status = 2;
	} else {
		select_tests(&run, &options);
		if (!run.nr_selected && options.nr_filters) {
			pt__buf_adds(&err, "no test matches --filter");
			status = 2;
		} else if (options.list) {
			list_tests(&run);
		} else {
			status = run_all(&run);
		}
	}
	if (status == 2)
		fprintf(stderr, "%s: %s\n", run.name, pt__buf_str(&err));
	free(options.filters);
	free(run.selected);
	pt__suite_runner_release(&run.runner);
	pt__buf_release(&run.running_id);
	pt__registry_release(&run.registry);
	pt__buf_release(&err);
	return status;
}
