/* The command line: argv -> options -> run -> exit status. */
#ifndef PT_CLI_H
#define PT_CLI_H

/*
 * Runs what argv asks for and returns the exit status: 0 all passed, 1 a
 * test failed, 2 usage or configuration error, 3 the run could not be
 * carried out, 130 interrupted.
 */
int pt__cli_main(int argc, char **argv);

#endif
