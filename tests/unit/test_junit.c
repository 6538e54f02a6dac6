/* The JUnit XML report and its escaping. */
#include <partest.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "report/junit.h"
#include "testlist.h"

/* pt__xml_escape() of data[0..len), as a string the caller frees. */
static char *escape(const char *data, size_t len)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__xml_escape(&out, data, len);
	return pt__buf_detach(&out);
}

static void add_test(struct pt__test_list *list, size_t program, const char *suite,
		     const char *name, enum pt__status status, int64_t duration_us,
		     const char *message)
{
	size_t i = pt__test_list_add_test(list, program, suite, name, 0);
	struct pt__result *result = &list->tests[i].result;

	result->status = status;
	result->duration_us = duration_us;
	result->worker = status == PT__NOT_RUN ? 0 : 1;
	if (message)
		pt__buf_adds(&result->message, message);
}

/* The report of list, as a string the caller frees; *ret gets the result. */
static char *report(const struct pt__test_list *list, int *ret)
{
	struct pt__buf err = PT__BUF_INIT;
	char *xml = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&xml, &size);

	if (!out)
		return NULL;
	*ret = pt__junit_write(out, "report.xml", list, 1.5, "2024-05-01T12:00:00", "build-7",
			       &err);
	fclose(out);
	if (!*ret)
		PT_EXPECT_STR(pt__buf_str(&err), ==, "");
	pt__buf_release(&err);
	return xml;
}

/* Position of needle in haystack, or -1. */
static long find(const char *haystack, const char *needle)
{
	const char *at = strstr(haystack, needle);

	return at ? (long)(at - haystack) : -1;
}

PT_TEST(xml_escape, markup_characters_become_entities)
{
	char *got = escape("<a & \"b\" 'c'>", 13);

	PT_EXPECT_STR(got, ==, "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;");
	free(got);
}

PT_TEST(xml_escape, tab_and_newline_are_kept_carriage_return_is_a_reference)
{
	char *got = escape("a\tb\r\nc", 6);

	PT_EXPECT_STR(got, ==, "a\tb&#13;\nc");
	free(got);
}

PT_TEST(xml_escape, control_characters_become_visible_text)
{
	static const char text[] = "\x1b[31mred\x1b[0m \0\x01\x7f";
	char *got = escape(text, sizeof(text) - 1);

	PT_EXPECT_STR(got, ==, "\\x1B[31mred\\x1B[0m \\x00\\x01\\x7F");
	PT_EXPECT_TRUE(strstr(got, "&#") == NULL);
	free(got);
}

PT_TEST(xml_escape, c1_controls_become_visible_text)
{
	char *got = escape("a\xc2\x85z\xc2\x9f", 6);

	PT_EXPECT_STR(got, ==, "a\\u0085z\\u009F");
	free(got);
}

PT_TEST(xml_escape, noncharacters_fffe_and_ffff_become_visible_text)
{
	char *got = escape("\xef\xbf\xbe|\xef\xbf\xbf", 7);

	PT_EXPECT_STR(got, ==, "\\uFFFE|\\uFFFF");
	free(got);
}

PT_TEST(xml_escape, valid_utf8_is_kept)
{
	const char *text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
			   "\xc2\xa0 \xef\xbf\xbd \xf4\x8f\xbf\xbd";
	char *got = escape(text, strlen(text));

	PT_EXPECT_STR(got, ==, text);
	free(got);
}

PT_TEST(xml_escape, overlong_sequences_become_replacement_characters)
{
	char *two = escape("\xc0\xaf", 2);
	char *three = escape("\xe0\x80\xaf", 3);
	char *four = escape("\xf0\x80\x80\xaf", 4);

	PT_EXPECT_STR(two, ==, "\xef\xbf\xbd\xef\xbf\xbd");
	PT_EXPECT_STR(three, ==, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	PT_EXPECT_STR(four, ==, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(two);
	free(three);
	free(four);
}

PT_TEST(xml_escape, surrogates_become_replacement_characters)
{
	char *got = escape("a\xed\xa0\x80z", 5);

	PT_EXPECT_STR(got, ==, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
	free(got);
}

PT_TEST(xml_escape, truncated_sequence_becomes_one_replacement_character)
{
	char *at_end = escape("a\xe2\x82", 3);
	char *before_ascii = escape("\xf0\x9f\x98z", 4);

	PT_EXPECT_STR(at_end, ==, "a\xef\xbf\xbd");
	PT_EXPECT_STR(before_ascii, ==, "\xef\xbf\xbdz");
	free(at_end);
	free(before_ascii);
}

PT_TEST(xml_escape, stray_and_out_of_range_bytes_become_replacement_characters)
{
	char *stray = escape("\x80x\xbf", 3);
	char *high = escape("\xf4\x90\x80\x80", 4);
	char *f5 = escape("\xf5\xff", 2);

	PT_EXPECT_STR(stray, ==, "\xef\xbf\xbdx\xef\xbf\xbd");
	PT_EXPECT_STR(high, ==, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	PT_EXPECT_STR(f5, ==, "\xef\xbf\xbd\xef\xbf\xbd");
	free(stray);
	free(high);
	free(f5);
}

PT_TEST(xml_escape, empty_input_adds_nothing)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__xml_escape(&out, NULL, 0);
	PT_EXPECT_SIZE(out.len, ==, 0);
	pt__buf_release(&out);
}

PT_TEST(junit, document_starts_with_declaration_and_run_totals)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "pass", PT__PASS, 10, NULL);
	add_test(&list, unit, "s", "fail", PT__FAIL, 10, "boom");
	add_test(&list, unit, "s", "leak", PT__LEAK, 10, "pid 4 left");
	add_test(&list, unit, "s", "crash", PT__CRASH, 10, "SIGSEGV");
	add_test(&list, unit, "s", "timeout", PT__TIMEOUT, 10, "after 5s");
	add_test(&list, unit, "s", "skip", PT__SKIP, 10, "no db");
	add_test(&list, unit, "s", "not_run", PT__NOT_RUN, 0, "interrupted");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(ret, ==, 0);
	PT_EXPECT_INT(find(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				"<testsuites name=\"partest\" tests=\"7\""
				" failures=\"2\" errors=\"2\""
				" time=\"1.500\">\n"),
		      ==, 0);
	PT_EXPECT_INT(find(xml, "</testsuites>\n"), ==, (long)strlen(xml) - 14);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, one_testsuite_per_program_and_suite_with_its_counts)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "math", "adds", PT__PASS, 1000, NULL);
	add_test(&list, unit, "math", "divides", PT__FAIL, 2000, "by zero");
	add_test(&list, unit, "io", "reads", PT__CRASH, 500, NULL);
	add_test(&list, unit, "io", "writes", PT__SKIP, 0, "read only");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"unit::math\" tests=\"2\""
				" failures=\"1\" errors=\"0\" skipped=\"0\""
				" time=\"0.003\" timestamp=\"2024-05-01T12:00:00\""
				" hostname=\"build-7\">\n"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"unit::io\" tests=\"2\""
				" failures=\"0\" errors=\"1\" skipped=\"1\""
				" time=\"0.001\" timestamp=\"2024-05-01T12:00:00\""
				" hostname=\"build-7\">\n"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, testsuites_follow_order_of_first_appearance)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	size_t b = pt__test_list_add_program(&list, "./b", "b", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, b, "s", "first", PT__PASS, 0, NULL);
	add_test(&list, a, "s", "second", PT__PASS, 0, NULL);
	add_test(&list, b, "s", "third", PT__PASS, 0, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	long suite_b = find(xml, "<testsuite name=\"b::s\" tests=\"2\"");
	long first = find(xml, "<testcase name=\"first\"");
	long third = find(xml, "<testcase name=\"third\"");
	long suite_a = find(xml, "<testsuite name=\"a::s\" tests=\"1\"");
	long second = find(xml, "<testcase name=\"second\"");
	PT_EXPECT_INT(suite_b, >, 0);
	PT_EXPECT_INT(first, >, suite_b);
	PT_EXPECT_INT(third, >, first);
	PT_EXPECT_INT(suite_a, >, third);
	PT_EXPECT_INT(second, >, suite_a);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, testcase_classname_joins_program_and_suite_keeping_slashes)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "build/tests/unit/t_io", "tests/unit/t_io",
						PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "files", "opens", PT__PASS, 1499, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"tests/unit/t_io::files\""), >, 0);
	PT_EXPECT_INT(find(xml, "    <testcase name=\"opens\""
				" classname=\"tests/unit/t_io.files\""
				" time=\"0.001\"/>\n"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, suiteless_test_is_named_after_its_program)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t script =
		pt__test_list_add_program(&list, "tests/check.sh", "check.sh", PT__PROGRAM_EXEC);
	int ret = -1;

	add_test(&list, script, NULL, NULL, PT__PASS, 2500000, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"check.sh\" tests=\"1\""
				" failures=\"0\" errors=\"0\" skipped=\"0\""
				" time=\"2.500\""),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<testcase name=\"check.sh\""
				" classname=\"check.sh\" time=\"2.500\"/>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, failure_carries_first_line_and_full_message)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "fails", PT__FAIL, 0,
		 "t.c:3: PT_ASSERT_INT(a, ==, b)\n  a: 1\n  b: 2\n");
	add_test(&list, unit, "s", "leaks", PT__LEAK, 0, "left pid 42 running");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "      <failure"
				" message=\"t.c:3: PT_ASSERT_INT(a, ==, b)\""
				" type=\"FAIL\">t.c:3: PT_ASSERT_INT(a, ==, b)\n"
				"  a: 1\n  b: 2\n</failure>\n"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<failure message=\"left pid 42 running\""
				" type=\"LEAK\">left pid 42 running</failure>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, crash_and_timeout_are_errors)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "crashes", PT__CRASH, 0, "killed by SIGSEGV");
	add_test(&list, unit, "s", "hangs", PT__TIMEOUT, 0, "");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<error message=\"killed by SIGSEGV\""
				" type=\"CRASH\">killed by SIGSEGV</error>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<error message=\"timed out\""
				" type=\"TIMEOUT\">timed out</error>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, skip_reason_is_in_the_attribute_and_the_text)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "skips", PT__SKIP, 0, "no database");
	add_test(&list, unit, "s", "quietly", PT__SKIP, 0, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<skipped message=\"no database\" type=\"SKIP\">"
				"no database</skipped>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<skipped message=\"skipped\" type=\"SKIP\">skipped</skipped>"), >,
		      0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, interrupted_tests_are_errors_and_the_rest_not_run)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "running", PT__NOT_RUN, 0, "interrupted");
	list.tests[0].result.worker = 2;
	add_test(&list, unit, "s", "waiting", PT__NOT_RUN, 0, "interrupted");
	add_test(&list, unit, "s", "after_failfast", PT__NOT_RUN, 0,
		 "not run: --failfast after a failure");
	add_test(&list, unit, "s", "never", PT__NOT_RUN, 0, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"unit::s\" tests=\"4\" failures=\"0\""
				" errors=\"1\" skipped=\"3\""),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<error message=\"interrupted\" type=\"interrupted\">"
				"interrupted</error>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<skipped message=\"not run: interrupted\" type=\"not-run\">"
				"not run: interrupted</skipped>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<skipped message=\"not run: --failfast after a failure\""
				" type=\"not-run\">not run: --failfast after a failure</skipped>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<skipped message=\"not run\" type=\"not-run\">not run</skipped>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, testcase_carries_file_and_line_when_known)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	struct pt__test_attributes where = {.file = "tests/a \"b\".c", .line = 42, .weight = 1};
	int ret = -1;

	add_test(&list, unit, "s", "located", PT__PASS, 0, NULL);
	pt__test_list_set_attributes(&list, 0, &where);
	add_test(&list, unit, "s", "unlocated", PT__PASS, 0, NULL);

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testcase name=\"located\" classname=\"unit.s\" time=\"0.000\""
				" file=\"tests/a &quot;b&quot;.c\" line=\"42\"/>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<testcase name=\"unlocated\" classname=\"unit.s\""
				" time=\"0.000\"/>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, carriage_returns_and_line_ends_survive_attributes)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "t", PT__FAIL, 0, "one\rtwo\tthree\r\nnext line\r\n");
	pt__buf_adds(&list.tests[0].result.out, "progress\rdone\n");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<failure message=\"one&#13;two&#9;three\" type=\"FAIL\">"
				"one&#13;two\tthree&#13;\nnext line&#13;\n</failure>"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "<system-out>progress&#13;done\n</system-out>"), >, 0);
	free(xml);
	pt__test_list_release(&list);
}

/* The streamed report: tests given to the spool as they end, in the order
 * they end, the rest never run. */
static char *streamed_report(const struct pt__test_list *list, const size_t *done, size_t nr_done,
			     const struct pt__junit_run *run, int *ret)
{
	struct pt__buf err = PT__BUF_INIT;
	struct pt__junit junit;
	char *xml = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&xml, &size);
	FILE *spool = tmpfile();

	if (!out || !spool)
		return NULL;
	pt__junit_init(&junit, out, spool, "report.xml");
	for (size_t i = 0; i < nr_done; i++)
		pt__junit_test_done(&junit, list, done[i]);
	*ret = pt__junit_finish(&junit, list, run, &err);
	pt__junit_release(&junit);
	fclose(spool);
	fclose(out);
	pt__buf_release(&err);
	return xml;
}

PT_TEST(junit, streamed_report_equals_the_report_written_at_the_end)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	size_t b = pt__test_list_add_program(&list, "b.sh", "b.sh", PT__PROGRAM_EXEC);
	struct pt__junit_run run = {1.5, "2024-05-01T12:00:00", "build-7", NULL};
	size_t done[] = {3, 0, 2, 4};
	int ret = -1, streamed_ret = -1;

	add_test(&list, a, "x", "first", PT__PASS, 10, NULL);
	add_test(&list, a, "y", "second", PT__FAIL, 20, "boom");
	add_test(&list, a, "x", "third", PT__SKIP, 0, "later");
	add_test(&list, b, NULL, NULL, PT__CRASH, 5, "SIGSEGV");
	add_test(&list, a, "y", "fifth", PT__PASS, 7, NULL);
	pt__buf_adds(&list.tests[4].result.out, "said something\n");
	list.tests[1].result.status = PT__NOT_RUN;

	char *whole = report(&list, &ret);
	char *streamed = streamed_report(&list, done, 4, &run, &streamed_ret);
	PT_ASSERT_NOT_NULL(whole);
	PT_ASSERT_NOT_NULL(streamed);
	PT_EXPECT_INT(streamed_ret, ==, 0);
	PT_EXPECT_STR(streamed, ==, whole);
	free(whole);
	free(streamed);
	pt__test_list_release(&list);
}

PT_TEST(junit, streamed_test_case_keeps_the_result_it_had_when_it_ended)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	struct pt__junit_run run = {0, NULL, NULL, NULL};
	size_t done[] = {0};
	int ret = -1;

	add_test(&list, a, "x", "t", PT__PASS, 0, NULL);
	pt__buf_adds(&list.tests[0].result.out, "kept in the spool");
	struct pt__buf err = PT__BUF_INIT;
	struct pt__junit junit;
	char *xml = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&xml, &size);
	FILE *spool = tmpfile();
	PT_ASSERT_NOT_NULL(out);
	PT_ASSERT_NOT_NULL(spool);
	pt__junit_init(&junit, out, spool, "report.xml");
	pt__junit_test_done(&junit, &list, done[0]);
	/* The output is let go of once the test is reported. */
	pt__buf_release(&list.tests[0].result.out);
	ret = pt__junit_finish(&junit, &list, &run, &err);
	pt__junit_release(&junit);
	fclose(spool);
	fclose(out);
	PT_EXPECT_INT(ret, ==, 0);
	PT_EXPECT_INT(find(xml, "<system-out>kept in the spool</system-out>"), >, 0);
	free(xml);
	pt__buf_release(&err);
	pt__test_list_release(&list);
}

PT_TEST(junit, partition_is_a_property_of_every_testsuite)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t a = pt__test_list_add_program(&list, "./a", "a", PT__PROGRAM_NATIVE);
	struct pt__junit_run run = {0, NULL, NULL, "hash:2/4"};
	int ret = -1;

	add_test(&list, a, "x", "one", PT__PASS, 0, NULL);
	add_test(&list, a, "y", "two", PT__PASS, 0, NULL);

	char *xml = streamed_report(&list, NULL, 0, &run, &ret);
	PT_ASSERT_NOT_NULL(xml);
	const char *property = "    <properties>\n"
			       "      <property name=\"partest.partition\" value=\"hash:2/4\"/>\n"
			       "    </properties>\n";
	long first = find(xml, property);
	PT_EXPECT_INT(first, >, find(xml, "<testsuite name=\"a::x\""));
	PT_EXPECT_INT(find(xml + first + 1, property), >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, captured_output_is_written_only_when_present)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s", "talks", PT__PASS, 0, NULL);
	pt__buf_adds(&list.tests[0].result.out, "hello\n");
	pt__buf_adds(&list.tests[0].result.err, "warning\n");
	add_test(&list, unit, "s", "quiet", PT__FAIL, 0, "x");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testcase name=\"talks\" classname=\"unit.s\""
				" time=\"0.000\">\n"
				"      <system-out>hello\n</system-out>\n"
				"      <system-err>warning\n</system-err>\n"
				"    </testcase>\n"),
		      >, 0);
	long quiet = find(xml, "<testcase name=\"quiet\"");
	PT_ASSERT_INT(quiet, >, 0);
	PT_EXPECT_TRUE(strstr(xml + quiet, "<system-out>") == NULL);
	PT_EXPECT_TRUE(strstr(xml + quiet, "<system-err>") == NULL);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, names_messages_and_output_are_escaped)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./a&b", "a&b", PT__PROGRAM_NATIVE);
	int ret = -1;

	add_test(&list, unit, "s<1>", "t", PT__FAIL, 0,
		 "expected \"<x>\" got '\x1b[31m'\nbad byte \xff here");
	pt__buf_adds(&list.tests[0].result.out, "\x1b[0m<ok> \xc0\xaf\x01");

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(find(xml, "<testsuite name=\"a&amp;b::s&lt;1&gt;\""), >, 0);
	PT_EXPECT_INT(find(xml, "classname=\"a&amp;b.s&lt;1&gt;\""), >, 0);
	PT_EXPECT_INT(find(xml, "message=\"expected &quot;&lt;x&gt;&quot; got"
				" &apos;\\x1B[31m&apos;\" type=\"FAIL\">"),
		      >, 0);
	PT_EXPECT_INT(find(xml, "bad byte \xef\xbf\xbd here</failure>"), >, 0);
	PT_EXPECT_INT(find(xml, "<system-out>\\x1B[0m&lt;ok&gt; "
				"\xef\xbf\xbd\xef\xbf\xbd\\x01</system-out>"),
		      >, 0);
	free(xml);
	pt__test_list_release(&list);
}

PT_TEST(junit, empty_run_is_a_valid_document)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	int ret = -1;

	char *xml = report(&list, &ret);
	PT_ASSERT_NOT_NULL(xml);
	PT_EXPECT_INT(ret, ==, 0);
	PT_EXPECT_STR(xml, ==,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<testsuites name=\"partest\" tests=\"0\" failures=\"0\""
		      " errors=\"0\" time=\"1.500\">\n"
		      "</testsuites>\n");
	free(xml);
}

PT_TEST(junit, write_failure_is_one_line_naming_the_report_and_why)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t unit = pt__test_list_add_program(&list, "./unit", "unit", PT__PROGRAM_NATIVE);
	struct pt__buf err = PT__BUF_INIT, expected = PT__BUF_INIT;
	FILE *full = fopen("/dev/full", "w");

	if (!full) {
		pt__test_list_release(&list);
		PT_SKIP("no /dev/full");
	}
	add_test(&list, unit, "s", "t", PT__PASS, 0, NULL);
	pt__buf_addf(&expected, "cannot write the JUnit report \"out/report.xml\": %s",
		     strerror(ENOSPC));
	PT_EXPECT_INT(pt__junit_write(full, "out/report.xml", &list, 0, NULL, NULL, &err), ==,
		      PT__ERUN);
	PT_EXPECT_STR(pt__buf_str(&err), ==, pt__buf_str(&expected));
	fclose(full);
	pt__buf_release(&err);
	pt__buf_release(&expected);
	pt__test_list_release(&list);
}
