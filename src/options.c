#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "native.h"
#include "protocol.h"
#include "shell_words.h"
#include "xalloc.h"

/* C asks compilers to take string literals of 4095 bytes; GCC and Clang take
 * any length, and --help has outgrown the minimum. */
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char pt__options_usage[] =
	"usage: partest [options] PROGRAM...\n"
	"       partest db clean|fill [--kept] [--pool N] [--db URL...]\n"
	"       partest merge [--junit OUT] [--events OUT] REPORT...\n"
	"\n"
	"Runs test programs in parallel worker processes and reports the results.\n"
	"\n"
	"  -j, --jobs N|auto     worker processes (default: auto, one per CPU);\n"
	"                        also --parallel N, as Django spells it\n"
	"      --filter GLOB     run only tests whose id matches (repeatable)\n"
	"      --list            print the test ids and exit\n"
	"      --shuffle[=SEED]  run groups in a random order (the seed is printed)\n"
	"      --reverse         run in reverse order\n"
	"      --timeout SECS    per-test time limit (default: none)\n"
	"      --kill-grace SECS time between SIGTERM and SIGKILL (default: 2)\n"
	"      --failfast        start no new test after the first failure\n"
	"      --retries N       run a failed test again, up to N times, on a fresh worker\n"
	"      --flaky-result pass|fail  whether a test that passed on a retry fails the run\n"
	"      --no-capture      let test output through as it comes\n"
	"      --color WHEN      auto, always or never (NO_COLOR is respected)\n"
	"      --start METHOD    auto (the default), spawn, fork or isolate;\n"
	"                        --explain says what auto chose, and why\n"
	"      --explain         say how each program's workers will start, and why\n"
	"      --skip GLOB       run no test whose id matches (repeatable)\n"
	"      --tag NAME        run only tests tagged NAME (repeatable)\n"
	"      --exclude-tag NAME  run no test tagged NAME (repeatable)\n"
	"      --rerun-failed    run only the tests that failed last time\n"
	"      --partition SPEC  run one shard: slice:K/N, hash:K/N, time:K/N, auto[:N]\n"
	"      --durations-from FILE  durations for time: from a JUnit or event file\n"
	"      --format FORMAT   --list as text (default) or json (JSON Lines)\n"
	"      --ctest DIR       run a CMake build's tests, as ctest would (repeatable)\n"
	"      --meson DIR       run a meson build's tests, as meson test would (repeatable)\n"
	"      --repeat N        run each selected test N times, over all workers\n"
	"      --until-fail      stop at the first failure (with --repeat N: within\n"
	"                        N rounds; without: round after round)\n"
	"      --bisect TEST     find the test that ran before TEST on its worker last\n"
	"                        time (or in --order) and makes it fail\n"
	"      --pair TEST       run TEST right after each other selected test; list\n"
	"                        those after which it fails\n"
	"      --order ID        run exactly these tests in this order on one worker\n"
	"                        (repeatable); --order-file FILE: one id a line\n"
	"      --wrapper CMD     run workers, fork servers and tests under CMD\n"
	"      --debug TEST      run TEST alone in the foreground, under $DEBUGGER if set\n"
	"  -v, --verbose         a line for every test\n"
	"      --junit FILE      write a JUnit XML report\n"
	"      --junit-tap-points  in it, each TAP test point as its own test case\n"
	"      --events FILE     write the run as JSON Lines as it goes (- for stdout)\n"
	"      --tap FILE        write a TAP version 14 report\n"
	"      --durations N     list the N slowest tests and groups at the end\n"
	"      --state-dir DIR   where durations are kept (default: .partest)\n"
	"      --db [ALIAS=]URL  a test database (repeatable); each worker gets a clone\n"
	"      --db-setup CMD    builds the template databases once per run\n"
	"      --db-inputs FILE  a file the set-up depends on (repeatable)\n"
	"      --keepdb          keep built templates and --pool N (-j) ready clones\n"
	"      --keep-failed     keep a failed test's database clones and TMPDIR\n"
	"      --fresh-db SCOPE  fresh clones for each test, group or worker (default)\n"
	"      --kept            (db clean) remove what --keep-failed kept\n"
	"  :: ARGS...            arguments for every executable program (as prove's ::)\n"
	"  -h, --help            this text\n"
	"      --version         partest's version\n"
	"\n"
	"Options may also be given in partest.conf (or the file PARTEST_CONFIG names),\n"
	"one a line without the dashes (\"jobs = 4\", \"keepdb\"); the environment and\n"
	"the command line override it.\n"
	"\n"
	"Exit status: 0 all passed, 1 a test failed, 2 usage or configuration error,\n"
	"3 the run could not be carried out, 130 interrupted. See partest(1).\n";

enum {
	OPT_FILTER = 256,
	OPT_LIST,
	OPT_SHUFFLE,
	OPT_REVERSE,
	OPT_TIMEOUT,
	OPT_KILL_GRACE,
	OPT_FAILFAST,
	OPT_NO_CAPTURE,
	OPT_COLOR,
	OPT_JUNIT,
	OPT_JUNIT_TAP_POINTS,
	OPT_STATE_DIR,
	OPT_DB,
	OPT_DB_SETUP,
	OPT_DB_INPUTS,
	OPT_KEEPDB,
	OPT_POOL,
	OPT_VERSION,
	OPT_START,
	OPT_EXPLAIN,
	OPT_SKIP,
	OPT_TAG,
	OPT_EXCLUDE_TAG,
	OPT_RERUN_FAILED,
	OPT_PARTITION,
	OPT_DURATIONS_FROM,
	OPT_FORMAT,
	OPT_EVENTS,
	OPT_TAP,
	OPT_DURATIONS,
	OPT_CTEST,
	OPT_MESON,
	OPT_KEEP_FAILED,
	OPT_FRESH_DB,
	OPT_KEPT,
	OPT_RETRIES,
	OPT_FLAKY_RESULT,
	OPT_REPEAT,
	OPT_UNTIL_FAIL,
	OPT_BISECT,
	OPT_PAIR,
	OPT_ORDER,
	OPT_ORDER_FILE,
	OPT_WRAPPER,
	OPT_DEBUG,
};

static const struct option long_options[] = {
	{"jobs", required_argument, NULL, 'j'},
	{"parallel", required_argument, NULL, 'j'}, /* Django's name for it */
	{"filter", required_argument, NULL, OPT_FILTER},
	{"ctest", required_argument, NULL, OPT_CTEST},
	{"meson", required_argument, NULL, OPT_MESON},
	{"list", no_argument, NULL, OPT_LIST},
	{"shuffle", optional_argument, NULL, OPT_SHUFFLE},
	{"reverse", no_argument, NULL, OPT_REVERSE},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"kill-grace", required_argument, NULL, OPT_KILL_GRACE},
	{"failfast", no_argument, NULL, OPT_FAILFAST},
	{"retries", required_argument, NULL, OPT_RETRIES},
	{"flaky-result", required_argument, NULL, OPT_FLAKY_RESULT},
	{"no-capture", no_argument, NULL, OPT_NO_CAPTURE},
	{"color", required_argument, NULL, OPT_COLOR},
	{"verbose", no_argument, NULL, 'v'},
	{"junit", required_argument, NULL, OPT_JUNIT},
	{"junit-tap-points", no_argument, NULL, OPT_JUNIT_TAP_POINTS},
	{"events", required_argument, NULL, OPT_EVENTS},
	{"tap", required_argument, NULL, OPT_TAP},
	{"durations", required_argument, NULL, OPT_DURATIONS},
	{"state-dir", required_argument, NULL, OPT_STATE_DIR},
	{"db", required_argument, NULL, OPT_DB},
	{"db-setup", required_argument, NULL, OPT_DB_SETUP},
	{"db-inputs", required_argument, NULL, OPT_DB_INPUTS},
	{"keepdb", no_argument, NULL, OPT_KEEPDB},
	{"pool", required_argument, NULL, OPT_POOL},
	{"keep-failed", no_argument, NULL, OPT_KEEP_FAILED},
	{"fresh-db", required_argument, NULL, OPT_FRESH_DB},
	{"kept", no_argument, NULL, OPT_KEPT},
	{"start", required_argument, NULL, OPT_START},
	{"explain", no_argument, NULL, OPT_EXPLAIN},
	{"skip", required_argument, NULL, OPT_SKIP},
	{"tag", required_argument, NULL, OPT_TAG},
	{"exclude-tag", required_argument, NULL, OPT_EXCLUDE_TAG},
	{"rerun-failed", no_argument, NULL, OPT_RERUN_FAILED},
	{"partition", required_argument, NULL, OPT_PARTITION},
	{"durations-from", required_argument, NULL, OPT_DURATIONS_FROM},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"repeat", required_argument, NULL, OPT_REPEAT},
	{"until-fail", no_argument, NULL, OPT_UNTIL_FAIL},
	{"bisect", required_argument, NULL, OPT_BISECT},
	{"pair", required_argument, NULL, OPT_PAIR},
	{"order", required_argument, NULL, OPT_ORDER},
	{"order-file", required_argument, NULL, OPT_ORDER_FILE},
	{"wrapper", required_argument, NULL, OPT_WRAPPER},
	{"debug", required_argument, NULL, OPT_DEBUG},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

/* Parses "auto" (0) or a count of workers from 1 to 4096; false for anything else. */
static bool parse_jobs(const char *text, int *jobs)
{
	char *end;
	long value;

	if (!strcmp(text, "auto")) {
		*jobs = 0;
		return true;
	}
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 1 || value > 4096)
		return false;
	*jobs = (int)value;
	return true;
}

/* Parses a pool size from 0 (none) to 4096; false for anything else. */
static bool parse_pool(const char *text, int *pool)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 0 || value > 4096)
		return false;
	*pool = (int)value;
	return true;
}

/* Parses a count from 1 to 1e9; false for anything else. */
static bool parse_count(const char *text, size_t *count)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 1 || value > 1000000000)
		return false;
	*count = (size_t)value;
	return true;
}

/* Parses a count of retries from 0 to PT__RETRIES_MAX; false for anything else. */
static bool parse_retries(const char *text, int *retries)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < 0 || value > PT__RETRIES_MAX)
		return false;
	*retries = (int)value;
	return true;
}

/* Parses a number of seconds from 0 to 1e7; false for anything else. */
static bool parse_seconds(const char *text, double *seconds)
{
	char *end;
	double value;

	errno = 0;
	value = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(value) || value < 0 || value > 1e7)
		return false;
	*seconds = value;
	return true;
}

/* Parses a non-negative decimal seed; false for anything else. */
static bool parse_seed(const char *text, uint64_t *seed)
{
	char *end;
	unsigned long long value;

	if (*text == '-')
		return false;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text || *end)
		return false;
	*seed = value;
	return true;
}

static void append(const char ***array, size_t *nr, const char *value)
{
	*array = pt__xrealloc(*array, (*nr + 2) * sizeof(**array));
	(*array)[(*nr)++] = value;
	(*array)[*nr] = NULL;
}

static uint64_t random_seed(void)
{
	FILE *urandom = fopen("/dev/urandom", "re");
	uint64_t seed = 0;

	if (urandom) {
		if (fread(&seed, sizeof(seed), 1, urandom) != 1)
			seed = 0;
		fclose(urandom);
	}
	/* Seeds are printed for repeating a run: keep them short to type. */
	return seed % 1000000000u;
}

/*
 * Applies the options in argv[1..] (getopt_long's rules). Returns 0 with
 * optind at the first operand, or at once when --help or --version sets
 * options->action; or PT__EUSAGE with one line in err.
 */
static int apply_options(struct pt__options *options, int argc, char **argv, struct pt__buf *err)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:vh", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!parse_jobs(optarg, &options->jobs)) {
				pt__buf_addf(
					err,
					"--jobs \"%s\": expected a positive number or \"auto\"",
					optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_FILTER: append(&options->filters, &options->nr_filters, optarg); break;
		case OPT_LIST: options->list = true; break;
		case OPT_SHUFFLE:
			options->shuffle = true;
			if (!optarg)
				options->seed = random_seed();
			else if (!parse_seed(optarg, &options->seed)) {
				pt__buf_addf(
					err,
					"--shuffle=\"%s\": the seed must be a non-negative integer",
					optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_REVERSE: options->reverse = true; break;
		case OPT_TIMEOUT:
		case OPT_KILL_GRACE:
			if (!parse_seconds(optarg, c == OPT_TIMEOUT ? &options->timeout
								    : &options->kill_grace)) {
				pt__buf_addf(err, "--%s \"%s\": expected a number of seconds",
					     c == OPT_TIMEOUT ? "timeout" : "kill-grace", optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_FAILFAST: options->failfast = true; break;
		case OPT_RETRIES:
			if (!parse_retries(optarg, &options->retries)) {
				pt__buf_addf(err,
					     "--retries \"%s\": expected a number from 0 to %d",
					     optarg, PT__RETRIES_MAX);
				return PT__EUSAGE;
			}
			break;
		case OPT_FLAKY_RESULT:
			if (strcmp(optarg, "pass") && strcmp(optarg, "fail")) {
				pt__buf_addf(err, "--flaky-result \"%s\": expected pass or fail",
					     optarg);
				return PT__EUSAGE;
			}
			options->flaky_fails = !strcmp(optarg, "fail");
			break;
		case OPT_NO_CAPTURE: options->no_capture = true; break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				options->color = PT__COLOR_AUTO;
			else if (!strcmp(optarg, "always"))
				options->color = PT__COLOR_ALWAYS;
			else if (!strcmp(optarg, "never"))
				options->color = PT__COLOR_NEVER;
			else {
				pt__buf_addf(err, "--color \"%s\": expected auto, always or never",
					     optarg);
				return PT__EUSAGE;
			}
			break;
		case 'v': options->verbose++; break;
		case OPT_JUNIT: options->junit = optarg; break;
		case OPT_JUNIT_TAP_POINTS: options->junit_tap_points = true; break;
		case OPT_EVENTS: options->events = optarg; break;
		case OPT_TAP: options->tap = optarg; break;
		case OPT_DURATIONS:
			if (!parse_count(optarg, &options->durations)) {
				pt__buf_addf(err, "--durations \"%s\": expected a positive number",
					     optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_STATE_DIR: options->state_dir = optarg; break;
		case OPT_DB: append(&options->dbs, &options->nr_dbs, optarg); break;
		case OPT_DB_SETUP: options->db_setup = optarg; break;
		case OPT_DB_INPUTS:
			append(&options->db_inputs, &options->nr_db_inputs, optarg);
			break;
		case OPT_KEEPDB: options->keepdb = true; break;
		case OPT_POOL:
			if (!parse_pool(optarg, &options->pool)) {
				pt__buf_addf(err, "--pool \"%s\": expected a number from 0 to 4096",
					     optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_KEEP_FAILED: options->keep_failed = true; break;
		case OPT_FRESH_DB: {
			int scope = pt__fresh_db_scope_parse(optarg);
			if (scope < 0) {
				pt__buf_addf(err,
					     "--fresh-db \"%s\": expected test, group or worker",
					     optarg);
				return PT__EUSAGE;
			}
			options->fresh_db = (enum pt__fresh_db_scope)scope;
			break;
		}
		case OPT_KEPT: options->kept = true; break;
		case OPT_START:
			if (pt__start_request_parse(optarg, &options->start)) {
				pt__buf_addf(
					err,
					"--start \"%s\": expected spawn, fork, isolate or auto",
					optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_EXPLAIN: options->explain = true; break;
		case OPT_SKIP: append(&options->skips, &options->nr_skips, optarg); break;
		case OPT_TAG: append(&options->tags, &options->nr_tags, optarg); break;
		case OPT_EXCLUDE_TAG:
			append(&options->exclude_tags, &options->nr_exclude_tags, optarg);
			break;
		case OPT_RERUN_FAILED: options->rerun_failed = true; break;
		case OPT_PARTITION: options->partition = optarg; break;
		case OPT_DURATIONS_FROM: options->durations_from = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				pt__buf_addf(err, "--format \"%s\": expected text or json", optarg);
				return PT__EUSAGE;
			}
			options->list_json = !strcmp(optarg, "json");
			break;
		case OPT_CTEST:
			append(&options->ctest_dirs, &options->nr_ctest_dirs, optarg);
			break;
		case OPT_MESON:
			append(&options->meson_dirs, &options->nr_meson_dirs, optarg);
			break;
		case OPT_REPEAT:
			if (!parse_count(optarg, &options->repeat)) {
				pt__buf_addf(err, "--repeat \"%s\": expected a positive number",
					     optarg);
				return PT__EUSAGE;
			}
			break;
		case OPT_UNTIL_FAIL: options->until_fail = true; break;
		case OPT_BISECT: options->bisect = optarg; break;
		case OPT_PAIR: options->pair = optarg; break;
		case OPT_ORDER: append(&options->order, &options->nr_order, optarg); break;
		case OPT_ORDER_FILE: options->order_file = optarg; break;
		case OPT_WRAPPER: {
			struct pt__buf why = PT__BUF_INIT;
			pt__shell_words_free(options->wrapper_words);
			options->wrapper = optarg;
			size_t nr_words;
			int rc = pt__shell_words_split(optarg, &options->wrapper_words, &nr_words,
						       &why);
			if (rc)
				pt__buf_addf(err, "--wrapper %s", why.data);
			pt__buf_release(&why);
			if (rc)
				return rc;
			break;
		}
		case OPT_DEBUG: options->debug = optarg; break;
		case 'h': options->action = PT__ACTION_HELP; return 0;
		case OPT_VERSION: options->action = PT__ACTION_VERSION; return 0;
		case ':':
			pt__buf_addf(err, "%s: needs a value (see --help)", argv[optind - 1]);
			return PT__EUSAGE;
		default:
			pt__buf_addf(err, "%s: unknown option (see --help)", argv[optind - 1]);
			return PT__EUSAGE;
		}
	}
	return 0;
}

/*
 * The config file: partest.conf in the current directory, or the file
 * PARTEST_CONFIG names. Each line is a long option without its dashes,
 * "jobs = 4", "keepdb", "filter = app::*"; '#' starts a comment. The command
 * line and the environment override it. Returns 0, or PT__EUSAGE with one
 * line in err.
 */
static int read_config(struct pt__options *options, struct pt__buf *err)
{
	const char *named = getenv("PARTEST_CONFIG");
	const char *path = named && *named ? named : "partest.conf";
	char *line = NULL, *args[2];
	size_t cap = 0;
	int number = 0, rc = 0;

	FILE *file = fopen(path, "re");
	if (!file) {
		if (named && *named) {
			pt__buf_addf(err, "PARTEST_CONFIG=\"%s\": %s", path, strerror(errno));
			return PT__EUSAGE;
		}
		return 0;
	}
	while (!rc && getline(&line, &cap, file) > 0) {
		number++;
		line[strcspn(line, "#\n")] = '\0';
		char *key = line + strspn(line, " \t");
		if (!*key)
			continue;
		char *eq = strchr(key, '=');
		char *value = eq ? eq + 1 : NULL;
		char *key_end = eq ? eq : key + strlen(key);
		while (key_end > key && (key_end[-1] == ' ' || key_end[-1] == '\t'))
			key_end--;
		*key_end = '\0';
		struct pt__buf arg = PT__BUF_INIT;
		pt__buf_addf(&arg, "--%s", key);
		if (value) {
			value += strspn(value, " \t");
			size_t len = strlen(value);
			while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
				value[--len] = '\0';
			pt__buf_addf(&arg, "=%s", value);
		}
		PT__GROW(options->config_args, options->nr_config_args + 1,
			 options->alloc_config_args);
		options->config_args[options->nr_config_args++] = pt__buf_detach(&arg);
		args[0] = (char *)path;
		args[1] = options->config_args[options->nr_config_args - 1];
		struct pt__buf why = PT__BUF_INIT;
		rc = apply_options(options, 2, args, &why);
		if (!rc && optind < 2) {
			pt__buf_addf(&why, "\"%s\" is not an option", key);
			rc = PT__EUSAGE;
		} else if (!rc && options->action != PT__ACTION_RUN) {
			pt__buf_addf(&why, "%s belongs on the command line", args[1]);
			rc = PT__EUSAGE;
		}
		if (rc)
			pt__buf_addf(err, "%s:%d: %s", path, number, pt__buf_str(&why));
		pt__buf_release(&why);
	}
	free(line);
	fclose(file);
	return rc;
}

/* A Django project brings its own databases (src/django_databases.c). */
static bool names_a_django_project(const struct pt__options *options)
{
	for (size_t i = 0; i < options->nr_programs; i++)
		if (pt__program_speech(options->programs[i]) == PT__SPEAKS_DJANGO)
			return true;
	return false;
}

/* pt__options_parse() without the release on failure. */
static int parse(struct pt__options *options, int argc, char **argv, enum pt__options_mode mode,
		 struct pt__buf *err)
{
	const char *jobs_env = getenv("PARTEST_JOBS");
	int rc;

	options->kill_grace = 2.0;
	options->state_dir = ".partest";
	options->pool = -1;
	if ((rc = read_config(options, err)))
		return rc;
	const char *pool_env = getenv("PARTEST_POOL");
	if (pool_env && *pool_env && !parse_pool(pool_env, &options->pool)) {
		pt__buf_addf(err, "PARTEST_POOL=\"%s\": expected a number from 0 to 4096",
			     pool_env);
		return PT__EUSAGE;
	}
	if (jobs_env && *jobs_env && !parse_jobs(jobs_env, &options->jobs)) {
		pt__buf_addf(err, "PARTEST_JOBS=\"%s\": expected a positive number or \"auto\"",
			     jobs_env);
		return PT__EUSAGE;
	}
	const char *start_env = getenv("PARTEST_START");
	if (start_env && *start_env && pt__start_request_parse(start_env, &options->start)) {
		pt__buf_addf(err, "PARTEST_START=\"%s\": expected spawn, fork, isolate or auto",
			     start_env);
		return PT__EUSAGE;
	}
	/* As prove's: what follows "::" is for the programs, not for partest. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "::")) {
			options->program_args = argv + i + 1;
			argc = i;
			break;
		}
	}
	if ((rc = apply_options(options, argc, argv, err)) || options->action != PT__ACTION_RUN)
		return rc;
	for (int i = optind; i < argc; i++)
		append(&options->programs, &options->nr_programs, argv[i]);
	if (mode == PT__MODE_DB_CLEAN && options->nr_programs) {
		pt__buf_addf(err, "\"%s\": db clean takes no programs", options->programs[0]);
		return PT__EUSAGE;
	}
	if (mode == PT__MODE_DB_FILL && options->nr_programs) {
		pt__buf_addf(err, "\"%s\": db fill takes no programs", options->programs[0]);
		return PT__EUSAGE;
	}
	if (mode == PT__MODE_DB_FILL && (!options->nr_dbs || !options->db_setup)) {
		pt__buf_adds(err, "db fill needs a --db and the --db-setup that builds it");
		return PT__EUSAGE;
	}
	if (options->kept && mode != PT__MODE_DB_CLEAN) {
		pt__buf_adds(err, "--kept is for partest db clean");
		return PT__EUSAGE;
	}
	if (mode == PT__MODE_DB_CLEAN && !options->nr_dbs && !options->kept) {
		pt__buf_adds(err, "db clean needs a --db to clean");
		return PT__EUSAGE;
	}
	if (mode == PT__MODE_RUNNER && !options->nr_programs && !options->nr_ctest_dirs &&
	    !options->nr_meson_dirs) {
		pt__buf_adds(err, "no programs to run (see --help)");
		return PT__EUSAGE;
	}
	if (options->db_setup && !options->nr_dbs) {
		pt__buf_adds(err, "--db-setup needs a --db to build");
		return PT__EUSAGE;
	}
	if (options->keepdb && !options->nr_dbs && !names_a_django_project(options)) {
		pt__buf_adds(err, "--keepdb needs a --db");
		return PT__EUSAGE;
	}
	if (options->list_json && !options->list) {
		pt__buf_adds(err, "--format json is for --list");
		return PT__EUSAGE;
	}
	if (options->durations_from && !options->partition) {
		pt__buf_adds(err, "--durations-from is for --partition time:K/N or auto");
		return PT__EUSAGE;
	}
	const char *hunt = options->bisect ? "--bisect" : options->pair ? "--pair" : NULL;
	if (hunt && (options->repeat || options->until_fail || options->debug ||
		     (options->bisect && options->pair))) {
		pt__buf_addf(err,
			     "%s runs trials of its own: it takes no --repeat, --until-fail, "
			     "--debug or other hunt",
			     hunt);
		return PT__EUSAGE;
	}
	if (options->pair && (options->nr_order || options->order_file)) {
		pt__buf_adds(err, "--pair pairs TEST with the selected tests: it takes no --order");
		return PT__EUSAGE;
	}
	if (options->debug &&
	    (options->repeat || options->until_fail || options->nr_order || options->order_file)) {
		pt__buf_adds(err, "--debug runs one test once: it takes no --repeat, --until-fail "
				  "or --order");
		return PT__EUSAGE;
	}
	return 0;
}

int pt__options_parse(struct pt__options *options, int argc, char **argv,
		      enum pt__options_mode mode, struct pt__buf *err)
{
	int rc;

	memset(options, 0, sizeof(*options));
	rc = parse(options, argc, argv, mode, err);
	if (rc)
		pt__options_release(options);
	return rc;
}

void pt__options_release(struct pt__options *options)
{
	free(options->filters);
	free(options->dbs);
	free(options->db_inputs);
	free(options->programs);
	free(options->skips);
	free(options->tags);
	free(options->exclude_tags);
	free(options->ctest_dirs);
	free(options->meson_dirs);
	free(options->order);
	pt__shell_words_free(options->wrapper_words);
	for (size_t i = 0; i < options->nr_config_args; i++)
		free(options->config_args[i]);
	free(options->config_args);
	memset(options, 0, sizeof(*options));
}
