#ifndef PT_LIB_WORKER_H
#define PT_LIB_WORKER_H

/*
 * Serves the worker protocol on descriptors 3 (commands) and 4 (events)
 * until the runner closes the commands. Returns the process's exit status.
 */
int pt__worker_main(void);

#endif
