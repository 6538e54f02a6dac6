/*
 * Running a program to read what it prints: a framework's list of tests
 * (`--gtest_list_tests`, `--list`), a build's (`ctest --show-only=json-v1`,
 * `meson introspect --tests`).
 */
#ifndef PT_COMMAND_OUTPUT_H
#define PT_COMMAND_OUTPUT_H

#include "buf.h"

/*
 * Runs argv (argv[0] looked up on the PATH when it has no slash) in cwd
 * (NULL: here), with /dev/null for input and this process's stderr, and
 * appends its stdout to out. Returns 0 when it exited with status 0, or
 * PT__ERUN with one line in err: "cannot run \"ctest\": ...", or
 * "\"ctest --show-only=json-v1\" in \"build\" exited with status 8".
 */
int pt__command_output(char *const *argv, const char *cwd, struct pt__buf *out,
		       struct pt__buf *err);

#endif
