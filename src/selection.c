#include "selection.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ci_shard.h"
#include "error.h"
#include "report_read.h"
#include "xalloc.h"

bool pt__selection_has_tag(const char *tags, const char *tag)
{
	size_t len = strlen(tag);

	for (const char *at = tags; at && *at;) {
		at += strspn(at, " \t");
		size_t word = strcspn(at, " \t");
		if (word == len && !strncmp(at, tag, len))
			return true;
		at += word;
	}
	return false;
}

static bool any_tag(const char *tags, const char *const *names, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (pt__selection_has_tag(tags, names[i]))
			return true;
	return false;
}

static bool any_glob(const char *id, const char *const *globs, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (!fnmatch(globs[i], id, 0))
			return true;
	return false;
}

/* The shard, from --partition as given: K/N, or the CI's variables. */
static int resolve_partition(struct pt__selection *selection, struct pt__buf *notes,
			     struct pt__buf *err)
{
	const char *spec = selection->options->partition;
	int rc;

	selection->partitioned = true;
	if (strncmp(spec, "auto", 4)) {
		if ((rc = pt__partition_parse(spec, &selection->partition, err)))
			return rc;
	} else {
		struct pt__buf which = PT__BUF_INIT;
		bool bazel = false;
		rc = pt__ci_shard_detect(spec, &selection->partition, &which, &bazel, err);
		if (!rc && bazel)
			rc = pt__ci_shard_touch_status_file(err);
		/* A shard must be split the same way on every machine: by the
		 * durations they share when there are some, by name otherwise. */
		selection->partition.method = selection->options->durations_from
						      ? PT__PARTITION_TIME
						      : PT__PARTITION_HASH;
		if (!rc) {
			pt__buf_adds(notes, "partition ");
			pt__partition_format(&selection->partition, notes);
			pt__buf_addf(notes, " from %s\n", pt__buf_str(&which));
		}
		pt__buf_release(&which);
		if (rc)
			return rc;
	}
	pt__partition_format(&selection->partition, &selection->partition_text);
	return 0;
}

/* A listed test's JUnit (classname, name), as the JUnit writer makes them. */
static void junit_key(struct pt__buf *key, const struct pt__test_list *list,
		      const struct pt__test *test)
{
	const char *program = list->programs[test->program].name;

	pt__buf_reset(key);
	if (test->suite)
		pt__buf_addf(key, "%s.%s%c%s", program, test->suite, '\0', test->name);
	else
		pt__buf_addf(key, "%s%c%s", program, '\0', program);
}

struct key_to_id {
	char *key;
	size_t len;
	const char *id;
};

struct durations_reader {
	struct pt__timings *durations;
	struct key_to_id *keys; /* sorted */
	size_t nr_keys;
	struct pt__buf key;
};

static int compare_keys(const void *a, const void *b)
{
	const struct key_to_id *x = a, *y = b;
	int by = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

	return by ? by : x->len < y->len ? -1 : x->len > y->len;
}

/* One test case of the durations file: its duration under its test id. */
static int take_duration(void *ctx, const struct pt__report_case *test_case, struct pt__buf *err)
{
	struct durations_reader *reader = ctx;
	const char *id = test_case->id;

	if (test_case->classname) {
		/* JUnit: matched by the (classname, name) pair, never split. */
		pt__buf_reset(&reader->key);
		pt__buf_addf(&reader->key, "%s%c%s", test_case->classname, '\0',
			     test_case->case_name);
		struct key_to_id want = {reader->key.data, reader->key.len, NULL};
		struct key_to_id *found = reader->nr_keys
						  ? bsearch(&want, reader->keys, reader->nr_keys,
							    sizeof(want), compare_keys)
						  : NULL;
		if (!found)
			return 0;
		id = found->id;
	}
	struct pt__timings *durations = reader->durations;
	PT__GROW(durations->entries, durations->nr + 1, durations->alloc);
	durations->entries[durations->nr].id = pt__xstrdup(id);
	durations->entries[durations->nr++].duration_us = test_case->duration_us;
	return 0;
}

static int compare_timings(const void *a, const void *b)
{
	return strcmp(((const struct pt__timing *)a)->id, ((const struct pt__timing *)b)->id);
}

/* --durations-from FILE into selection->durations, keyed by list's test ids. */
static int read_durations(struct pt__selection *selection, const struct pt__test_list *list,
			  struct pt__buf *err)
{
	struct durations_reader reader = {&selection->durations, NULL, 0, PT__BUF_INIT};
	struct pt__report_info info;
	int rc;

	reader.keys = pt__xcalloc(list->nr_tests + 1, sizeof(*reader.keys));
	for (size_t i = 0; i < list->nr_tests; i++) {
		junit_key(&reader.key, list, &list->tests[i]);
		reader.keys[i].len = reader.key.len;
		reader.keys[i].key = pt__buf_detach(&reader.key);
		reader.keys[i].id = list->tests[i].id;
	}
	reader.nr_keys = list->nr_tests;
	qsort(reader.keys, reader.nr_keys, sizeof(*reader.keys), compare_keys);
	rc = pt__report_read(selection->options->durations_from, take_duration, &reader, &info,
			     err);
	pt__report_info_release(&info);
	for (size_t i = 0; i < reader.nr_keys; i++)
		free(reader.keys[i].key);
	free(reader.keys);
	pt__buf_release(&reader.key);
	if (selection->durations.nr)
		qsort(selection->durations.entries, selection->durations.nr,
		      sizeof(*selection->durations.entries), compare_timings);
	selection->durations_from_file = true;
	return rc;
}

static bool listed(const struct pt__test_list *list, const char *id, size_t *index)
{
	for (size_t i = 0; i < list->nr_tests; i++)
		if (!strcmp(list->tests[i].id, id)) {
			*index = i;
			return true;
		}
	return false;
}

static void add_order(struct pt__selection *selection, const char *id)
{
	PT__GROW(selection->order, selection->nr_order + 1, selection->alloc_order);
	selection->order[selection->nr_order++] = pt__xstrdup(id);
}

/* --order's ids, then --order-file's lines (blank ones skipped). */
static int read_order(struct pt__selection *selection, const struct pt__options *options,
		      struct pt__buf *err)
{
	for (size_t i = 0; i < options->nr_order; i++)
		add_order(selection, options->order[i]);
	if (!options->order_file)
		return 0;
	FILE *file = fopen(options->order_file, "re");
	if (!file) {
		pt__buf_addf(err, "--order-file \"%s\": %s", options->order_file, strerror(errno));
		return PT__EUSAGE;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, file)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len)
			add_order(selection, line);
	}
	free(line);
	fclose(file);
	return 0;
}

/* Every test that --order, --debug, --bisect and --pair name is listed. */
static int check_named(struct pt__selection *selection, const struct pt__options *options,
		       const struct pt__test_list *list, struct pt__buf *err)
{
	const char *names[] = {options->debug, options->bisect, options->pair};
	const char *words[] = {"--debug", "--bisect", "--pair"};
	size_t index;

	for (size_t i = 0; i < 3; i++)
		if (names[i] && !listed(list, names[i], &index)) {
			pt__buf_addf(err, "%s \"%s\": no such test (see --list)", words[i],
				     names[i]);
			return PT__EUSAGE;
		}
	for (size_t i = 0; i < selection->nr_order; i++) {
		if (!listed(list, selection->order[i], &index)) {
			pt__buf_addf(err, "--order \"%s\": no such test (see --list)",
				     selection->order[i]);
			return PT__EUSAGE;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(selection->order[j], selection->order[i])) {
				pt__buf_addf(err, "--order \"%s\": named twice",
					     selection->order[i]);
				return PT__EUSAGE;
			}
	}
	return 0;
}

int pt__selection_init(struct pt__selection *selection, const struct pt__options *options,
		       const struct pt__test_list *list, struct pt__buf *notes, struct pt__buf *err)
{
	int rc;

	memset(selection, 0, sizeof(*selection));
	selection->options = options;
	if ((rc = read_order(selection, options, err)) ||
	    (rc = check_named(selection, options, list, err)))
		return rc;
	/* Without --rerun-failed the record only orders the run: an unreadable
	 * one is as good as none. */
	struct pt__buf unread = PT__BUF_INIT;
	rc = pt__last_failed_load(&selection->failed, options->state_dir, &unread);
	if (rc < 0 && options->rerun_failed)
		pt__buf_adds(err, pt__buf_str(&unread));
	pt__buf_release(&unread);
	if (rc < 0 && options->rerun_failed)
		return PT__EUSAGE;
	selection->failed_known = rc == 1;
	if (options->rerun_failed && !selection->failed_known) {
		pt__buf_addf(err, "--rerun-failed: no record of a previous run in \"%s\"",
			     options->state_dir);
		return PT__EUSAGE;
	}
	if (options->partition && (rc = resolve_partition(selection, notes, err)))
		return rc;
	if (options->durations_from && (rc = read_durations(selection, list, err)))
		return rc;
	return 0;
}

static bool named_in_order(const struct pt__selection *selection, const char *id)
{
	for (size_t i = 0; i < selection->nr_order; i++)
		if (!strcmp(selection->order[i], id))
			return true;
	return false;
}

/* Whether test failed last time, or its suite's tear-down did after it. */
static bool failed_last_time(const struct pt__selection *selection,
			     const struct pt__test_list *list, const struct pt__test *test,
			     struct pt__buf *id)
{
	if (pt__id_set_has(&selection->failed, test->id))
		return true;
	if (!test->suite)
		return false;
	pt__buf_reset(id);
	pt__buf_addf(id, "%s::%s::[suite-teardown]", list->programs[test->program].name,
		     test->suite);
	return pt__id_set_has(&selection->failed, id->data);
}

void pt__selection_apply(struct pt__selection *selection, struct pt__test_list *list,
			 const struct pt__timings *timings)
{
	struct pt__buf id = PT__BUF_INIT;
	const struct pt__options *options = selection->options;
	bool *keep = pt__xcalloc(list->nr_tests + 1, sizeof(*keep));

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		const char *tags = test->attributes.tags;
		keep[i] = !any_glob(test->id, options->skips, options->nr_skips) &&
			  (!options->nr_tags || any_tag(tags, options->tags, options->nr_tags)) &&
			  !any_tag(tags, options->exclude_tags, options->nr_exclude_tags) &&
			  (!options->rerun_failed || failed_last_time(selection, list, test, &id));
		if (options->debug)
			keep[i] = !strcmp(test->id, options->debug);
		else if (selection->nr_order && !options->bisect)
			keep[i] = named_in_order(selection, test->id);
	}
	pt__buf_release(&id);
	pt__test_list_keep(list, keep);
	selection->selected = list->nr_tests;
	if (selection->partitioned) {
		selection->groups = pt__partition_select(
			&selection->partition, list,
			selection->durations_from_file ? &selection->durations : timings, keep);
		pt__test_list_keep(list, keep);
	}
	free(keep);
	if (selection->nr_order && !options->bisect) {
		selection->order_tests = pt__xcalloc(selection->nr_order, sizeof(size_t));
		for (size_t i = 0; i < selection->nr_order; i++) {
			size_t *at = &selection->order_tests[selection->nr_order_tests];
			if (listed(list, selection->order[i], at))
				selection->nr_order_tests++;
		}
	}
}

void pt__selection_release(struct pt__selection *selection)
{
	pt__buf_release(&selection->partition_text);
	pt__id_set_release(&selection->failed);
	pt__timings_release(&selection->durations);
	for (size_t i = 0; i < selection->nr_order; i++)
		free(selection->order[i]);
	free(selection->order);
	free(selection->order_tests);
	memset(selection, 0, sizeof(*selection));
}
