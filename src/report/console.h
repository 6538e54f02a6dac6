/*
 * The report people read: on a terminal a live status line and each
 * failure as it happens; elsewhere plain lines without escape codes, a
 * line per finished program; always a closing summary whose last line is
 * "N passed, N failed, N skipped". Text that comes from tests (their ids,
 * messages and output) never reaches the terminal raw: control characters
 * are written out visibly (report/visible.h). Colours are the console's own,
 * and only when it decides to use them.
 */
#ifndef PT_CONSOLE_H
#define PT_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "../options.h"
#include "../pool.h"
#include "../testlist.h"

struct pt__console {
	FILE *out;
	bool live; /* redraw a status line (stdout is a terminal) */
	bool color;
	int verbose;
	bool no_capture;  /* output was shown as it came: don't repeat it */
	bool flaky_fails; /* --flaky-result fail: a flaky test fails the run */
	bool status_shown;
	double start; /* monotonic seconds at the start */
	int workers;
	/* Off a terminal, a line per finished program: per program, its tests
	 * (counted when the list had tests_counted tests) and those finished. */
	size_t *program_tests, *program_finished;
	size_t nr_programs, tests_counted;
	/* --until-fail without --repeat: rounds come one after another, and a
	 * program's line is for its first round only. */
	bool rounds_appended;
};

void pt__console_init(struct pt__console *console, const struct pt__options *options, FILE *out);
void pt__console_test_done(struct pt__console *console, const struct pt__test_list *list,
			   size_t test);
/* An attempt of test index failed and the test runs again: a RETRY line, with why. */
void pt__console_attempt_failed(struct pt__console *console, const struct pt__test_list *list,
				size_t index);
void pt__console_progress(struct pt__console *console, const struct pt__pool_progress *progress);
/* Writes output that bypasses capture, clearing the status line first. */
void pt__console_passthrough(struct pt__console *console, int fd, const char *data, size_t len);
void pt__console_note(struct pt__console *console, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pt__console_summary(struct pt__console *console, const struct pt__test_list *list,
			 bool interrupted);
void pt__console_release(struct pt__console *console);

#endif
