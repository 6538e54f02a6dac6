#include "console.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../clock.h"
#include "../xalloc.h"
#include "visible.h"

#define RED	   "\033[31m"
#define GREEN	   "\033[32m"
#define YELLOW	   "\033[33m"
#define BOLD	   "\033[1m"
#define RESET	   "\033[0m"
#define CLEAR_LINE "\r\033[K"

void pt__console_init(struct pt__console *console, const struct pt__options *options, FILE *out)
{
	bool tty = isatty(fileno(out));
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	memset(console, 0, sizeof(*console));
	console->out = out;
	console->live = tty && !options->no_capture && !(term && !strcmp(term, "dumb"));
	if (options->color == PT__COLOR_ALWAYS)
		console->color = true;
	else if (options->color == PT__COLOR_NEVER)
		console->color = false;
	else
		console->color =
			tty && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
	console->verbose = options->verbose;
	console->no_capture = options->no_capture;
	console->flaky_fails = options->flaky_fails;
	console->rounds_appended = options->until_fail && !options->repeat;
	console->start = pt__now_seconds();
}

static const char *paint(const struct pt__console *console, const char *code)
{
	return console->color ? code : "";
}

static void clear_status(struct pt__console *console)
{
	if (console->status_shown) {
		fputs(CLEAR_LINE, console->out);
		console->status_shown = false;
	}
}

static const char *status_color(enum pt__status status)
{
	switch (status) {
	case PT__PASS: return GREEN;
	case PT__SKIP:
	case PT__FLAKY:
	case PT__NOT_RUN: return YELLOW;
	default: return RED;
	}
}

/* Writes text from a test on one line, its control characters made visible. */
static void put_visible(FILE *out, const char *text)
{
	struct pt__buf shown = PT__BUF_INIT;

	pt__visible_add(&shown, text, strlen(text), false);
	fputs(pt__buf_str(&shown), out);
	pt__buf_release(&shown);
}

/*
 * Writes text from a test with every line indented, ending in a newline,
 * its control characters made visible.
 */
static void indented(FILE *out, const char *indent, const char *text, size_t len)
{
	struct pt__buf shown = PT__BUF_INIT;
	bool at_start = true;

	pt__visible_add(&shown, text, len, true);
	for (size_t i = 0; i < shown.len; i++) {
		if (at_start)
			fputs(indent, out);
		fputc(shown.data[i], out);
		at_start = shown.data[i] == '\n';
	}
	if (!at_start)
		fputc('\n', out);
	pt__buf_release(&shown);
}

/* "PASS    id  [worker 1, 0.012 s]", with the count of TAP test points if any. */
static void test_line(struct pt__console *console, const struct pt__test *test)
{
	const struct pt__result *result = &test->result;
	size_t points = result->tap.nr_points;

	fprintf(console->out, "%s%-7s%s ", paint(console, status_color(result->status)),
		pt__status_word(result->status), paint(console, RESET));
	put_visible(console->out, test->id);
	fprintf(console->out, "  [worker %d, %.3f s", result->worker, result->duration_us / 1e6);
	if (points)
		fprintf(console->out, ", %zu TAP test point%s", points, points == 1 ? "" : "s");
	fputs("]\n", console->out);
}

/* Names each TAP test point marked TODO that passed, as prove's "TODO passed". */
static void todo_passed_lines(struct pt__console *console, const struct pt__tap_stream *tap)
{
	for (size_t i = 0; i < tap->nr_points; i++) {
		const struct pt__tap_point *point = &tap->points[i];
		if (point->status != PT__TAP_POINT_TODO_PASSED)
			continue;
		fprintf(console->out, "    %sTODO passed%s: ok %ju", paint(console, YELLOW),
			paint(console, RESET), point->number);
		if (*point->description) {
			fputs(" - ", console->out);
			put_visible(console->out, point->description);
		}
		fputs(" # TODO", console->out);
		if (*point->reason) {
			fputc(' ', console->out);
			put_visible(console->out, point->reason);
		}
		fputc('\n', console->out);
	}
}

/* Counts each program's tests, again whenever tests were added to the list. */
static void count_program_tests(struct pt__console *console, const struct pt__test_list *list)
{
	if (!console->program_tests) {
		console->nr_programs = list->nr_programs;
		console->program_tests = pt__xcalloc(list->nr_programs, sizeof(size_t));
		console->program_finished = pt__xcalloc(list->nr_programs, sizeof(size_t));
	} else if (console->tests_counted == list->nr_tests) {
		return;
	}
	memset(console->program_tests, 0, console->nr_programs * sizeof(size_t));
	for (size_t i = 0; i < list->nr_tests; i++)
		console->program_tests[list->tests[i].program]++;
	console->tests_counted = list->nr_tests;
}

/*
 * Off a terminal, a program that speaks the protocol gets a line when its
 * last test finished: "done    PROGRAM  [12 tests: 11 passed, 1 failed, 0
 * skipped]". (An executable's one test has its own line.)
 */
static void program_line(struct pt__console *console, const struct pt__test_list *list,
			 size_t program)
{
	size_t by_status[PT__NR_STATUSES] = {0}, failed = 0;

	count_program_tests(console, list);
	if (++console->program_finished[program] != console->program_tests[program])
		return;
	for (size_t i = 0; i < list->nr_tests; i++) {
		if (list->tests[i].program != program)
			continue;
		by_status[list->tests[i].result.status]++;
		failed += pt__status_failed(list->tests[i].result.status);
	}
	fputs("done    ", console->out);
	put_visible(console->out, list->programs[program].name);
	fprintf(console->out, "  [%zu test%s: %zu passed, ", console->program_tests[program],
		console->program_tests[program] == 1 ? "" : "s", by_status[PT__PASS]);
	if (by_status[PT__FLAKY])
		fprintf(console->out, "%zu flaky, ", by_status[PT__FLAKY]);
	fprintf(console->out, "%zu failed, %zu skipped]\n", failed, by_status[PT__SKIP]);
}

void pt__console_test_done(struct pt__console *console, const struct pt__test_list *list,
			   size_t index)
{
	const struct pt__test *test = &list->tests[index];
	const struct pt__result *result = &test->result;
	bool failed = pt__status_failed(result->status);
	bool executable = list->programs[test->program].kind == PT__PROGRAM_EXEC;
	/* Off a terminal and without -v: a line per finished program. */
	bool per_program = !console->live && console->verbose < 1;

	if (failed || console->verbose >= 1 || result->tap.counts[PT__TAP_POINT_TODO_PASSED] ||
	    result->status == PT__FLAKY || (executable && per_program)) {
		clear_status(console);
		test_line(console, test);
		if (result->status == PT__FLAKY)
			fprintf(console->out,
				"    passed on attempt %zu, after %zu failed attempt%s\n",
				result->nr_retried + 1, result->nr_retried,
				result->nr_retried == 1 ? "" : "s");
		else if (result->nr_retried)
			fprintf(console->out, "    none of its %zu attempts passed; the last:\n",
				result->nr_retried + 1);
		if (result->message.len && (failed || result->status == PT__SKIP))
			indented(console->out, "    ", result->message.data, result->message.len);
		todo_passed_lines(console, &result->tap);
	}
	if (failed && !console->no_capture) {
		if (result->out.len) {
			fprintf(console->out, "    %s--- stdout ---%s\n", paint(console, BOLD),
				paint(console, RESET));
			indented(console->out, "    ", result->out.data, result->out.len);
		}
		if (result->err.len) {
			fprintf(console->out, "    %s--- stderr ---%s\n", paint(console, BOLD),
				paint(console, RESET));
			indented(console->out, "    ", result->err.data, result->err.len);
		}
	}
	if (per_program && !executable && !(console->rounds_appended && test->repeat > 1))
		program_line(console, list, test->program);
	fflush(console->out);
}

void pt__console_attempt_failed(struct pt__console *console, const struct pt__test_list *list,
				size_t index)
{
	const struct pt__test *test = &list->tests[index];
	const struct pt__result *result = &test->result;

	clear_status(console);
	fprintf(console->out, "%s%-7s%s ", paint(console, YELLOW), "RETRY", paint(console, RESET));
	put_visible(console->out, test->id);
	fprintf(console->out, "  [worker %d, %.3f s, attempt %zu: %s; running it again]\n",
		result->worker, result->duration_us / 1e6, result->nr_retried + 1,
		pt__status_word(result->status));
	if (result->message.len)
		indented(console->out, "    ", result->message.data, result->message.len);
	fflush(console->out);
}

void pt__console_progress(struct pt__console *console, const struct pt__pool_progress *progress)
{
	if (!console->live)
		return;
	fprintf(console->out, CLEAR_LINE "[%zu/%zu] %s%zu failed%s, %zu running, %.1f s",
		progress->done, progress->total, progress->failed ? paint(console, RED) : "",
		progress->failed, progress->failed ? paint(console, RESET) : "", progress->running,
		pt__now_seconds() - console->start);
	fflush(console->out);
	console->status_shown = true;
}

void pt__console_passthrough(struct pt__console *console, int fd, const char *data, size_t len)
{
	FILE *stream = fd == 2 ? stderr : console->out;

	clear_status(console);
	fflush(console->out);
	fwrite(data, 1, len, stream);
	fflush(stream);
}

void pt__console_note(struct pt__console *console, const char *fmt, ...)
{
	struct pt__buf note = PT__BUF_INIT;
	va_list ap;

	clear_status(console);
	va_start(ap, fmt);
	pt__buf_vaddf(&note, fmt, ap);
	va_end(ap);
	put_visible(console->out, pt__buf_str(&note));
	fputc('\n', console->out);
	fflush(console->out);
	pt__buf_release(&note);
}

/*
 * "3 programs, 41 TAP test points: 40 ok, 1 not ok; 2 skipped, 1 TODO, 1
 * TODO passed", when TAP programs ran. "ok" is prove's: SKIP and TODO
 * points are ok.
 */
static void tap_summary(struct pt__console *console, const struct pt__test_list *list)
{
	size_t counts[PT__TAP_POINT_TODO_PASSED + 1] = {0}, programs = 0, points = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__tap_stream *tap = &list->tests[i].result.tap;
		if (!tap->nr_points)
			continue;
		programs++;
		points += tap->nr_points;
		for (size_t k = 0; k <= PT__TAP_POINT_TODO_PASSED; k++)
			counts[k] += tap->counts[k];
	}
	if (!programs)
		return;
	fprintf(console->out, "%zu program%s, %zu TAP test point%s: %zu ok, %zu not ok", programs,
		programs == 1 ? "" : "s", points, points == 1 ? "" : "s",
		points - counts[PT__TAP_POINT_NOT_OK], counts[PT__TAP_POINT_NOT_OK]);
	struct {
		enum pt__tap_point_status status;
		const char *what;
	} details[] = {
		{PT__TAP_POINT_SKIPPED, "skipped"},
		{PT__TAP_POINT_TODO, "TODO"},
		{PT__TAP_POINT_TODO_PASSED, "TODO passed"},
	};
	const char *sep = "; ";
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		if (!counts[details[i].status])
			continue;
		fprintf(console->out, "%s%zu %s", sep, counts[details[i].status], details[i].what);
		sep = ", ";
	}
	fputc('\n', console->out);
}

void pt__console_summary(struct pt__console *console, const struct pt__test_list *list,
			 bool interrupted)
{
	struct pt__tally tally;
	const char *sep = "";

	pt__tally(list, &tally);
	clear_status(console);
	fprintf(console->out, "%s%zu tests in %.2f s", interrupted ? "interrupted: " : "",
		list->nr_tests, pt__now_seconds() - console->start);
	struct {
		enum pt__status status;
		const char *what;
	} details[] = {
		{PT__CRASH, "crashed"},
		{PT__TIMEOUT, "timed out"},
		{PT__LEAK, "leaked processes"},
		{PT__ERROR, "ended in a hard error (exit 99)"},
		{PT__FLAKY, "flaky (passed on a retry)"},
		{PT__NOT_RUN, "not run"},
	};
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
		size_t count = tally.by_status[details[i].status];
		if (!count)
			continue;
		fprintf(console->out, "%s%zu %s", *sep ? sep : "; ", count, details[i].what);
		sep = ", ";
	}
	fputc('\n', console->out);
	tap_summary(console, list);
	bool failed = tally.failed || (console->flaky_fails && tally.by_status[PT__FLAKY]);

	fprintf(console->out, "%s%zu passed, ", paint(console, failed ? RED : GREEN),
		tally.by_status[PT__PASS]);
	if (tally.by_status[PT__FLAKY])
		fprintf(console->out, "%zu flaky, ", tally.by_status[PT__FLAKY]);
	fprintf(console->out, "%zu failed, %zu skipped%s\n", tally.failed,
		tally.by_status[PT__SKIP], paint(console, RESET));
	fflush(console->out);
}

void pt__console_release(struct pt__console *console)
{
	free(console->program_tests);
	free(console->program_finished);
	console->program_tests = console->program_finished = NULL;
}
