/* Tests that carry attributes: tags, locks, exclusivity and weight. */
#include <partest.h>

PT_TEST(tagged, database_and_slow, .tags = "db slow")
{
	PT_ASSERT_TRUE(1);
}

PT_TEST(tagged, holds_a_port, .locks = "port-8080", .exclusive = 1, .weight = 2)
{
	PT_ASSERT_TRUE(1);
}

PT_TEST(tagged, plain)
{
	PT_ASSERT_TRUE(1);
}
