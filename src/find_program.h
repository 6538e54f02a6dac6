/*
 * The one PATH search, as the shell does it: for the runner (database
 * clients, throwaway servers, the programs on its command line) and for a
 * test program that hands over to partest (lib/handover.c).
 */
#ifndef PT_FIND_PROGRAM_H
#define PT_FIND_PROGRAM_H

#include "buf.h"

/*
 * Finds the executable regular file name on the PATH ("/usr/bin:/bin" when
 * unset; an empty entry is the current directory), then in more_dirs (a
 * colon-separated list, or NULL), and sets path to it. A name with a slash
 * is taken as it is, if it is such a file. Returns 0, or PT__ERUN with
 * "\"name\" is not on the PATH" (and "nor in MORE_DIRS") or, for a name
 * with a slash, "cannot run \"name\": why" in err.
 */
int pt__find_program(const char *name, const char *more_dirs, struct pt__buf *path,
		     struct pt__buf *err);

#endif
