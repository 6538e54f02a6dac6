/*
 * An argument vector built one argument at a time, always NULL-terminated
 * so that it can be handed to a spawn (src/spawn.h) as it is.
 */
#ifndef PT_ARGV_H
#define PT_ARGV_H

#include <stddef.h>

struct pt__argv {
	char **argv; /* NULL until the first argument */
	size_t nr, alloc;
};

/* Appends a copy of arg. */
void pt__argv_add(struct pt__argv *args, const char *arg);

/* Appends arg, which args takes over. */
void pt__argv_add_owned(struct pt__argv *args, char *arg);

/* Frees every argument and the vector, and leaves args empty. */
void pt__argv_release(struct pt__argv *args);

#endif
