/*
 * The adapter's Criterion kind: `partest --internal-adapter criterion
 * BINARY`. Lists with --list (a suite is a group; a disabled test is listed
 * and reported skipped), runs each batch in one run of the binary with
 * --filter and --jobs 1 (Criterion still forks each test, and judges crashes
 * and .signal/.exit_code expectations itself), and reads each test's
 * verdict and messages from its --json report. Criterion writes that report
 * at the end, so a batch's output belongs to its first test, and its
 * duration is shared among its tests. A batch that is a whole suite (its
 * init lists the binary to know) is one run, --filter=SUITE/\*; any other is
 * cut in runs of at most 32 named tests (a longer --filter crashes
 * Criterion 2.4).
 */
#ifndef PT_CRITERION_H
#define PT_CRITERION_H

#include "adapter.h"

extern const struct pt__adapter_kind pt__criterion_adapter;

#endif
