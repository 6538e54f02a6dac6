/*
 * Allocation that cannot fail: on exhaustion the process prints one line
 * and aborts. Used where no caller could do anything better.
 */
#ifndef PT_XALLOC_H
#define PT_XALLOC_H

#include <stddef.h>

void *pt__xmalloc(size_t size);
void *pt__xcalloc(size_t nmemb, size_t size);
void *pt__xrealloc(void *ptr, size_t size);
char *pt__xstrdup(const char *str);
char *pt__xstrndup(const char *str, size_t len);

/* Grows *array (of *cap elements of size elem) to hold at least need. */
#define PT__GROW(array, need, cap)                                                                 \
	do {                                                                                       \
		if ((need) > (cap)) {                                                              \
			size_t pt__c = (cap) ? (cap)*2 : 8;                                        \
			while (pt__c < (need))                                                     \
				pt__c *= 2;                                                        \
			(array) = pt__xrealloc((array), pt__c * sizeof(*(array)));                 \
			(cap) = pt__c;                                                             \
		}                                                                                  \
	} while (0)

#endif
