#include "merge.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <partest.h>

#include "buf.h"
#include "error.h"
#include "partition.h"
#include "report/junit.h"
#include "report_read.h"
#include "testlist.h"
#include "xalloc.h"

enum { EXIT_PASSED = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RUN = 3 };

static const char usage[] = "usage: partest merge [--junit OUT] [--events OUT] REPORT...\n";

/* The reports being merged, and the whole run they add up to. */
struct merge {
	struct pt__test_list list;
	size_t *file_of;     /* the report each test came from */
	size_t last_program; /* where the last program was found, the likeliest next */
	size_t file;	     /* the report being read */
	const char **files;
	size_t nr_files;
	char **partitions; /* what each report recorded; NULL: none */
	double wall;	   /* the longest shard's */
	int workers;	   /* all shards' */
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("partest merge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static size_t program_named(struct merge *merge, const char *name, bool executable)
{
	struct pt__test_list *list = &merge->list;

	if (merge->last_program < list->nr_programs &&
	    !strcmp(list->programs[merge->last_program].name, name))
		return merge->last_program;
	for (size_t p = 0; p < list->nr_programs; p++)
		if (!strcmp(list->programs[p].name, name))
			return merge->last_program = p;
	return merge->last_program = pt__test_list_add_program(
		       list, name, name, executable ? PT__PROGRAM_EXEC : PT__PROGRAM_NATIVE);
}

static int add_case(void *ctx, const struct pt__report_case *test_case, struct pt__buf *err)
{
	struct merge *merge = ctx;
	struct pt__test_list *list = &merge->list;
	size_t program = program_named(merge, test_case->program, !test_case->suite);
	size_t alloc = list->alloc_tests;
	size_t index = pt__test_list_add_test(list, program, test_case->suite, test_case->name, 0);
	struct pt__test *test = &list->tests[index];
	struct pt__test_attributes attributes = {
		.file = (char *)test_case->file,
		.line = test_case->line,
		.weight = 1,
	};

	if (alloc != list->alloc_tests)
		merge->file_of =
			pt__xrealloc(merge->file_of, list->alloc_tests * sizeof(*merge->file_of));
	merge->file_of[index] = merge->file;
	pt__test_list_set_attributes(list, index, &attributes);
	test->result.status = test_case->status;
	test->result.duration_us = test_case->duration_us;
	if (test_case->message)
		pt__buf_adds(&test->result.message, test_case->message);
	if (test_case->out)
		pt__buf_adds(&test->result.out, test_case->out);
	if (test_case->err)
		pt__buf_adds(&test->result.err, test_case->err);
	return 0;
}

struct placed {
	const char *id;
	size_t test;
};

static int by_id_then_place(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;
	int by = strcmp(x->id, y->id);

	return by ? by : x->test < y->test ? -1 : x->test > y->test;
}

/*
 * Keeps one test case per test id: within a report the last (a retried
 * test's final attempt), across reports the first report's, saying each
 * test found in two reports. Returns how many there were.
 */
static size_t drop_duplicates(struct merge *merge)
{
	struct pt__test_list *list = &merge->list;
	struct placed *placed = pt__xcalloc(list->nr_tests + 1, sizeof(*placed));
	bool *keep = pt__xcalloc(list->nr_tests + 1, sizeof(*keep));
	size_t duplicates = 0;

	for (size_t i = 0; i < list->nr_tests; i++)
		placed[i] = (struct placed){list->tests[i].id, i};
	qsort(placed, list->nr_tests, sizeof(*placed), by_id_then_place);
	for (size_t i = 0, end; i < list->nr_tests; i = end) {
		for (end = i + 1; end < list->nr_tests && !strcmp(placed[i].id, placed[end].id);
		     end++)
			;
		/* Tests are read report after report: the same report's cases
		 * are adjacent, in the order it has them. */
		size_t kept = placed[i].test;
		for (size_t j = i + 1; j < end; j++) {
			size_t test = placed[j].test;
			if (merge->file_of[test] == merge->file_of[kept]) {
				kept = test;
				continue;
			}
			say("test \"%s\" is in two reports: \"%s\" and \"%s\"",
			    list->tests[test].id, merge->files[merge->file_of[kept]],
			    merge->files[merge->file_of[test]]);
			duplicates++;
			while (j + 1 < end &&
			       merge->file_of[placed[j + 1].test] == merge->file_of[test])
				j++;
		}
		keep[kept] = true;
	}
	free(placed);
	pt__test_list_keep(list, keep);
	free(keep);
	return duplicates;
}

/*
 * Checks the partitions the reports recorded: one partition, every shard
 * of it once. Says each problem. Returns how many there were.
 */
static size_t check_shards(struct merge *merge)
{
	struct pt__partition first = {0}, partition;
	size_t problems = 0, first_file = 0;
	bool have_first = false;
	unsigned char *seen = NULL;

	for (size_t f = 0; f < merge->nr_files; f++) {
		struct pt__buf ignored = PT__BUF_INIT;
		const char *text = merge->partitions[f];
		int rc = text ? pt__partition_parse(text, &partition, &ignored) : PT__EUSAGE;
		pt__buf_release(&ignored);
		if (rc) {
			if (text)
				say("\"%s\" records the partition \"%s\", which is not one",
				    merge->files[f], text);
			problems += text != NULL;
			continue;
		}
		if (!have_first) {
			first = partition;
			first_file = f;
			have_first = true;
			seen = pt__xcalloc(first.total, 1);
		} else if (partition.method != first.method || partition.total != first.total) {
			say("\"%s\" is a shard of %s:K/%u, \"%s\" of %s:K/%u: not one run",
			    merge->files[first_file], pt__partition_method_name(first.method),
			    first.total, merge->files[f],
			    pt__partition_method_name(partition.method), partition.total);
			problems++;
			continue;
		}
		if (seen[partition.index - 1]++)
			say("shard %s is in more than one report (\"%s\" among them)", text,
			    merge->files[f]);
		problems += seen[partition.index - 1] > 1;
	}
	for (unsigned k = 0; have_first && k < first.total; k++) {
		if (seen[k])
			continue;
		say("shard %s:%u/%u is missing: no report records it",
		    pt__partition_method_name(first.method), k + 1, first.total);
		problems++;
	}
	if (have_first)
		for (size_t f = 0; f < merge->nr_files; f++)
			if (!merge->partitions[f]) {
				say("\"%s\" records no partition: it is not a shard of %s:K/%u",
				    merge->files[f], pt__partition_method_name(first.method),
				    first.total);
				problems++;
			}
	free(seen);
	return problems;
}

static const char *const event_status[] = {
	[PT__NOT_RUN] = "not_run", [PT__PASS] = "pass",	  [PT__FAIL] = "fail",
	[PT__SKIP] = "skip",	   [PT__CRASH] = "crash", [PT__TIMEOUT] = "timeout",
	[PT__LEAK] = "leak",	   [PT__FLAKY] = "flaky", [PT__ERROR] = "error",
};

static json_t *string_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

static json_t *buf_or_null(const struct pt__buf *buf)
{
	return buf->len ? json_stringn(buf->data, buf->len) : json_null();
}

/* Writes one event and its newline; false when out fails. */
static bool put_event(FILE *out, json_t *event)
{
	int rc = event ? json_dumpf(event, out, JSON_COMPACT) : -1;

	json_decref(event);
	return !rc && putc('\n', out) != EOF;
}

/* The merged run as an event file: run_start, a test_end a test, run_end. */
static bool write_events(FILE *out, const struct merge *merge)
{
	const struct pt__test_list *list = &merge->list;
	char stamp[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	struct pt__tally tally;
	bool ok;

	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ok = put_event(out, json_pack("{s:s, s:i, s:s, s:n, s:n, s:i, s:s}", "type", "run_start",
				      "schema", 1, "version", PT_VERSION, "seed", "partition",
				      "workers", merge->workers, "time", stamp));
	for (size_t i = 0; ok && i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		const struct pt__result *result = &test->result;
		json_t *event = json_pack(
			"{s:s, s:s, s:s, s:o, s:o, s:s, s:f, s:i, s:i, s:o, s:o, s:o, s:o, s:o, "
			"s:I, s:f}",
			"type", "test_end", "id", test->id, "program",
			list->programs[test->program].name, "suite", string_or_null(test->suite),
			"name", string_or_null(test->name), "status", event_status[result->status],
			"duration", result->duration_us / 1e6, "worker", 0, "attempt", 1, "message",
			buf_or_null(&result->message), "file",
			string_or_null(test->attributes.file), "line",
			test->attributes.line ? json_integer(test->attributes.line) : json_null(),
			"stdout", buf_or_null(&result->out), "stderr", buf_or_null(&result->err),
			"output_bytes", (json_int_t)(result->out.len + result->err.len), "t", 0.0);
		ok = put_event(out, event);
	}
	pt__tally(list, &tally);
	bool failed = tally.failed || tally.by_status[PT__NOT_RUN];
	return ok && put_event(out, json_pack("{s:s, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:f, "
					      "s:i}",
					      "type", "run_end", "counts", "pass",
					      (json_int_t)tally.by_status[PT__PASS], "fail",
					      (json_int_t)tally.by_status[PT__FAIL], "skip",
					      (json_int_t)tally.by_status[PT__SKIP], "crash",
					      (json_int_t)tally.by_status[PT__CRASH], "timeout",
					      (json_int_t)tally.by_status[PT__TIMEOUT], "leak",
					      (json_int_t)tally.by_status[PT__LEAK], "not_run",
					      (json_int_t)tally.by_status[PT__NOT_RUN], "wall",
					      merge->wall, "exit", failed ? 1 : 0));
}

/*
 * Writes path through a temporary file beside it, renamed into place once
 * complete: a reader never sees half a report. Returns 0, or PT__ERUN with
 * one line in err and nothing left behind.
 */
static int write_atomically(const char *path, bool junit, const struct merge *merge,
			    struct pt__buf *err)
{
	struct pt__buf temp = PT__BUF_INIT;
	int rc = 0;

	pt__buf_addf(&temp, "%s.XXXXXX", path);
	int fd = mkstemp(temp.data);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(temp.data);
		}
		pt__buf_release(&temp);
		return PT__ERUN;
	}
	errno = 0;
	if (junit) {
		rc = pt__junit_write(out, path, &merge->list, merge->wall, NULL, NULL, err);
	} else if (!write_events(out, merge)) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno ? errno : EIO));
		rc = PT__ERUN;
	}
	if (fclose(out) && !rc) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno));
		rc = PT__ERUN;
	}
	if (!rc && rename(temp.data, path)) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno));
		rc = PT__ERUN;
	}
	if (rc)
		unlink(temp.data);
	pt__buf_release(&temp);
	return rc;
}

static const struct option merge_options[] = {
	{"junit", required_argument, NULL, 'J'},
	{"events", required_argument, NULL, 'E'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

int pt__merge_main(int argc, char **argv)
{
	const char *junit = NULL, *events = NULL;
	struct merge merge = {PT__TEST_LIST_INIT, NULL, 0, 0, NULL, 0, NULL, 0, 0};
	struct pt__buf err = PT__BUF_INIT;
	int c, status = EXIT_PASSED;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", merge_options, NULL)) != -1) {
		switch (c) {
		case 'J': junit = optarg; break;
		case 'E': events = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_PASSED;
		case ':':
			say("%s: needs a value (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			say("%s: unknown option (see --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		say("no reports to merge (see --help)");
		return EXIT_USAGE;
	}
	merge.files = (const char **)argv + optind;
	merge.nr_files = (size_t)(argc - optind);
	merge.partitions = pt__xcalloc(merge.nr_files, sizeof(*merge.partitions));
	for (merge.file = 0; merge.file < merge.nr_files; merge.file++) {
		struct pt__report_info info;
		int rc = pt__report_read(merge.files[merge.file], add_case, &merge, &info, &err);
		merge.partitions[merge.file] = info.partition;
		info.partition = NULL;
		if (info.wall > merge.wall)
			merge.wall = info.wall;
		merge.workers += info.workers;
		pt__report_info_release(&info);
		if (rc) {
			say("%s", pt__buf_str(&err));
			status = EXIT_USAGE;
			goto out;
		}
	}
	size_t problems = drop_duplicates(&merge) + check_shards(&merge);
	if (junit && write_atomically(junit, true, &merge, &err))
		status = EXIT_RUN;
	if (events && status == EXIT_PASSED && write_atomically(events, false, &merge, &err))
		status = EXIT_RUN;
	if (status == EXIT_RUN) {
		say("%s", pt__buf_str(&err));
		goto out;
	}
	struct pt__tally tally;
	pt__tally(&merge.list, &tally);
	/* A flaky test passed (on a retry): JUnit readers cannot tell it apart. */
	printf("merged %zu reports: %zu tests, %zu passed, %zu failed, %zu skipped, %zu not run\n",
	       merge.nr_files, merge.list.nr_tests,
	       tally.by_status[PT__PASS] + tally.by_status[PT__FLAKY], tally.failed,
	       tally.by_status[PT__SKIP], tally.by_status[PT__NOT_RUN]);
	if (problems || tally.failed || tally.by_status[PT__NOT_RUN])
		status = EXIT_FAILED;
out:
	for (size_t f = 0; f < merge.nr_files; f++)
		free(merge.partitions[f]);
	free(merge.partitions);
	free(merge.file_of);
	pt__test_list_release(&merge.list);
	pt__buf_release(&err);
	return status;
}
