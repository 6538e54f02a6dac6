#ifndef PT_LIB_SERVER_H
#define PT_LIB_SERVER_H

#include "registry.h"

/*
 * The fork server: runs the global set-up once, answers "serving", then
 * forks a worker for every "fork" command, handing it the descriptors that
 * came with the command and the environment in its payload, and reports
 * each worker's exit. On end of input it kills what is left of its workers,
 * runs the global tear-down and returns the exit status.
 */
int pt__server_main(const struct pt__registry *registry);

#endif
