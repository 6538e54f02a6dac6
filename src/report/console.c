#include "console.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../clock.h"

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
	case PT__NOT_RUN: return YELLOW;
	default: return RED;
	}
}

/* Writes text with every line indented, ending in a newline. */
static void indented(FILE *out, const char *indent, const char *text, size_t len)
{
	bool at_start = true;

	for (size_t i = 0; i < len; i++) {
		if (at_start)
			fputs(indent, out);
		fputc(text[i], out);
		at_start = text[i] == '\n';
	}
	if (!at_start)
		fputc('\n', out);
}

void pt__console_test_done(struct pt__console *console, const struct pt__test_list *list,
			   size_t index)
{
	const struct pt__test *test = &list->tests[index];
	const struct pt__result *result = &test->result;
	bool failed = pt__status_failed(result->status);

	if (!failed && console->verbose < 1)
		return;
	clear_status(console);
	fprintf(console->out, "%s%-7s%s %s  [worker %d, %.3f s]\n",
		paint(console, status_color(result->status)), pt__status_word(result->status),
		paint(console, RESET), test->id, result->worker, result->duration_us / 1e6);
	if (result->message.len && (failed || result->status == PT__SKIP))
		indented(console->out, "    ", result->message.data, result->message.len);
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
	va_list ap;

	clear_status(console);
	va_start(ap, fmt);
	vfprintf(console->out, fmt, ap);
	va_end(ap);
	fputc('\n', console->out);
	fflush(console->out);
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
	fprintf(console->out, "%s%zu passed, %zu failed, %zu skipped%s\n",
		paint(console, tally.failed ? RED : GREEN), tally.by_status[PT__PASS], tally.failed,
		tally.by_status[PT__SKIP], paint(console, RESET));
	fflush(console->out);
}
