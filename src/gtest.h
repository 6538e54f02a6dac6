/*
 * The adapter's GoogleTest kind: `partest --internal-adapter gtest BINARY
 * [WORKDIR]`. Lists with --gtest_list_tests (a test suite is a group, typed
 * and parameterised tests as GoogleTest names them), runs each batch of
 * tests in one process of the binary with --gtest_filter and reads its
 * console: "[ RUN ]", "[ OK ]", "[ FAILED ]" (the failure's file:line
 * text is the message), "[ SKIPPED ]" (GTEST_SKIP). DISABLED_ tests are
 * reported skipped without running them. The binary's stderr is read with
 * its stdout, so that each test's output is its own, in the order written.
 */
#ifndef PT_GTEST_H
#define PT_GTEST_H

#include "adapter.h"

extern const struct pt__adapter_kind pt__gtest_adapter;

/*
 * Lists the tests of the GoogleTest binary (run in workdir, NULL: here):
 * found(ctx, suite, name) for each, in its order. Returns 0, or PT__ERUN
 * with one line in why.
 */
int pt__gtest_list(const char *binary, const char *workdir,
		   void (*found)(void *ctx, const char *suite, const char *name), void *ctx,
		   struct pt__buf *why);

#endif
