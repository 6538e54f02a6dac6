/*
 * A growable byte buffer, the project's only string builder.
 *
 * A zero-initialised buffer (PT__BUF_INIT) is empty and owns nothing.
 * The contents are always NUL-terminated once anything was added, so
 * pt__buf_str() can hand them to C string functions. Allocation failure
 * aborts the process: the runner cannot report anything without memory.
 */
#ifndef PT_BUF_H
#define PT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct pt__buf {
	char *data; /* NUL-terminated contents, or NULL while empty */
	size_t len; /* bytes held, not counting the NUL */
	size_t cap; /* bytes allocated */
};

#define PT__BUF_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void pt__buf_add(struct pt__buf *buf, const void *data, size_t len);
void pt__buf_adds(struct pt__buf *buf, const char *str);
void pt__buf_addc(struct pt__buf *buf, char c);
void pt__buf_addf(struct pt__buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pt__buf_vaddf(struct pt__buf *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Keeps the allocation, forgets the contents. */
void pt__buf_reset(struct pt__buf *buf);

/* Frees the contents; the buffer is empty and reusable afterwards. */
void pt__buf_release(struct pt__buf *buf);

/* The contents as a C string; "" for an empty buffer. */
const char *pt__buf_str(const struct pt__buf *buf);

/* Hands the allocation to the caller (never NULL); the buffer is empty. */
char *pt__buf_detach(struct pt__buf *buf);

/* Removes the first n bytes. */
void pt__buf_consume(struct pt__buf *buf, size_t n);

#endif
