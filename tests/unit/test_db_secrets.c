/* The one masking path: a password never survives it, however the URL is spelled. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/db/secrets.h"

static char *masked(const char *text)
{
	struct pt__buf out = PT__BUF_INIT;

	pt__secrets_mask(text, &out);
	return pt__buf_detach(&out);
}

static void expect_hidden(const char *url, const char *message, const char *secret)
{
	char *shown;

	pt__secrets_clear();
	pt__secrets_add_url(url);
	shown = masked(message);
	PT_EXPECT_NULL(strstr(shown, secret));
	PT_EXPECT_NOT_NULL(strstr(shown, "***"));
	free(shown);
}

PT_TEST(secrets, a_password_with_separators_and_escapes_is_hidden_in_every_form)
{
	const char *url = "postgresql://app:p%2Fa%40s%3As%25w@db/tpl";

	expect_hidden(url, "token \"p%2Fa%40s%3As%25w\" is bad", "p%2Fa%40s%3As%25w");
	expect_hidden(url, "the password p/a@s:s%w was refused", "p/a@s:s%w");
}

PT_TEST(secrets, an_unencoded_password_is_hidden_however_a_client_splits_it)
{
	const char *url = "mysql://root:sec/ret@word@host/db";

	expect_hidden(url, "Unknown server host 'ret@word@host'", "ret@word");
	expect_hidden(url, "could not parse \"sec/ret\"", "sec/ret");
}

PT_TEST(secrets, query_and_key_value_passwords_are_hidden)
{
	expect_hidden("postgresql://app@/tpl?host=x&password=hunter22",
		      "password=hunter22 is wrong", "hunter22");
	expect_hidden("host=db user=app password=hunter33 dbname=x", "saw hunter33", "hunter33");
}

PT_TEST(secrets, text_without_secrets_is_unchanged_and_short_ones_are_not_searched)
{
	char *shown;

	pt__secrets_clear();
	pt__secrets_add_url("postgresql://app:pw@db:5432/tpl");
	shown = masked("cannot connect to db:5432 (pw is short)");
	PT_EXPECT_STR(shown, ==, "cannot connect to db:5432 (pw is short)");
	free(shown);
	pt__secrets_clear();
}
