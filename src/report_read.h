/*
 * Reading the reports an earlier run wrote, as CI artifacts carry them: a
 * JUnit XML file or an event file (JSON Lines, docs/events.md). Which one a
 * file is, is told by its first non-blank byte. Both are read as a stream
 * of test cases, so a report of any size is read in little memory.
 */
#ifndef PT_REPORT_READ_H
#define PT_REPORT_READ_H

#include <stdint.h>

#include "buf.h"
#include "testlist.h"

enum pt__report_format { PT__REPORT_JUNIT, PT__REPORT_EVENTS };

/* One test case of a report. Strings are valid during the callback only. */
struct pt__report_case {
	const char *id;	     /* "program::suite::name", or the program's name */
	const char *program; /* the test id's parts; suite and name NULL for an executable */
	const char *suite;
	const char *name;
	enum pt__status status;
	int64_t duration_us;
	const char *message; /* NULL: none */
	const char *out;     /* captured stdout; NULL: none */
	const char *err;     /* captured stderr; NULL: none */
	const char *file;    /* where the test is defined; NULL: unknown */
	int line;
	const char *classname; /* a JUnit <testcase>'s, as written; NULL in an event file */
	const char *case_name; /* and its name */
};

/* What a report says about its run as a whole. */
struct pt__report_info {
	enum pt__report_format format;
	char *partition; /* "hash:2/4" as the shard recorded it; NULL: none */
	double wall;	 /* the run's seconds; 0 when not said */
	int workers;	 /* 0 when not said */
};

/*
 * Called for each test case; returns 0, or a negative code (error.h) with
 * one line in err to stop reading.
 */
typedef int (*pt__report_case_fn)(void *ctx, const struct pt__report_case *test_case,
				  struct pt__buf *err);

/*
 * Reads the report at path, calling each_case for every test case in the
 * order the report has them, and fills info (released by the caller with
 * pt__report_info_release, also on failure). Returns 0, or PT__EUSAGE with
 * one line in err ("cannot read the report \"PATH\": why", with the line
 * for a malformed file) when it cannot be opened, is neither format or is
 * malformed; or each_case's code.
 */
int pt__report_read(const char *path, pt__report_case_fn each_case, void *ctx,
		    struct pt__report_info *info, struct pt__buf *err);
void pt__report_info_release(struct pt__report_info *info);

/* The readers of each format (src/report_read_junit.c, report_read_events.c). */
int pt__report_read_junit(const char *path, pt__report_case_fn each_case, void *ctx,
			  struct pt__report_info *info, struct pt__buf *err);
int pt__report_read_events(const char *path, pt__report_case_fn each_case, void *ctx,
			   struct pt__report_info *info, struct pt__buf *err);

/* The status a report's word names ("pass", "FAIL", ...); -1 for none. */
int pt__report_status(const char *word);

#endif
