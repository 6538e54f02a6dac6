/*
 * The JUnit XML report, in the dialect Jenkins and GitLab read: one
 * <testsuite> per (program, suite) pair, one <testcase> per test.
 */
#ifndef PT_REPORT_JUNIT_H
#define PT_REPORT_JUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "../buf.h"
#include "../testlist.h"

/*
 * Writes the run as JUnit XML to out, the report called name in messages.
 * wall_seconds is the run's elapsed time; timestamp_iso8601
 * ("2024-05-01T12:00:00") and hostname go on every <testsuite>, and are left
 * out when NULL. Returns 0, or PT__ERUN with one line in err ("cannot write
 * the JUnit report \"NAME\": why") if writing failed; the output is then
 * partial. Closing out is the caller's.
 */
int pt__junit_write(FILE *out, const char *name, const struct pt__test_list *list,
		    double wall_seconds, const char *timestamp_iso8601, const char *hostname,
		    struct pt__buf *err);

/*
 * Appends data[0..len) to out as XML 1.0 text, valid in element content and
 * in quoted attribute values: & < > " ' become entities; characters XML 1.0
 * forbids (controls other than tab, LF and CR, DEL, U+0080..U+009F, U+FFFE,
 * U+FFFF) become visible text such as "\x1B" or "\uFFFE"; every invalid UTF-8
 * sequence (overlong, surrogate, out of range, truncated, stray continuation
 * byte) becomes U+FFFD, one per maximal invalid subpart.
 */
void pt__xml_escape(struct pt__buf *out, const char *data, size_t len);

#endif
