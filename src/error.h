/*
 * The one error rule below the command line.
 *
 * A function that can fail returns 0 (or a count, where its contract says
 * so) on success, or one of the negative codes below. On failure it has
 * appended one line, without a newline, to the struct pt__buf *err its
 * caller passed: what was being done, on what, and why it failed
 * ("cannot clone \"app_test\" on 127.0.0.1:5432: permission denied"). It
 * leaves its object as it was, and it never prints and never exits.
 *
 * The codes lie far below -4096, outside the range of -errno, so that a
 * system error can never pass for one of them: code that calls the system
 * turns errno into a message and a code at once. Only src/cli.c turns a
 * code into an exit status.
 */
#ifndef PT_ERROR_H
#define PT_ERROR_H

enum pt__error {
	PT__EUSAGE = -10002, /* the command line or configuration is wrong: exit 2 */
	PT__ERUN = -10003,   /* the run could not be carried out (database, process): exit 3 */
	PT__EINTR = -10130,  /* interrupted by SIGINT or SIGTERM: exit 130 */
	/* A process broke the worker protocol. The runner reports it on the
	 * test or program concerned; should it reach the command line: exit 3. */
	PT__EPROTOCOL = -10004,
};

#endif
