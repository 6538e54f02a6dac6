/* The monotonic clock that every deadline and duration in partest reads,
 * and the pause between two looks at it. */
#ifndef PT_CLOCK_H
#define PT_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC, in microseconds, milliseconds or seconds. */
int64_t pt__now_us(void);
int64_t pt__now_ms(void);
double pt__now_seconds(void);

/* Sleeps ms milliseconds (any number, 1000 and over too); a signal may end it early. */
void pt__sleep_ms(long ms);

#endif
