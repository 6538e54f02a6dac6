/*
 * What people look for at the end of a log: the tests that failed, one a
 * line, each with the command that re-runs just that test.
 */
#ifndef PT_REPORT_FAILURES_H
#define PT_REPORT_FAILURES_H

#include "../buf.h"
#include "../testlist.h"

/*
 * Appends to command the partest command line that re-runs test alone:
 * "partest --filter 'ID' PROGRAM", the id's glob characters escaped; a
 * test the run added for a failed tear-down re-runs its suite (or its
 * whole program); an executable is named alone.
 */
void pt__failures_rerun_command(struct pt__buf *command, const struct pt__test_list *list,
				const struct pt__test *test);

/* Appends the failed tests of list to out, under a heading, a line each;
 * nothing when none failed. */
void pt__failures_list(struct pt__buf *out, const struct pt__test_list *list);

#endif
