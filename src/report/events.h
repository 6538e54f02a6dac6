/*
 * The event stream (--events): JSON Lines, one object a line, each line
 * flushed as it is written, so that a consumer follows the run as it goes.
 * The format is documented in docs/events.md, its schema in
 * docs/events.schema.json; PT__EVENTS_SCHEMA is its version.
 */
#ifndef PT_REPORT_EVENTS_H
#define PT_REPORT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../testlist.h"

/* The stream's version: raised when a field changes meaning or goes away. */
#define PT__EVENTS_SCHEMA 1

/* Captured output kept in a test_end event, per stream: the last bytes. */
#define PT__EVENTS_OUTPUT_MAX (64 * 1024)

struct pt__events {
	FILE *out;
	int64_t start_us; /* monotonic microseconds at the run's start */
	int error;	  /* the first errno of writing; 0: none. Nothing is written after one. */
};

/* What run_start says. */
struct pt__events_run {
	const char *version;   /* partest's */
	bool shuffled;	       /* seed is meaningful */
	uint64_t seed;	       /* --shuffle's */
	const char *partition; /* "hash:2/4"; NULL: the whole run */
	int workers;
	const char *time; /* the start, UTC: "2026-12-01T22:00:00Z" */
};

/* Starts a stream to out (the caller's to close), its clock at start_us
 * (monotonic microseconds, pt__now_us()). Allocates nothing. */
void pt__events_init(struct pt__events *events, FILE *out, int64_t start_us);

void pt__events_run_start(struct pt__events *events, const struct pt__events_run *run);

/* Test index of list starts on worker (1..N): its attempt nr_retried + 1. */
void pt__events_test_start(struct pt__events *events, const struct pt__test_list *list, size_t test,
			   int worker);

/* Test index of list has its final result, from its attempt nr_retried + 1. */
void pt__events_test_end(struct pt__events *events, const struct pt__test_list *list, size_t test);

/* Attempt nr_retried + 1 of test index failed and the test runs again: a
 * test_end with "retried": true, which readers of results pass over. */
void pt__events_attempt_failed(struct pt__events *events, const struct pt__test_list *list,
			       size_t test);

/* The run's end: every test that never got a result (not run) is ended
 * first, then the counts, wall seconds and exit status. */
void pt__events_run_end(struct pt__events *events, const struct pt__test_list *list,
			double wall_seconds, int exit_status);

/* The event-stream word for a status: "pass", "not_run", ... */
const char *pt__events_status_name(enum pt__status status);

#endif
