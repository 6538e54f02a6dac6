/* A command given as one string, split into words as a shell would, without one. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "shell_words.h"

static char **words;
static size_t nr;
static struct pt__buf err = PT__BUF_INIT;

PT_TEARDOWN(shell_words)
{
	pt__shell_words_free(words);
	words = NULL;
	pt__buf_release(&err);
}

PT_TEST(shell_words, blanks_split_and_quotes_keep)
{
	PT_ASSERT_INT(pt__shell_words_split("  valgrind\t-q 'two words' \"a \\\"b\\\" \\$\"x",
					    &words, &nr, &err),
		      ==, 0);
	PT_ASSERT_SIZE(nr, ==, 4);
	PT_ASSERT_STR(words[0], ==, "valgrind");
	PT_ASSERT_STR(words[1], ==, "-q");
	PT_ASSERT_STR(words[2], ==, "two words");
	PT_ASSERT_STR(words[3], ==, "a \"b\" $x");
	PT_ASSERT_NULL(words[4]);
}

PT_TEST(shell_words, backslashes_escape_outside_quotes_and_some_inside_double_ones)
{
	PT_ASSERT_INT(pt__shell_words_split("a\\ b \"c\\d\" 'e\\f' \"\"", &words, &nr, &err), ==,
		      0);
	PT_ASSERT_SIZE(nr, ==, 4);
	PT_ASSERT_STR(words[0], ==, "a b");
	PT_ASSERT_STR(words[1], ==, "c\\d");
	PT_ASSERT_STR(words[2], ==, "e\\f");
	PT_ASSERT_STR(words[3], ==, "");
}

PT_TEST(shell_words, shell_syntax_unclosed_quotes_and_nothing_are_refused)
{
	const char *bad[] = {"valgrind | tee", "a; b",	 "$HOME/x", "\"$HOME\"",
			     "'open",	       "\"open", "x\\",	    "  "};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pt__buf_reset(&err);
		PT_EXPECT_INT(pt__shell_words_split(bad[i], &words, &nr, &err), ==, PT__EUSAGE);
		PT_EXPECT_NULL(words);
		PT_EXPECT_SIZE(err.len, >, 0);
	}
	PT_ASSERT_INT(pt__shell_words_split("'a | b' '$x'", &words, &nr, &err), ==, 0);
	PT_ASSERT_STR(words[0], ==, "a | b");
	PT_ASSERT_STR(words[1], ==, "$x");
}
