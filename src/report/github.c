#include "github.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../error.h"
#include "failures.h"

bool pt__github_active(void)
{
	const char *value = getenv("GITHUB_ACTIONS");

	return value && !strcmp(value, "true");
}

/* Appends text[0..len) escaped as GitHub's workflow commands want: % CR LF
 * always, and in a property also : and , (which would end it); other
 * control characters as visible \xHH, never raw on the console. */
static void add_escaped(struct pt__buf *out, const char *text, size_t len, bool property)
{
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '%')
			pt__buf_adds(out, "%25");
		else if (c == '\r')
			pt__buf_adds(out, "%0D");
		else if (c == '\n')
			pt__buf_adds(out, "%0A");
		else if (property && c == ':')
			pt__buf_adds(out, "%3A");
		else if (property && c == ',')
			pt__buf_adds(out, "%2C");
		else if ((unsigned char)c < 0x20 || c == 0x7F)
			pt__buf_addf(out, "\\x%02X", (unsigned char)c);
		else
			pt__buf_addc(out, c);
	}
}

static void add_property(struct pt__buf *out, const char *name, const char *value)
{
	pt__buf_addf(out, "%s=", name);
	add_escaped(out, value, strlen(value), true);
}

/* The file a test is defined in: its own, or for an executable the program. */
static const char *file_of(const struct pt__test_list *list, const struct pt__test *test)
{
	if (test->attributes.file)
		return test->attributes.file;
	return test->suite ? NULL : list->programs[test->program].name;
}

void pt__github_annotation(struct pt__buf *out, const struct pt__test_list *list,
			   const struct pt__test *test)
{
	const char *file = file_of(list, test);
	const struct pt__result *result = &test->result;
	/* A flaky test is a warning, with why its first attempt failed. */
	bool flaky = result->status == PT__FLAKY && result->nr_retried;
	const struct pt__buf *message = flaky ? &result->retried[0].message : &result->message;

	pt__buf_adds(out, flaky ? "::warning " : "::error ");
	if (file) {
		add_property(out, "file", file);
		if (test->attributes.file && test->attributes.line > 0)
			pt__buf_addf(out, ",line=%d", test->attributes.line);
		pt__buf_addc(out, ',');
	}
	add_property(out, "title", test->id);
	pt__buf_adds(out, "::");
	if (flaky)
		pt__buf_addf(out,
			     "flaky: passed on attempt %zu; attempt 1: ", result->nr_retried + 1);
	if (message->len)
		add_escaped(out, message->data, message->len, false);
	else
		pt__buf_adds(out, pt__status_word(test->result.status));
	pt__buf_addc(out, '\n');
}

void pt__github_annotate(struct pt__buf *out, const struct pt__test_list *list)
{
	for (size_t i = 0; i < list->nr_tests; i++)
		if (pt__status_failed(list->tests[i].result.status) ||
		    list->tests[i].result.status == PT__FLAKY)
			pt__github_annotation(out, list, &list->tests[i]);
}

/* Appends text[0..len) as the content of a Markdown table cell: nothing
 * that ends the cell or the row, starts HTML or a code span. */
static void add_cell(struct pt__buf *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		switch (c) {
		case '|': pt__buf_adds(out, "\\|"); break;
		case '\\': pt__buf_adds(out, "\\\\"); break;
		case '`': pt__buf_adds(out, "\\`"); break;
		case '*': pt__buf_adds(out, "\\*"); break;
		case '_': pt__buf_adds(out, "\\_"); break;
		case '<': pt__buf_adds(out, "&lt;"); break;
		case '>': pt__buf_adds(out, "&gt;"); break;
		case '&': pt__buf_adds(out, "&amp;"); break;
		default: pt__buf_addc(out, c < 0x20 || c == 0x7F ? ' ' : (char)c); break;
		}
	}
}

static void add_cell_str(struct pt__buf *out, const char *text)
{
	add_cell(out, text, strlen(text));
}

/* The summary's Markdown. */
static void build_summary(struct pt__buf *md, const struct pt__test_list *list, double wall_seconds)
{
	struct pt__tally tally;
	struct pt__buf command = PT__BUF_INIT;
	size_t listed = 0;

	pt__tally(list, &tally);
	pt__buf_addf(md,
		     "### partest: %s\n\n"
		     "%zu tests in %.2f s: %zu passed, %zu failed, %zu skipped",
		     tally.failed		    ? "failed"
		     : tally.by_status[PT__NOT_RUN] ? "not all run"
						    : "passed",
		     list->nr_tests, wall_seconds, tally.by_status[PT__PASS], tally.failed,
		     tally.by_status[PT__SKIP]);
	if (tally.by_status[PT__FLAKY])
		pt__buf_addf(md, ", %zu flaky (passed on a retry)", tally.by_status[PT__FLAKY]);
	if (tally.by_status[PT__NOT_RUN])
		pt__buf_addf(md, ", %zu not run", tally.by_status[PT__NOT_RUN]);
	pt__buf_adds(md, "\n\n");
	if (!tally.failed)
		return;
	pt__buf_adds(md, "| status | test | where | message | re-run |\n"
			 "| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		const struct pt__buf *message = &test->result.message;
		const char *newline =
			message->len ? memchr(message->data, '\n', message->len) : NULL;

		if (!pt__status_failed(test->result.status) ||
		    listed++ >= PT__GITHUB_SUMMARY_MAX_FAILURES)
			continue;
		pt__buf_addf(md, "| %s | ", pt__status_word(test->result.status));
		add_cell_str(md, test->id);
		pt__buf_adds(md, " | ");
		if (test->attributes.file) {
			add_cell_str(md, test->attributes.file);
			if (test->attributes.line > 0)
				pt__buf_addf(md, ":%d", test->attributes.line);
		}
		pt__buf_adds(md, " | ");
		add_cell(md, message->len ? message->data : "",
			 newline ? (size_t)(newline - message->data) : message->len);
		pt__buf_adds(md, " | ");
		pt__buf_reset(&command);
		pt__failures_rerun_command(&command, list, test);
		add_cell_str(md, command.data);
		pt__buf_adds(md, " |\n");
	}
	if (listed > PT__GITHUB_SUMMARY_MAX_FAILURES)
		pt__buf_addf(md, "\n... and %zu more failed tests.\n",
			     listed - PT__GITHUB_SUMMARY_MAX_FAILURES);
	pt__buf_addc(md, '\n');
	pt__buf_release(&command);
}

int pt__github_summary(const char *path, const struct pt__test_list *list, double wall_seconds,
		       struct pt__buf *err)
{
	struct pt__buf md = PT__BUF_INIT;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
	int error = fd < 0 ? errno : 0;

	build_summary(&md, list, wall_seconds);
	for (size_t done = 0; !error && done < md.len;) {
		ssize_t wrote = write(fd, md.data + done, md.len - done);
		if (wrote < 0 && errno != EINTR)
			error = errno;
		else if (wrote > 0)
			done += (size_t)wrote;
	}
	if (fd >= 0 && close(fd) && !error)
		error = errno;
	pt__buf_release(&md);
	if (error) {
		pt__buf_addf(err,
			     "cannot append the run's summary to GITHUB_STEP_SUMMARY \"%s\": %s",
			     path, strerror(error));
		return PT__ERUN;
	}
	return 0;
}
