/*
 * Judging a program's stdout as a TAP stream (TAP 12, 13 and 14), the way
 * prove does: one verdict for the whole program, plus the lines that explain
 * it. Exit statuses are the caller's business.
 */
#ifndef PT_TAP_H
#define PT_TAP_H

#include <stddef.h>

#include "buf.h"

enum pt__tap_verdict {
	PT__TAP_NONE, /* not TAP: no plan, no test line, no "Bail out!" */
	PT__TAP_PASS,
	PT__TAP_FAIL,
	PT__TAP_SKIP, /* "1..0", with or without "# SKIP reason" */
};

/*
 * out/len: the program's whole stdout, any bytes, not NUL-terminated, LF or
 * CRLF line ends. Returns PT__TAP_NONE when the output holds no plan line, no
 * "ok"/"not ok" line and no "Bail out!" line. Otherwise the stream's verdict.
 *
 * Appends to details (never resets it), one line each, LF-terminated:
 * - for PT__TAP_FAIL, every reason in the order found: each failing "not ok"
 *   line followed by the "#" lines and the YAML block right after it,
 *   "Bail out! reason", "no plan", "planned 5 tests but ran 3", "more than
 *   one plan", "plan 1..N in the middle of the tests", "duplicate test
 *   number 2", "test number 4 out of sequence, expected 3";
 * - for PT__TAP_SKIP, the reason of "1..0 # SKIP reason" alone, without a
 *   line end (nothing if there is none);
 * - nothing for PT__TAP_PASS or PT__TAP_NONE.
 */
enum pt__tap_verdict pt__tap_judge(const char *out, size_t len, struct pt__buf *details);

#endif
