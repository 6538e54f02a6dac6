/* Which leftovers may be dropped: only those of runs on this host known dead. */
#include <partest.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/owner.h"

static struct pt__db_context ctx = {.run_id = "partest-1-this"};
static struct pt__db_context other_run = {.run_id = "partest-2-other"};

PT_TEST(db_owner, a_live_run_is_never_dead)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, &ctx, true);
	PT_ASSERT_FALSE(pt__db_owner_dead(&owner, &ctx));
	/* Seen from another run, this process is still alive. */
	PT_ASSERT_FALSE(pt__db_owner_dead(&owner, &other_run));
}

PT_TEST(db_owner, a_run_whose_runner_is_gone_is_dead)
{
	struct pt__db_owner owner;
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	PT_ASSERT_INT(waitpid(child, NULL, 0), ==, child);
	pt__db_owner_of_this_run(&owner, &other_run, true);
	owner.pid = child;
	PT_ASSERT_TRUE(pt__db_owner_dead(&owner, &ctx));
}

PT_TEST(db_owner, a_reused_pid_is_another_process)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, &other_run, true);
	if (!owner.start)
		PT_SKIP("this system does not tell start times");
	owner.start += 1;
	PT_ASSERT_TRUE(pt__db_owner_dead(&owner, &ctx));
}

PT_TEST(db_owner, another_hosts_runs_are_never_dead)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, &other_run, true);
	strcpy(owner.host, "some-other-host");
	owner.pid = 999999999;
	PT_ASSERT_FALSE(pt__db_owner_dead(&owner, &ctx));
}

PT_TEST(db_owner, format_and_parse_agree)
{
	struct pt__db_owner owner, read;
	struct pt__buf text = PT__BUF_INIT;

	pt__db_owner_of_this_run(&owner, &ctx, false);
	pt__db_owner_format(&owner, &text);
	PT_ASSERT_INT(pt__db_owner_parse(text.data, &read), ==, 1);
	PT_EXPECT_FALSE(read.clone);
	PT_EXPECT_STR(read.run_id, ==, owner.run_id);
	PT_EXPECT_STR(read.host, ==, owner.host);
	PT_EXPECT_INT(read.pid, ==, owner.pid);
	PT_EXPECT_UINT(read.start, ==, owner.start);
	pt__buf_release(&text);
}

PT_TEST(db_owner, this_runs_marker_reads_back_as_this_run)
{
	struct pt__buf marker = PT__BUF_INIT;
	struct pt__db_owner owner;

	pt__db_owner_format_this_run(&ctx, true, &marker);
	PT_ASSERT_INT(pt__db_owner_parse(marker.data, &owner), ==, 1);
	PT_EXPECT_TRUE(owner.clone);
	PT_EXPECT_STR(owner.run_id, ==, "partest-1-this");
	PT_EXPECT_INT(owner.pid, ==, (long)getpid());
	pt__buf_release(&marker);
}

PT_TEST(db_owner, a_kept_marker_is_neither_a_clone_nor_a_template_and_its_run_is_live)
{
	struct pt__buf text = PT__BUF_INIT;
	struct pt__db_owner read;

	pt__db_owner_format_kept(&ctx, &text);
	PT_EXPECT_INT(strncmp(text.data, "partest kept v1 run=partest-1-this ", 35), ==, 0);
	PT_ASSERT_INT(pt__db_owner_parse(text.data, &read), ==, 1);
	PT_EXPECT_TRUE(read.kept);
	PT_EXPECT_FALSE(read.clone);
	PT_EXPECT_TRUE(pt__db_owner_live(&read));
	PT_EXPECT_FALSE(pt__db_owner_dead(&read, &other_run));
	pt__buf_release(&text);
}

PT_TEST(db_owner, a_ready_marker_names_its_template_and_fingerprint)
{
	struct pt__buf text = PT__BUF_INIT, fingerprint = PT__BUF_INIT;
	struct pt__db_owner read;

	pt__db_ready_fingerprint(0x0123456789abcdefULL, &fingerprint);
	PT_EXPECT_STR(fingerprint.data, ==, "0123456789abcdef");
	pt__db_owner_format_ready(&ctx, "app_test", fingerprint.data, &text);
	PT_EXPECT_INT(strncmp(text.data, "partest ready v1 template=", 26), ==, 0);
	PT_ASSERT_INT(pt__db_owner_parse(text.data, &read), ==, 1);
	PT_EXPECT_TRUE(read.ready);
	PT_EXPECT_FALSE(read.clone);
	PT_EXPECT_FALSE(read.kept);
	PT_EXPECT_STR(read.fingerprint, ==, "0123456789abcdef");
	PT_EXPECT_STR(read.run_id, ==, "partest-1-this");
	PT_EXPECT_TRUE(pt__db_owner_of_template(&read, "app_test"));
	PT_EXPECT_FALSE(pt__db_owner_of_template(&read, "app_test2"));
	pt__buf_release(&text);
	pt__buf_release(&fingerprint);
}

PT_TEST(db_owner, only_a_ready_marker_is_of_a_template)
{
	struct pt__buf text = PT__BUF_INIT;
	struct pt__db_owner read;

	pt__db_owner_format_this_run(&ctx, true, &text);
	PT_ASSERT_INT(pt__db_owner_parse(text.data, &read), ==, 1);
	PT_EXPECT_FALSE(read.ready);
	PT_EXPECT_FALSE(pt__db_owner_of_template(&read, "app_test"));
	pt__buf_release(&text);
	/* A ready marker without its fingerprint is no marker. */
	PT_EXPECT_INT(
		pt__db_owner_parse("partest ready v1 template=0123456789abcdef run=partest-1-x "
				   "host=h pid=1 start=0",
				   &read),
		==, 0);
}

PT_TEST(db_owner, a_ready_name_is_the_clone_name_with_ready_n)
{
	struct pt__buf name = PT__BUF_INIT, clone = PT__BUF_INIT;

	pt__db_ready_name("app_test", "partest-123-AbCdEf", 2, 63, false, &name);
	PT_EXPECT_STR(name.data, ==, "app_test_pt123_AbCdEf_ready2");
	pt__buf_reset(&name);
	pt__db_ready_name("a_template_name_that_is_long_enough_to_be_cut_short_somewhere",
			  "partest-123-AbCdEf", 12, 63, false, &name);
	PT_EXPECT_UINT(name.len, ==, 63);
	PT_EXPECT_STR(name.data + name.len - 21, ==, "_pt123_AbCdEf_ready12");
	pt__db_clone_name("app_test", "partest-123-AbCdEf", 2, 63, false, &clone);
	PT_EXPECT_STR(clone.data, !=, name.data);
	pt__buf_release(&name);
	pt__buf_release(&clone);
}
