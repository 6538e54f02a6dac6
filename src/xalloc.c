#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(void)
{
	static const char msg[] = "partest: out of memory\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

void *pt__xmalloc(size_t size)
{
	void *ptr = malloc(size ? size : 1);

	if (!ptr)
		out_of_memory();
	return ptr;
}

void *pt__xcalloc(size_t nmemb, size_t size)
{
	void *ptr = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!ptr)
		out_of_memory();
	return ptr;
}

void *pt__xrealloc(void *ptr, size_t size)
{
	void *grown = realloc(ptr, size ? size : 1);

	if (!grown)
		out_of_memory();
	return grown;
}

char *pt__xstrndup(const char *str, size_t len)
{
	char *copy = pt__xmalloc(len + 1);

	memcpy(copy, str, len);
	copy[len] = '\0';
	return copy;
}

char *pt__xstrdup(const char *str)
{
	return pt__xstrndup(str, strlen(str));
}
