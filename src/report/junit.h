/*
 * The JUnit XML report, in the dialect Jenkins and GitLab read, valid
 * against Jenkins xUnit's junit-10.xsd apart from the file and line
 * attributes of test cases (tests/schemas/junit.xsd): one <testsuite> per
 * (program, suite) pair, one <testcase> per test, or with tap_points one
 * per TAP test point of an executable (--junit-tap-points).
 *
 * Written as the run goes: each finished test's <testcase> goes to a
 * scratch file at once, and the report is assembled from it at the end,
 * when each <testsuite>'s counts are known. What it keeps in memory is a
 * position per test.
 */
#ifndef PT_REPORT_JUNIT_H
#define PT_REPORT_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../buf.h"
#include "../testlist.h"

/* What the report says about the run as a whole. */
struct pt__junit_run {
	double wall_seconds;   /* the run's elapsed time */
	const char *timestamp; /* "2024-05-01T12:00:00" on every <testsuite>; NULL: none */
	const char *hostname;  /* on every <testsuite>; NULL: none */
	const char *partition; /* "hash:2/4": a partest.partition property; NULL: none */
};

struct pt__junit {
	FILE *out;	  /* the report */
	FILE *spool;	  /* finished tests' <testcase>s, in the order they ended */
	const char *name; /* the report's name, for messages */
	struct pt__junit_spooled *spooled; /* [test]: where its <testcase> lies in spool */
	size_t nr_spooled, alloc_spooled;
	int64_t spool_size;
	int error;	 /* the first errno of writing to spool; 0: none */
	bool tap_points; /* each TAP test point of an executable as its own <testcase> */
};

/* Starts a report called name, to be written to out, with spool as its
 * scratch file (both the caller's to close). Allocates nothing. */
void pt__junit_init(struct pt__junit *junit, FILE *out, FILE *spool, const char *name);

/* Test index of list has finished: its <testcase> goes to the spool. */
void pt__junit_test_done(struct pt__junit *junit, const struct pt__test_list *list, size_t test);

/*
 * Writes the whole report to out: every test of list, from the spool where
 * it finished and from list where it never ran. Returns 0, or PT__ERUN with
 * one line in err ("cannot write the JUnit report \"NAME\": why"); the
 * output is then partial.
 */
int pt__junit_finish(struct pt__junit *junit, const struct pt__test_list *list,
		     const struct pt__junit_run *run, struct pt__buf *err);

/* Frees what junit holds; closes nothing. */
void pt__junit_release(struct pt__junit *junit);

/*
 * Writes the report of a finished list to out in one go (no spool): the
 * same document as the streamed one. Returns as pt__junit_finish().
 */
int pt__junit_write(FILE *out, const char *name, const struct pt__test_list *list,
		    double wall_seconds, const char *timestamp_iso8601, const char *hostname,
		    struct pt__buf *err);

/*
 * Appends data[0..len) to out as XML 1.0 text, valid in element content and
 * in quoted attribute values: & < > " ' become entities, and so does CR
 * (which a parser would otherwise turn into LF); characters XML 1.0
 * forbids (controls other than tab, LF and CR, DEL, U+0080..U+009F, U+FFFE,
 * U+FFFF) become visible text such as "\x1B" or "\uFFFE"; every invalid UTF-8
 * sequence (overlong, surrogate, out of range, truncated, stray continuation
 * byte) becomes U+FFFD, one per maximal invalid subpart.
 */
void pt__xml_escape(struct pt__buf *out, const char *data, size_t len);

#endif
