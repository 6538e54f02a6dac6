#include "list_json.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "error.h"

static json_t *string_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

/* A space-separated list as an array of its words. */
static json_t *words(const char *text)
{
	json_t *array = json_array();

	for (const char *at = text; at && *at;) {
		at += strspn(at, " \t");
		size_t len = strcspn(at, " \t");
		if (len)
			json_array_append_new(array, json_stringn(at, len));
		at += len;
	}
	return array;
}

static json_t *test_object(const struct pt__test_list *list, const struct pt__test *test)
{
	const struct pt__test_attributes *attributes = &test->attributes;
	json_t *options =
		json_pack("{s:o, s:o, s:b, s:i}", "timeout",
			  test->timeout_ms ? json_real(test->timeout_ms / 1000.0) : json_null(),
			  "locks", words(attributes->locks), "exclusive", attributes->exclusive,
			  "weight", attributes->weight);

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", test->id, "program",
			 list->programs[test->program].name, "suite", string_or_null(test->suite),
			 "name", string_or_null(test->name), "file",
			 string_or_null(attributes->file), "line",
			 attributes->line ? json_integer(attributes->line) : json_null(), "tags",
			 words(attributes->tags), "options", options);
}

int pt__list_json_write(FILE *out, const struct pt__test_list *list, struct pt__buf *err)
{
	for (size_t i = 0; i < list->nr_tests; i++) {
		json_t *object = test_object(list, &list->tests[i]);
		errno = 0;
		int rc = object ? json_dumpf(object, out, JSON_COMPACT | JSON_ENSURE_ASCII) : -1;
		json_decref(object);
		if (rc || putc('\n', out) == EOF) {
			pt__buf_addf(err, "cannot write the test list: %s",
				     object ? strerror(errno ? errno : EIO)
					    : "a test id is not valid UTF-8");
			return PT__ERUN;
		}
	}
	return 0;
}
