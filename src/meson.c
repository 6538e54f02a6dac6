#define _XOPEN_SOURCE 700 /* realpath */
#include "meson.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_output.h"
#include "error.h"
#include "xalloc.h"

static char **string_list(const json_t *array)
{
	char **list = pt__xcalloc(json_array_size(array) + 1, sizeof(*list));
	size_t at = 0;

	for (size_t i = 0; i < json_array_size(array); i++)
		if (json_is_string(json_array_get(array, i)))
			list[at++] = pt__xstrdup(json_string_value(json_array_get(array, i)));
	return list;
}

static char **environment(const json_t *object)
{
	char **list = pt__xcalloc(json_object_size(object) + 1, sizeof(*list));
	const char *name;
	json_t *value;
	size_t at = 0;

	json_object_foreach((json_t *)object, name, value)
	{
		struct pt__buf entry = PT__BUF_INIT;
		if (!json_is_string(value))
			continue;
		pt__buf_addf(&entry, "%s=%s", name, json_string_value(value));
		list[at++] = pt__buf_detach(&entry);
	}
	return list;
}

/* The suites, "project:suite" becoming "suite". */
static char *suites(const json_t *array)
{
	struct pt__buf text = PT__BUF_INIT;

	for (size_t i = 0; i < json_array_size(array); i++) {
		const char *suite = json_string_value(json_array_get(array, i));
		if (!suite)
			continue;
		const char *colon = strchr(suite, ':');
		pt__buf_addf(&text, "%s%s", text.len ? " " : "", colon ? colon + 1 : suite);
	}
	return text.len ? pt__buf_detach(&text) : NULL;
}

static void read_entry(struct pt__meson *meson, const json_t *test)
{
	const char *name = json_string_value(json_object_get(test, "name"));
	const char *protocol = json_string_value(json_object_get(test, "protocol"));
	const json_t *workdir = json_object_get(test, "workdir");
	double timeout = json_number_value(json_object_get(test, "timeout"));

	if (!name)
		return;
	PT__GROW(meson->entries, meson->nr + 1, meson->alloc);
	struct pt__meson_entry *entry = &meson->entries[meson->nr++];
	memset(entry, 0, sizeof(*entry));
	entry->name = pt__xstrdup(name);
	entry->word = pt__xstrdup(name);
	for (char *space = entry->word; (space = strpbrk(space, " \t\n"));)
		*space = '_';
	entry->command = string_list(json_object_get(test, "cmd"));
	entry->environment = environment(json_object_get(test, "env"));
	entry->workdir = json_is_string(workdir) ? pt__xstrdup(json_string_value(workdir)) : NULL;
	entry->timeout_ms = timeout > 0 ? (int)(timeout * 1000) : 0;
	entry->is_parallel = !json_is_false(json_object_get(test, "is_parallel"));
	entry->priority = (int)json_integer_value(json_object_get(test, "priority"));
	entry->protocol = !protocol || !strcmp(protocol, "exitcode") ? PT__MESON_EXITCODE
			  : !strcmp(protocol, "gtest")		     ? PT__MESON_GTEST
			  : !strcmp(protocol, "tap")		     ? PT__MESON_TAP
								     : PT__MESON_EXITCODE;
	entry->suites = suites(json_object_get(test, "suite"));
}

/* meson's own record of the tests, which has should_fail. */
#define TEST_SETUP "meson-private/meson_test_setup.dat"

int pt__meson_read_should_fail(struct pt__meson *meson, struct pt__buf *err)
{
	static const char script[] =
		"import json, pickle\n"
		"with open('" TEST_SETUP "', 'rb') as f:\n"
		"    print(json.dumps([[t.name, t.should_fail] for t in pickle.load(f)]))\n";
	char *argv[] = {"meson", "runpython", "-c", (char *)script, NULL};
	struct pt__buf out = PT__BUF_INIT, why = PT__BUF_INIT;
	json_t *root = NULL;
	int rc = 0;

	if (pt__command_output(argv, meson->build_dir, &out, &why))
		rc = PT__EUSAGE;
	else if (!(root = json_loads(pt__buf_str(&out), 0, NULL)) ||
		 json_array_size(root) != meson->nr)
		rc = PT__EUSAGE;
	for (size_t i = 0; !rc && i < meson->nr; i++) {
		json_t *test = json_array_get(root, i);
		const char *name = json_string_value(json_array_get(test, 0));
		if (!name || strcmp(name, meson->entries[i].name))
			rc = PT__EUSAGE;
		else
			meson->entries[i].should_fail = json_is_true(json_array_get(test, 1));
	}
	if (rc && !why.len)
		pt__buf_adds(&why, TEST_SETUP " and meson-info/intro-tests.json do not list the "
					      "same tests (reconfigure it)");
	if (rc)
		pt__buf_addf(err, "cannot read which tests of meson build \"%s\" should fail: %s",
			     meson->build_dir, why.data);
	json_decref(root);
	pt__buf_release(&out);
	pt__buf_release(&why);
	return rc;
}

int pt__meson_read(struct pt__meson *meson, const char *build_dir, struct pt__buf *err)
{
	struct pt__buf out = PT__BUF_INIT, why = PT__BUF_INIT;
	char absolute[PATH_MAX];
	json_error_t error;
	json_t *root = NULL;
	int rc = 0;

	memset(meson, 0, sizeof(*meson));
	if (!realpath(build_dir, absolute)) {
		pt__buf_adds(&why, "no such directory");
		rc = PT__EUSAGE;
	} else {
		/* What `meson introspect --tests` prints, without starting Python. */
		pt__buf_addf(&out, "%s/meson-info/intro-tests.json", absolute);
		if (access(out.data, F_OK)) {
			pt__buf_adds(&why, "no meson-info/intro-tests.json in it (not configured "
					   "by meson setup?)");
			rc = PT__EUSAGE;
		} else if (!(root = json_load_file(out.data, 0, &error)) || !json_is_array(root)) {
			pt__buf_addf(&why, "meson-info/intro-tests.json: %s",
				     root ? "not a list of tests" : error.text);
			rc = PT__EUSAGE;
		}
	}
	if (!rc) {
		meson->build_dir = pt__xstrdup(absolute);
		for (size_t i = 0; i < json_array_size(root); i++)
			read_entry(meson, json_array_get(root, i));
	}
	if (rc) {
		pt__meson_release(meson);
		pt__buf_addf(err, "cannot read the tests of meson build \"%s\": %s", build_dir,
			     why.data);
	}
	json_decref(root);
	pt__buf_release(&out);
	pt__buf_release(&why);
	return rc;
}

const struct pt__meson_entry *pt__meson_find(const struct pt__meson *meson, const char *word)
{
	for (size_t i = 0; i < meson->nr; i++)
		if (!strcmp(meson->entries[i].word, word))
			return &meson->entries[i];
	return NULL;
}

static void free_list(char **list)
{
	for (char **item = list; item && *item; item++)
		free(*item);
	free(list);
}

void pt__meson_release(struct pt__meson *meson)
{
	for (size_t i = 0; i < meson->nr; i++) {
		struct pt__meson_entry *entry = &meson->entries[i];
		free(entry->name);
		free(entry->word);
		free(entry->workdir);
		free(entry->suites);
		free_list(entry->command);
		free_list(entry->environment);
	}
	free(meson->entries);
	free(meson->build_dir);
	memset(meson, 0, sizeof(*meson));
}
