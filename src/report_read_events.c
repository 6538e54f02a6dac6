/* An event file (docs/events.md) read as a report: its test_end events. */
#include "report_read.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"

/* The string member key of object, or NULL when it is absent or not a string. */
static const char *string_of(json_t *object, const char *key)
{
	return json_string_value(json_object_get(object, key));
}

static int64_t seconds_to_us(double seconds)
{
	if (!(seconds > 0))
		return 0;
	return (int64_t)llround(fmin(seconds, 1e9) * 1e6);
}

/* Hands one test_end event to each_case. Returns 0, 1 when it is not a test
 * case that can be read, or each_case's code. */
static int read_test_end(json_t *event, pt__report_case_fn each_case, void *ctx,
			 struct pt__buf *err)
{
	struct pt__report_case test_case = {
		.id = string_of(event, "id"),
		.program = string_of(event, "program"),
		.suite = string_of(event, "suite"),
		.name = string_of(event, "name"),
		.message = string_of(event, "message"),
		.out = string_of(event, "stdout"),
		.err = string_of(event, "stderr"),
		.file = string_of(event, "file"),
		.line = (int)json_integer_value(json_object_get(event, "line")),
		.duration_us = seconds_to_us(json_number_value(json_object_get(event, "duration"))),
	};
	int status = pt__report_status(string_of(event, "status"));

	/* A failed attempt that was retried: the test's result comes later. */
	if (json_is_true(json_object_get(event, "retried")))
		return 0;
	if (!test_case.id || !test_case.program || status < 0 ||
	    (test_case.suite && !test_case.name))
		return 1;
	if (!test_case.suite)
		test_case.name = NULL;
	test_case.status = (enum pt__status)status;
	return each_case(ctx, &test_case, err);
}

int pt__report_read_events(const char *path, pt__report_case_fn each_case, void *ctx,
			   struct pt__report_info *info, struct pt__buf *err)
{
	FILE *file = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int number = 0, rc = 0;

	if (!file) {
		pt__buf_addf(err, "cannot read the report \"%s\": %s", path, strerror(errno));
		return PT__EUSAGE;
	}
	while (!rc && (len = getline(&line, &cap, file)) > 0) {
		json_error_t why;
		number++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		json_t *event = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &why);
		const char *type = string_of(event, "type");
		if (!event || !type) {
			pt__buf_addf(err, "cannot read the report \"%s\": line %d: %s", path,
				     number, event ? "an event without a type" : why.text);
			rc = PT__EUSAGE;
		} else if (!strcmp(type, "run_start")) {
			const char *partition = string_of(event, "partition");
			free(info->partition);
			info->partition = partition ? pt__xstrdup(partition) : NULL;
			info->workers = (int)json_integer_value(json_object_get(event, "workers"));
		} else if (!strcmp(type, "run_end")) {
			info->wall = json_number_value(json_object_get(event, "wall"));
		} else if (!strcmp(type, "test_end")) {
			rc = read_test_end(event, each_case, ctx, err);
			if (rc == 1) {
				pt__buf_addf(err,
					     "cannot read the report \"%s\": line %d: a test_end "
					     "without id, program or a known status",
					     path, number);
				rc = PT__EUSAGE;
			}
		}
		json_decref(event);
	}
	if (!rc && ferror(file)) {
		pt__buf_addf(err, "cannot read the report \"%s\": %s", path, strerror(errno));
		rc = PT__EUSAGE;
	}
	free(line);
	fclose(file);
	return rc;
}
