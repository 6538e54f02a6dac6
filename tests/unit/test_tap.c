/* Judging a program's stdout as TAP, as prove would. */
#include <partest.h>

#include <string.h>

#include "buf.h"
#include "tap.h"

/* Judges a NUL-terminated output; details are left in *details. */
static enum pt__tap_verdict judge(const char *out, struct pt__buf *details)
{
	return pt__tap_judge(out, strlen(out), NULL, details);
}

PT_TEST(tap, output_without_tap_lines_is_not_tap)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("building...\nall good\n", &details), ==, PT__TAP_NONE);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, empty_output_is_not_tap)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(pt__tap_judge("", 0, NULL, &details), ==, PT__TAP_NONE);
	PT_EXPECT_INT(pt__tap_judge(NULL, 0, NULL, &details), ==, PT__TAP_NONE);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, version_line_alone_is_tap_without_a_plan)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("TAP version 13\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no plan\n");
	pt__buf_release(&details);
}

PT_TEST(tap, word_starting_with_ok_is_not_a_test_line)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("okay, done\nnot okay\n", &details), ==, PT__TAP_NONE);
	pt__buf_release(&details);
}

PT_TEST(tap, all_ok_with_plan_first_passes)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..3\nok 1 - one\nok 2 - two\nok 3\n", &details), ==, PT__TAP_PASS);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, plan_at_end_passes)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("ok 1\nok 2\n1..2\n", &details), ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, unnumbered_tests_pass)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..2\nok - first\nok\n", &details), ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, version_line_and_yaml_blocks_pass)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "TAP version 13\n"
			  "1..2\n"
			  "ok 1 - first\n"
			  "  ---\n"
			  "  duration_ms: 3\n"
			  "  ...\n"
			  "ok 2 - second\n";

	PT_EXPECT_INT(judge(out, &details), ==, PT__TAP_PASS);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, lines_that_are_not_tap_are_ignored)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "connecting to db\n"
			  "1..2\n"
			  "warning: slow\n"
			  "ok 1\n"
			  "\n"
			  "pragma +strict\n"
			  "ok 2\n"
			  "bye\n";

	PT_EXPECT_INT(judge(out, &details), ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, not_ok_fails_with_its_line_and_diagnostics)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "1..3\n"
			  "ok 1\n"
			  "not ok 2 - adds\n"
			  "# got 3\n"
			  "# expected 4\n"
			  "ok 3\n"
			  "# unrelated note\n";

	PT_ASSERT_INT(judge(out, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 2 - adds\n# got 3\n# expected 4\n");
	pt__buf_release(&details);
}

PT_TEST(tap, every_failing_test_is_in_the_details)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..3\nnot ok 1 - a\nok 2\nnot ok 3 - c\n", &details), ==,
		      PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 1 - a\nnot ok 3 - c\n");
	pt__buf_release(&details);
}

PT_TEST(tap, yaml_block_of_a_failure_is_in_the_details)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "TAP version 13\n"
			  "1..2\n"
			  "not ok 1 - parses\n"
			  "  ---\n"
			  "  message: 'bad token'\n"
			  "  got: 3\n"
			  "  ...\n"
			  "ok 2\n"
			  "  ---\n"
			  "  not ok: this is yaml\n"
			  "  ...\n";

	PT_ASSERT_INT(judge(out, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==,
		      "not ok 1 - parses\n"
		      "  ---\n"
		      "  message: 'bad token'\n"
		      "  got: 3\n"
		      "  ...\n");
	pt__buf_release(&details);
}

PT_TEST(tap, todo_failure_does_not_fail_the_stream)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..2\nok 1\nnot ok 2 - later # TODO not written\n"
			    "# diagnostics of a todo\n",
			    &details),
		      ==, PT__TAP_PASS);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, directives_are_case_insensitive)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..3\nnot ok 1 # todo\nnot ok 2 #ToDo: x\n"
			    "ok 3 - c # Skip no network\n",
			    &details),
		      ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, skip_does_not_excuse_a_failure)
{
	struct pt__buf details = PT__BUF_INIT;

	/* As prove: only TODO reverses the sense of a test. */
	PT_ASSERT_INT(judge("1..2\nok 1\nnot ok 2 # SKIP no database\n", &details), ==,
		      PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 2 # SKIP no database\n");
	pt__buf_release(&details);
}

PT_TEST(tap, skipped_is_not_a_directive_on_a_test_line)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	const char *out = "1..2\nok 1 # skip\nok 2 # skipped: slow\n";

	PT_ASSERT_INT(pt__tap_judge(out, strlen(out), &stream, &details), ==, PT__TAP_PASS);
	PT_EXPECT_INT(stream.points[0].status, ==, PT__TAP_POINT_SKIPPED);
	PT_EXPECT_INT(stream.points[1].status, ==, PT__TAP_POINT_OK);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
}

PT_TEST(tap, all_tests_skipped_passes)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..2\nok 1 # SKIP a\nok 2 # SKIP b\n", &details), ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, directive_must_be_a_whole_word)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..1\nnot ok 1 # TODOS\n", &details), ==, PT__TAP_FAIL);
	pt__buf_release(&details);
}

PT_TEST(tap, escaped_hash_is_not_a_directive)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..1\nnot ok 1 - a \\# TODO b\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 1 - a \\# TODO b\n");
	pt__buf_release(&details);
}

PT_TEST(tap, only_the_first_hash_can_start_a_directive)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..1\nnot ok 1 - issue #12 # TODO\n", &details), ==, PT__TAP_FAIL);
	pt__buf_release(&details);
}

PT_TEST(tap, empty_plan_skips_with_its_reason)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..0 # SKIP no database configured\n", &details), ==, PT__TAP_SKIP);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no database configured");
	pt__buf_release(&details);
}

PT_TEST(tap, empty_plan_reason_may_follow_skipped_colon)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..0 # Skipped: not on CI  \n", &details), ==, PT__TAP_SKIP);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not on CI");
	pt__buf_release(&details);
}

PT_TEST(tap, empty_plan_without_reason_skips_with_no_details)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..0\n", &details), ==, PT__TAP_SKIP);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, empty_plan_with_tests_fails)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..0 # SKIP why\nok 1\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "planned 0 tests but ran 1\n");
	pt__buf_release(&details);
}

PT_TEST(tap, bail_out_fails_with_its_reason)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..3\nok 1\nBail out! database went away\nok 2\n", &details), ==,
		      PT__TAP_BAIL_OUT);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "Bail out! database went away\n");
	pt__buf_release(&details);
}

PT_TEST(tap, bail_out_before_any_test_fails)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("Bail out! no config\n", &details), ==, PT__TAP_BAIL_OUT);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "Bail out! no config\n");
	pt__buf_release(&details);
}

PT_TEST(tap, tests_without_plan_fail)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("ok 1\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no plan\n");
	pt__buf_release(&details);
}

PT_TEST(tap, fewer_tests_than_planned_fail)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..5\nok 1\nok 2\nok 3\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "planned 5 tests but ran 3\n");
	pt__buf_release(&details);
}

PT_TEST(tap, more_tests_than_planned_fail)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..1\nok 1\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "planned 1 test but ran 2\n");
	pt__buf_release(&details);
}

PT_TEST(tap, plan_with_text_after_it_is_not_a_plan)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..2 tests\nok 1\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no plan (\"1..2 tests\" is not one)\n");
	pt__buf_release(&details);
}

PT_TEST(tap, plan_with_a_comment_is_not_a_plan)
{
	struct pt__buf details = PT__BUF_INIT;

	/* prove reads "1..N # text" as no plan, unless N is 0 (a skip-all). */
	PT_EXPECT_INT(judge("1..1 # one for now\nok 1\n", &details), ==, PT__TAP_FAIL);
	pt__buf_release(&details);
}

PT_TEST(tap, second_plan_fails)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..2\nok 1\nok 2\n1..2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "more than one plan\n");
	pt__buf_release(&details);
}

PT_TEST(tap, plan_in_the_middle_of_the_tests_fails)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("ok 1\n1..3\nok 2\nok 3\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "plan 1..3 in the middle of the tests\n");
	pt__buf_release(&details);
}

PT_TEST(tap, duplicate_test_number_fails)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..3\nok 1\nok 2\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "duplicate test number 2\n");
	pt__buf_release(&details);
}

PT_TEST(tap, out_of_order_test_numbers_fail)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..3\nok 1\nok 3\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==,
		      "test number 3 out of sequence, expected 2\n"
		      "test number 2 out of sequence, expected 3\n");
	pt__buf_release(&details);
}

PT_TEST(tap, huge_test_number_is_out_of_sequence)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..1\nok 99999999999999999999999999\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&details), "out of sequence, "
						     "expected 1\n") != NULL);
	pt__buf_release(&details);
}

PT_TEST(tap, indented_subtest_lines_do_not_count)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "TAP version 14\n"
			  "1..2\n"
			  "# Subtest: parser\n"
			  "    1..3\n"
			  "    ok 1\n"
			  "    not ok 2 - inner\n"
			  "    ok 3\n"
			  "ok 1 - parser\n"
			  "ok 2\n";

	PT_EXPECT_INT(judge(out, &details), ==, PT__TAP_PASS);
	PT_EXPECT_SIZE(details.len, ==, 0);
	pt__buf_release(&details);
}

PT_TEST(tap, crlf_line_ends_are_understood)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..1\r\nok 1\r\n", &details), ==, PT__TAP_PASS);
	PT_ASSERT_INT(judge("1..2\r\nok 1\r\nnot ok 2 - x\r\n# why\r\n", &details), ==,
		      PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 2 - x\n# why\n");
	pt__buf_release(&details);
}

PT_TEST(tap, last_line_needs_no_line_end)
{
	/* No NUL after the bytes: a read past len would be caught by ASan. */
	static const char out[] = {'1', '.', '.', '1', '\n', 'o', 'k'};
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(pt__tap_judge(out, sizeof(out), NULL, &details), ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, arbitrary_bytes_are_handled)
{
	static const char out[] = "\xff\xfe\0garbage\n"
				  "1..1\n"
				  "not ok 1 - \0\x01\xff\n"
				  "\x80\x80\n";
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(pt__tap_judge(out, sizeof(out) - 1, NULL, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_SIZE(details.len, ==, 15);
	PT_EXPECT_MEM(details.data, "not ok 1 - \0\x01\xff\n", 15);
	pt__buf_release(&details);
}

PT_TEST(tap, details_are_appended_not_replaced)
{
	struct pt__buf details = PT__BUF_INIT;

	pt__buf_adds(&details, "earlier\n");
	PT_ASSERT_INT(judge("ok 1\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "earlier\nno plan\n");
	pt__buf_release(&details);
}

PT_TEST(tap, indented_bail_out_in_a_subtest_bails_out)
{
	struct pt__buf details = PT__BUF_INIT;
	const char *out = "1..2\n"
			  "# Subtest: inner\n"
			  "    1..2\n"
			  "    ok 1\n"
			  "    Bail out!  inner trouble\n"
			  "ok 1 - inner\n";

	PT_ASSERT_INT(judge(out, &details), ==, PT__TAP_BAIL_OUT);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "Bail out!  inner trouble\n");
	pt__buf_release(&details);
}

PT_TEST(tap, old_plan_form_names_its_todo_tests)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	const char *out = "1..4 todo 3 2;\nok 1\nnot ok 2\nok 3\nnot ok 4\n";

	PT_ASSERT_INT(pt__tap_judge(out, strlen(out), &stream, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 4\n");
	PT_ASSERT_SIZE(stream.nr_points, ==, 4);
	PT_EXPECT_INT(stream.points[1].status, ==, PT__TAP_POINT_TODO);
	PT_EXPECT_INT(stream.points[2].status, ==, PT__TAP_POINT_TODO_PASSED);
	PT_EXPECT_INT(stream.points[3].status, ==, PT__TAP_POINT_NOT_OK);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
}

PT_TEST(tap, bare_carriage_returns_end_no_line)
{
	struct pt__buf details = PT__BUF_INIT;

	/* As prove: one line that is no plan, so the stream has none. */
	PT_ASSERT_INT(judge("1..2\rok 1\rnot ok 2\r", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no plan (\"1..2\rok 1\rnot ok 2\" is not one)\n");
	pt__buf_reset(&details);
	PT_EXPECT_INT(judge("1..2\rok 1\rok 2\r", &details), ==, PT__TAP_FAIL);
	pt__buf_release(&details);
}

PT_TEST(tap, empty_plan_keeps_a_plain_comment_as_its_reason)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..0 # no PostgreSQL here\n", &details), ==, PT__TAP_SKIP);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "no PostgreSQL here");
	pt__buf_release(&details);
}

PT_TEST(tap, yaml_with_blank_lines_and_after_a_comment_stays_in_the_details)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	const char *out = "TAP version 13\n"
			  "1..2\n"
			  "not ok 1 - report\n"
			  "# the report differs\n"
			  "  ---\n"
			  "  message: |\n"
			  "    first paragraph\n"
			  "\n"
			  "    second paragraph\n"
			  "  ...\n"
			  "ok 2\n";
	const char *diagnostics = "# the report differs\n"
				  "  ---\n"
				  "  message: |\n"
				  "    first paragraph\n"
				  "\n"
				  "    second paragraph\n"
				  "  ...\n";

	PT_ASSERT_INT(pt__tap_judge(out, strlen(out), &stream, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_TRUE(!strncmp(pt__buf_str(&details), "not ok 1 - report\n", 18));
	PT_EXPECT_STR(pt__buf_str(&details) + 18, ==, diagnostics);
	PT_ASSERT_SIZE(stream.nr_points, ==, 2);
	PT_EXPECT_STR(stream.points[0].diagnostics, ==, diagnostics);
	PT_EXPECT_NULL(stream.points[1].diagnostics);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
}

PT_TEST(tap, unclosed_yaml_block_fails_under_tap_13)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("TAP version 13\n1..2\nok 1\n  ---\n  a: 1\nok 2\n", &details), ==,
		      PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "YAML block not closed by \"...\"\n");
	pt__buf_release(&details);
}

PT_TEST(tap, test_points_keep_number_description_and_directive)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	const char *out = "1..4\n"
			  "ok 1 - connects\n"
			  "ok 2 # SKIP: no network\n"
			  "not ok 3 refunds # TODO later\n"
			  "ok 4 - escaped \\# hash # todo fixed now\n";

	PT_ASSERT_INT(pt__tap_judge(out, strlen(out), &stream, &details), ==, PT__TAP_PASS);
	PT_ASSERT_SIZE(stream.nr_points, ==, 4);
	PT_EXPECT_UINT(stream.points[0].number, ==, 1);
	PT_EXPECT_STR(stream.points[0].description, ==, "connects");
	PT_EXPECT_NULL(stream.points[0].reason);
	PT_EXPECT_STR(stream.points[1].description, ==, "");
	PT_EXPECT_STR(stream.points[1].reason, ==, "no network");
	PT_EXPECT_STR(stream.points[2].description, ==, "refunds");
	PT_EXPECT_INT(stream.points[2].status, ==, PT__TAP_POINT_TODO);
	PT_EXPECT_STR(stream.points[3].description, ==, "escaped \\# hash");
	PT_EXPECT_STR(stream.points[3].reason, ==, "fixed now");
	PT_EXPECT_INT(stream.points[3].status, ==, PT__TAP_POINT_TODO_PASSED);
	PT_EXPECT_SIZE(stream.counts[PT__TAP_POINT_OK], ==, 1);
	PT_EXPECT_SIZE(stream.counts[PT__TAP_POINT_SKIPPED], ==, 1);
	PT_EXPECT_SIZE(stream.counts[PT__TAP_POINT_TODO], ==, 1);
	PT_EXPECT_SIZE(stream.counts[PT__TAP_POINT_TODO_PASSED], ==, 1);
	PT_EXPECT_FALSE(stream.bailed_out);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
}

PT_TEST(tap, test_beyond_the_plan_is_not_ok)
{
	struct pt__buf details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	const char *out = "1..1\nok 1\nok 2\n";

	PT_ASSERT_INT(pt__tap_judge(out, strlen(out), &stream, &details), ==, PT__TAP_FAIL);
	PT_EXPECT_INT(stream.points[1].status, ==, PT__TAP_POINT_NOT_OK);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
}

PT_TEST(tap, lone_not_joins_the_next_line)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("1..2\nnot \nok 1\nok 2\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "not ok 1\n");
	pt__buf_release(&details);
}

PT_TEST(tap, version_must_come_first_and_be_known)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("# hello\nTAP version 14\n1..1\nok 1\n", &details), ==, PT__TAP_PASS);
	PT_ASSERT_INT(judge("1..1\nTAP version 13\nok 1\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==,
		      "TAP version 13 must come before the plan and the tests\n");
	pt__buf_reset(&details);
	PT_ASSERT_INT(judge("TAP version 12\n1..1\nok 1\n", &details), ==, PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==,
		      "unsupported TAP version 12 (an explicit version is 13 or 14)\n");
	pt__buf_release(&details);
}

PT_TEST(tap, strict_pragma_makes_unknown_lines_fail)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_ASSERT_INT(judge("TAP version 13\npragma +strict\n1..1\nok 1\nodd\n", &details), ==,
		      PT__TAP_FAIL);
	PT_EXPECT_STR(pt__buf_str(&details), ==, "unknown line under pragma +strict: odd\n");
	pt__buf_reset(&details);
	PT_EXPECT_INT(judge("TAP version 13\npragma +strict, -strict\n1..1\nok 1\nodd\n", &details),
		      ==, PT__TAP_PASS);
	pt__buf_release(&details);
}

PT_TEST(tap, tap_12_has_no_yaml_to_hide_a_bail_out)
{
	struct pt__buf details = PT__BUF_INIT;

	PT_EXPECT_INT(judge("1..2\nok 1\n  ---\n  Bail out! stop\nok 2\n", &details), ==,
		      PT__TAP_BAIL_OUT);
	pt__buf_release(&details);
}

PT_TEST(tap, output_fed_in_chunks_is_judged_as_a_whole)
{
	const char *out = "TAP version 13\r\n"
			  "1..4\r\n"
			  "ok 1 - first\r\n"
			  "not \n"
			  "ok 2 - joined to the lone not\n"
			  "# why\n"
			  "  ---\n"
			  "\n"
			  "  got: 1\n"
			  "  ...\n"
			  "ok 3 # TODO later\n"
			  "ok 4";
	struct pt__buf whole = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};
	enum pt__tap_verdict expected = pt__tap_judge(out, strlen(out), &stream, &whole);

	PT_ASSERT_INT(expected, ==, PT__TAP_FAIL);
	for (size_t size = 1; size <= 7; size++) {
		struct pt__buf chunked = PT__BUF_INIT;
		struct pt__tap_stream points = {0};
		struct pt__tap_reader *reader = pt__tap_reader_new(&points, &chunked);
		for (size_t at = 0; at < strlen(out); at += size) {
			size_t left = strlen(out) - at;
			pt__tap_reader_feed(reader, out + at, left < size ? left : size);
		}
		PT_EXPECT_INT(pt__tap_reader_finish(reader), ==, expected);
		PT_EXPECT_STR(pt__buf_str(&chunked), ==, pt__buf_str(&whole));
		PT_EXPECT_SIZE(points.nr_points, ==, stream.nr_points);
		PT_EXPECT_SIZE(points.counts[PT__TAP_POINT_TODO_PASSED], ==, 1);
		pt__tap_stream_release(&points);
		pt__buf_release(&chunked);
	}
	PT_EXPECT_STR(pt__buf_str(&whole), ==,
		      "not ok 2 - joined to the lone not\n# why\n  ---\n\n  got: 1\n  ...\n");
	pt__tap_stream_release(&stream);
	pt__buf_release(&whole);
}

PT_TEST(tap, a_line_is_read_up_to_its_first_mebibyte)
{
	size_t long_len = (1u << 20) + 100;
	struct pt__buf out = PT__BUF_INIT, details = PT__BUF_INIT;
	struct pt__tap_stream stream = {0};

	pt__buf_adds(&out, "1..1\nok 1 - ");
	for (size_t i = 0; i < long_len; i++)
		pt__buf_addc(&out, 'x');
	pt__buf_adds(&out, " # TODO beyond the limit\n");
	PT_ASSERT_INT(pt__tap_judge(out.data, out.len, &stream, &details), ==, PT__TAP_PASS);
	PT_EXPECT_INT(stream.points[0].status, ==, PT__TAP_POINT_OK);
	pt__tap_stream_release(&stream);
	pt__buf_release(&details);
	pt__buf_release(&out);
}
