/* The text the reports write: JSON strings, shell words, globs, GitHub's
 * workflow commands. */
#include <partest.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report/decimal.h"
#include "report/failures.h"
#include "report/github.h"
#include "report/json.h"
#include "report/shell_quote.h"
#include "testlist.h"

static char *json(const char *data, size_t len)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__json_add_string(&out, data, len);
	return pt__buf_detach(&out);
}

static char *quoted(const char *word)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__shell_quote(&out, word);
	return pt__buf_detach(&out);
}

PT_TEST(json, quotes_backslashes_and_line_ends_are_escaped)
{
	static const char text[] = "say \"hi\"\\\n\r\t";
	char *got = json(text, sizeof(text) - 1);

	PT_EXPECT_STR(got, ==, "\"say \\\"hi\\\"\\\\\\n\\r\\t\"");
	free(got);
}

PT_TEST(json, control_characters_del_and_c1_are_unicode_escapes)
{
	static const char text[] = "\x1b[0m\x7f\xc2\x85\0";
	char *got = json(text, sizeof(text) - 1);

	PT_EXPECT_STR(got, ==, "\"\\u001B[0m\\u007F\\u0085\\u0000\"");
	free(got);
}

PT_TEST(json, valid_utf8_is_kept_and_invalid_becomes_replacement_characters)
{
	char *got = json("caf\xc3\xa9 \xff \xe2\x82", 10);

	PT_EXPECT_STR(got, ==, "\"caf\xc3\xa9 \\uFFFD \\uFFFD\"");
	free(got);
}

PT_TEST(json, null_for_a_missing_string)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__json_add_str_or_null(&out, NULL);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "null");
	pt__buf_release(&out);
}

PT_TEST(shell_quote, plain_words_stay_as_they_are)
{
	char *got = quoted("build/tests/unit_t-1.x");

	PT_EXPECT_STR(got, ==, "build/tests/unit_t-1.x");
	free(got);
}

PT_TEST(shell_quote, special_characters_go_in_single_quotes)
{
	char *spaces = quoted("a b*$(x)");
	char *quote = quoted("it's");
	char *empty = quoted("");

	PT_EXPECT_STR(spaces, ==, "'a b*$(x)'");
	PT_EXPECT_STR(quote, ==, "'it'\\''s'");
	PT_EXPECT_STR(empty, ==, "''");
	free(spaces);
	free(quote);
	free(empty);
}

PT_TEST(shell_quote, control_characters_are_dollar_quoted_escapes)
{
	char *got = quoted("a\nb\x1b'\\");

	PT_EXPECT_STR(got, ==, "$'a\\x0Ab\\x1B\\x27\\x5C'");
	free(got);
}

PT_TEST(glob_escape, glob_characters_match_literally)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__glob_escape(&out, "t[1]*?\\x");
	PT_EXPECT_STR(pt__buf_str(&out), ==, "t\\[1\\]\\*\\?\\\\x");
	pt__buf_release(&out);
}

PT_TEST(failures, rerun_command_filters_on_the_escaped_id)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t p = pt__test_list_add_program(&list, "./my t", "my t", PT__PROGRAM_NATIVE);
	size_t t = pt__test_list_add_test(&list, p, "s", "case[2]", 0);
	struct pt__buf command = PT__BUF_INIT;

	pt__failures_rerun_command(&command, &list, &list.tests[t]);
	PT_EXPECT_STR(pt__buf_str(&command), ==, "partest --filter 'my t::s::case\\[2\\]' 'my t'");
	pt__buf_release(&command);
	pt__test_list_release(&list);
}

PT_TEST(failures, a_failed_teardown_reruns_its_suite_and_an_executable_itself)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t p = pt__test_list_add_program(&list, "./t", "t", PT__PROGRAM_NATIVE);
	size_t teardown = pt__test_list_add_test(&list, p, "s", "[suite-teardown]", 0);
	size_t global = pt__test_list_add_test(&list, p, "[global]", "[teardown]", 0);
	size_t e = pt__test_list_add_program(&list, "x.sh", "x.sh", PT__PROGRAM_EXEC);
	size_t script = pt__test_list_add_test(&list, e, NULL, NULL, 0);
	struct pt__buf a = PT__BUF_INIT, b = PT__BUF_INIT, c = PT__BUF_INIT;

	pt__failures_rerun_command(&a, &list, &list.tests[teardown]);
	pt__failures_rerun_command(&b, &list, &list.tests[global]);
	pt__failures_rerun_command(&c, &list, &list.tests[script]);
	PT_EXPECT_STR(pt__buf_str(&a), ==, "partest --filter 't::s::*' t");
	PT_EXPECT_STR(pt__buf_str(&b), ==, "partest t");
	PT_EXPECT_STR(pt__buf_str(&c), ==, "partest x.sh");
	pt__buf_release(&a);
	pt__buf_release(&b);
	pt__buf_release(&c);
	pt__test_list_release(&list);
}

PT_TEST(github, annotation_escapes_data_and_properties)
{
	struct pt__test_list list = PT__TEST_LIST_INIT;
	size_t p = pt__test_list_add_program(&list, "./t", "t", PT__PROGRAM_NATIVE);
	size_t t = pt__test_list_add_test(&list, p, "s", "n", 0);
	struct pt__test_attributes where = {.file = "a,b:c%.c", .line = 7, .weight = 1};
	struct pt__buf line = PT__BUF_INIT;

	pt__test_list_set_attributes(&list, t, &where);
	list.tests[t].result.status = PT__FAIL;
	pt__buf_adds(&list.tests[t].result.message, "50% off: a, b\r\nnext\x1b");
	pt__github_annotation(&line, &list, &list.tests[t]);
	PT_EXPECT_STR(pt__buf_str(&line), ==,
		      "::error file=a%2Cb%3Ac%25.c,line=7,title=t%3A%3As%3A%3An"
		      "::50%25 off: a, b%0D%0Anext\\x1B\n");
	pt__buf_release(&line);
	pt__test_list_release(&list);
}

PT_TEST(decimal, integers_and_fixed_point_numbers)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__decimal_add(&out, 0);
	pt__buf_addc(&out, ' ');
	pt__decimal_add(&out, UINT64_MAX);
	pt__buf_addc(&out, ' ');
	pt__decimal_add_fixed(&out, 1000014, 6);
	pt__buf_addc(&out, ' ');
	pt__decimal_add_fixed(&out, 7, 3);
	pt__buf_addc(&out, ' ');
	pt__decimal_add_fixed(&out, -5, 3);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "0 18446744073709551615 1.000014 0.007 0.000");
	pt__buf_release(&out);
}
