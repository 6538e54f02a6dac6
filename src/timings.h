/*
 * Test durations remembered between runs (STATE_DIR/durations), so that the
 * plan can hand out the longest groups first.
 */
#ifndef PT_TIMINGS_H
#define PT_TIMINGS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "testlist.h"

struct pt__timing {
	char *id;
	int64_t duration_us;
};

struct pt__timings {
	struct pt__timing *entries; /* sorted by id */
	size_t nr, alloc;
};

/* Loads STATE_DIR/durations; a missing or unreadable file gives no entries. */
void pt__timings_load(struct pt__timings *timings, const char *state_dir);

/* The remembered duration of id, or -1. */
int64_t pt__timings_get(const struct pt__timings *timings, const char *id);

/*
 * Folds in the durations of the tests that ran to an end (passed or failed)
 * and writes the file atomically, creating STATE_DIR if need be. Returns 0,
 * or PT__ERUN with one line in err: timings holds the new durations even
 * then, and the file on disk is the old one.
 */
int pt__timings_save(struct pt__timings *timings, const char *state_dir,
		     const struct pt__test_list *list, struct pt__buf *err);

void pt__timings_release(struct pt__timings *timings);

#endif
