#ifndef PT_LIB_WORKER_MAIN_H
#define PT_LIB_WORKER_MAIN_H

/*
 * What a test program does when the runner starts it with PARTEST_PROTOCOL
 * set: it loads its tests and serves the worker protocol, becoming a fork
 * server if asked. Returns the process's exit status.
 */
int pt__worker_main(void);

#endif
