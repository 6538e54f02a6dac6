/*
 * `partest --ctest BUILD_DIR`: a CMake build's tests in the test list. An
 * entry of gtest_discover_tests that points into a GoogleTest binary becomes
 * a test of that binary, run through the gtest adapter in batches; every
 * other entry a test of the build, run through the ctest adapter, each its
 * own group, except that the tests linked by fixtures are one group, in the
 * order set-ups, users, clean-ups.
 */
#ifndef PT_CTEST_DISCOVER_H
#define PT_CTEST_DISCOVER_H

#include "buf.h"
#include "testlist.h"

/*
 * Adds the tests of the CMake build in build_dir that match one of filters
 * (NULL-terminated fnmatch globs, or NULL for all), with the fixtures they
 * require. Returns 0, or PT__EUSAGE with one line in err.
 */
int pt__ctest_discover(struct pt__test_list *list, const char *build_dir,
		       const char *const *filters, struct pt__buf *err);

#endif
