/*
 * Telling whether a process is still the one that was recorded: a pid plus
 * its start time, since pids are reused. Markers of run directories and of
 * the databases partest creates are checked this way before anything is
 * removed. And waiting for such a process to end.
 */
#ifndef PT_PROCESS_IDENTITY_H
#define PT_PROCESS_IDENTITY_H

#include <stdbool.h>

/* When process pid started (clock ticks since boot), or 0 where the system does not tell. */
unsigned long long pt__process_start_time(long pid);

/* True while pid exists and has not ended (a zombie waiting for its reaper has). */
bool pt__process_running(long pid);

/* True if pid is running and is the process that started at start (0: unknown, any). */
bool pt__process_is(long pid, unsigned long long start);

/* Waits up to ms milliseconds for pid to stop running. True if it did. */
bool pt__process_wait_gone(long pid, long ms);

#endif
