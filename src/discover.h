/* From the programs on the command line to the list of tests to run. */
#ifndef PT_DISCOVER_H
#define PT_DISCOVER_H

#include "buf.h"
#include "cancel.h"
#include "testlist.h"

/*
 * Adds every program's tests to list: a native program's tests as it lists
 * them over the worker protocol, any other executable as one test. Only
 * tests whose id matches one of filters (fnmatch globs; NULL-terminated, or
 * NULL for all) are kept. Listing ends early when cancel says so. Returns
 * 0, or (error.h) PT__EUSAGE for a program that does not exist or cannot be
 * executed, PT__ERUN for a native program that fails to list its tests,
 * PT__EINTR when interrupted, with one line in err.
 */
int pt__discover(struct pt__test_list *list, const char *const *programs, size_t nr_programs,
		 const char *const *filters, const struct pt__cancel *cancel, struct pt__buf *err);

/* The id prefix for a program path as the user wrote it ("./t" -> "t"). */
const char *pt__program_name(const char *path);

#endif
