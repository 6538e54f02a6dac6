/*
 * The PostgreSQL backend's pieces that need no server: URLs taken apart and
 * put back with a clone's name, clone names, and partest's marker.
 */
#include <partest.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "db/owner.h"
#include "db/postgres.h"

static struct pt__pg_url url;
static struct pt__buf err, out;

PT_SETUP(pg_url)
{
	memset(&url, 0, sizeof(url));
	memset(&err, 0, sizeof(err));
	memset(&out, 0, sizeof(out));
}

PT_TEARDOWN(pg_url)
{
	pt__pg_url_release(&url);
	pt__buf_release(&err);
	pt__buf_release(&out);
}

PT_TEST(pg_url, clone_url_keeps_everything_but_the_database_name)
{
	PT_ASSERT_INT(
		pt__pg_url_parse("postgresql://app:s%40cret@db.example:6543/app_test"
				 "?sslmode=require&partest_strategy=file_copy&connect_timeout=3",
				 &url, &err),
		==, 0);
	PT_EXPECT_STR(url.dbname, ==, "app_test");
	PT_EXPECT_INT(url.strategy, ==, PT__PG_STRATEGY_FILE_COPY);
	pt__pg_url_format(&url, "app_test_pt1_x_1", &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==,
		      "postgresql://app:s%40cret@db.example:6543/app_test_pt1_x_1"
		      "?sslmode=require&connect_timeout=3");
}

PT_TEST(pg_url, names_are_decoded_and_encoded)
{
	PT_ASSERT_INT(pt__pg_url_parse("postgres:///My%20DB?host=%2Ftmp", &url, &err), ==, 0);
	PT_EXPECT_STR(url.dbname, ==, "My DB");
	pt__buf_reset(&out);
	pt__pg_url_format(&url, "a\"b; DROP DATABASE x", &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==,
		      "postgres:///a%22b%3B%20DROP%20DATABASE%20x?host=%2Ftmp");
}

PT_TEST(pg_url, user_info_may_hold_a_question_mark)
{
	PT_ASSERT_INT(pt__pg_url_parse("postgresql://u:p?ss@h/db", &url, &err), ==, 0);
	PT_EXPECT_STR(url.authority, ==, "u:p?ss@h");
	PT_EXPECT_STR(url.dbname, ==, "db");
}

PT_TEST(pg_url, throwaway_server_url_has_a_default_name)
{
	PT_ASSERT_INT(pt__pg_url_parse("postgresql+tmp://", &url, &err), ==, 0);
	PT_EXPECT_TRUE(url.throwaway);
	PT_EXPECT_STR(url.dbname, ==, "partest");
	pt__pg_url_release(&url);
	PT_ASSERT_INT(pt__pg_url_parse("postgresql+tmp:///app?partest_wait=3", &url, &err), ==, 0);
	PT_EXPECT_STR(url.dbname, ==, "app");
	PT_EXPECT_INT(url.wait_seconds, ==, 3);
}

PT_TEST(pg_url, bad_urls_are_usage_errors_without_the_password)
{
	static const char *const bad[] = {
		"postgresql://u:s3cret@h",			 /* no database */
		"postgresql://u:s3cret@h/db?dbname=other",	 /* a second name */
		"postgresql://u:s3cret@h/db?partest_strategy=x", /* unknown strategy */
		"postgresql://u:s3cret@h/db?partest_wait=soon",	 /* not a number */
		"postgresql://u:s3cret@h/db?partest_nothing=1",	 /* unknown parameter */
		"postgresql://u:s3cret@h/db%zz",		 /* bad escape */
		"postgresql+tmp://u:s3cret@h/db",		 /* a host for a throwaway */
		"postgresql://u:s3cret@h/"
		"a_name_that_is_longer_than_sixty_three_bytes_which_postgres_cuts_off",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pt__buf_reset(&err);
		PT_EXPECT_INT(pt__pg_url_parse(bad[i], &url, &err), ==, PT__EUSAGE);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&err), "s3cret") == NULL);
		PT_EXPECT_TRUE(strstr(pt__buf_str(&err), "u:***@h") != NULL);
		pt__pg_url_release(&url);
	}
}

PT_TEST(pg_names, clone_names_fit_in_63_bytes_and_differ_per_run_and_worker)
{
	struct pt__buf a = PT__BUF_INIT, b = PT__BUF_INIT, c = PT__BUF_INIT;
	char longest[80];

	pt__db_clone_name("app", "partest-1234-AbCdEf", 2, PT__PG_NAME_MAX, false, &a);
	PT_EXPECT_STR(pt__buf_str(&a), ==, "app_pt1234_AbCdEf_2");
	memset(longest, 'x', 63);
	memcpy(longest + 55, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8); /* ends in "éééé" */
	longest[63] = '\0';
	pt__db_clone_name(longest, "partest-4194304-AbCdEf", 12, PT__PG_NAME_MAX, false, &b);
	PT_EXPECT_SIZE(b.len, <=, (size_t)PT__PG_NAME_MAX);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&b), "_pt4194304_AbCdEf_12") != NULL);
	pt__db_clone_name(longest, "partest-4194304-AbCdEg", 12, PT__PG_NAME_MAX, false, &c);
	PT_EXPECT_STR(pt__buf_str(&b), !=, pt__buf_str(&c));
	/* Cut at a character boundary: no stray UTF-8 continuation byte. */
	size_t cut = b.len - strlen("_pt4194304_AbCdEf_12");
	PT_EXPECT_TRUE(((unsigned char)b.data[cut - 1] & 0xC0) != 0xC0);
	pt__buf_release(&a);
	pt__buf_release(&b);
	pt__buf_release(&c);
}

PT_TEST(pg_marker, a_marker_reads_back_and_nothing_else_is_one)
{
	struct pt__db_owner marker = {.clone = true,
				      .run_id = "partest-77-abcdef",
				      .host = "build-host",
				      .pid = 77,
				      .start = 123456};
	struct pt__db_owner read;
	struct pt__buf text = PT__BUF_INIT;

	pt__db_owner_format(&marker, &text);
	PT_EXPECT_STR(pt__buf_str(&text), ==,
		      "partest clone v1 run=partest-77-abcdef host=build-host pid=77 start=123456");
	PT_ASSERT_INT(pt__db_owner_parse(text.data, &read), ==, 1);
	PT_EXPECT_TRUE(read.clone);
	PT_EXPECT_STR(read.run_id, ==, "partest-77-abcdef");
	PT_EXPECT_STR(read.host, ==, "build-host");
	PT_EXPECT_INT(read.pid, ==, 77);
	PT_EXPECT_UINT(read.start, ==, 123456);
	PT_EXPECT_INT(pt__db_owner_parse(NULL, &read), ==, 0);
	PT_EXPECT_INT(pt__db_owner_parse("the team's staging copy", &read), ==, 0);
	PT_EXPECT_INT(pt__db_owner_parse("partest clone v1 run=x host=h pid=zero start=1", &read),
		      ==, 0);
	PT_EXPECT_INT(pt__db_owner_parse("partest template v1 run=x host=h pid=5 start=0", &read),
		      ==, 1);
	PT_EXPECT_FALSE(read.clone);
	pt__buf_release(&text);
}
