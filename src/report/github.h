/*
 * GitHub Actions: with GITHUB_ACTIONS=true, each failed test is also a
 * workflow command (::error file=F,line=L,title=ID::message) that GitHub
 * shows as an annotation, and a Markdown summary of the run is appended
 * to the file $GITHUB_STEP_SUMMARY names.
 */
#ifndef PT_REPORT_GITHUB_H
#define PT_REPORT_GITHUB_H

#include <stdbool.h>

#include "../buf.h"
#include "../testlist.h"

/* Failed tests listed in the summary; the rest are counted. */
#define PT__GITHUB_SUMMARY_MAX_FAILURES 50

/* True when the environment says the run is a GitHub Actions step. */
bool pt__github_active(void);

/* Appends test's ::error command (::warning for a flaky test, with its
 * first attempt's message), with its newline, to out. */
void pt__github_annotation(struct pt__buf *out, const struct pt__test_list *list,
			   const struct pt__test *test);

/* Appends the ::error command of every failed test of list, and the
 * ::warning of every flaky one, to out (GitHub reads them from the step's
 * standard output). */
void pt__github_annotate(struct pt__buf *out, const struct pt__test_list *list);

/*
 * Appends the run's Markdown summary to the file path names (created if
 * need be). Returns 0, or PT__ERUN with one line in err.
 */
int pt__github_summary(const char *path, const struct pt__test_list *list, double wall_seconds,
		       struct pt__buf *err);

#endif
