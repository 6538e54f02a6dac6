#include "tap.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Where the judge is in the stream, carried from one line to the next. */
struct tap_state {
	struct pt__buf *details;
	bool is_tap; /* saw a plan, a test line or "Bail out!" */
	bool failed;
	bool bailed_out;
	bool have_plan;
	bool plan_after_tests;	/* the plan came after at least one test */
	bool middle_plan_noted; /* "plan in the middle" already reported */
	uintmax_t planned;
	uintmax_t run;
	struct pt__buf skip_reason; /* of "1..0 # SKIP reason" */

	/* What follows a test line: its "#" lines and YAML block. */
	bool after_test; /* the previous line was a test line */
	bool in_yaml;	 /* inside a "  ---" ... "  ..." block */
	bool collecting; /* copy diagnostics of a failing test to details */

	/* Test numbers seen so far, sorted, to tell duplicates apart. */
	uintmax_t *numbers;
	size_t nr_numbers, alloc_numbers;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool starts_with(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(p, prefix, n) == 0;
}

/* Case-insensitive prefix test for an ASCII lowercase prefix. */
static bool starts_with_nocase(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return false;
	}
	return true;
}

static size_t skip_blanks(const char *p, size_t len, size_t i)
{
	while (i < len && is_blank(p[i]))
		i++;
	return i;
}

/* p[from..len) with blanks trimmed on both sides, as (*start, *n). */
static void trim(const char *p, size_t len, size_t from, size_t *start, size_t *n)
{
	size_t i = skip_blanks(p, len, from);
	size_t end = len;

	while (end > i && is_blank(p[end - 1]))
		end--;
	*start = i;
	*n = end - i;
}

/* Reads decimal digits at p[*i], saturating; false if there are none. */
static bool parse_number(const char *p, size_t len, size_t *i, uintmax_t *value)
{
	size_t start = *i;
	uintmax_t v = 0;

	while (*i < len && is_digit(p[*i])) {
		unsigned digit = (unsigned)(p[*i] - '0');
		if (v > (UINTMAX_MAX - digit) / 10)
			v = UINTMAX_MAX;
		else
			v = v * 10 + digit;
		(*i)++;
	}
	*value = v;
	return *i > start;
}

/* Records a test number; true if it had been seen before. */
static bool note_number(struct tap_state *state, uintmax_t number)
{
	size_t lo = 0, hi = state->nr_numbers;

	if (hi && state->numbers[hi - 1] >= number) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (state->numbers[mid] == number)
				return true;
			if (state->numbers[mid] < number)
				lo = mid + 1;
			else
				hi = mid;
		}
	} else {
		lo = hi;
	}
	PT__GROW(state->numbers, state->nr_numbers + 1, state->alloc_numbers);
	memmove(state->numbers + lo + 1, state->numbers + lo,
		(state->nr_numbers - lo) * sizeof(*state->numbers));
	state->numbers[lo] = number;
	state->nr_numbers++;
	return false;
}

static void add_detail_line(struct tap_state *state, const char *p, size_t len)
{
	pt__buf_add(state->details, p, len);
	pt__buf_addc(state->details, '\n');
}

enum directive { DIRECTIVE_NONE, DIRECTIVE_SKIP, DIRECTIVE_TODO };

/*
 * Reads a directive word at p[i]: "skip" with any letters after it ("SKIP",
 * "skipped", "Skipping") or "todo", ending at a non-word byte. On a match the
 * reason, with a leading ':' and blanks trimmed, is (*reason, *reason_len).
 */
static enum directive parse_directive(const char *p, size_t len, size_t i, size_t *reason,
				      size_t *reason_len)
{
	enum directive directive;

	i = skip_blanks(p, len, i);
	if (starts_with_nocase(p + i, len - i, "skip")) {
		directive = DIRECTIVE_SKIP;
		i += 4;
		while (i < len && is_letter(p[i]))
			i++;
	} else if (starts_with_nocase(p + i, len - i, "todo")) {
		directive = DIRECTIVE_TODO;
		i += 4;
	} else {
		return DIRECTIVE_NONE;
	}
	if (i < len && is_word(p[i]))
		return DIRECTIVE_NONE;
	if (i < len && p[i] == ':')
		i++;
	trim(p, len, i, reason, reason_len);
	return directive;
}

/* "1..N", blanks, then nothing or a "#" comment. False if not a plan. */
static bool parse_plan(struct tap_state *state, const char *p, size_t len)
{
	size_t i = 3;
	uintmax_t planned;

	if (!starts_with(p, len, "1.."))
		return false;
	if (!parse_number(p, len, &i, &planned))
		return false;
	i = skip_blanks(p, len, i);
	if (i < len && p[i] != '#')
		return false;

	state->is_tap = true;
	if (state->have_plan) {
		state->failed = true;
		pt__buf_adds(state->details, "more than one plan\n");
		return true;
	}
	state->have_plan = true;
	state->planned = planned;
	state->plan_after_tests = state->run > 0;
	if (planned == 0 && i < len) {
		size_t reason, reason_len;
		if (parse_directive(p, len, i + 1, &reason, &reason_len) == DIRECTIVE_SKIP)
			pt__buf_add(&state->skip_reason, p + reason, reason_len);
	}
	return true;
}

/* "ok" or "not ok", optional number, description, directive. */
static bool parse_test(struct tap_state *state, const char *p, size_t len)
{
	bool ok;
	size_t i;
	uintmax_t number;
	bool numbered;

	if (starts_with(p, len, "ok")) {
		ok = true;
		i = 2;
	} else if (starts_with(p, len, "not ok")) {
		ok = false;
		i = 6;
	} else {
		return false;
	}
	if (i < len && is_word(p[i]))
		return false; /* "okay", "not oknow" */

	state->is_tap = true;
	state->run++;
	if (state->plan_after_tests && !state->middle_plan_noted) {
		state->failed = true;
		state->middle_plan_noted = true;
		pt__buf_addf(state->details, "plan 1..%ju in the middle of the tests\n",
			     state->planned);
	}

	i = skip_blanks(p, len, i);
	numbered = parse_number(p, len, &i, &number);
	if (numbered) {
		if (note_number(state, number)) {
			state->failed = true;
			pt__buf_addf(state->details, "duplicate test number %ju\n", number);
		} else if (number != state->run) {
			state->failed = true;
			pt__buf_addf(state->details,
				     "test number %ju out of sequence,"
				     " expected %ju\n",
				     number, state->run);
		}
	} else {
		note_number(state, state->run);
	}

	/* The directive follows the first '#' not escaped as "\#". */
	enum directive directive = DIRECTIVE_NONE;
	for (; i < len; i++) {
		if (p[i] == '\\') {
			i++;
		} else if (p[i] == '#') {
			size_t reason, reason_len;
			directive = parse_directive(p, len, i + 1, &reason, &reason_len);
			break;
		}
	}

	if (!ok && directive == DIRECTIVE_NONE) {
		state->failed = true;
		state->collecting = true;
		add_detail_line(state, p, len);
	}
	state->after_test = true;
	return true;
}

/* Feeds one line, without its line end. */
static void judge_line(struct tap_state *state, const char *p, size_t len)
{
	bool after_test = state->after_test;
	size_t start, n;

	state->after_test = false;

	if (state->in_yaml) {
		if (len && is_blank(p[0])) {
			if (state->collecting)
				add_detail_line(state, p, len);
			trim(p, len, 0, &start, &n);
			if (n == 3 && memcmp(p + start, "...", 3) == 0)
				state->in_yaml = false;
			return;
		}
		state->in_yaml = false; /* unterminated: the block ends here */
	}

	if (len && is_blank(p[0])) {
		trim(p, len, 0, &start, &n);
		if (after_test && n == 3 && memcmp(p + start, "---", 3) == 0) {
			state->in_yaml = true;
			if (state->collecting)
				add_detail_line(state, p, len);
			return;
		}
		/* Subtests and other indented lines do not count. */
		state->collecting = false;
		return;
	}

	if (len && p[0] == '#') {
		if (state->collecting)
			add_detail_line(state, p, len);
		return;
	}

	state->collecting = false;
	if (starts_with(p, len, "Bail out!")) {
		state->is_tap = true;
		state->failed = true;
		state->bailed_out = true;
		add_detail_line(state, p, len);
		return;
	}
	if (parse_plan(state, p, len))
		return;
	parse_test(state, p, len);
	/* Anything else, "TAP version 13" and "pragma" included, is ignored. */
}

enum pt__tap_verdict pt__tap_judge(const char *out, size_t len, struct pt__buf *details)
{
	struct tap_state state;
	enum pt__tap_verdict verdict;
	size_t pos = 0;

	memset(&state, 0, sizeof(state));
	state.details = details;

	while (pos < len && !state.bailed_out) {
		const char *line = out + pos;
		const char *newline = memchr(line, '\n', len - pos);
		size_t line_len = newline ? (size_t)(newline - line) : len - pos;

		pos += line_len + (newline ? 1 : 0);
		if (line_len && line[line_len - 1] == '\r')
			line_len--;
		judge_line(&state, line, line_len);
	}

	if (!state.is_tap) {
		verdict = PT__TAP_NONE;
		goto cleanup;
	}
	if (!state.bailed_out) {
		if (!state.have_plan) {
			state.failed = true;
			pt__buf_adds(details, "no plan\n");
		} else if (state.planned != state.run) {
			state.failed = true;
			pt__buf_addf(details, "planned %ju test%s but ran %ju\n", state.planned,
				     state.planned == 1 ? "" : "s", state.run);
		}
	}
	if (state.failed) {
		verdict = PT__TAP_FAIL;
	} else if (state.planned == 0) {
		verdict = PT__TAP_SKIP;
		pt__buf_add(details, pt__buf_str(&state.skip_reason), state.skip_reason.len);
	} else {
		verdict = PT__TAP_PASS;
	}

cleanup:
	pt__buf_release(&state.skip_reason);
	free(state.numbers);
	return verdict;
}
