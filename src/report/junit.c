#include "junit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../error.h"
#include "../xalloc.h"

/* The tests of one (program, suite) pair: one <testsuite>. */
struct junit_group {
	size_t program;
	const char *suite; /* NULL for the suite-less tests of a program */
	size_t nr_tests;
	size_t first; /* where its tests start in the ordered index */
	size_t failures, errors, skipped;
	int64_t duration_us;
};

/* Marks an invalid sequence in decode_utf8()'s result. */
#define INVALID_CODE_POINT UINT32_MAX

/*
 * Decodes the UTF-8 sequence at s[0..len), len > 0, s[0] >= 0x80, under the
 * rules of Unicode Table 3-7 (no overlongs, no surrogates, nothing above
 * U+10FFFF). Returns the bytes taken; for an invalid sequence *code_point
 * is INVALID_CODE_POINT and the bytes taken are its maximal subpart (at
 * least one), so that each invalid subpart is replaced exactly once.
 */
static size_t decode_utf8(const unsigned char *s, size_t len, uint32_t *code_point)
{
	unsigned char lead = s[0];
	unsigned char low = 0x80, high = 0xBF; /* range of the second byte */
	size_t need;
	uint32_t cp;

	*code_point = INVALID_CODE_POINT;
	if (lead >= 0xC2 && lead <= 0xDF) {
		need = 1;
		cp = lead & 0x1F;
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		need = 2;
		cp = lead & 0x0F;
		if (lead == 0xE0)
			low = 0xA0; /* overlong */
		else if (lead == 0xED)
			high = 0x9F; /* surrogates */
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		need = 3;
		cp = lead & 0x07;
		if (lead == 0xF0)
			low = 0x90; /* overlong */
		else if (lead == 0xF4)
			high = 0x8F; /* above U+10FFFF */
	} else {
		return 1; /* continuation byte, C0, C1 or F5..FF */
	}

	for (size_t i = 1; i <= need; i++) {
		if (i >= len || s[i] < low || s[i] > high)
			return i;
		cp = (cp << 6) | (s[i] & 0x3F);
		low = 0x80;
		high = 0xBF;
	}
	*code_point = cp;
	return need + 1;
}

static bool is_plain_ascii(unsigned char c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r';
	return c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

void pt__xml_escape(struct pt__buf *out, const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		while (run < len && is_plain_ascii(s[run]))
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
			default: pt__buf_addf(out, "\\x%02X", c); break;
			}
			i++;
			continue;
		}

		uint32_t cp;
		size_t taken = decode_utf8(s + i, len - i, &cp);
		if (cp == INVALID_CODE_POINT)
			pt__buf_adds(out, "\xEF\xBF\xBD");
		else if (cp <= 0x9F || cp == 0xFFFE || cp == 0xFFFF)
			pt__buf_addf(out, "\\u%04" PRIX32, cp);
		else
			pt__buf_add(out, s + i, taken);
		i += taken;
	}
}

static void escape_str(struct pt__buf *out, const char *str)
{
	pt__xml_escape(out, str, strlen(str));
}

/* The message's first line, escaped, or fallback when it has none. */
static void escape_first_line(struct pt__buf *out, const struct pt__buf *message,
			      const char *fallback)
{
	const char *data = pt__buf_str(message);
	const char *newline = memchr(data, '\n', message->len);
	size_t len = newline ? (size_t)(newline - data) : message->len;

	if (len && data[len - 1] == '\r')
		len--;
	if (len)
		pt__xml_escape(out, data, len);
	else
		pt__buf_adds(out, fallback);
}

/* Seconds with three decimals, independent of the locale. */
static void add_seconds(struct pt__buf *out, int64_t us)
{
	int64_t ms = us > 0 ? (us + 500) / 1000 : 0;

	pt__buf_addf(out, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
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
	pt__buf_addf(out, " %s=\"", name);
	escape_str(out, value);
	pt__buf_addc(out, '"');
}

static bool same_group(const struct junit_group *group, size_t program, const char *suite)
{
	if (group->program != program)
		return false;
	if (!group->suite || !suite)
		return group->suite == suite;
	return strcmp(group->suite, suite) == 0;
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
	size_t *group_of = pt__xcalloc(list->nr_tests, sizeof(*group_of));
	size_t *order = pt__xcalloc(list->nr_tests, sizeof(*order));
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

		struct junit_group *group = &groups[g];
		group->nr_tests++;
		if (test->result.duration_us > 0)
			group->duration_us += test->result.duration_us;
		switch (test->result.status) {
		case PT__FAIL:
		case PT__LEAK: group->failures++; break;
		case PT__CRASH:
		case PT__TIMEOUT: group->errors++; break;
		case PT__SKIP:
		case PT__NOT_RUN: group->skipped++; break;
		case PT__PASS: break;
		}
	}

	size_t next = 0;
	for (size_t g = 0; g < nr_groups; g++) {
		groups[g].first = next;
		next += groups[g].nr_tests;
	}
	size_t *fill = pt__xcalloc(nr_groups, sizeof(*fill));
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

/* <failure>, <error> or <skipped>, or nothing for a pass. */
static void add_outcome(struct pt__buf *xml, const struct pt__result *result)
{
	const struct pt__buf *message = &result->message;
	const char *text = pt__buf_str(message);
	const char *newline = memchr(text, '\n', message->len);
	bool multi_line = newline && newline + 1 < text + message->len;
	const char *tag, *fallback;

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
	case PT__SKIP:
		tag = "skipped";
		fallback = "skipped";
		break;
	case PT__NOT_RUN:
		tag = "skipped";
		fallback = "";
		break;
	case PT__PASS:
	default: return;
	}

	pt__buf_addf(xml, "      <%s message=\"", tag);
	if (result->status == PT__NOT_RUN) {
		pt__buf_adds(xml, message->len ? "not run: " : "not run");
		escape_first_line(xml, message, "");
	} else {
		escape_first_line(xml, message, fallback);
	}
	pt__buf_addc(xml, '"');

	if (result->status == PT__SKIP || result->status == PT__NOT_RUN) {
		/* A one-line reason says it all in the attribute. */
		if (!multi_line) {
			pt__buf_adds(xml, "/>\n");
			return;
		}
	} else {
		pt__buf_addf(xml, " type=\"%s\"", pt__status_word(result->status));
		if (!message->len) {
			pt__buf_adds(xml, "/>\n");
			return;
		}
	}
	pt__buf_addc(xml, '>');
	pt__xml_escape(xml, pt__buf_str(message), message->len);
	pt__buf_addf(xml, "</%s>\n", tag);
}

static void add_output(struct pt__buf *xml, const char *tag, const struct pt__buf *output)
{
	if (!output->len)
		return;
	pt__buf_addf(xml, "      <%s>", tag);
	pt__xml_escape(xml, pt__buf_str(output), output->len);
	pt__buf_addf(xml, "</%s>\n", tag);
}

static void add_testcase(struct pt__buf *xml, const struct pt__test_list *list,
			 const struct pt__test *test)
{
	const char *program = list->programs[test->program].name;
	const struct pt__result *result = &test->result;

	pt__buf_adds(xml, "    <testcase name=\"");
	escape_str(xml, test->suite ? test->name : program);
	pt__buf_adds(xml, "\" classname=\"");
	escape_str(xml, program);
	if (test->suite) {
		pt__buf_addc(xml, '.');
		escape_str(xml, test->suite);
	}
	pt__buf_adds(xml, "\" time=\"");
	add_seconds(xml, result->duration_us);
	pt__buf_addc(xml, '"');

	if (result->status == PT__PASS && !result->out.len && !result->err.len) {
		pt__buf_adds(xml, "/>\n");
		return;
	}
	pt__buf_adds(xml, ">\n");
	add_outcome(xml, result);
	add_output(xml, "system-out", &result->out);
	add_output(xml, "system-err", &result->err);
	pt__buf_adds(xml, "    </testcase>\n");
}

static void add_testsuite_start(struct pt__buf *xml, const struct pt__test_list *list,
				const struct junit_group *group, const char *timestamp,
				const char *hostname)
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
	add_attribute(xml, "timestamp", timestamp);
	add_attribute(xml, "hostname", hostname);
	pt__buf_adds(xml, ">\n");
}

/* Says in err that the report name could not be written, errno saying why
 * (EIO when the stream did not say). Returns PT__ERUN. */
static int write_failed(const char *name, struct pt__buf *err)
{
	pt__buf_addf(err, "cannot write the JUnit report \"%s\": %s", name,
		     strerror(errno ? errno : EIO));
	return PT__ERUN;
}

/* Writes and empties xml. Returns 0, or PT__ERUN with one line in err. */
static int flush_chunk(FILE *out, const char *name, struct pt__buf *xml, struct pt__buf *err)
{
	if (!xml->len)
		return 0;
	errno = 0;
	if (fwrite(xml->data, 1, xml->len, out) != xml->len)
		return write_failed(name, err);
	pt__buf_reset(xml);
	return 0;
}

int pt__junit_write(FILE *out, const char *name, const struct pt__test_list *list,
		    double wall_seconds, const char *timestamp_iso8601, const char *hostname,
		    struct pt__buf *err)
{
	struct pt__buf xml = PT__BUF_INIT;
	struct pt__tally tally;
	struct junit_group *groups = NULL;
	size_t *order = NULL;
	size_t nr_groups;
	int ret;

	pt__tally(list, &tally);
	nr_groups = group_tests(list, &groups, &order);

	pt__buf_addf(&xml,
		     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"partest\" tests=\"%zu\""
		     " failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\""
		     " time=\"",
		     list->nr_tests, tally.by_status[PT__FAIL] + tally.by_status[PT__LEAK],
		     tally.by_status[PT__CRASH] + tally.by_status[PT__TIMEOUT],
		     tally.by_status[PT__SKIP] + tally.by_status[PT__NOT_RUN]);
	add_seconds(&xml, seconds_to_us(wall_seconds));
	pt__buf_adds(&xml, "\">\n");

	for (size_t g = 0; g < nr_groups; g++) {
		const struct junit_group *group = &groups[g];

		add_testsuite_start(&xml, list, group, timestamp_iso8601, hostname);
		for (size_t i = 0; i < group->nr_tests; i++)
			add_testcase(&xml, list, &list->tests[order[group->first + i]]);
		pt__buf_adds(&xml, "  </testsuite>\n");
		ret = flush_chunk(out, name, &xml, err);
		if (ret)
			goto cleanup;
	}
	pt__buf_adds(&xml, "</testsuites>\n");
	ret = flush_chunk(out, name, &xml, err);
	if (ret)
		goto cleanup;
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		ret = write_failed(name, err);

cleanup:
	pt__buf_release(&xml);
	free(groups);
	free(order);
	return ret;
}
