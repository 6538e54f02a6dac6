#include "tap_report.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "decimal.h"
#include "events.h"
#include "json.h"

static void emit(struct pt__tap_report *tap, struct pt__buf *text)
{
	if (!tap->error && text->len) {
		errno = 0;
		if (fwrite(text->data, 1, text->len, tap->out) != text->len || fflush(tap->out))
			tap->error = errno ? errno : EIO;
	}
	pt__buf_release(text);
}

void pt__tap_report_init(struct pt__tap_report *tap, FILE *out)
{
	struct pt__buf text = PT__BUF_INIT;

	*tap = (struct pt__tap_report){.out = out};
	pt__buf_adds(&text, "TAP version 14\n");
	emit(tap, &text);
}

/* Appends text for a description or directive reason: TAP 14 escapes \ and
 * #; a line end or other control character would end the line, so it is
 * shown as a space. */
static void add_escaped(struct pt__buf *out, const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\\' || c == '#')
			pt__buf_addc(out, '\\');
		pt__buf_addc(out, c < 0x20 || c == 0x7F ? ' ' : (char)c);
	}
}

/* The first line of message, for a SKIP reason. */
static size_t first_line_length(const struct pt__buf *message)
{
	const char *newline = message->len ? memchr(message->data, '\n', message->len) : NULL;

	return newline ? (size_t)(newline - message->data) : message->len;
}

/* The YAML block of a test that did not pass: its status, message, where it
 * is defined and its duration. */
static void add_diagnostics(struct pt__buf *text, const struct pt__test *test)
{
	const struct pt__result *result = &test->result;

	pt__buf_addf(text, "  ---\n  status: %s\n", pt__events_status_name(result->status));
	if (result->message.len) {
		pt__buf_adds(text, "  message: ");
		pt__json_add_string(text, result->message.data, result->message.len);
		pt__buf_addc(text, '\n');
	}
	if (test->attributes.file) {
		pt__buf_adds(text, "  file: ");
		pt__json_add_string(text, test->attributes.file, strlen(test->attributes.file));
		pt__buf_addc(text, '\n');
		if (test->attributes.line > 0)
			pt__buf_addf(text, "  line: %d\n", test->attributes.line);
	}
	pt__buf_addf(text, "  duration_ms: %.3f\n  ...\n",
		     result->duration_us > 0 ? result->duration_us / 1e3 : 0.0);
}

void pt__tap_report_test_done(struct pt__tap_report *tap, const struct pt__test_list *list,
			      size_t index)
{
	const struct pt__test *test = &list->tests[index];
	const struct pt__result *result = &test->result;
	bool ok = result->status == PT__PASS || result->status == PT__SKIP ||
		  result->status == PT__FLAKY;
	struct pt__buf text = PT__BUF_INIT;

	pt__buf_adds(&text, ok ? "ok " : "not ok ");
	pt__decimal_add(&text, ++tap->points);
	pt__buf_adds(&text, " - ");
	add_escaped(&text, test->id, strlen(test->id));
	if (result->status == PT__FLAKY)
		pt__buf_addf(&text, " # flaky: passed on attempt %zu", result->nr_retried + 1);
	if (result->status == PT__SKIP) {
		pt__buf_adds(&text, " # SKIP");
		if (result->message.len) {
			pt__buf_addc(&text, ' ');
			add_escaped(&text, result->message.data,
				    first_line_length(&result->message));
		}
	}
	pt__buf_addc(&text, '\n');
	if (!ok)
		add_diagnostics(&text, test);
	emit(tap, &text);
}

void pt__tap_report_finish(struct pt__tap_report *tap, const struct pt__test_list *list)
{
	struct pt__buf text = PT__BUF_INIT;

	for (size_t i = 0; i < list->nr_tests; i++)
		if (list->tests[i].result.status == PT__NOT_RUN)
			pt__tap_report_test_done(tap, list, i);
	pt__buf_addf(&text, "1..%zu\n", tap->points);
	emit(tap, &text);
}
