#include "argv.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void pt__argv_add_owned(struct pt__argv *args, char *arg)
{
	PT__GROW(args->argv, args->nr + 2, args->alloc);
	args->argv[args->nr++] = arg;
	args->argv[args->nr] = NULL;
}

void pt__argv_add(struct pt__argv *args, const char *arg)
{
	pt__argv_add_owned(args, pt__xstrdup(arg));
}

void pt__argv_release(struct pt__argv *args)
{
	for (size_t i = 0; i < args->nr; i++)
		free(args->argv[i]);
	free(args->argv);
	memset(args, 0, sizeof(*args));
}
