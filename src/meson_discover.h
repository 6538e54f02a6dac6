/*
 * `partest --meson BUILD_DIR`: a meson build's tests in the test list. A
 * test with the gtest protocol whose command is a GoogleTest binary alone
 * becomes that binary's tests, run through the gtest adapter in batches;
 * every other test is a test of the build, its own group, run through the
 * meson adapter. Without recorded durations, higher priority runs first.
 */
#ifndef PT_MESON_DISCOVER_H
#define PT_MESON_DISCOVER_H

#include "buf.h"
#include "testlist.h"

/*
 * Adds the tests of the meson build in build_dir whose ids match one of
 * filters (NULL-terminated fnmatch globs, or NULL for all). Returns 0, or
 * PT__EUSAGE (the build cannot be read) or PT__ERUN (a GoogleTest binary
 * cannot list its tests) with one line in err.
 */
int pt__meson_discover(struct pt__test_list *list, const char *build_dir,
		       const char *const *filters, struct pt__buf *err);

#endif
