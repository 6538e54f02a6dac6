/* The adapter's kinds by name: what `partest --internal-adapter KIND ARG...` runs. */
#ifndef PT_ADAPTER_KINDS_H
#define PT_ADAPTER_KINDS_H

/*
 * Serves as the adapter named argv[0] with argv[1..argc) as its arguments.
 * Returns the exit status: the adapter's, or 2 (with a line on stderr) for
 * an unknown kind or a wrong number of arguments.
 */
int pt__adapter_main(int argc, char **argv);

#endif
