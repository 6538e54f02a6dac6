/* The command line, as a run needs it. */
#ifndef PT_OPTIONS_H
#define PT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

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
	const char **programs; /* the programs to run */
	size_t nr_programs;
};

enum {
	PT__OPTIONS_RUN = 0,   /* go on with the run */
	PT__OPTIONS_DONE = 1,  /* --help or --version was answered */
	PT__OPTIONS_ERROR = -1 /* err holds one line */
};

/*
 * Parses argv into options (zeroed first). self is the test program's own
 * path when a test program runs its own tests (then no programs may be
 * named), or NULL for the partest command.
 */
int pt__options_parse(struct pt__options *options, int argc, char **argv, const char *self,
		      struct pt__buf *err);
void pt__options_release(struct pt__options *options);

#endif
