/* --durations N: the N slowest tests and the N slowest groups of a run. */
#ifndef PT_REPORT_DURATIONS_H
#define PT_REPORT_DURATIONS_H

#include <stddef.h>

#include "../buf.h"

#include "../testlist.h"

/*
 * Appends to out the n slowest tests of list that ran, slowest first, then
 * the n slowest groups (a program's suite, or an executable) by the sum of
 * their tests' durations. Ties keep list order.
 */
void pt__durations_list(struct pt__buf *out, const struct pt__test_list *list, size_t n);

#endif
