/*
 * The adapter's meson kind: `partest --internal-adapter meson BUILD_DIR
 * [SHOULD_FAIL]`, SHOULD_FAIL the words of the tests that should fail,
 * space-separated (the runner reads them from meson's set-up data).
 * Its init reads the build's tests (meson introspect --tests); each `run`
 * runs one test's command as `meson test` would (env, workdir) and judges it
 * by its protocol: exitcode (0 passes, 77 skips, anything else fails, 99 as
 * an error) or tap (its TAP output, and its exit status). Time limits are
 * the runner's (timeout is the test's timeout).
 */
#ifndef PT_MESON_ADAPTER_H
#define PT_MESON_ADAPTER_H

#include "adapter.h"

extern const struct pt__adapter_kind pt__meson_adapter;

#endif
