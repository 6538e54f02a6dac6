#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* How much of a line that looks like a plan but is not one "no plan" quotes. */
#define QUOTED_LINE_MAX 60
/* How much of one line is read: the rest of a longer line is not. */
#define LINE_HELD_MAX	(1u << 20)

/* Where the judge is in the stream, carried from one line to the next. */
struct tap_state {
	struct pt__buf *details;
	struct pt__tap_stream *stream;
	int version; /* 12 unless "TAP version N" came first */
	/* Saw a plan (or a line starting like one), a test line, a version
	 * line or "Bail out!". */
	bool is_tap;
	bool started; /* saw a version, a plan or a test: a version line is late */
	bool failed;
	bool bailed_out;
	bool strict; /* "pragma +strict": unknown lines are errors */
	bool have_plan;
	bool skip_all;
	bool plan_after_tests;	/* the plan came after at least one test */
	bool middle_plan_noted; /* "plan in the middle" already reported */
	uintmax_t planned;
	uintmax_t run;
	struct pt__buf skip_reason;    /* of a skip-all plan */
	struct pt__buf malformed_plan; /* the first line that starts like a plan but is not one */

	/* The old plan form "1..5 todo 3 2;": tests 3 and 2 are TODO. */
	uintmax_t *todo;
	size_t nr_todo, alloc_todo;

	/* A YAML block: "---" indented by yaml_pad blanks, up to "...". */
	bool in_yaml;
	size_t yaml_pad;

	/* The last test failed: its "#" lines and YAML block are its diagnostics. */
	bool collecting;
	struct pt__buf diagnostics;

	/* Test numbers seen so far, sorted, to tell duplicates apart. */
	uintmax_t *numbers;
	size_t nr_numbers, alloc_numbers;
};

/* Perl's \s, as prove's grammar uses it. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Perl's \w; bytes of UTF-8 sequences count as letters. */
static bool is_word(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (unsigned char)c >= 0x80;
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

/* A whole word at p[i]: word (ASCII lowercase, any case in p) not followed by \w. */
static bool word_at(const char *p, size_t len, size_t i, const char *word)
{
	size_t n = strlen(word);

	return starts_with_nocase(p + i, len - i, word) && !(i + n < len && is_word(p[i + n]));
}

static size_t skip_spaces(const char *p, size_t len, size_t i)
{
	while (i < len && is_space(p[i]))
		i++;
	return i;
}

/* p[from..len) with spaces trimmed on both sides, as (*start, *n). */
static void trim(const char *p, size_t len, size_t from, size_t *start, size_t *n)
{
	size_t i = skip_spaces(p, len, from);
	size_t end = len;

	while (end > i && is_space(p[end - 1]))
		end--;
	*start = i;
	*n = end - i;
}

static bool is_blank_line(const char *p, size_t len)
{
	return skip_spaces(p, len, 0) == len;
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

/* A line of the failing test's diagnostics: to the details and to the test point. */
static void add_diagnostic(struct tap_state *state, const char *p, size_t len)
{
	add_detail_line(state, p, len);
	pt__buf_add(&state->diagnostics, p, len);
	pt__buf_addc(&state->diagnostics, '\n');
}

/* The failing test's diagnostics are complete: they go to its test point. */
static void stop_collecting(struct tap_state *state)
{
	struct pt__tap_stream *stream = state->stream;

	if (state->collecting && state->diagnostics.len)
		stream->points[stream->nr_points - 1].diagnostics =
			pt__buf_detach(&state->diagnostics);
	pt__buf_reset(&state->diagnostics);
	state->collecting = false;
}

static void fail(struct tap_state *state, const char *reason)
{
	state->failed = true;
	pt__buf_adds(state->details, reason);
	pt__buf_addc(state->details, '\n');
}

/* "TAP version N", any case, spaces around N. False if the line is not one. */
static bool parse_version(struct tap_state *state, const char *p, size_t len)
{
	size_t i = 3;
	uintmax_t version;

	if (!starts_with_nocase(p, len, "tap") || i >= len || !is_space(p[i]))
		return false;
	i = skip_spaces(p, len, i);
	if (!starts_with_nocase(p + i, len - i, "version"))
		return false;
	i += 7;
	if (i >= len || !is_space(p[i]))
		return false;
	i = skip_spaces(p, len, i);
	if (!parse_number(p, len, &i, &version) || skip_spaces(p, len, i) != len)
		return false;

	state->is_tap = true;
	if (state->started) {
		state->failed = true;
		pt__buf_addf(state->details,
			     "TAP version %ju must come before the plan and the tests\n", version);
		return true;
	}
	state->started = true;
	if (version < 13 || version > 14) {
		state->failed = true;
		pt__buf_addf(state->details,
			     "unsupported TAP version %ju (an explicit version is 13 or 14)\n",
			     version);
	}
	/* As prove: read by the nearest grammar it knows. */
	state->version = version < 13 ? 12 : version > 14 ? 14 : (int)version;
	return true;
}

/*
 * The reason of a skip-all plan: the text after "#", without a leading
 * "SKIP" word ("skipped:" too) and ':'. prove keeps only what follows a
 * SKIP word; a plain "1..0 # reason" keeps its reason here.
 */
static void take_skip_reason(struct tap_state *state, const char *p, size_t len, size_t i)
{
	size_t start, n;

	i = skip_spaces(p, len, i);
	if (i >= len || p[i] != '#')
		return;
	i = skip_spaces(p, len, i + 1);
	if (starts_with_nocase(p + i, len - i, "skip")) {
		size_t word_end = i;
		while (word_end < len && !is_space(p[word_end]))
			word_end++;
		i = word_end;
	}
	trim(p, len, i, &start, &n);
	if (n && p[start] == ':')
		trim(p, len, start + 1, &start, &n);
	pt__buf_reset(&state->skip_reason);
	pt__buf_add(&state->skip_reason, p + start, n);
}

/*
 * The old plan form's TODO list at p[i]: "todo" and numbers ("1..5 todo 3
 * 2;"). False if there is none.
 */
static bool parse_todo_list(struct tap_state *state, const char *p, size_t len, size_t i)
{
	size_t nr = 0;

	if (!starts_with(p + i, len - i, "todo"))
		return false;
	i += 4;
	for (;;) {
		size_t j = i;
		uintmax_t number;
		if (j >= len || !is_space(p[j]))
			break;
		j = skip_spaces(p, len, j);
		if (!parse_number(p, len, &j, &number))
			break;
		PT__GROW(state->todo, state->nr_todo + 1, state->alloc_todo);
		state->todo[state->nr_todo++] = number;
		nr++;
		i = j;
	}
	return nr > 0;
}

/*
 * A plan, by the grammar of the stream's TAP version. TAP 12: "1..N", then
 * spaces, then nothing; "1..0" with anything after it (a skip-all); or the
 * old "todo 3 2" list. TAP 13 and 14: "1..N", optionally "# SKIP reason"
 * (a skip-all). False if the line is not a plan.
 */
static bool parse_plan(struct tap_state *state, const char *p, size_t len)
{
	size_t i = 3, tail;
	uintmax_t planned;
	bool skip_all = false;

	if (!starts_with(p, len, "1..") || !parse_number(p, len, &i, &planned))
		return false;
	state->is_tap = true;
	tail = skip_spaces(p, len, i);
	if (state->version >= 13) {
		if (tail < len) {
			size_t j = p[tail] == '#' ? skip_spaces(p, len, tail + 1) : len;
			if (!word_at(p, len, j, "skip"))
				goto not_a_plan;
			skip_all = true;
		}
		skip_all = skip_all || planned == 0;
	} else if (tail < len && parse_todo_list(state, p, len, tail)) {
		skip_all = planned == 0;
	} else if (planned == 0) {
		skip_all = true;
	} else if (tail < len) {
		goto not_a_plan;
	}

	state->started = true;
	if (state->have_plan) {
		fail(state, "more than one plan");
		return true;
	}
	state->have_plan = true;
	state->planned = planned;
	state->plan_after_tests = state->run > 0;
	state->skip_all = skip_all;
	if (skip_all)
		take_skip_reason(state, p, len, i);
	return true;

not_a_plan:
	if (!state->malformed_plan.len)
		pt__buf_add(&state->malformed_plan, p,
			    len < QUOTED_LINE_MAX ? len : QUOTED_LINE_MAX);
	return false;
}

/* True if the old plan form named number as TODO; each name counts once. */
static bool take_planned_todo(struct tap_state *state, uintmax_t number)
{
	for (size_t k = 0; k < state->nr_todo; k++) {
		if (state->todo[k] == number) {
			state->todo[k] = state->todo[--state->nr_todo];
			return true;
		}
	}
	return false;
}

enum directive { DIRECTIVE_NONE, DIRECTIVE_SKIP, DIRECTIVE_TODO };

/*
 * The directive of a test line's text p[from..len): after the first '#' not
 * escaped by a backslash, "SKIP" or "TODO" (any case) as a whole word. On a
 * match *hash is where the '#' is and the explanation, trimmed and without
 * a leading ':', is (*reason, *reason_len).
 */
static enum directive parse_directive(const char *p, size_t len, size_t from, size_t *hash,
				      size_t *reason, size_t *reason_len)
{
	enum directive directive;
	size_t i = from;

	while (i < len && p[i] != '#')
		i += p[i] == '\\' ? 2 : 1;
	if (i >= len)
		return DIRECTIVE_NONE;
	*hash = i;
	i = skip_spaces(p, len, i + 1);
	if (word_at(p, len, i, "skip"))
		directive = DIRECTIVE_SKIP;
	else if (word_at(p, len, i, "todo"))
		directive = DIRECTIVE_TODO;
	else
		return DIRECTIVE_NONE;
	trim(p, len, i + 4, reason, reason_len);
	if (*reason_len && p[*reason] == ':')
		trim(p, len, *reason + 1, reason, reason_len);
	return directive;
}

static struct pt__tap_point *add_point(struct tap_state *state)
{
	struct pt__tap_stream *stream = state->stream;
	struct pt__tap_point *point;

	PT__GROW(stream->points, stream->nr_points + 1, stream->alloc_points);
	point = &stream->points[stream->nr_points++];
	memset(point, 0, sizeof(*point));
	return point;
}

/* The test number written at p[*i], checked against the count so far. */
static uintmax_t check_number(struct tap_state *state, const char *p, size_t len, size_t *i)
{
	uintmax_t number;

	if (!parse_number(p, len, i, &number)) {
		note_number(state, state->run);
		return state->run;
	}
	if (note_number(state, number)) {
		state->failed = true;
		pt__buf_addf(state->details, "duplicate test number %ju\n", number);
	} else if (number != state->run) {
		state->failed = true;
		pt__buf_addf(state->details, "test number %ju out of sequence, expected %ju\n",
			     number, state->run);
	}
	return number;
}

/* "ok" or "not ok", optional number, description, directive. */
static bool parse_test(struct tap_state *state, const char *p, size_t len)
{
	bool ok, numbered;
	size_t i, hash = 0, reason = 0, reason_len = 0, desc, desc_len;
	enum directive directive;
	struct pt__tap_point *point;

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
	state->started = true;
	state->run++;
	if (state->plan_after_tests && !state->middle_plan_noted) {
		state->failed = true;
		state->middle_plan_noted = true;
		pt__buf_addf(state->details, "plan 1..%ju in the middle of the tests\n",
			     state->planned);
	}

	i = skip_spaces(p, len, i);
	numbered = i < len && is_digit(p[i]);
	point = add_point(state);
	point->number = check_number(state, p, len, &i);

	directive = parse_directive(p, len, i, &hash, &reason, &reason_len);
	trim(p, directive != DIRECTIVE_NONE ? hash : len, i, &desc, &desc_len);
	if (desc_len && p[desc] == '-')
		trim(p, desc + desc_len, desc + 1, &desc, &desc_len);
	point->description = pt__xstrndup(p + desc, desc_len);
	if (directive != DIRECTIVE_NONE)
		point->reason = pt__xstrndup(p + reason, reason_len);
	if (numbered && take_planned_todo(state, point->number) && directive != DIRECTIVE_TODO) {
		directive = DIRECTIVE_TODO;
		free(point->reason);
		point->reason = pt__xstrdup("");
	}

	if (state->have_plan && state->run > state->planned)
		point->status = PT__TAP_POINT_NOT_OK; /* beyond the plan: never ok */
	else if (directive == DIRECTIVE_TODO)
		point->status = ok ? PT__TAP_POINT_TODO_PASSED : PT__TAP_POINT_TODO;
	else if (!ok)
		point->status = PT__TAP_POINT_NOT_OK;
	else if (directive == DIRECTIVE_SKIP)
		point->status = PT__TAP_POINT_SKIPPED;
	else
		point->status = PT__TAP_POINT_OK;
	state->stream->counts[point->status]++;

	if (point->status == PT__TAP_POINT_NOT_OK) {
		state->failed = true;
		if (!ok) {
			state->collecting = true;
			add_detail_line(state, p, len);
		}
	}
	return true;
}

/* "pragma +strict" and the like: TAP 13's switches. False if not a pragma. */
static bool parse_pragma(struct tap_state *state, const char *p, size_t len)
{
	size_t i = 6;

	if (state->version < 13 || !starts_with(p, len, "pragma") || i >= len || !is_space(p[i]))
		return false;
	for (;;) {
		size_t start;
		i = skip_spaces(p, len, i);
		if (i >= len || (p[i] != '+' && p[i] != '-'))
			return false;
		start = ++i;
		while (i < len && is_word(p[i]))
			i++;
		if (i == start)
			return false;
		if (i - start == 6 && !memcmp(p + start, "strict", 6))
			state->strict = p[start - 1] == '+';
		i = skip_spaces(p, len, i);
		if (i == len)
			return true;
		if (p[i] != ',')
			return false;
		i++;
	}
}

/*
 * A line of an open YAML block: one indented by at least its pad, or a
 * blank one (block scalars keep their blank lines; prove's reader does not
 * take them). False when the line is not the block's: the block ended
 * without its "...".
 */
static bool take_yaml_line(struct tap_state *state, const char *p, size_t len)
{
	size_t start, n;

	if (!is_blank_line(p, len)) {
		for (size_t i = 0; i < state->yaml_pad; i++)
			if (i >= len || !is_space(p[i]))
				return false;
	}
	if (state->collecting)
		add_diagnostic(state, p, len);
	trim(p, len, 0, &start, &n);
	if (n == 3 && memcmp(p + start, "...", 3) == 0)
		state->in_yaml = false;
	return true;
}

/* An indented "---": the start of a YAML block. */
static bool parse_yaml_start(struct tap_state *state, const char *p, size_t len)
{
	size_t pad = 0;

	while (pad < len && is_space(p[pad]))
		pad++;
	if (!pad || !starts_with(p + pad, len - pad, "---"))
		return false;
	state->in_yaml = true;
	state->yaml_pad = pad;
	if (state->collecting)
		add_diagnostic(state, p, len);
	return true;
}

static void end_yaml_unclosed(struct tap_state *state)
{
	state->in_yaml = false;
	if (state->version >= 13)
		fail(state, "YAML block not closed by \"...\"");
}

/* "Bail out!", indented too. False if the line is not one. */
static bool parse_bail_out(struct tap_state *state, const char *p, size_t len)
{
	size_t i = skip_spaces(p, len, 0);

	if (!starts_with(p + i, len - i, "Bail out!"))
		return false;
	state->is_tap = true;
	state->failed = true;
	state->bailed_out = true;
	state->stream->bailed_out = true;
	add_detail_line(state, p + i, len - i);
	return true;
}

/* Feeds one line, without its line end. */
static void judge_line(struct tap_state *state, const char *p, size_t len)
{
	if (state->in_yaml) {
		/* TAP 12 has no YAML: its "Bail out!" cannot be in a block. */
		if (state->version < 13 && parse_bail_out(state, p, len))
			return;
		if (take_yaml_line(state, p, len))
			return;
		end_yaml_unclosed(state);
	}
	if (len && p[0] == '#') {
		if (state->collecting)
			add_diagnostic(state, p, len);
		return;
	}
	if (parse_yaml_start(state, p, len))
		return;

	stop_collecting(state);
	if (parse_bail_out(state, p, len) || parse_version(state, p, len) ||
	    parse_plan(state, p, len) || parse_test(state, p, len) || parse_pragma(state, p, len))
		return;
	/* Anything else (subtests' indented lines among them) is not TAP: ignored. */
	if (state->strict) {
		pt__buf_adds(state->details, "unknown line under pragma +strict: ");
		add_detail_line(state, p, len < QUOTED_LINE_MAX ? len : QUOTED_LINE_MAX);
		state->failed = true;
	}
}

/* "not" alone on a line: prove joins it to the next (VMS splits "not ok" so). */
static bool is_lone_not(const char *p, size_t len)
{
	size_t start, n;

	trim(p, len, 0, &start, &n);
	return n == 3 && memcmp(p + start, "not", 3) == 0;
}

void pt__tap_stream_release(struct pt__tap_stream *stream)
{
	for (size_t i = 0; i < stream->nr_points; i++) {
		free(stream->points[i].description);
		free(stream->points[i].reason);
		free(stream->points[i].diagnostics);
	}
	free(stream->points);
	memset(stream, 0, sizeof(*stream));
}

struct pt__tap_reader {
	struct tap_state state;
	struct pt__tap_stream scratch; /* the points, when the caller keeps none */
	struct pt__buf line;	       /* the line read so far, up to LINE_HELD_MAX bytes */
	struct pt__buf lone_not;       /* a lone "not" line waiting for the next */
	bool has_lone_not;
};

struct pt__tap_reader *pt__tap_reader_new(struct pt__tap_stream *stream, struct pt__buf *details)
{
	struct pt__tap_reader *reader = pt__xcalloc(1, sizeof(*reader));

	reader->state.details = details;
	reader->state.stream = stream ? stream : &reader->scratch;
	reader->state.version = 12;
	pt__tap_stream_release(reader->state.stream);
	return reader;
}

/* One whole line, without its LF or CRLF. */
static void take_line(struct pt__tap_reader *reader, const char *p, size_t len)
{
	if (reader->state.bailed_out)
		return;
	if (len && p[len - 1] == '\r')
		len--;
	if (reader->has_lone_not) {
		reader->has_lone_not = false;
		pt__buf_add(&reader->lone_not, p, len);
		judge_line(&reader->state, reader->lone_not.data, reader->lone_not.len);
		pt__buf_reset(&reader->lone_not);
	} else if (is_lone_not(p, len)) {
		reader->has_lone_not = true;
		pt__buf_add(&reader->lone_not, p, len);
	} else {
		judge_line(&reader->state, p, len);
	}
}

/* Holds the start of a line the next chunk ends, up to LINE_HELD_MAX bytes. */
static void hold(struct pt__tap_reader *reader, const char *p, size_t len)
{
	if (reader->line.len + len > LINE_HELD_MAX)
		len = reader->line.len < LINE_HELD_MAX ? LINE_HELD_MAX - reader->line.len : 0;
	pt__buf_add(&reader->line, p, len);
}

void pt__tap_reader_feed(struct pt__tap_reader *reader, const char *data, size_t len)
{
	size_t pos = 0;

	while (pos < len && !reader->state.bailed_out) {
		const char *line = data + pos;
		const char *newline = memchr(line, '\n', len - pos);
		size_t line_len = newline ? (size_t)(newline - line) : len - pos;

		pos += line_len + (newline ? 1 : 0);
		if (!newline) {
			hold(reader, line, line_len);
		} else if (reader->line.len) {
			hold(reader, line, line_len);
			take_line(reader, reader->line.data, reader->line.len);
			pt__buf_reset(&reader->line);
		} else {
			take_line(reader, line,
				  line_len > LINE_HELD_MAX ? LINE_HELD_MAX : line_len);
		}
	}
}

enum pt__tap_verdict pt__tap_reader_finish(struct pt__tap_reader *reader)
{
	struct tap_state *state = &reader->state;
	struct pt__buf *details = state->details;
	enum pt__tap_verdict verdict;

	if (reader->line.len)
		take_line(reader, reader->line.data, reader->line.len);
	if (reader->has_lone_not && !state->bailed_out)
		judge_line(state, reader->lone_not.data, reader->lone_not.len);
	if (state->in_yaml && !state->bailed_out)
		end_yaml_unclosed(state);
	stop_collecting(state);

	if (!state->is_tap) {
		verdict = PT__TAP_NONE;
		goto cleanup;
	}
	if (!state->bailed_out) {
		if (!state->have_plan && state->malformed_plan.len) {
			state->failed = true;
			pt__buf_addf(details, "no plan (\"%s\" is not one)\n",
				     pt__buf_str(&state->malformed_plan));
		} else if (!state->have_plan) {
			fail(state, "no plan");
		} else if (state->planned != state->run) {
			state->failed = true;
			pt__buf_addf(details, "planned %ju test%s but ran %ju\n", state->planned,
				     state->planned == 1 ? "" : "s", state->run);
		}
	}
	if (state->bailed_out) {
		verdict = PT__TAP_BAIL_OUT;
	} else if (state->failed) {
		verdict = PT__TAP_FAIL;
	} else if (state->skip_all) {
		verdict = PT__TAP_SKIP;
		pt__buf_add(details, pt__buf_str(&state->skip_reason), state->skip_reason.len);
	} else {
		verdict = PT__TAP_PASS;
	}

cleanup:
	pt__buf_release(&reader->line);
	pt__buf_release(&reader->lone_not);
	pt__buf_release(&state->skip_reason);
	pt__buf_release(&state->malformed_plan);
	pt__buf_release(&state->diagnostics);
	free(state->numbers);
	free(state->todo);
	pt__tap_stream_release(&reader->scratch);
	free(reader);
	return verdict;
}

enum pt__tap_verdict pt__tap_judge(const char *out, size_t len, struct pt__tap_stream *stream,
				   struct pt__buf *details)
{
	struct pt__tap_reader *reader = pt__tap_reader_new(stream, details);

	pt__tap_reader_feed(reader, out, len);
	return pt__tap_reader_finish(reader);
}
