/* Percent-escapes in database URLs: decoded exactly, refused when malformed. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

#include "db/url_escape.h"

PT_TEST(url_escape, escapes_are_decoded)
{
	char *decoded = pt__db_percent_decoded("%2Ftmp%2fpg%20dir", 17);

	PT_ASSERT_STR(decoded, ==, "/tmp/pg dir");
	free(decoded);
}

PT_TEST(url_escape, malformed_escapes_and_nul_are_refused)
{
	PT_EXPECT_NULL(pt__db_percent_decoded("abc%2", 5));
	PT_EXPECT_NULL(pt__db_percent_decoded("abc%", 4));
	PT_EXPECT_NULL(pt__db_percent_decoded("%GG", 3));
	PT_EXPECT_NULL(pt__db_percent_decoded("a%00b", 5));
}

PT_TEST(url_escape, only_len_bytes_are_read)
{
	char *decoded = pt__db_percent_decoded("app%41?x=1", 6);

	PT_ASSERT_STR(decoded, ==, "appA");
	free(decoded);
}

PT_TEST(url_escape, encoding_round_trips)
{
	const char *name = "app test/ü?&=%";
	struct pt__buf encoded = PT__BUF_INIT;

	pt__db_percent_encode(name, &encoded);
	PT_EXPECT_TRUE(strpbrk(encoded.data, " /?&=") == NULL);
	char *decoded = pt__db_percent_decoded(encoded.data, encoded.len);
	PT_EXPECT_STR(decoded, ==, name);
	free(decoded);
	pt__buf_release(&encoded);
}
