#define _XOPEN_SOURCE 700 /* realpath */
#include "ctest.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command_output.h"
#include "error.h"
#include "xalloc.h"

/* A JSON string, or array of strings, as a NULL-terminated list. */
static char **string_list(const json_t *value)
{
	size_t n = json_is_array(value) ? json_array_size(value) : 1;
	char **list = pt__xcalloc(n + 1, sizeof(*list));
	size_t at = 0;

	if (json_is_string(value)) {
		list[at++] = pt__xstrdup(json_string_value(value));
	} else if (json_is_array(value)) {
		for (size_t i = 0; i < n; i++)
			if (json_is_string(json_array_get(value, i)))
				list[at++] =
					pt__xstrdup(json_string_value(json_array_get(value, i)));
	}
	return list;
}

/* A list's items joined by spaces; NULL when it is empty. */
static char *joined(const json_t *value)
{
	char **list = string_list(value);
	struct pt__buf text = PT__BUF_INIT;

	for (char **item = list; *item; item++) {
		pt__buf_addf(&text, "%s%s", text.len ? " " : "", *item);
		free(*item);
	}
	free(list);
	return text.len ? pt__buf_detach(&text) : NULL;
}

static bool truth(const json_t *value)
{
	if (json_is_string(value)) {
		const char *text = json_string_value(value);
		return strcmp(text, "") && strcmp(text, "0") && strcasecmp(text, "false") &&
		       strcasecmp(text, "off") && strcasecmp(text, "no");
	}
	return json_is_true(value) || (json_is_integer(value) && json_integer_value(value));
}

static long long number(const json_t *value)
{
	if (json_is_string(value))
		return strtoll(json_string_value(value), NULL, 10);
	return json_is_number(value) ? (long long)json_number_value(value) : 0;
}

static void read_property(struct pt__ctest_entry *entry, const char *name, const json_t *value)
{
	if (!strcmp(name, "WORKING_DIRECTORY") && json_is_string(value))
		entry->workdir = pt__xstrdup(json_string_value(value));
	else if (!strcmp(name, "ENVIRONMENT"))
		entry->environment = string_list(value);
	else if (!strcmp(name, "TIMEOUT"))
		entry->timeout_ms =
			(int)(1000 * (json_is_string(value) ? strtod(json_string_value(value), NULL)
							    : json_number_value(value)));
	else if (!strcmp(name, "WILL_FAIL"))
		entry->will_fail = truth(value);
	else if (!strcmp(name, "DISABLED"))
		entry->disabled = truth(value);
	else if (!strcmp(name, "RUN_SERIAL"))
		entry->run_serial = truth(value);
	else if (!strcmp(name, "SKIP_RETURN_CODE"))
		entry->has_skip_code = true, entry->skip_code = (int)number(value);
	else if (!strcmp(name, "PASS_REGULAR_EXPRESSION"))
		entry->pass_regex = string_list(value);
	else if (!strcmp(name, "FAIL_REGULAR_EXPRESSION"))
		entry->fail_regex = string_list(value);
	else if (!strcmp(name, "SKIP_REGULAR_EXPRESSION"))
		entry->skip_regex = string_list(value);
	else if (!strcmp(name, "LABELS"))
		entry->labels = joined(value);
	else if (!strcmp(name, "RESOURCE_LOCK"))
		entry->locks = joined(value);
	else if (!strcmp(name, "PROCESSORS"))
		entry->processors = (int)number(value);
	else if (!strcmp(name, "FIXTURES_SETUP"))
		entry->fixtures_setup = string_list(value);
	else if (!strcmp(name, "FIXTURES_CLEANUP"))
		entry->fixtures_cleanup = string_list(value);
	else if (!strcmp(name, "FIXTURES_REQUIRED"))
		entry->fixtures_required = string_list(value);
	else if (strcmp(name, "DEPENDS"))
		entry->other_properties = true;
}

/* Every list of an entry exists, empty at least. */
static void fill_lists(struct pt__ctest_entry *entry)
{
	char ***lists[] = {&entry->command,	     &entry->environment,
			   &entry->pass_regex,	     &entry->fail_regex,
			   &entry->skip_regex,	     &entry->fixtures_setup,
			   &entry->fixtures_cleanup, &entry->fixtures_required};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (!*lists[i])
			*lists[i] = pt__xcalloc(1, sizeof(**lists[i]));
}

static void read_entry(struct pt__ctest *ctest, const json_t *test)
{
	const json_t *properties = json_object_get(test, "properties");
	const char *name = json_string_value(json_object_get(test, "name"));

	if (!name)
		return;
	PT__GROW(ctest->entries, ctest->nr + 1, ctest->alloc);
	struct pt__ctest_entry *entry = &ctest->entries[ctest->nr++];
	memset(entry, 0, sizeof(*entry));
	entry->name = pt__xstrdup(name);
	if (json_object_get(test, "command"))
		entry->command = string_list(json_object_get(test, "command"));
	for (size_t i = 0; json_is_array(properties) && i < json_array_size(properties); i++) {
		const json_t *property = json_array_get(properties, i);
		const char *property_name = json_string_value(json_object_get(property, "name"));
		if (property_name)
			read_property(entry, property_name, json_object_get(property, "value"));
	}
	fill_lists(entry);
}

int pt__ctest_read(struct pt__ctest *ctest, const char *build_dir, struct pt__buf *err)
{
	char *argv[] = {"ctest", "--show-only=json-v1", NULL};
	struct pt__buf out = PT__BUF_INIT, why = PT__BUF_INIT;
	char absolute[PATH_MAX];
	json_error_t error;
	json_t *root = NULL;
	int rc = 0;

	memset(ctest, 0, sizeof(*ctest));
	if (!realpath(build_dir, absolute)) {
		pt__buf_adds(&why, "no such directory");
		rc = PT__EUSAGE;
	} else if (pt__command_output(argv, absolute, &out, &why)) {
		rc = PT__EUSAGE;
	} else if (!(root = json_loadb(out.data ? out.data : "", out.len, 0, &error))) {
		pt__buf_addf(&why, "ctest printed no JSON: %s", error.text);
		rc = PT__EUSAGE;
	} else {
		const json_t *tests = json_object_get(root, "tests");
		ctest->build_dir = pt__xstrdup(absolute);
		for (size_t i = 0; json_is_array(tests) && i < json_array_size(tests); i++)
			read_entry(ctest, json_array_get(tests, i));
	}
	if (rc)
		pt__buf_addf(err, "cannot read the tests of CMake build \"%s\": %s", build_dir,
			     why.data);
	json_decref(root);
	pt__buf_release(&out);
	pt__buf_release(&why);
	return rc;
}

const struct pt__ctest_entry *pt__ctest_find(const struct pt__ctest *ctest, const char *name)
{
	for (size_t i = 0; i < ctest->nr; i++)
		if (!strcmp(ctest->entries[i].name, name))
			return &ctest->entries[i];
	return NULL;
}

static void free_list(char **list)
{
	for (char **item = list; item && *item; item++)
		free(*item);
	free(list);
}

void pt__ctest_release(struct pt__ctest *ctest)
{
	for (size_t i = 0; i < ctest->nr; i++) {
		struct pt__ctest_entry *entry = &ctest->entries[i];
		free(entry->name);
		free(entry->workdir);
		free(entry->labels);
		free(entry->locks);
		char **lists[] = {entry->command,	   entry->environment,
				  entry->pass_regex,	   entry->fail_regex,
				  entry->skip_regex,	   entry->fixtures_setup,
				  entry->fixtures_cleanup, entry->fixtures_required};
		for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
			free_list(lists[l]);
	}
	free(ctest->entries);
	free(ctest->build_dir);
	memset(ctest, 0, sizeof(*ctest));
}
