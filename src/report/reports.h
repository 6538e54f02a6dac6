/*
 * The run's machine-readable reports, fed as the run goes: the JUnit file
 * (--junit), the event stream (--events), TAP out (--tap) and, in GitHub
 * Actions, annotations and the step summary. Each file is written beside
 * its target and put in place at the end (report_file.h), so that a run
 * that stops early leaves what was there untouched.
 */
#ifndef PT_REPORT_REPORTS_H
#define PT_REPORT_REPORTS_H

#include <stdbool.h>
#include <stdio.h>

#include "../buf.h"
#include "../options.h"
#include "../testlist.h"
#include "events.h"
#include "junit.h"
#include "report_file.h"
#include "tap_report.h"

struct pt__reports {
	struct pt__report_file junit_file, events_file, tap_file; /* stream NULL: not asked */
	FILE *junit_spool;
	struct pt__junit junit;
	struct pt__events events;
	struct pt__tap_report tap;
	bool github;	       /* GITHUB_ACTIONS=true */
	const char *partition; /* "hash:2/4", or NULL */
	char timestamp[32];    /* the run's start, UTC, for JUnit */
};

/*
 * Opens the report files options asks for. Returns 0, or PT__EUSAGE with
 * one line in err and nothing left behind.
 */
int pt__reports_open(struct pt__reports *reports, const struct pt__options *options,
		     struct pt__buf *err);

/* The run starts now with workers. */
void pt__reports_run_start(struct pt__reports *reports, const struct pt__options *options,
			   int workers);

void pt__reports_test_start(struct pt__reports *reports, const struct pt__test_list *list,
			    size_t test, int worker);
void pt__reports_test_done(struct pt__reports *reports, const struct pt__test_list *list,
			   size_t test);
/* An attempt of test failed and the test runs again (pool_config's attempt_failed). */
void pt__reports_attempt_failed(struct pt__reports *reports, const struct pt__test_list *list,
				size_t test);

/*
 * The run is over (exit_status is what partest exits with): every report
 * completed and put in place, GitHub's summary appended. Returns 0, or
 * PT__ERUN with a line in err for each report that could not be written
 * (lines apart by '\n'; the other reports are in place).
 */
int pt__reports_finish(struct pt__reports *reports, const struct pt__test_list *list,
		       double wall_seconds, int exit_status, struct pt__buf *err);

/*
 * Appends what the console shows at the end of a run, before its summary:
 * the failed tests with the commands that re-run them, the durations
 * slowest tests and groups (0: none), and in GitHub Actions the failures'
 * annotations.
 */
void pt__reports_closing_lines(const struct pt__reports *reports, struct pt__buf *out,
			       const struct pt__test_list *list, size_t durations);

/* Gives up every report not finished: their targets stay as they were. */
void pt__reports_abandon(struct pt__reports *reports);

#endif
