/*
 * The MySQL backend's pieces that need no server: URLs taken apart and put
 * back with a clone's name, clone names, identifier quoting and the schema
 * rewrite that points a view at its clone.
 */
#include <partest.h>

#include <string.h>

#include "buf.h"
#include "db/mysql.h"

static struct pt__my_url url;
static struct pt__buf err, out;

PT_SETUP(my_url)
{
	memset(&url, 0, sizeof(url));
	memset(&err, 0, sizeof(err));
	memset(&out, 0, sizeof(out));
}

PT_TEARDOWN(my_url)
{
	pt__my_url_release(&url);
	pt__buf_release(&err);
	pt__buf_release(&out);
}

PT_TEST(my_url, clone_url_keeps_everything_but_the_database_name)
{
	PT_ASSERT_INT(pt__my_url_parse("mysql://app:s%40c/ret@db.example:3307/app_test"
				       "?socket=%2Frun%2Fmy.sock&partest_strategy=dump",
				       &url, &err),
		      ==, 0);
	PT_EXPECT_STR(url.dbname, ==, "app_test");
	PT_EXPECT_STR(url.user, ==, "app");
	PT_EXPECT_STR(url.password, ==, "s@c/ret");
	PT_EXPECT_STR(url.host, ==, "db.example");
	PT_EXPECT_UINT(url.port, ==, 3307);
	PT_EXPECT_STR(url.socket, ==, "/run/my.sock");
	PT_EXPECT_INT(url.strategy, ==, PT__MY_STRATEGY_DUMP);
	pt__my_url_format(&url, "app_test_pt1_x_1", &out);
	PT_EXPECT_STR(pt__buf_str(&out), ==,
		      "mysql://app:s%40c/ret@db.example:3307/app_test_pt1_x_1"
		      "?socket=%2Frun%2Fmy.sock");
}

PT_TEST(my_url, mariadb_scheme_and_defaults)
{
	PT_ASSERT_INT(pt__my_url_parse("mariadb:///app", &url, &err), ==, 0);
	PT_EXPECT_STR(url.scheme, ==, "mariadb://");
	PT_EXPECT_NULL(url.host);
	PT_EXPECT_INT(url.strategy, ==, PT__MY_STRATEGY_COPY);
	pt__my_url_release(&url);
	PT_ASSERT_INT(pt__my_url_parse("mysql+tmp://", &url, &err), ==, 0);
	PT_EXPECT_TRUE(url.throwaway);
	PT_EXPECT_STR(url.dbname, ==, "partest");
}

PT_TEST(my_url, bad_urls_are_usage_errors_without_the_password)
{
	PT_EXPECT_INT(pt__my_url_parse("mysql://u:s3cret@h", &url, &err), ==, PT__EUSAGE);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&err), "name the template") != NULL);
	PT_EXPECT_TRUE(strstr(pt__buf_str(&err), "s3cret") == NULL);
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__my_url_parse("mysql://h/db?partest_strategy=fast", &url, &err), ==,
		      PT__EUSAGE);
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__my_url_parse("mysql://h:99999/db", &url, &err), ==, PT__EUSAGE);
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__my_url_parse("mysql://h/partest_registry", &url, &err), ==, PT__EUSAGE);
	pt__buf_reset(&err);
	PT_EXPECT_INT(pt__my_url_parse("mysql+tmp://u@h/db", &url, &err), ==, PT__EUSAGE);
}

PT_TEST(my_names, clone_names_fit_in_64_bytes)
{
	struct pt__buf name = PT__BUF_INIT;
	char long_name[80];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	pt__db_clone_name("app", "partest-123-AbC", 2, PT__MY_NAME_MAX, true, &name);
	PT_EXPECT_STR(pt__buf_str(&name), ==, "app_pt123_AbC_2");
	pt__buf_reset(&name);
	pt__db_clone_name(long_name, "partest-123-AbC", 12, PT__MY_NAME_MAX, true, &name);
	PT_EXPECT_UINT(name.len, ==, PT__MY_NAME_MAX);
	pt__buf_release(&name);
}

/* MySQL's limit is 64 characters, not bytes: "é" is two bytes, one character. */
PT_TEST(my_names, a_name_of_64_characters_is_accepted_and_its_clones_fit)
{
	struct pt__my_url parsed;
	struct pt__buf name = PT__BUF_INIT, spec = PT__BUF_INIT, why = PT__BUF_INIT;

	for (int i = 0; i < PT__MY_NAME_MAX; i++)
		pt__buf_adds(&name, "\xc3\xa9");
	pt__buf_addf(&spec, "mysql://u@h/%s", name.data);
	PT_ASSERT_INT(pt__my_url_parse(spec.data, &parsed, &why), ==, 0);
	PT_EXPECT_STR(parsed.dbname, ==, name.data);
	pt__my_url_release(&parsed);
	pt__buf_addf(&spec, "%s", "\xc3\xa9");
	PT_EXPECT_INT(pt__my_url_parse(spec.data, &parsed, &why), ==, PT__EUSAGE);
	PT_EXPECT_NOT_NULL(strstr(pt__buf_str(&why), "64 characters"));
	pt__buf_reset(&spec);
	pt__db_clone_name(name.data, "partest-123-AbC", 12, PT__MY_NAME_MAX, true, &spec);
	PT_EXPECT_UINT(pt__db_utf8_length(spec.data), ==, PT__MY_NAME_MAX);
	PT_EXPECT_STR(spec.data + spec.len - strlen("_pt123_AbC_12"), ==, "_pt123_AbC_12");
	pt__buf_release(&name);
	pt__buf_release(&spec);
	pt__buf_release(&why);
}

PT_TEST(my_names, identifiers_are_quoted_and_views_point_at_the_clone)
{
	struct pt__buf sql = PT__BUF_INIT;

	pt__my_add_identifier("a`b", &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==, "`a``b`");
	pt__buf_reset(&sql);
	pt__my_rewrite_schema("select `app`.`t`.`x` AS `x`, '`app`.' AS s, `app``2`.`y` "
			      "from `app`.`t`",
			      "app", "app_pt1_1", &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==,
		      "select `app_pt1_1`.`t`.`x` AS `x`, '`app`.' AS s, `app``2`.`y` "
		      "from `app_pt1_1`.`t`");
	pt__buf_release(&sql);
}

PT_TEST(my_names, unquoted_schema_names_in_bodies_point_at_the_clone)
{
	struct pt__buf sql = PT__BUF_INIT;

	pt__my_rewrite_schema("BEGIN INSERT INTO app.audit VALUES ('app.x', \"it's app.\");\n"
			      "-- don't touch app.x here\n"
			      "UPDATE myapp.t, app.t, t.app.c SET `t`.`app`.c = 1; /* app.y */ END",
			      "app", "app_pt1_1", &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==,
		      "BEGIN INSERT INTO app_pt1_1.audit VALUES ('app.x', \"it's app.\");\n"
		      "-- don't touch app.x here\n"
		      "UPDATE myapp.t, app_pt1_1.t, t.app.c SET `t`.`app`.c = 1; /* app.y */ END");
	pt__buf_reset(&sql);
	pt__my_rewrite_schema("SELECT app.t.x FROM app.t", "app", "a-b", &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==, "SELECT `a-b`.t.x FROM `a-b`.t");
	pt__buf_release(&sql);
}

PT_TEST(my_names, only_inherited_column_collations_are_dropped)
{
	struct pt__buf sql = PT__BUF_INIT;
	const char *create =
		"CREATE TABLE `t` (\n"
		"  `a` text COLLATE utf8mb4_unicode_ci,\n"
		"  `b` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,\n"
		"  `c` enum('x COLLATE utf8mb4_unicode_ci','y') COLLATE utf8mb4_unicode_ci "
		"NOT NULL,\n"
		"  `d` text COLLATE utf8mb4_unicode_ci_x,\n"
		"  `e` text COLLATE latin1_bin\n"
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

	pt__my_drop_implied_collations(create, "utf8mb4_unicode_ci", &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==,
		      "CREATE TABLE `t` (\n"
		      "  `a` text,\n"
		      "  `b` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,\n"
		      "  `c` enum('x COLLATE utf8mb4_unicode_ci','y') NOT NULL,\n"
		      "  `d` text COLLATE utf8mb4_unicode_ci_x,\n"
		      "  `e` text COLLATE latin1_bin\n"
		      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
	pt__buf_reset(&sql);
	pt__my_drop_implied_collations(create, NULL, &sql);
	PT_EXPECT_STR(pt__buf_str(&sql), ==, create);
	pt__buf_release(&sql);
}
