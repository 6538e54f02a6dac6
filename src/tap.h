/*
 * Judging a program's stdout as a TAP stream (TAP 12, 13 and 14), the way
 * prove (Test::Harness) does: one verdict for the whole program, the lines
 * that explain it, and each test point. Exit statuses are the caller's
 * business.
 */
#ifndef PT_TAP_H
#define PT_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum pt__tap_verdict {
	PT__TAP_NONE, /* not TAP: no plan, no test line, no "Bail out!" */
	PT__TAP_PASS,
	PT__TAP_FAIL,
	PT__TAP_SKIP,	  /* a skip-all plan: "1..0", "1..0 # reason", "1..N # SKIP reason" */
	PT__TAP_BAIL_OUT, /* "Bail out!", indented too: a failure that ends the whole run */
};

/* What one "ok" or "not ok" line says, in prove's terms. */
enum pt__tap_point_status {
	PT__TAP_POINT_OK,	   /* "ok" */
	PT__TAP_POINT_NOT_OK,	   /* "not ok" (also with SKIP), or a test beyond the plan */
	PT__TAP_POINT_SKIPPED,	   /* "ok # SKIP reason" */
	PT__TAP_POINT_TODO,	   /* "not ok # TODO reason": an expected failure */
	PT__TAP_POINT_TODO_PASSED, /* "ok # TODO reason": prove's "TODO passed", a bonus */
};

struct pt__tap_point {
	uintmax_t number; /* as written, else its position (1, 2, ...) */
	enum pt__tap_point_status status;
	char *description; /* after the number, without a leading "-"; "" if none */
	char *reason;	   /* a SKIP or TODO directive's explanation; NULL without one */
	char *diagnostics; /* NOT_OK only: the "#" lines and YAML block after it; else NULL */
};

/*
 * A TAP program's test points in the order written, with a count per
 * status, and whether it bailed out. Zero-initialised it is empty.
 */
struct pt__tap_stream {
	struct pt__tap_point *points;
	size_t nr_points, alloc_points;
	size_t counts[PT__TAP_POINT_TODO_PASSED + 1];
	bool bailed_out;
};

void pt__tap_stream_release(struct pt__tap_stream *stream);

/*
 * out/len: the program's whole stdout, any bytes, not NUL-terminated, lines
 * ending in LF or CRLF (a bare CR ends no line, as for prove). Returns
 * PT__TAP_NONE when the output holds no plan line (nor a line starting like
 * one), no "ok"/"not ok" line and no "Bail out!" line. Otherwise the
 * stream's verdict, by prove's rules: a "not ok" fails unless it is a TODO
 * (a SKIP does not excuse it), as does a test beyond the plan and every
 * parse error prove reports.
 *
 * stream (may be NULL) is released, then filled with the test points read.
 *
 * Appends to details (never resets it), one line each, LF-terminated:
 * - for PT__TAP_FAIL and PT__TAP_BAIL_OUT, every reason in the order found:
 *   "Bail out! reason", each failing "not ok" line followed by the "#" lines
 *   and the YAML block after it, "no plan", "planned 5 tests but ran 3",
 *   "more than one plan", "plan 1..N in the middle of the tests", "duplicate
 *   test number 2", "test number 4 out of sequence, expected 3", "TAP
 *   version 13 must come before the plan and the tests", "unsupported TAP
 *   version 12", "YAML block not closed by \"...\"", "unknown line under
 *   pragma +strict: LINE";
 * - for PT__TAP_SKIP, the skip-all plan's reason alone, without a line end
 *   (nothing if there is none);
 * - nothing for PT__TAP_PASS or PT__TAP_NONE.
 */
enum pt__tap_verdict pt__tap_judge(const char *out, size_t len, struct pt__tap_stream *stream,
				   struct pt__buf *details);

/*
 * The same judge for output read as it comes, in chunks of any size, so
 * that a verdict covers output too large to keep: new, feed every chunk in
 * order, finish. Lines are read up to their first MiB. The reader holds
 * stream and details (as for pt__tap_judge) until finished; finish returns
 * the verdict and frees the reader.
 */
struct pt__tap_reader;
struct pt__tap_reader *pt__tap_reader_new(struct pt__tap_stream *stream, struct pt__buf *details);
void pt__tap_reader_feed(struct pt__tap_reader *reader, const char *data, size_t len);
enum pt__tap_verdict pt__tap_reader_finish(struct pt__tap_reader *reader);

#endif
