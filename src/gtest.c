#include "gtest.h"

#include <errno.h>
#include <stdbool.h>
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

/* The binary's tests, "Suite.Name", in the order it runs them. */
struct gtest {
	char **names;
	size_t nr, alloc;
};

static const char *binary(const struct pt__adapter *adapter)
{
	return adapter->args[0];
}

static const char *workdir(const struct pt__adapter *adapter)
{
	return adapter->nr_args > 1 ? adapter->args[1] : NULL;
}

/*
 * Reads --gtest_list_tests: "Suite." lines, then "  Name" lines, either
 * followed by "  # TypeParam = ..." or "  # GetParam() = ...".
 */
int pt__gtest_list(const char *binary, const char *workdir,
		   void (*found)(void *ctx, const char *suite, const char *name), void *ctx,
		   struct pt__buf *why)
{
	char *argv[] = {(char *)binary, "--gtest_list_tests", NULL};
	struct pt__buf out = PT__BUF_INIT, suite = PT__BUF_INIT;
	int rc = pt__command_output(argv, workdir, &out, why);

	for (char *line = out.data, *next; !rc && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *comment = strstr(line, "  #");
		if (comment)
			*comment = '\0';
		size_t len = strlen(line);
		if (line[0] == ' ' && line[1] == ' ' && line[2] && line[2] != ' ' && suite.len) {
			found(ctx, suite.data, line + 2);
		} else if (line[0] != ' ' && len > 1 && line[len - 1] == '.' &&
			   !strchr(line, ' ')) {
			pt__buf_reset(&suite);
			pt__buf_add(&suite, line, len - 1);
		}
	}
	pt__buf_release(&out);
	pt__buf_release(&suite);
	return rc;
}

static void send_listed(void *ctx, const char *suite, const char *name)
{
	pt__adapter_list_test(ctx, suite, name, 0, NULL);
}

static int gtest_list(struct pt__adapter *adapter, struct pt__buf *why)
{
	return pt__gtest_list(binary(adapter), workdir(adapter), send_listed, adapter, why);
}

static void remember(void *ctx, const char *suite, const char *name)
{
	struct gtest *gtest = ctx;
	struct pt__buf full = PT__BUF_INIT;

	pt__buf_addf(&full, "%s.%s", suite, name);
	PT__GROW(gtest->names, gtest->nr + 1, gtest->alloc);
	gtest->names[gtest->nr++] = pt__buf_detach(&full);
}

static int gtest_init(struct pt__adapter *adapter, struct pt__buf *why)
{
	struct gtest *gtest = pt__xcalloc(1, sizeof(*gtest));

	adapter->state = gtest;
	return pt__gtest_list(binary(adapter), workdir(adapter), remember, gtest, why);
}

static void gtest_release(struct pt__adapter *adapter)
{
	struct gtest *gtest = adapter->state;

	for (size_t i = 0; i < gtest->nr; i++)
		free(gtest->names[i]);
	free(gtest->names);
	free(gtest);
}

/* Where "Suite.Name" is in the binary's order, or -1. */
static long position_of(const struct gtest *gtest, const struct pt__adapter_test *test)
{
	size_t suite_len = strlen(test->suite);

	for (size_t i = 0; i < gtest->nr; i++)
		if (!strncmp(gtest->names[i], test->suite, suite_len) &&
		    gtest->names[i][suite_len] == '.' &&
		    !strcmp(gtest->names[i] + suite_len + 1, test->name))
			return (long)i;
	return -1;
}

static bool disabled(const struct pt__adapter_test *test)
{
	return !strncmp(test->name, "DISABLED_", 9) || !strncmp(test->suite, "DISABLED_", 9) ||
	       strstr(test->suite, "/DISABLED_");
}

/* What one process of the binary is doing, as its console says. */
struct console {
	const struct pt__adapter_test *tests;
	size_t nr, next; /* tests[next] is the one to start or running */
	bool running;
	int64_t started_us;
	struct pt__buf message; /* the running test's lines from its first failure on */
	bool failure_seen;
	/* The last test to run ended: its result waits for the process's end,
	 * to carry what the process left running. */
	bool held;
	enum pt__wire_status held_status;
	int64_t held_us;
	size_t ran; /* tests it started */
};

/* If line is "[ WORD ] Suite.Name" followed by end, " (" or ",": true. */
static bool reports(const char *line, const char *word, const struct pt__adapter_test *test)
{
	size_t word_len = strlen(word), suite_len = strlen(test->suite),
	       name_len = strlen(test->name);

	if (strncmp(line, word, word_len))
		return false;
	line += word_len;
	if (strncmp(line, test->suite, suite_len) || line[suite_len] != '.')
		return false;
	line += suite_len + 1;
	if (strncmp(line, test->name, name_len))
		return false;
	line += name_len;
	return !*line || *line == '\n' || *line == ' ' || *line == ',';
}

/* A line that opens a failure or a skip's reason: "file:12: Failure". */
static bool opens_message(const char *line)
{
	const char *colon = strstr(line, ": Failure");

	if (!colon)
		colon = strstr(line, ": Skipped");
	if (!colon || colon == line)
		return false;
	const char *digit = colon;
	while (digit > line && digit[-1] >= '0' && digit[-1] <= '9')
		digit--;
	return digit < colon && digit > line && digit[-1] == ':';
}

/* True when no test after tests[next] is to run (none, or all disabled). */
static bool last_to_run(const struct console *console)
{
	for (size_t i = console->next + 1; i < console->nr; i++)
		if (!disabled(&console->tests[i]))
			return false;
	return true;
}

static void finish(struct pt__adapter *adapter, struct console *console,
		   enum pt__wire_status status)
{
	if (last_to_run(console)) {
		console->held = true;
		console->held_status = status;
		console->held_us = pt__now_us() - console->started_us;
		console->running = false;
		console->next++;
		return;
	}
	pt__adapter_result(adapter, status, pt__now_us() - console->started_us,
			   console->message.data, console->message.len);
	pt__buf_reset(&console->message);
	console->running = false;
	console->failure_seen = false;
	console->next++;
}

/* Disabled tests are not run: each is reported skipped when its turn comes. */
static void skip_disabled(struct pt__adapter *adapter, struct console *console)
{
	static const char why[] = "disabled (DISABLED_)";

	while (console->next < console->nr && disabled(&console->tests[console->next])) {
		pt__adapter_result(adapter, PT__WIRE_SKIP, 0, why, sizeof(why) - 1);
		console->next++;
	}
}

/* Reads one line of the console (its newline included, if any). */
static void read_line(struct pt__adapter *adapter, struct console *console, const char *line)
{
	if (console->held)
		return;
	skip_disabled(adapter, console);
	if (console->next >= console->nr)
		return;
	const struct pt__adapter_test *test = &console->tests[console->next];
	if (!console->running) {
		if (reports(line, "[ RUN      ] ", test)) {
			console->running = true;
			console->ran++;
			console->started_us = pt__now_us();
		}
		return;
	}
	if (reports(line, "[       OK ] ", test))
		finish(adapter, console, PT__WIRE_PASS);
	else if (reports(line, "[  FAILED  ] ", test))
		finish(adapter, console, PT__WIRE_FAIL);
	else if (reports(line, "[  SKIPPED ] ", test))
		finish(adapter, console, PT__WIRE_SKIP);
	else if (console->failure_seen || (console->failure_seen = opens_message(line)))
		pt__buf_adds(&console->message, line);
	skip_disabled(adapter, console);
}

/* Starts the binary on tests[0..n). Returns its pid and stdout, or -1 with why. */
static pid_t start_batch(const struct pt__adapter *adapter, const struct pt__adapter_test *tests,
			 size_t n, int *out, struct pt__buf *why)
{
	struct pt__buf filter = PT__BUF_INIT;
	int pipe_fds[2];
	pid_t pid = -1;

	pt__buf_adds(&filter, "--gtest_filter=");
	for (size_t i = 0; i < n; i++)
		if (!disabled(&tests[i]))
			pt__buf_addf(&filter, "%s%s.%s",
				     filter.data[filter.len - 1] == '=' ? "" : ":", tests[i].suite,
				     tests[i].name);
	char *argv[] = {(char *)binary(adapter), filter.data, "--gtest_color=no", NULL};
	if (!pt__pipe(pipe_fds, why)) {
		struct pt__spawn spawn = {
			.path = binary(adapter),
			.argv = argv,
			/* Its stderr goes through the same pipe, so that what a
			 * test writes there is attributed to it, in order. */
			.fds = {PT__SPAWN_DEVNULL, pipe_fds[1], pipe_fds[1], PT__SPAWN_NONE,
				PT__SPAWN_NONE},
			.cwd = workdir(adapter),
			.wrapped = true,
		};
		if (pt__spawn(&spawn, &pid, why))
			pid = -1;
		close(pipe_fds[1]);
		*out = pipe_fds[0];
		if (pid < 0)
			close(pipe_fds[0]);
	}
	pt__buf_release(&filter);
	return pid;
}

/* Runs tests[0..n), which the binary runs in this order, in one process of it. */
static void run_batch(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n)
{
	struct console console = {tests, n, 0, false, 0, PT__BUF_INIT, false, false, PT__WIRE_PASS, 0, 0};
	struct pt__buf why = PT__BUF_INIT, pending = PT__BUF_INIT;
	char chunk[65536];
	int out = -1, status = 0;
	ssize_t got;
	pid_t pid = 0;

	skip_disabled(adapter, &console);
	if (console.next == n)
		return;
	pid = start_batch(adapter, tests, n, &out, &why);
	if (pid < 0) {
		for (size_t i = 0; i < n; i++)
			pt__adapter_result(adapter, PT__WIRE_FAIL, 0, why.data, why.len);
		pt__buf_release(&why);
		return;
	}
	while ((got = read(out, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		/* Its output goes to the test's capture as it comes, line by line. */
		pt__buf_add(&pending, chunk, (size_t)got);
		char *end;
		while ((end = memchr(pending.data, '\n', pending.len))) {
			size_t len = (size_t)(end - pending.data) + 1;
			char saved = pending.data[len];
			pt__write_all(1, pending.data, len, NULL);
			pending.data[len] = '\0';
			read_line(adapter, &console, pending.data);
			pending.data[len] = saved;
			pt__buf_consume(&pending, len);
		}
	}
	if (pending.len)
		pt__write_all(1, pending.data, pending.len, NULL);
	close(out);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (console.held) {
		if (pt__adapter_batch_leaked(console.ran, &console.message) &&
		    console.held_status != PT__WIRE_FAIL)
			console.held_status = PT__WIRE_LEAK;
		pt__adapter_result(adapter, console.held_status, console.held_us,
				   console.message.data, console.message.len);
		skip_disabled(adapter, &console);
	}
	if (console.next < n && (console.running || !WIFEXITED(status))) {
		struct pt__buf test = PT__BUF_INIT;
		pt__buf_addf(&test, "%s.%s", tests[console.next].suite, tests[console.next].name);
		pt__adapter_die_like(status, binary(adapter), test.data);
	}
	for (; console.next < n; console.next++) {
		pt__buf_reset(&why);
		pt__buf_addf(&why, "\"%s\" did not run it: it ", binary(adapter));
		pt__describe_wait_status(status, &why);
		pt__adapter_result(adapter, PT__WIRE_FAIL, 0, why.data, why.len);
	}
	pt__buf_release(&console.message);
	pt__buf_release(&pending);
	pt__buf_release(&why);
}

/*
 * Runs tests as batches: the longest runs that the binary runs in this
 * order (one process each); a test it does not list on its own.
 */
static void gtest_run(struct pt__adapter *adapter, const struct pt__adapter_test *tests, size_t n)
{
	const struct gtest *gtest = adapter->state;
	struct pt__buf why = PT__BUF_INIT;

	for (size_t i = 0; i < n;) {
		size_t end = i;
		long last = -1, at;
		while (end < n && (at = position_of(gtest, &tests[end])) > last) {
			last = at;
			end++;
		}
		if (end > i) {
			run_batch(adapter, tests + i, end - i);
			i = end;
			continue;
		}
		pt__buf_reset(&why);
		pt__buf_addf(&why, "\"%s\" does not list it", binary(adapter));
		pt__adapter_result(adapter, PT__WIRE_FAIL, 0, why.data, why.len);
		i++;
	}
	pt__buf_release(&why);
}

const struct pt__adapter_kind pt__gtest_adapter = {
	.name = "gtest",
	.min_args = 1,
	.max_args = 2,
	.list = gtest_list,
	.init = gtest_init,
	.run = gtest_run,
	.release = gtest_release,
};
