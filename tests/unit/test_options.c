/* The command line: what is accepted, and the one line said about the rest. */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
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
	PT_ASSERT_INT(parse("./t", NULL), ==, 0);
	PT_ASSERT_INT(options.action, ==, PT__ACTION_RUN);
	PT_ASSERT_INT(options.jobs, ==, 0);
	PT_ASSERT_STR(options.state_dir, ==, ".partest");
	PT_ASSERT_SIZE(options.nr_programs, ==, 1);
}

PT_TEST(options, jobs_from_flag_and_environment)
{
	PT_ASSERT_INT(parse("-j", "3", "./t", NULL), ==, 0);
	PT_ASSERT_INT(options.jobs, ==, 3);
	setenv("PARTEST_JOBS", "5", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, 0);
	PT_ASSERT_INT(options.jobs, ==, 5);
	PT_ASSERT_INT(parse("-j", "auto", "./t", NULL), ==, 0);
	PT_ASSERT_INT(options.jobs, ==, 0);
}

PT_TEST(options, malformed_values_are_refused_with_the_option_named)
{
	PT_ASSERT_INT(parse("-j", "0", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--jobs \"0\"") != NULL);
	PT_ASSERT_INT(parse("--timeout", "soon", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--timeout \"soon\"") != NULL);
	PT_ASSERT_INT(parse("--shuffle=-3", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_INT(parse("--color", "purple", "./t", NULL), ==, PT__EUSAGE);
	setenv("PARTEST_JOBS", "many", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "PARTEST_JOBS") != NULL);
}

PT_TEST(options, unknown_option_is_named)
{
	PT_ASSERT_INT(parse("--frobnicate", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--frobnicate") != NULL);
	PT_ASSERT_TRUE(strstr(err.data, "unknown option") != NULL);
}

PT_TEST(options, repeatable_options_accumulate)
{
	PT_ASSERT_INT(parse("--filter", "a*", "--filter", "*b", "--db", "sqlite:x.db",
			    "--db-inputs", "m1.sql", "--db-inputs", "m2.sql", "./t", "./u", NULL),
		      ==, 0);
	PT_ASSERT_SIZE(options.nr_filters, ==, 2);
	PT_ASSERT_STR(options.filters[1], ==, "*b");
	PT_ASSERT_NULL(options.filters[2]);
	PT_ASSERT_SIZE(options.nr_db_inputs, ==, 2);
	PT_ASSERT_SIZE(options.nr_programs, ==, 2);
}

PT_TEST(options, shuffle_takes_an_optional_seed)
{
	PT_ASSERT_INT(parse("--shuffle=1234", "./t", NULL), ==, 0);
	PT_ASSERT_TRUE(options.shuffle);
	PT_ASSERT_UINT(options.seed, ==, 1234);
}

PT_TEST(options, db_setup_without_db_is_a_usage_error)
{
	PT_ASSERT_INT(parse("--db-setup", "make db", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--db-setup") != NULL);
}

PT_TEST(options, no_program_is_a_usage_error)
{
	PT_ASSERT_INT(parse("-j", "2", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "no programs") != NULL);
}

PT_TEST(options, refused_command_line_leaves_nothing_behind)
{
	PT_ASSERT_INT(parse("--filter", "a*", "--db", "sqlite:x.db", "-j", "0", "./t", NULL), ==,
		      PT__EUSAGE);
	PT_EXPECT_SIZE(options.nr_filters, ==, 0);
	PT_EXPECT_NULL(options.filters);
	PT_EXPECT_NULL(options.dbs);
	PT_EXPECT_NULL(options.programs);
}

/* What parse() wrote to standard output, as a string the caller frees. */
static char *parse_stdout(const char *first, ...)
{
	char *argv[32] = {"partest"};
	int argc = 1;
	va_list ap;
	char path[4096];

	va_start(ap, first);
	for (const char *arg = first; arg && argc < 31; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	snprintf(path, sizeof(path), "%s/stdout", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	PT_ASSERT_INT(file, >=, 0);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(file, STDOUT_FILENO);
	pt__options_release(&options);
	pt__buf_reset(&err);
	int rc = pt__options_parse(&options, argc, argv, PT__MODE_RUNNER, &err);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	PT_EXPECT_INT(rc, ==, 0);

	struct stat st;
	PT_ASSERT_INT(fstat(file, &st), ==, 0);
	char *text = calloc(1, (size_t)st.st_size + 1);
	PT_ASSERT_NOT_NULL(text);
	PT_ASSERT_INT(pread(file, text, (size_t)st.st_size, 0), ==, st.st_size);
	close(file);
	return text;
}

PT_TEST(options, help_is_asked_for_not_printed_and_needs_no_program)
{
	char *printed = parse_stdout("--help", NULL);

	PT_EXPECT_STR(printed, ==, "");
	PT_EXPECT_INT(options.action, ==, PT__ACTION_HELP);
	PT_EXPECT_SIZE(err.len, ==, 0);
	free(printed);
	PT_ASSERT_TRUE(strstr(pt__options_usage, "usage: partest [options] PROGRAM...\n") != NULL);
}

PT_TEST(options, version_is_asked_for_not_printed)
{
	char *printed = parse_stdout("-j", "2", "--version", "--frobnicate", NULL);

	PT_EXPECT_STR(printed, ==, "");
	PT_EXPECT_INT(options.action, ==, PT__ACTION_VERSION);
	PT_EXPECT_INT(options.jobs, ==, 2);
	free(printed);
}

/* Writes a config file into this worker's TMPDIR and points PARTEST_CONFIG at it. */
static void config(const char *text)
{
	static char path[4096];
	FILE *file;

	snprintf(path, sizeof(path), "%s/partest.conf",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	PT_ASSERT_NOT_NULL(file = fopen(path, "w"));
	fputs(text, file);
	fclose(file);
	setenv("PARTEST_CONFIG", path, 1);
}

PT_TEST(options, config_file_sets_options_that_the_command_line_overrides)
{
	config("# defaults for this project\njobs = 3\nkeepdb\n  start = spawn  \ndb = "
	       "sqlite:x.db\n");
	PT_ASSERT_INT(parse("-j", "5", "./t", NULL), ==, 0);
	PT_EXPECT_INT(options.jobs, ==, 5);
	PT_EXPECT_TRUE(options.keepdb);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_SPAWN);
	PT_EXPECT_SIZE(options.nr_dbs, ==, 1);
}

PT_TEST(options, environment_overrides_the_config_file)
{
	config("jobs = 3\n");
	setenv("PARTEST_JOBS", "2", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, 0);
	PT_ASSERT_INT(options.jobs, ==, 2);
}

PT_TEST(options, bad_config_line_names_file_and_line)
{
	config("jobs = 3\nfrobnicate = yes\n");
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "partest.conf:2: ") != NULL);
	PT_ASSERT_TRUE(strstr(err.data, "--frobnicate") != NULL);
	config("jobs = lots\n");
	PT_ASSERT_INT(parse("./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "partest.conf:1: --jobs \"lots\"") != NULL);
}

PT_TEST(options, help_in_the_config_file_is_refused_with_its_line)
{
	struct pt__buf expected = PT__BUF_INIT;

	config("jobs = 3\nhelp\n");
	pt__buf_addf(&expected, "%s:2: --help belongs on the command line",
		     getenv("PARTEST_CONFIG"));
	PT_EXPECT_INT(parse("./t", NULL), ==, PT__EUSAGE);
	PT_EXPECT_STR(pt__buf_str(&err), ==, pt__buf_str(&expected));
	pt__buf_release(&expected);
}

PT_TEST(options, start_method_from_flag_and_environment)
{
	setenv("PARTEST_START", "isolate", 1);
	PT_ASSERT_INT(parse("./t", NULL), ==, 0);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_ISOLATE);
	PT_ASSERT_INT(parse("--start", "fork", "./t", NULL), ==, 0);
	PT_EXPECT_INT(options.start, ==, PT__REQUEST_FORK);
	PT_ASSERT_INT(parse("--start", "sometimes", "./t", NULL), ==, PT__EUSAGE);
}

PT_TEST(options, selection_options_accumulate)
{
	PT_ASSERT_INT(parse("--skip", "*slow*", "--skip", "a::*", "--tag", "db", "--exclude-tag",
			    "flaky", "--rerun-failed", "--partition", "hash:2/4",
			    "--durations-from", "report.xml", "./t", NULL),
		      ==, 0);
	PT_ASSERT_SIZE(options.nr_skips, ==, 2);
	PT_ASSERT_STR(options.skips[1], ==, "a::*");
	PT_ASSERT_STR(options.tags[0], ==, "db");
	PT_ASSERT_STR(options.exclude_tags[0], ==, "flaky");
	PT_ASSERT_TRUE(options.rerun_failed);
	PT_ASSERT_STR(options.partition, ==, "hash:2/4");
	PT_ASSERT_STR(options.durations_from, ==, "report.xml");
}

PT_TEST(options, durations_from_is_for_a_partition)
{
	PT_ASSERT_INT(parse("--durations-from", "report.xml", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--durations-from is for --partition") != NULL);
}

PT_TEST(options, format_json_is_for_list)
{
	PT_ASSERT_INT(parse("--list", "--format", "json", "./t", NULL), ==, 0);
	PT_ASSERT_TRUE(options.list_json);
	PT_ASSERT_INT(parse("--format", "json", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--format json is for --list") != NULL);
	PT_ASSERT_INT(parse("--list", "--format", "yaml", "./t", NULL), ==, PT__EUSAGE);
	PT_ASSERT_TRUE(strstr(err.data, "--format \"yaml\"") != NULL);
}
