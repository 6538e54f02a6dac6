/*
 * A test program run by hand (./t, ./t --list, ./t --filter GLOB): it runs
 * its own tests one after another in this process, without the runner.
 */
#ifndef PT_LIB_STANDALONE_H
#define PT_LIB_STANDALONE_H

#include <stdbool.h>

/*
 * True if argv has an option only the runner understands
 * (-j 4, --timeout 5: anything but --list, --filter GLOB and --help); false
 * when the program can do what argv asks by itself.
 */
bool pt__standalone_needs_runner(int argc, char **argv);

/*
 * Does what argv asks, which pt__standalone_needs_runner() found the program
 * can do alone: lists the tests, or runs them (global and worker set-up,
 * each suite's fixtures, the per-test fixtures, then the tear-downs) with a
 * line per test and a summary on stdout. Returns the exit status: 0 all
 * passed, 1 a test or fixture failed, 2 a usage error (one line on stderr).
 * A crash or exit() inside a test ends the process, after a line that says
 * which test it ended.
 */
int pt__standalone_main(int argc, char **argv);

#endif
