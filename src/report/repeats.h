/*
 * The summary's lines for repeated tests (--repeat, --until-fail): how often
 * each test that did not always pass passed, was flaky and failed.
 */
#ifndef PT_REPORT_REPEATS_H
#define PT_REPORT_REPEATS_H

#include "../buf.h"
#include "../testlist.h"

/*
 * Appends to out, for each test id that failed in at least one of its runs
 * or passed only on a retry (--retries), "ID: P passed, F failed of N\n",
 * with ", K flaky" after the passes when K runs were (N the runs that
 * ended, skips included),
 * in the order the ids were first listed.
 */
void pt__repeats_lines(const struct pt__test_list *list, struct pt__buf *out);

#endif
