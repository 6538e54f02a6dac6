/* What the console shows of text that came from tests. */
#include <partest.h>

#include <string.h>

#include "buf.h"
#include "report/visible.h"

/* The visible form of a NUL-terminated text. */
static void show(const char *text, bool multiline, struct pt__buf *out)
{
	pt__buf_reset(out);
	pt__visible_add(out, text, strlen(text), multiline);
}

PT_TEST(visible, plain_text_tab_and_newline_stay)
{
	struct pt__buf out = PT__BUF_INIT;

	show("ok 1 - adds\tup\nnext line\n", true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "ok 1 - adds\tup\nnext line\n");
	pt__buf_release(&out);
}

PT_TEST(visible, escape_sequences_are_written_out)
{
	struct pt__buf out = PT__BUF_INIT;

	show("\033[2J\033]0;owned\007red\033[31m", true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "\\x1b[2J\\x1b]0;owned\\x07red\\x1b[31m");
	pt__buf_release(&out);
}

PT_TEST(visible, carriage_return_is_shown_except_before_a_newline)
{
	struct pt__buf out = PT__BUF_INIT;

	show("50%\r100%\r\n", true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "50%\\r100%\n");
	pt__buf_release(&out);
}

PT_TEST(visible, one_line_text_shows_its_newlines)
{
	struct pt__buf out = PT__BUF_INIT;

	show("a\nb\r\nc\td", false, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "a\\nb\\r\\nc\td");
	pt__buf_release(&out);
}

PT_TEST(visible, utf8_text_stays)
{
	struct pt__buf out = PT__BUF_INIT;

	show("café 日本語 \xf0\x9f\x98\x80", true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "café 日本語 \xf0\x9f\x98\x80");
	pt__buf_release(&out);
}

PT_TEST(visible, c1_controls_and_invalid_utf8_are_written_as_bytes)
{
	struct pt__buf out = PT__BUF_INIT;

	/* U+009B is CSI on terminals that read C1 controls. */
	show("\xc2\x9b"
	     "31m \xff \xc3 \xe2\x82 \xc0\xaf \xed\xa0\x80 \x7f",
	     true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==,
		      "\\xc2\\x9b31m \\xff \\xc3 \\xe2\\x82 \\xc0\\xaf \\xed\\xa0\\x80 \\x7f");
	pt__buf_release(&out);
}

PT_TEST(visible, bidi_overrides_are_written_out)
{
	struct pt__buf out = PT__BUF_INIT;

	show("ok \xe2\x80\xae"
	     "deliaf",
	     true, &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "ok \\u202edeliaf");
	pt__buf_release(&out);
}

PT_TEST(visible, nul_bytes_are_written_out)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__visible_add(&out, "a\0b", 3, true);
	PT_EXPECT_STR(pt__buf_str(&out), ==, "a\\x00b");
	pt__buf_release(&out);
}
