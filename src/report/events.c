#include "events.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "../clock.h"
#include "decimal.h"
#include "json.h"

static const char *const status_names[] = {
	[PT__NOT_RUN] = "not_run", [PT__PASS] = "pass",	  [PT__FAIL] = "fail",
	[PT__SKIP] = "skip",	   [PT__CRASH] = "crash", [PT__TIMEOUT] = "timeout",
	[PT__LEAK] = "leak",	   [PT__FLAKY] = "flaky", [PT__ERROR] = "error",
};

const char *pt__events_status_name(enum pt__status status)
{
	return status_names[status];
}

void pt__events_init(struct pt__events *events, FILE *out, int64_t start_us)
{
	*events = (struct pt__events){.out = out, .start_us = start_us};
}

/* Writes line (one JSON object, without its newline) and flushes it. */
static void emit(struct pt__events *events, struct pt__buf *line)
{
	pt__buf_addc(line, '\n');
	if (events->out && !events->error) {
		errno = 0;
		if (fwrite(line->data, 1, line->len, events->out) != line->len ||
		    fflush(events->out))
			events->error = errno ? errno : EIO;
	}
	pt__buf_release(line);
}

static void add_elapsed(struct pt__events *events, struct pt__buf *line)
{
	pt__buf_adds(line, ",\"t\":");
	pt__decimal_add_fixed(line, pt__now_us() - events->start_us, 6);
	pt__buf_addc(line, '}');
}

/* ,"key":N */
static void add_int(struct pt__buf *line, const char *key, int value)
{
	pt__buf_adds(line, key);
	if (value < 0)
		pt__buf_addc(line, '-');
	pt__decimal_add(line, value < 0 ? -(uint64_t)value : (uint64_t)value);
}

/* "id", "program", "suite" and "name" of a test. */
static void add_test_names(struct pt__buf *line, const struct pt__test_list *list,
			   const struct pt__test *test)
{
	pt__buf_adds(line, ",\"id\":");
	pt__json_add_str_or_null(line, test->id);
	pt__buf_adds(line, ",\"program\":");
	pt__json_add_str_or_null(line, list->programs[test->program].name);
	pt__buf_adds(line, ",\"suite\":");
	pt__json_add_str_or_null(line, test->suite);
	pt__buf_adds(line, ",\"name\":");
	pt__json_add_str_or_null(line, test->name);
	if (test->repeat)
		add_int(line, ",\"repeat\":", (int)test->repeat);
}

void pt__events_run_start(struct pt__events *events, const struct pt__events_run *run)
{
	struct pt__buf line = PT__BUF_INIT;

	pt__buf_addf(&line,
		     "{\"type\":\"run_start\",\"schema\":%d,\"version\":", PT__EVENTS_SCHEMA);
	pt__json_add_str_or_null(&line, run->version);
	if (run->shuffled)
		pt__buf_addf(&line, ",\"seed\":%" PRIu64, run->seed);
	else
		pt__buf_adds(&line, ",\"seed\":null");
	pt__buf_adds(&line, ",\"partition\":");
	pt__json_add_str_or_null(&line, run->partition);
	pt__buf_addf(&line, ",\"workers\":%d,\"time\":", run->workers);
	pt__json_add_str_or_null(&line, run->time);
	pt__buf_addc(&line, '}');
	emit(events, &line);
}

void pt__events_test_start(struct pt__events *events, const struct pt__test_list *list, size_t test,
			   int worker)
{
	struct pt__buf line = PT__BUF_INIT;

	pt__buf_adds(&line, "{\"type\":\"test_start\"");
	add_test_names(&line, list, &list->tests[test]);
	add_int(&line, ",\"worker\":", worker);
	add_int(&line, ",\"attempt\":", (int)list->tests[test].result.nr_retried + 1);
	add_elapsed(events, &line);
	emit(events, &line);
}

/* key and a captured stream, its last PT__EVENTS_OUTPUT_MAX bytes, or null
 * when nothing was captured. */
static void add_output(struct pt__buf *line, const char *key, const struct pt__buf *output)
{
	pt__buf_adds(line, key);
	if (!output->len) {
		pt__buf_adds(line, "null");
		return;
	}
	size_t skip = output->len > PT__EVENTS_OUTPUT_MAX ? output->len - PT__EVENTS_OUTPUT_MAX : 0;
	pt__json_add_string(line, output->data + skip, output->len - skip);
}

/* The test_end of test's attempt; retried: a failed attempt that is followed by another. */
static void test_end(struct pt__events *events, const struct pt__test_list *list, size_t test,
		     bool retried)
{
	const struct pt__test *t = &list->tests[test];
	const struct pt__result *result = &t->result;
	struct pt__buf line = PT__BUF_INIT;

	pt__buf_adds(&line, "{\"type\":\"test_end\"");
	add_test_names(&line, list, t);
	pt__buf_adds(&line, ",\"status\":\"");
	pt__buf_adds(&line, pt__events_status_name(result->status));
	pt__buf_adds(&line, "\",\"duration\":");
	pt__decimal_add_fixed(&line, result->duration_us, 6);
	add_int(&line, ",\"worker\":", result->worker);
	add_int(&line, ",\"attempt\":", (int)result->nr_retried + 1);
	if (retried)
		pt__buf_adds(&line, ",\"retried\":true");
	pt__buf_adds(&line, ",\"message\":");
	if (result->message.len)
		pt__json_add_string(&line, result->message.data, result->message.len);
	else
		pt__buf_adds(&line, "null");
	pt__buf_adds(&line, ",\"file\":");
	pt__json_add_str_or_null(&line, t->attributes.file);
	if (t->attributes.file && t->attributes.line > 0)
		add_int(&line, ",\"line\":", t->attributes.line);
	else
		pt__buf_adds(&line, ",\"line\":null");
	add_output(&line, ",\"stdout\":", &result->out);
	add_output(&line, ",\"stderr\":", &result->err);
	pt__buf_adds(&line, ",\"output_bytes\":");
	pt__decimal_add(&line, result->written);
	add_elapsed(events, &line);
	emit(events, &line);
}

void pt__events_test_end(struct pt__events *events, const struct pt__test_list *list, size_t test)
{
	test_end(events, list, test, false);
}

void pt__events_attempt_failed(struct pt__events *events, const struct pt__test_list *list,
			       size_t test)
{
	test_end(events, list, test, true);
}

void pt__events_run_end(struct pt__events *events, const struct pt__test_list *list,
			double wall_seconds, int exit_status)
{
	struct pt__tally tally;
	struct pt__buf line = PT__BUF_INIT;

	for (size_t i = 0; i < list->nr_tests; i++)
		if (list->tests[i].result.status == PT__NOT_RUN)
			pt__events_test_end(events, list, i);
	pt__tally(list, &tally);
	pt__buf_adds(&line, "{\"type\":\"run_end\",\"counts\":{");
	for (size_t s = 0; s < sizeof(status_names) / sizeof(status_names[0]); s++)
		pt__buf_addf(&line, "%s\"%s\":%zu", s ? "," : "", status_names[s],
			     tally.by_status[s]);
	pt__buf_adds(&line, "},\"wall\":");
	pt__decimal_add_fixed(&line, wall_seconds > 0 ? (int64_t)(wall_seconds * 1e6 + 0.5) : 0, 6);
	add_int(&line, ",\"exit\":", exit_status);
	pt__buf_addc(&line, '}');
	emit(events, &line);
}
