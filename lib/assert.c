/* What the assertion macros of partest.h call when an assertion fails. */
#include <partest.h>

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcome.h"

static struct pt__outcome *current;
static jmp_buf *leave;

enum pt__outcome_status pt__call_protected(void (*fn)(void), struct pt__outcome *outcome)
{
	struct pt__outcome *outer = current;
	jmp_buf *outer_leave = leave;
	jmp_buf here;

	current = outcome;
	leave = &here;
	if (!setjmp(here))
		fn();
	current = outer;
	leave = outer_leave;
	return outcome->status;
}

static struct pt__outcome *current_or_die(const struct pt__site *site)
{
	if (!current) {
		fprintf(stderr, "partest: %s:%d: %s used outside a test or fixture\n", site->file,
			site->line, site->macro);
		abort();
	}
	return current;
}

static void headline(struct pt__buf *message, const struct pt__site *site)
{
	if (message->len)
		pt__buf_addc(message, '\n');
	pt__buf_addf(message, "%s:%d: %s(%s) failed", site->file, site->line, site->macro,
		     site->args);
}

static void finish(const struct pt__site *site)
{
	current->status = PT__OUTCOME_FAIL;
	if (site->fatal)
		longjmp(*leave, 1);
}

void pt__fail_int(const struct pt__site *site, long long a, long long b)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message, "\n  left:  %lld\n  right: %lld", a, b);
	finish(site);
}

void pt__fail_uint(const struct pt__site *site, unsigned long long a, unsigned long long b)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message, "\n  left:  %llu (0x%llx)\n  right: %llu (0x%llx)", a, a, b,
		     b);
	finish(site);
}

void pt__fail_dbl(const struct pt__site *site, double a, double b, double tol)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message,
		     "\n  left:  %.17g\n  right: %.17g\n  differ by %.17g, more than %.17g", a, b,
		     a > b ? a - b : b - a, tol);
	finish(site);
}

/* Appends s as a C string literal, or NULL. */
static void add_quoted(struct pt__buf *out, const char *s, size_t len)
{
	if (!s) {
		pt__buf_adds(out, "NULL");
		return;
	}
	pt__buf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			pt__buf_addf(out, "\\%c", c);
		else if (c == '\n')
			pt__buf_adds(out, "\\n");
		else if (c == '\t')
			pt__buf_adds(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			pt__buf_addf(out, "\\x%02x", c);
		else
			pt__buf_addc(out, (char)c);
	}
	pt__buf_addc(out, '"');
}

void pt__fail_str(const struct pt__site *site, const char *a, const char *b)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_adds(&outcome->message, "\n  left:  ");
	add_quoted(&outcome->message, a, a ? strlen(a) : 0);
	pt__buf_adds(&outcome->message, "\n  right: ");
	add_quoted(&outcome->message, b, b ? strlen(b) : 0);
	finish(site);
}

static void add_hex(struct pt__buf *out, const unsigned char *p, size_t from, size_t to)
{
	if (!p) {
		pt__buf_adds(out, "NULL");
		return;
	}
	if (from)
		pt__buf_adds(out, "... ");
	for (size_t i = from; i < to; i++)
		pt__buf_addf(out, "%02x%s", p[i], i + 1 < to ? " " : "");
}

void pt__fail_mem(const struct pt__site *site, const void *a, const void *b, size_t len)
{
	struct pt__outcome *outcome = current_or_die(site);
	const unsigned char *x = a, *y = b;
	size_t first = 0;

	if (x && y)
		while (first < len && x[first] == y[first])
			first++;
	size_t from = first > 8 ? first - 8 : 0;
	size_t to = first + 16 < len ? first + 16 : len;

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message, "\n  first difference at byte %zu of %zu", first, len);
	pt__buf_adds(&outcome->message, "\n  left:  ");
	add_hex(&outcome->message, x, from, to);
	pt__buf_adds(&outcome->message, "\n  right: ");
	add_hex(&outcome->message, y, from, to);
	finish(site);
}

void pt__fail_ptr(const struct pt__site *site, const void *a, const void *b)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message, "\n  left:  %p\n  right: %p", a, b);
	finish(site);
}

void pt__fail_null(const struct pt__site *site, const void *p)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	pt__buf_addf(&outcome->message, "\n  value: %p", p);
	finish(site);
}

void pt__fail_bool(const struct pt__site *site)
{
	struct pt__outcome *outcome = current_or_die(site);

	headline(&outcome->message, site);
	finish(site);
}

void pt__fail_msg(const struct pt__site *site, const char *fmt, ...)
{
	struct pt__outcome *outcome = current_or_die(site);
	va_list ap;

	if (outcome->message.len)
		pt__buf_addc(&outcome->message, '\n');
	pt__buf_addf(&outcome->message, "%s:%d: ", site->file, site->line);
	va_start(ap, fmt);
	pt__buf_vaddf(&outcome->message, fmt, ap);
	va_end(ap);
	finish(site);
}

void pt__skip(const char *file, int line, const char *reason)
{
	struct pt__site site = {file, line, "PT_SKIP", "", 1};
	struct pt__outcome *outcome = current_or_die(&site);

	if (outcome->status == PT__OUTCOME_FAIL)
		longjmp(*leave, 1);
	pt__buf_reset(&outcome->message);
	pt__buf_adds(&outcome->message, reason ? reason : "");
	outcome->status = PT__OUTCOME_SKIP;
	longjmp(*leave, 1);
}

int pt__str_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : (a ? 1 : -1);
	return strcmp(a, b);
}

int pt__mem_cmp(const void *a, const void *b, size_t len)
{
	if (!a || !b)
		return a == b ? 0 : 1;
	return len ? memcmp(a, b, len) : 0;
}
