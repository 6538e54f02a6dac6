/*
 * The adapter's ctest kind: `partest --internal-adapter ctest BUILD_DIR`.
 * Its init reads the build's tests (ctest --show-only=json-v1); each `run`
 * runs one entry's command as ctest would (WORKING_DIRECTORY, ENVIRONMENT,
 * its stdout and stderr merged) and judges it by ctest's rules: exit status,
 * PASS_/FAIL_/SKIP_REGULAR_EXPRESSION, SKIP_RETURN_CODE, WILL_FAIL,
 * DISABLED; a test whose fixture's set-up failed in this worker is not run.
 * Time limits are the runner's (TIMEOUT is the test's timeout).
 */
#ifndef PT_CTEST_ADAPTER_H
#define PT_CTEST_ADAPTER_H

#include "adapter.h"

extern const struct pt__adapter_kind pt__ctest_adapter;

#endif
