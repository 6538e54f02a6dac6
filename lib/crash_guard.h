/*
 * Running test code whose crash the process can outlive: a suite's set-up.
 * A crash there would otherwise kill every worker that tries the suite's
 * next test, and be reported once per test as a crash of that test.
 */
#ifndef PT_LIB_CRASH_GUARD_H
#define PT_LIB_CRASH_GUARD_H

#include "outcome.h"

/*
 * Calls fn as pt__call_protected does. If a fatal signal (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP) is raised inside it, fn is left
 * there and outcome fails with "WHAT crashed with SIGSEGV (Segmentation
 * fault)". The signals' dispositions are put back afterwards. Not
 * reentrant. Returns the status.
 */
enum pt__outcome_status pt__crash_guard_call(void (*fn)(void), const char *what,
					     struct pt__outcome *outcome);

#endif
