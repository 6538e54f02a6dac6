/* An environment for a child process: the runner's own, with changes. */
#ifndef PT_ENVIRON_H
#define PT_ENVIRON_H

#include <stddef.h>

struct pt__environ {
	char **vars; /* "NAME=value", NULL-terminated: an envp */
	size_t nr, alloc;
};

/* Copies the runner's environment. */
void pt__environ_init(struct pt__environ *env);
/* Sets or replaces NAME. */
void pt__environ_set(struct pt__environ *env, const char *name, const char *value);
void pt__environ_unset(struct pt__environ *env, const char *name);
/*
 * Says that a test harness runs the program, as prove does: HARNESS_ACTIVE=1
 * and HARNESS_VERSION (partest's version), so test libraries behave as
 * under a harness.
 */
void pt__environ_set_harness(struct pt__environ *env);
void pt__environ_release(struct pt__environ *env);

#endif
