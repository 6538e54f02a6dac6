/* The command line, as a run needs it. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fresh_db.h"
#include "start_method.h"

enum pt__color { PT__COLOR_AUTO, PT__COLOR_ALWAYS, PT__COLOR_NEVER };

/* What the command line asks for. */
enum pt__options_action {
	PT__ACTION_RUN,	    /* run the programs, or clean the databases */
	PT__ACTION_HELP,    /* --help: print pt__options_usage */
	PT__ACTION_VERSION, /* --version: print partest's version */
};

struct pt__options {
	enum pt__options_action action; /* a run, or what --help or --version asks */
	int jobs;			/* workers; 0 means one per CPU */
	const char **filters;		/* --filter globs on test ids; any may match */
	size_t nr_filters;
	bool list;    /* --list: print test ids, run nothing */
	bool shuffle; /* --shuffle[=SEED] */
	uint64_t seed;
	bool reverse;	       /* --reverse */
	double timeout;	       /* --timeout seconds per test; 0 means none */
	double kill_grace;     /* seconds between SIGTERM and SIGKILL */
	bool failfast;	       /* --failfast */
	bool no_capture;       /* --no-capture */
	enum pt__color color;  /* --color */
	int verbose;	       /* -v: a line per test */
	const char *junit;     /* --junit FILE */
	bool junit_tap_points; /* --junit-tap-points: a <testcase> per TAP test point */
	const char *events;    /* --events FILE: JSON Lines as the run goes; "-": stdout */
	const char *tap;       /* --tap FILE: TAP version 14 */
	size_t durations;      /* --durations N: the N slowest tests and groups; 0: none */
	const char *state_dir; /* --state-dir; ".partest" by default */
	const char **dbs;      /* --db [ALIAS=]URL */
	size_t nr_dbs;
	const char *db_setup;	/* --db-setup CMD */
	const char **db_inputs; /* --db-inputs FILE, NULL-terminated */
	size_t nr_db_inputs;
	bool keepdb;		      /* --keepdb */
	int pool;		      /* --pool N: ready clones kept; -1 not given */
	bool keep_failed;	      /* --keep-failed: a failed test's clones and TMPDIR kept */
	bool kept;		      /* db clean --kept: remove what --keep-failed kept */
	enum pt__start_request start; /* --start, PARTEST_START */
	bool explain;		      /* --explain: say how each program will be run */
	char **config_args;	      /* the config file's lines as options */
	size_t nr_config_args, alloc_config_args;
	const char **programs; /* the programs to run */
	size_t nr_programs;
	const char **ctest_dirs; /* --ctest: CMake build directories whose tests to run */
	size_t nr_ctest_dirs;
	const char **meson_dirs; /* --meson: meson build directories whose tests to run */
	size_t nr_meson_dirs;
	char *const *program_args; /* after "::": every executable's arguments, NULL-terminated */

	const char *partition;	    /* --partition, resolved ("hash:2/4"); NULL: not partitioned */
	const char *durations_from; /* --durations-from FILE: a JUnit or event file */
	const char **skips;	    /* --skip globs on test ids; any excludes */
	size_t nr_skips;
	const char **tags; /* --tag: run only tests with one of these tags */
	size_t nr_tags;
	const char **exclude_tags; /* --exclude-tag: run no test with one of these */
	size_t nr_exclude_tags;
	bool rerun_failed; /* --rerun-failed: only the tests that failed last time */
	bool list_json;	   /* --format json: --list as JSON Lines */
	int retries;	   /* --retries N: attempts after a failed one; a test's .retries wins */
	bool flaky_fails;  /* --flaky-result fail: a test that passed on a retry fails the run */

	size_t repeat;	    /* --repeat N: each selected test N times; 0: once */
	bool until_fail;    /* --until-fail: stop at the first failure */
	const char *bisect; /* --bisect TEST: which earlier test makes it fail */
	const char *pair;   /* --pair TEST: after which selected test it fails */
	const char **order; /* --order ID: run these tests, in this order, on one worker */
	size_t nr_order;
	const char *order_file; /* --order-file FILE: more of them, one id a line */
	const char *wrapper;	/* --wrapper CMD: workers and tests run under it */
	char **wrapper_words;	/* CMD split into words */
	const char *debug;	/* --debug TEST: that one test in the foreground */

	enum pt__fresh_db_scope fresh_db; /* --fresh-db: fresh clones per test, group or worker */
};

/* What the command line is for. */
enum pt__options_mode {
	PT__MODE_RUNNER,   /* partest PROGRAM...: programs required */
	PT__MODE_DB_CLEAN, /* partest db clean: databases only */
	PT__MODE_DB_FILL,  /* partest db fill: databases and their set-up only */
};

/* The --help text. */
extern const char pt__options_usage[];

/*
 * Parses the config file, PARTEST_JOBS, PARTEST_START and argv into options
 * (zeroed first) for mode. Returns 0, or PT__EUSAGE with one line in err and
 * options released. On --help or --version, options->action says so and the
 * rest of argv is left unread.
 */
int pt__options_parse(struct pt__options *options, int argc, char **argv,
		      enum pt__options_mode mode, struct pt__buf *err);
void pt__options_release(struct pt__options *options);

#endif
