/*
 * What a finished executable (a program that does not speak the worker
 * protocol) means for its one test: its exit status, its TAP output if it
 * printed any, and whether it left processes behind.
 */
#ifndef PT_VERDICT_H
#define PT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "tap.h"
#include "testlist.h"

/*
 * Judges an executable that ended with wait_status after writing out[0..len)
 * to its stdout; leaked: processes of its group outlived it. Exit status 99
 * is a hard error (ERROR, automake's convention) whatever its TAP says; 77
 * is a skip (automake's too) unless its TAP says a test failed; a
 * TAP "Bail out!" is a failure whatever the exit status. Returns the status,
 * appends the reason, if any, to message, and leaves the TAP test points
 * (none if the output is not TAP) and whether it bailed out in tap.
 */
enum pt__status pt__verdict_of_executable(int wait_status, const char *out, size_t len, bool leaked,
					  struct pt__tap_stream *tap, struct pt__buf *message);

#endif
