/*
 * The run as a TAP version 14 stream (--tap), for TAP consumers: a test
 * point per test as it finishes, YAML diagnostics for those that did not
 * pass, the plan at the end.
 */
#ifndef PT_REPORT_TAP_REPORT_H
#define PT_REPORT_TAP_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "../testlist.h"

struct pt__tap_report {
	FILE *out;
	size_t points; /* test points written */
	int error;     /* the first errno of writing; 0: none */
};

/* Starts the stream on out (the caller's to close) with its version line. */
void pt__tap_report_init(struct pt__tap_report *tap, FILE *out);

/* Test index of list has its final result: its test point. */
void pt__tap_report_test_done(struct pt__tap_report *tap, const struct pt__test_list *list,
			      size_t test);

/* The tests that never ran, as failed points, and the plan. */
void pt__tap_report_finish(struct pt__tap_report *tap, const struct pt__test_list *list);

#endif
