#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void buf_grow(struct pt__buf *buf, size_t extra)
{
	size_t want = buf->len + extra + 1;

	if (want <= buf->cap)
		return;
	size_t cap = buf->cap ? buf->cap : 64;
	while (cap < want)
		cap *= 2;
	buf->data = pt__xrealloc(buf->data, cap);
	buf->cap = cap;
}

void pt__buf_add(struct pt__buf *buf, const void *data, size_t len)
{
	buf_grow(buf, len);
	if (len)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void pt__buf_adds(struct pt__buf *buf, const char *str)
{
	pt__buf_add(buf, str, strlen(str));
}

void pt__buf_addc(struct pt__buf *buf, char c)
{
	pt__buf_add(buf, &c, 1);
}

void pt__buf_vaddf(struct pt__buf *buf, const char *fmt, va_list ap)
{
	va_list again;

	va_copy(again, ap);
	int need = vsnprintf(NULL, 0, fmt, ap);
	if (need < 0) {
		va_end(again);
		return;
	}
	buf_grow(buf, (size_t)need);
	vsnprintf(buf->data + buf->len, (size_t)need + 1, fmt, again);
	va_end(again);
	buf->len += (size_t)need;
}

void pt__buf_addf(struct pt__buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pt__buf_vaddf(buf, fmt, ap);
	va_end(ap);
}

void pt__buf_reset(struct pt__buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void pt__buf_release(struct pt__buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

const char *pt__buf_str(const struct pt__buf *buf)
{
	return buf->data ? buf->data : "";
}

char *pt__buf_detach(struct pt__buf *buf)
{
	char *data = buf->data ? buf->data : pt__xstrdup("");

	buf->data = NULL;
	buf->len = buf->cap = 0;
	return data;
}

void pt__buf_consume(struct pt__buf *buf, size_t n)
{
	if (n >= buf->len) {
		pt__buf_reset(buf);
		return;
	}
	memmove(buf->data, buf->data + n, buf->len - n + 1);
	buf->len -= n;
}
