/*
 * A test program given a runner option (./t -j 4) hands itself over to the
 * partest command: it becomes "partest OPTIONS ./t".
 */
#ifndef PT_LIB_HANDOVER_H
#define PT_LIB_HANDOVER_H

/*
 * Where make install put partest, compiled into the installed library
 * (lib/bindir.c); empty in the build tree.
 */
extern const char pt__installed_bindir[];

/*
 * Executes partest with argv's options and this program's path after them.
 * partest is $PARTEST when set, else pt__installed_bindir/partest when it is
 * there, else the first partest on PATH. Returns only on failure, with the
 * exit status 2 after one line on stderr: partest was not found, could not
 * be executed, or this program cannot tell its own path.
 */
int pt__handover(int argc, char **argv);

#endif
