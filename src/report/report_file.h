/*
 * A report file (JUnit, events, TAP) that replaces its target only when the
 * run has something to say: written to a temporary file beside the target,
 * created with O_EXCL so that no planted name is ever followed, and renamed
 * over the target at the end. A run that stops before that leaves whatever
 * was at the target exactly as it was. The temporary file's name says which
 * run writes it (".BASE.partest-HOST-PID-START.XXXXXX"), so that a run
 * opening the same report removes those of runs on this host that are dead
 * (killed before they could), and only those. "-" (standard output), a character
 * device, a FIFO or socket, and anything under /dev/ or /proc/ are written
 * directly: never created, truncated, renamed over or removed.
 */
#ifndef PT_REPORT_FILE_H
#define PT_REPORT_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "../buf.h"

struct pt__report_file {
	const char *target; /* as the user named it, for messages; not owned */
	const char *what;   /* "JUnit report", "event stream", ...: for messages */
	char *temp;	    /* the temporary file beside target; NULL when direct */
	FILE *stream;	    /* where the report is written */
	bool direct;	    /* written to target itself (stdout, a device, a FIFO) */
};

/*
 * Opens a report called what ("JUnit report") for target, first removing the
 * temporary files that dead runs left beside it. Returns 0, or
 * PT__EUSAGE with one line in err ("cannot write the JUnit report
 * \"out/r.xml\": No such file or directory") and nothing created.
 */
int pt__report_file_open(struct pt__report_file *file, const char *target, const char *what,
			 struct pt__buf *err);

/*
 * An unnamed scratch file for the report's own use, beside the temporary
 * file (in TMPDIR for a direct report): gone when closed. Returns the
 * stream, or NULL with one line in err.
 */
FILE *pt__report_file_scratch(const struct pt__report_file *file, struct pt__buf *err);

/*
 * Flushes and closes the report and puts it in place: renames the temporary
 * file over the target. Returns 0, or PT__ERUN with one line in err, the
 * temporary file removed and the target untouched.
 */
int pt__report_file_commit(struct pt__report_file *file, struct pt__buf *err);

/* Closes the report without putting it in place: the temporary file is
 * removed, the target untouched. Safe on a report never opened. */
void pt__report_file_abandon(struct pt__report_file *file);

#endif
