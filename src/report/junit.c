#include "junit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../error.h"
#include "../xalloc.h"
#include "decimal.h"
#include "utf8.h"

/* Where a finished test's <testcase> lies in the spool; len 0: not there. */
struct pt__junit_spooled {
	int64_t offset;
	size_t len;
};

/* The tests of one (program, suite) pair: one <testsuite>. */
struct junit_group {
	size_t program;
	const char *suite; /* NULL for the suite-less tests of a program */
	size_t nr_tests;
	size_t first; /* where its tests start in the ordered index */
	size_t failures, errors, skipped;
	int64_t duration_us;
};

/* Spool bytes copied to the report at a time. */
#define COPY_CHUNK (256 * 1024)

static bool is_plain_ascii(unsigned char c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n';
	return c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

/* pt__xml_escape(), and in_attribute: LF and tab as references, which
 * attribute value normalisation would otherwise turn into spaces. */
static void escape(struct pt__buf *out, const char *data, size_t len, bool in_attribute)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		while (run < len && is_plain_ascii(s[run]) &&
		       !(in_attribute && (s[run] == '\n' || s[run] == '\t')))
			run++;
		if (run > i) {
			pt__buf_add(out, s + i, run - i);
			i = run;
			continue;
		}

		unsigned char c = s[i];
		if (c < 0x80) {
			switch (c) {
			case '&': pt__buf_adds(out, "&amp;"); break;
			case '<': pt__buf_adds(out, "&lt;"); break;
			case '>': pt__buf_adds(out, "&gt;"); break;
			case '"': pt__buf_adds(out, "&quot;"); break;
			case '\'': pt__buf_adds(out, "&apos;"); break;
			case '\r': pt__buf_adds(out, "&#13;"); break;
			case '\n': pt__buf_adds(out, "&#10;"); break;
			case '\t': pt__buf_adds(out, "&#9;"); break;
			default: pt__buf_addf(out, "\\x%02X", c); break;
			}
			i++;
			continue;
		}

		uint32_t cp;
		size_t taken = pt__utf8_decode(s + i, len - i, &cp);
		if (cp == PT__UTF8_INVALID)
			pt__buf_adds(out, "\xEF\xBF\xBD");
		else if (cp <= 0x9F || cp == 0xFFFE || cp == 0xFFFF)
			pt__buf_addf(out, "\\u%04" PRIX32, cp);
		else
			pt__buf_add(out, s + i, taken);
		i += taken;
	}
}

void pt__xml_escape(struct pt__buf *out, const char *data, size_t len)
{
	escape(out, data, len, false);
}

static void escape_str(struct pt__buf *out, const char *str)
{
	escape(out, str, strlen(str), true);
}

/* The message's first line, escaped for an attribute, after prefix. */
static void add_first_line(struct pt__buf *out, const char *prefix, const struct pt__buf *message,
			   const char *fallback)
{
	const char *data = pt__buf_str(message);
	const char *newline = memchr(data, '\n', message->len);
	size_t len = newline ? (size_t)(newline - data) : message->len;

	if (len && data[len - 1] == '\r')
		len--;
	pt__buf_adds(out, prefix);
	if (len)
		escape(out, data, len, true);
	else
		pt__buf_adds(out, fallback);
}

/* Seconds with three decimals, independent of the locale. */
static void add_seconds(struct pt__buf *out, int64_t us)
{
	int64_t ms = us > 0 ? (us + 500) / 1000 : 0;

	pt__decimal_add_fixed(out, ms, 3);
}

static int64_t seconds_to_us(double seconds)
{
	if (!(seconds > 0))
		return 0; /* negative or NaN */
	if (seconds > 1e12)
		seconds = 1e12;
	return (int64_t)(seconds * 1e6 + 0.5);
}

static void add_attribute(struct pt__buf *out, const char *name, const char *value)
{
	if (!value)
		return;
	pt__buf_addc(out, ' ');
	pt__buf_adds(out, name);
	pt__buf_adds(out, "=\"");
	escape_str(out, value);
	pt__buf_addc(out, '"');
}

/* A test that was running when the run was interrupted. */
static bool cut_short(const struct pt__result *result)
{
	return result->status == PT__NOT_RUN && result->worker > 0;
}

static bool same_group(const struct junit_group *group, size_t program, const char *suite)
{
	if (group->program != program)
		return false;
	if (!group->suite || !suite)
		return group->suite == suite;
	return strcmp(group->suite, suite) == 0;
}

static void count(struct junit_group *group, const struct pt__result *result)
{
	group->nr_tests++;
	if (result->duration_us > 0)
		group->duration_us += result->duration_us;
	switch (result->status) {
	case PT__FAIL:
	case PT__LEAK: group->failures++; break;
	case PT__CRASH:
	case PT__TIMEOUT:
	case PT__ERROR: group->errors++; break;
	case PT__NOT_RUN:
		if (cut_short(result))
			group->errors++;
		else
			group->skipped++;
		break;
	case PT__SKIP: group->skipped++; break;
	case PT__PASS:
	case PT__FLAKY: break;
	}
}

/*
 * Puts the tests in groups in order of first appearance: *groups gets the
 * groups, *order the test indexes group after group, each group's tests in
 * list order. Returns the number of groups.
 */
static size_t group_tests(const struct pt__test_list *list, struct junit_group **groups_out,
			  size_t **order_out)
{
	struct junit_group *groups = NULL;
	size_t nr_groups = 0, alloc_groups = 0;
	size_t *group_of = pt__xcalloc(list->nr_tests + 1, sizeof(*group_of));
	size_t *order = pt__xcalloc(list->nr_tests + 1, sizeof(*order));
	size_t last = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		size_t g = nr_groups;

		if (nr_groups && same_group(&groups[last], test->program, test->suite)) {
			g = last;
		} else {
			for (size_t j = 0; j < nr_groups; j++) {
				if (same_group(&groups[j], test->program, test->suite)) {
					g = j;
					break;
				}
			}
		}
		if (g == nr_groups) {
			PT__GROW(groups, nr_groups + 1, alloc_groups);
			memset(&groups[g], 0, sizeof(groups[g]));
			groups[g].program = test->program;
			groups[g].suite = test->suite;
			nr_groups++;
		}
		last = g;
		group_of[i] = g;
		count(&groups[g], &test->result);
	}

	size_t next = 0;
	for (size_t g = 0; g < nr_groups; g++) {
		groups[g].first = next;
		next += groups[g].nr_tests;
	}
	size_t *fill = pt__xcalloc(nr_groups + 1, sizeof(*fill));
	for (size_t i = 0; i < list->nr_tests; i++) {
		size_t g = group_of[i];
		order[groups[g].first + fill[g]++] = i;
	}
	free(fill);
	free(group_of);
	*groups_out = groups;
	*order_out = order;
	return nr_groups;
}

/* The element that says why a test did not pass, with the message as its
 * text; nothing for a pass. */
static void add_outcome(struct pt__buf *xml, const struct pt__result *result)
{
	const struct pt__buf *message = &result->message;
	const char *tag, *type, *prefix = "", *fallback;

	switch (result->status) {
	case PT__FAIL:
		tag = "failure";
		fallback = "failed";
		break;
	case PT__LEAK:
		tag = "failure";
		fallback = "left a process running";
		break;
	case PT__CRASH:
		tag = "error";
		fallback = "crashed";
		break;
	case PT__TIMEOUT:
		tag = "error";
		fallback = "timed out";
		break;
	case PT__ERROR:
		tag = "error";
		fallback = "hard error";
		break;
	case PT__SKIP:
		tag = "skipped";
		fallback = "skipped";
		break;
	case PT__NOT_RUN:
		tag = cut_short(result) ? "error" : "skipped";
		fallback = cut_short(result) ? "interrupted" : "not run";
		if (!cut_short(result) && message->len && strncmp(message->data, "not run", 7))
			prefix = "not run: ";
		break;
	case PT__PASS:
	case PT__FLAKY:
	default: return;
	}
	type = result->status == PT__NOT_RUN ? (cut_short(result) ? "interrupted" : "not-run")
					     : pt__status_word(result->status);

	pt__buf_addf(xml, "      <%s message=\"", tag);
	add_first_line(xml, prefix, message, fallback);
	pt__buf_addf(xml, "\" type=\"%s\">", type);
	pt__buf_adds(xml, prefix);
	if (message->len)
		pt__xml_escape(xml, message->data, message->len);
	else
		pt__buf_adds(xml, fallback);
	pt__buf_addf(xml, "</%s>\n", tag);
}

static void add_output(struct pt__buf *xml, const char *tag, const struct pt__buf *output)
{
	if (!output->len)
		return;
	pt__buf_addf(xml, "      <%s>", tag);
	pt__xml_escape(xml, output->data, output->len);
	pt__buf_addf(xml, "</%s>\n", tag);
}

/*
 * The failed attempts before a test's last one, as Maven Surefire writes
 * reruns: <flakyFailure> (or <flakyError> for a crash or a time-out) when
 * the test passed in the end, <rerunFailure> (<rerunError>) after its
 * <failure> when it did not; each with the attempt's first line as message,
 * its status as type, all its message as <stackTrace> and its output.
 */
static void add_attempts(struct pt__buf *xml, const struct pt__result *result)
{
	const char *kind = result->status == PT__FLAKY ? "flaky" : "rerun";

	for (size_t i = 0; i < result->nr_retried; i++) {
		const struct pt__attempt *attempt = &result->retried[i];
		const char *what = attempt->status == PT__FAIL ? "Failure" : "Error";
		pt__buf_addf(xml, "      <%s%s message=\"", kind, what);
		add_first_line(xml, "", &attempt->message, pt__status_word(attempt->status));
		pt__buf_addf(xml, "\" type=\"%s\">\n        <stackTrace>",
			     pt__status_word(attempt->status));
		pt__xml_escape(xml, pt__buf_str(&attempt->message), attempt->message.len);
		pt__buf_adds(xml, "</stackTrace>\n");
		add_output(xml, "system-out", &attempt->out);
		add_output(xml, "system-err", &attempt->err);
		pt__buf_addf(xml, "      </%s%s>\n", kind, what);
	}
}

static void add_testcase(struct pt__buf *xml, const struct pt__test_list *list,
			 const struct pt__test *test)
{
	const char *program = list->programs[test->program].name;
	const struct pt__result *result = &test->result;

	pt__buf_adds(xml, "    <testcase");
	add_attribute(xml, "name", test->suite ? test->name : program);
	pt__buf_adds(xml, " classname=\"");
	escape_str(xml, program);
	if (test->suite) {
		pt__buf_addc(xml, '.');
		escape_str(xml, test->suite);
	}
	pt__buf_adds(xml, "\" time=\"");
	add_seconds(xml, result->duration_us);
	pt__buf_addc(xml, '"');
	add_attribute(xml, "file", test->attributes.file);
	if (test->attributes.file && test->attributes.line > 0) {
		pt__buf_adds(xml, " line=\"");
		pt__decimal_add(xml, (uint64_t)test->attributes.line);
		pt__buf_addc(xml, '"');
	}

	if (result->status == PT__PASS && !result->out.len && !result->err.len) {
		pt__buf_adds(xml, "/>\n");
		return;
	}
	pt__buf_adds(xml, ">\n");
	add_outcome(xml, result);
	add_attempts(xml, result);
	add_output(xml, "system-out", &result->out);
	add_output(xml, "system-err", &result->err);
	pt__buf_adds(xml, "    </testcase>\n");
}

static void add_testsuite_start(struct pt__buf *xml, const struct pt__test_list *list,
				const struct junit_group *group, const struct pt__junit_run *run)
{
	pt__buf_adds(xml, "  <testsuite name=\"");
	escape_str(xml, list->programs[group->program].name);
	if (group->suite) {
		pt__buf_adds(xml, "::");
		escape_str(xml, group->suite);
	}
	pt__buf_addf(xml,
		     "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\""
		     " skipped=\"%zu\" time=\"",
		     group->nr_tests, group->failures, group->errors, group->skipped);
	add_seconds(xml, group->duration_us);
	pt__buf_addc(xml, '"');
	add_attribute(xml, "timestamp", run->timestamp);
	add_attribute(xml, "hostname", run->hostname);
	pt__buf_adds(xml, ">\n");
	if (run->partition) {
		pt__buf_adds(xml, "    <properties>\n"
				  "      <property name=\"partest.partition\"");
		add_attribute(xml, "value", run->partition);
		pt__buf_adds(xml, "/>\n    </properties>\n");
	}
}

void pt__junit_init(struct pt__junit *junit, FILE *out, FILE *spool, const char *name)
{
	*junit = (struct pt__junit){.out = out, .spool = spool, .name = name};
}

void pt__junit_test_done(struct pt__junit *junit, const struct pt__test_list *list, size_t test)
{
	struct pt__buf xml = PT__BUF_INIT;

	if (!junit->spool || junit->error)
		return;
	add_testcase(&xml, list, &list->tests[test]);
	errno = 0;
	if (fwrite(xml.data, 1, xml.len, junit->spool) != xml.len) {
		junit->error = errno ? errno : EIO;
		pt__buf_release(&xml);
		return;
	}
	if (test >= junit->nr_spooled) {
		PT__GROW(junit->spooled, test + 1, junit->alloc_spooled);
		memset(junit->spooled + junit->nr_spooled, 0,
		       (test + 1 - junit->nr_spooled) * sizeof(*junit->spooled));
		junit->nr_spooled = test + 1;
	}
	junit->spooled[test] = (struct pt__junit_spooled){junit->spool_size, xml.len};
	junit->spool_size += (int64_t)xml.len;
	pt__buf_release(&xml);
}

/* Says in err that the report could not be written, error saying why
 * (EIO when nothing did). Returns PT__ERUN. */
static int write_failed(const struct pt__junit *junit, int error, struct pt__buf *err)
{
	pt__buf_addf(err, "cannot write the JUnit report \"%s\": %s", junit->name,
		     strerror(error ? error : EIO));
	return PT__ERUN;
}

/* Writes and empties xml. Returns 0, or an errno value. */
static int flush_chunk(FILE *out, struct pt__buf *xml)
{
	if (!xml->len)
		return 0;
	errno = 0;
	if (fwrite(xml->data, 1, xml->len, out) != xml->len)
		return errno ? errno : EIO;
	pt__buf_reset(xml);
	return 0;
}

/* Copies spool[offset..offset+len) to the end of xml. Returns 0, or an errno value. */
static int copy_spooled(const struct pt__junit *junit, int64_t offset, size_t len,
			struct pt__buf *xml)
{
	char chunk[16384];

	while (len) {
		ssize_t got = pread(fileno(junit->spool), chunk,
				    len < sizeof(chunk) ? len : sizeof(chunk), (off_t)offset);
		if (got <= 0)
			return got < 0 ? errno : EIO;
		pt__buf_add(xml, chunk, (size_t)got);
		offset += got;
		len -= (size_t)got;
	}
	return 0;
}

/* The group's test cases into xml, from the spool where they are there,
 * runs of neighbours in one read. Returns 0, or an errno value. */
static int add_group_cases(const struct pt__junit *junit, const struct pt__test_list *list,
			   const size_t *tests, size_t nr_tests, struct pt__buf *xml)
{
	int64_t run_offset = 0;
	size_t run_len = 0;
	int error = 0;

	for (size_t i = 0; i < nr_tests && !error; i++) {
		size_t test = tests[i];
		const struct pt__junit_spooled *at =
			test < junit->nr_spooled && junit->spooled[test].len ? &junit->spooled[test]
									     : NULL;

		if (at && run_len && at->offset == run_offset + (int64_t)run_len &&
		    run_len < COPY_CHUNK) {
			run_len += at->len;
			continue;
		}
		if (run_len)
			error = copy_spooled(junit, run_offset, run_len, xml);
		run_len = 0;
		if (at) {
			run_offset = at->offset;
			run_len = at->len;
		} else if (!error) {
			add_testcase(xml, list, &list->tests[test]);
		}
		if (!error && xml->len >= COPY_CHUNK)
			error = flush_chunk(junit->out, xml);
	}
	if (run_len && !error)
		error = copy_spooled(junit, run_offset, run_len, xml);
	return error;
}

int pt__junit_finish(struct pt__junit *junit, const struct pt__test_list *list,
		     const struct pt__junit_run *run, struct pt__buf *err)
{
	struct pt__buf xml = PT__BUF_INIT;
	struct junit_group *groups = NULL;
	size_t *order = NULL;
	size_t nr_groups, failures = 0, errors = 0;
	int error = junit->error;

	if (!error && junit->spool && fflush(junit->spool))
		error = errno ? errno : EIO;
	if (error)
		return write_failed(junit, error, err);

	nr_groups = group_tests(list, &groups, &order);
	for (size_t g = 0; g < nr_groups; g++) {
		failures += groups[g].failures;
		errors += groups[g].errors;
	}
	pt__buf_addf(&xml,
		     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"partest\" tests=\"%zu\""
		     " failures=\"%zu\" errors=\"%zu\" time=\"",
		     list->nr_tests, failures, errors);
	add_seconds(&xml, seconds_to_us(run->wall_seconds));
	pt__buf_adds(&xml, "\">\n");

	for (size_t g = 0; g < nr_groups && !error; g++) {
		const struct junit_group *group = &groups[g];

		add_testsuite_start(&xml, list, group, run);
		error = add_group_cases(junit, list, order + group->first, group->nr_tests, &xml);
		pt__buf_adds(&xml, "  </testsuite>\n");
		if (!error)
			error = flush_chunk(junit->out, &xml);
	}
	pt__buf_adds(&xml, "</testsuites>\n");
	if (!error)
		error = flush_chunk(junit->out, &xml);
	errno = 0;
	if (!error && (fflush(junit->out) != 0 || ferror(junit->out)))
		error = errno ? errno : EIO;

	pt__buf_release(&xml);
	free(groups);
	free(order);
	return error ? write_failed(junit, error, err) : 0;
}

void pt__junit_release(struct pt__junit *junit)
{
	free(junit->spooled);
	junit->spooled = NULL;
	junit->nr_spooled = junit->alloc_spooled = 0;
}

int pt__junit_write(FILE *out, const char *name, const struct pt__test_list *list,
		    double wall_seconds, const char *timestamp_iso8601, const char *hostname,
		    struct pt__buf *err)
{
	struct pt__junit junit;
	struct pt__junit_run run = {wall_seconds, timestamp_iso8601, hostname, NULL};
	int rc;

	pt__junit_init(&junit, out, NULL, name);
	rc = pt__junit_finish(&junit, list, &run, err);
	pt__junit_release(&junit);
	return rc;
}
