/* The command line, as a run needs it. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "start_method.h"

enum pt__color { PT__COLOR_AUTO, PT__COLOR_ALWAYS, PT__COLOR_NEVER };

struct pt__options {
	int jobs;	      /* workers; 0 means one per CPU */
	const char **filters; /* --filter globs on test ids; any may match */
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
	const char *state_dir; /* --state-dir; ".partest" by default */
	const char **dbs;      /* --db [ALIAS=]URL */
	size_t nr_dbs;
	const char *db_setup;	/* --db-setup CMD */
	const char **db_inputs; /* --db-inputs FILE, NULL-terminated */
	size_t nr_db_inputs;
	bool keepdb;	       /* --keepdb */
	enum pt__start_request start; /* --start, PARTEST_START */
	bool explain;	       /* --explain: say how each program will be run */
	char **config_args;	       /* the config file's lines as options */
	size_t nr_config_args, alloc_config_args;
	const char **programs; /* the programs to run */
	size_t nr_programs;
};

enum {
	PT__OPTIONS_RUN = 0,   /* go on with the run */
	PT__OPTIONS_DONE = 1,  /* --help or --version was answered */
	PT__OPTIONS_ERROR = -1 /* err holds one line */
};

/* What the command line is for. */
enum pt__options_mode {
	PT__MODE_RUNNER,       /* partest PROGRAM...: programs required */
	PT__MODE_DB_CLEAN,     /* partest db clean: databases only */
};

/* Parses argv into options (zeroed first) for mode. */
int pt__options_parse(struct pt__options *options, int argc, char **argv, enum pt__options_mode mode,
		      struct pt__buf *err);
void pt__options_release(struct pt__options *options);

#endif
