/*
 * Choosing each program's start method: spawn, fork or isolate, from what
 * the user asked (--start, PARTEST_START) and what the program is.
 */
#ifndef PT_START_METHOD_H
#define PT_START_METHOD_H

#include "testlist.h"

enum pt__start_request {
	PT__REQUEST_AUTO, /* the documented default */
	PT__REQUEST_SPAWN,
	PT__REQUEST_FORK,
	PT__REQUEST_ISOLATE,
};

/* Parses "spawn", "fork", "isolate" or "auto". Returns 0, or -1. */
int pt__start_request_parse(const char *text, enum pt__start_request *request);

/* Sets program->start and program->start_reason. */
void pt__start_method_choose(struct pt__program *program, enum pt__start_request request);

/* "spawn", "fork", "isolate". */
const char *pt__start_method_name(enum pt__start_method method);

#endif
