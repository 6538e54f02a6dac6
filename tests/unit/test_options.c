/* The command line: what is accepted, and the one line said about the rest. */
#include <partest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

static struct pt__options options;
static struct pt__buf err;

static int parse(const char *first, ...)
{
	char *argv[32] = {"partest"};
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *arg = first; arg && argc < 31; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	pt__options_release(&options);
	pt__buf_reset(&err);
	return pt__options_parse(&options, argc, argv, PT__MODE_RUNNER, &err);
}

PT_SETUP(options)
{
	unsetenv("PARTEST_JOBS");
	unsetenv("PARTEST_START");
	unsetenv("PARTEST_CONFIG");
}
PT_TEARDOWN(options)
{
	pt__options_release(&options);
	pt__buf_release(&err);
}

PT_TEST(options, defaults_are_auto_jobs_and_dot_partest)
{
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_INT(options.jobs, ==, 0);
	PT_ASSERT_STR(options.state_dir, ==, ".partest");
	PT_ASSERT_SIZE(options.nr_programs, ==, 1);
}

PT_TEST(options, jobs_from_flag_and_environment)
{
	PT_ASSERT_INT(parse("-j", "3", "./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_INT(options.jobs, ==, 3);
	setenv("PARTEST_JOBS", "5", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_INT(options.jobs, ==, 5);
	PT_ASSERT_INT(parse("-j", "auto", "./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_INT(options.jobs, ==, 0);
}

PT_TEST(options, malformed_values_are_refused_with_the_option_named)
{
	PT_ASSERT_INT(parse("-j", "0", "./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "--jobs \"0\"") != NULL);
	PT_ASSERT_INT(parse("--timeout", "soon", "./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "--timeout \"soon\"") != NULL);
	PT_ASSERT_INT(parse("--shuffle=-3", "./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_INT(parse("--color", "purple", "./t", NULL), ==, PT__OPTIONS_ERROR);
	setenv("PARTEST_JOBS", "many", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "PARTEST_JOBS") != NULL);
}

PT_TEST(options, unknown_option_is_named)
{
	PT_ASSERT_INT(parse("--frobnicate", "./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "--frobnicate") != NULL);
	PT_ASSERT_TRUE(strstr(err.data, "unknown option") != NULL);
}

PT_TEST(options, repeatable_options_accumulate)
{
	PT_ASSERT_INT(parse("--filter", "a*", "--filter", "*b", "--db", "sqlite:x.db",
			    "--db-inputs", "m1.sql", "--db-inputs", "m2.sql", "./t", "./u", NULL),
		      ==, PT__OPTIONS_RUN);
	PT_ASSERT_SIZE(options.nr_filters, ==, 2);
	PT_ASSERT_STR(options.filters[1], ==, "*b");
	PT_ASSERT_NULL(options.filters[2]);
	PT_ASSERT_SIZE(options.nr_db_inputs, ==, 2);
	PT_ASSERT_SIZE(options.nr_programs, ==, 2);
}

PT_TEST(options, shuffle_takes_an_optional_seed)
{
	PT_ASSERT_INT(parse("--shuffle=1234", "./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_TRUE(options.shuffle);
	PT_ASSERT_UINT(options.seed, ==, 1234);
}

PT_TEST(options, db_setup_without_db_is_a_usage_error)
{
	PT_ASSERT_INT(parse("--db-setup", "make db", "./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "--db-setup") != NULL);
}

PT_TEST(options, no_program_is_a_usage_error)
{
	PT_ASSERT_INT(parse("-j", "2", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "no programs") != NULL);
}

/* Writes a config file into this worker's TMPDIR and points PARTEST_CONFIG at it. */
static void config(const char *text)
{
	static char path[4096];
	FILE *file;

	snprintf(path, sizeof(path), "%s/partest.conf", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	PT_ASSERT_NOT_NULL(file = fopen(path, "w"));
	fputs(text, file);
	fclose(file);
	setenv("PARTEST_CONFIG", path, 1);
}

PT_TEST(options, config_file_sets_options_that_the_command_line_overrides)
{
	config("# defaults for this project\njobs = 3\nkeepdb\n  start = spawn  \ndb = sqlite:x.db\n");
	PT_ASSERT_INT(parse("-j", "5", "./t", NULL), ==, PT__OPTIONS_RUN);
	PT_EXPECT_INT(options.jobs, ==, 5);
	PT_EXPECT_TRUE(options.keepdb);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_SPAWN);
	PT_EXPECT_SIZE(options.nr_dbs, ==, 1);
}

PT_TEST(options, environment_overrides_the_config_file)
{
	config("jobs = 3\n");
	setenv("PARTEST_JOBS", "2", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_RUN);
	PT_ASSERT_INT(options.jobs, ==, 2);
}

PT_TEST(options, bad_config_line_names_file_and_line)
{
	config("jobs = 3\nfrobnicate = yes\n");
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "partest.conf:2: ") != NULL);
	PT_ASSERT_TRUE(strstr(err.data, "--frobnicate") != NULL);
	config("jobs = lots\n");
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_ERROR);
	PT_ASSERT_TRUE(strstr(err.data, "partest.conf:1: --jobs \"lots\"") != NULL);
}

PT_TEST(options, start_method_from_flag_and_environment)
{
	setenv("PARTEST_START", "isolate", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__OPTIONS_RUN);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_ISOLATE);
	PT_ASSERT_INT(parse("--start", "fork", "./t", NULL), ==, PT__OPTIONS_RUN);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_FORK);
	PT_ASSERT_INT(parse("--start", "sometimes", "./t", NULL), ==, PT__OPTIONS_ERROR);
}
