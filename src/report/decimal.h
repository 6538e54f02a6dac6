/*
 * Numbers as the reports write them: decimal, independent of the locale,
 * and without printf's cost, which a report paid twice per number for
 * every test of a large run.
 */
#ifndef PT_REPORT_DECIMAL_H
#define PT_REPORT_DECIMAL_H

#include <stdint.h>

#include "../buf.h"

/* Appends value in decimal. */
void pt__decimal_add(struct pt__buf *out, uint64_t value);

/* Appends value / 10^decimals with exactly decimals digits after the point
 * ("1.000014" for 1000014 and 6); a negative value as 0. */
void pt__decimal_add_fixed(struct pt__buf *out, int64_t value, unsigned decimals);

#endif
