/* pt_database_url: which variable of the environment names an alias's clone. */
#include <partest.h>
#include <stdlib.h>
#include <string.h>

PT_TEST(database_url, the_main_database_is_database_url)
{
	setenv("DATABASE_URL", "sqlite:/tmp/main.db", 1);
	PT_EXPECT_STR(pt_database_url(NULL), ==, "sqlite:/tmp/main.db");
	PT_EXPECT_STR(pt_database_url("default"), ==, "sqlite:/tmp/main.db");
}

PT_TEST(database_url, an_alias_is_its_partest_db_variable)
{
	setenv("PARTEST_DB_REPORTS_2_URL", "postgresql:///reports_pt1_2", 1);
	PT_EXPECT_STR(pt_database_url("reports-2"), ==, "postgresql:///reports_pt1_2");
	PT_EXPECT_STR(pt_database_url("Reports.2"), ==, "postgresql:///reports_pt1_2");
}

PT_TEST(database_url, an_unknown_alias_has_none)
{
	char long_alias[300];

	unsetenv("PARTEST_DB_NOWHERE_URL");
	PT_EXPECT_NULL(pt_database_url("nowhere"));
	memset(long_alias, 'a', sizeof(long_alias) - 1);
	long_alias[sizeof(long_alias) - 1] = '\0';
	PT_EXPECT_NULL(pt_database_url(long_alias));
}
