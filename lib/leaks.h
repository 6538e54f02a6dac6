/*
 * Finding processes a test left running. The worker makes itself a child
 * subreaper (on Linux) so that orphaned grandchildren become its children
 * too; a test leaked whatever child exists after it that did not exist
 * before it (fixtures may keep servers running across tests).
 */
#ifndef PT_LIB_LEAKS_H
#define PT_LIB_LEAKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "../src/buf.h"

struct pt__children {
	pid_t *pids;
	size_t nr, alloc;
};

/* Adopts orphaned descendants from now on, where the system allows it. */
void pt__leaks_adopt_orphans(void);

/* Reaps exited children; true if live ones remain. */
bool pt__leaks_any_child(void);

/* Reaps exited children and lists the live ones into children. */
void pt__leaks_snapshot(struct pt__children *children);

/*
 * Kills and reaps every live child not in before, describing each
 * ("pid 123 (sleep)") in report. Returns how many were killed.
 */
size_t pt__leaks_kill_new(const struct pt__children *before, struct pt__buf *report);

void pt__children_release(struct pt__children *children);

#endif
