/*
 * Partitions: which part of a selection one CI machine runs. Groups (a suite
 * of a native program, an executable) are what is split, never the tests of
 * one suite, so suite fixtures still run once. The split is a function of the
 * selected tests and the durations only, so every machine computes the same
 * plan without talking to the others.
 */
#ifndef PT_PARTITION_H
#define PT_PARTITION_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "testlist.h"
#include "timings.h"

enum pt__partition_method {
	PT__PARTITION_SLICE, /* groups dealt round-robin in listing order */
	PT__PARTITION_HASH,  /* a group's shard is a hash of its name */
	PT__PARTITION_TIME,  /* longest group first onto the least loaded shard */
};

struct pt__partition {
	enum pt__partition_method method;
	unsigned index; /* 1..total */
	unsigned total;
};

/*
 * Parses "slice:K/N", "hash:K/N" or "time:K/N" (1 <= K <= N <= 100000).
 * Returns 0, or PT__EUSAGE with one line in err naming the option.
 */
int pt__partition_parse(const char *text, struct pt__partition *partition, struct pt__buf *err);

/* Appends "hash:2/4" for partition to out. */
void pt__partition_format(const struct pt__partition *partition, struct pt__buf *out);

/* "slice", "hash" or "time". */
const char *pt__partition_method_name(enum pt__partition_method method);

/*
 * Sets keep[i] for every test of list that lies in partition's shard, and
 * clears the others. durations (test id -> duration; NULL for none) weigh
 * the groups for PT__PARTITION_TIME: a group's known tests count at their
 * duration, its unknown tests at the median known test, and a group none of
 * whose tests is known at the median known group. Returns the number of
 * groups in the shard.
 */
size_t pt__partition_select(const struct pt__partition *partition, const struct pt__test_list *list,
			    const struct pt__timings *durations, bool *keep);

#endif
