#include "meson_discover.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "discover.h"
#include "error.h"
#include "gtest.h"
#include "meson.h"
#include "native.h"
#include "xalloc.h"

static bool matches(const char *const *filters, const char *id)
{
	if (!filters || !*filters)
		return true;
	for (; *filters; filters++)
		if (!fnmatch(*filters, id, 0))
			return true;
	return false;
}

/* What adding a GoogleTest binary's tests needs to know. */
struct gtest_tests {
	struct pt__test_list *list;
	size_t program;
	const struct pt__meson_entry *entry;
	const char *const *filters;
};

static void set_attributes(struct pt__test_list *list, size_t index,
			   const struct pt__meson_entry *entry)
{
	pt__test_list_set_attributes(list, index,
				     &(struct pt__test_attributes){
					     .tags = entry->suites,
					     .exclusive = !entry->is_parallel,
				     });
}

static void add_gtest_test(void *ctx, const char *suite, const char *name)
{
	struct gtest_tests *tests = ctx;
	size_t before = tests->list->nr_tests;
	size_t index = pt__test_list_add_test(tests->list, tests->program, suite, name, 0);

	if (!matches(tests->filters, tests->list->tests[index].id)) {
		free(tests->list->tests[index].suite);
		free(tests->list->tests[index].name);
		free(tests->list->tests[index].id);
		tests->list->nr_tests = before;
		return;
	}
	set_attributes(tests->list, index, tests->entry);
}

/* A test of the gtest protocol that is a GoogleTest binary alone: its tests, batched. */
static int add_gtest(struct pt__test_list *list, const char *build_name, const char *build_dir,
		     const struct pt__meson_entry *entry, const char *const *filters,
		     struct pt__buf *err)
{
	const char *binary = entry->command[0];
	const char *workdir = entry->workdir ? entry->workdir : build_dir;
	struct pt__buf name = PT__BUF_INIT, why = PT__BUF_INIT;
	size_t len = strlen(build_dir);

	if (!strncmp(binary, build_dir, len) && binary[len] == '/')
		pt__buf_addf(&name, "%s/%s", build_name, binary + len + 1);
	else
		pt__buf_adds(&name, binary);
	struct gtest_tests tests = {
		list, pt__test_list_add_program(list, binary, name.data, PT__PROGRAM_NATIVE), entry,
		filters};
	pt__adapter_attach(&list->programs[tests.program], "gtest", workdir);
	int rc = pt__gtest_list(binary, workdir, add_gtest_test, &tests, &why);
	if (rc)
		pt__buf_addf(err, "cannot list the tests of \"%s\": %s", binary, why.data);
	pt__buf_release(&name);
	pt__buf_release(&why);
	return rc;
}

static bool batched(const struct pt__meson_entry *entry)
{
	return entry->protocol == PT__MESON_GTEST && entry->command[0] && !entry->command[1] &&
	       !*entry->environment && pt__program_speech(entry->command[0]) == PT__SPEAKS_GTEST;
}

/* Entries by priority, highest first, else in meson's order. */
static int by_priority(const void *a, const void *b)
{
	const struct pt__meson_entry *const *x = a, *const *y = b;

	if ((*x)->priority != (*y)->priority)
		return (*x)->priority > (*y)->priority ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

int pt__meson_discover(struct pt__test_list *list, const char *build_dir,
		       const char *const *filters, struct pt__buf *err)
{
	struct pt__meson meson;
	struct pt__buf id = PT__BUF_INIT, name = PT__BUF_INIT;
	size_t build_program = (size_t)-1;
	int rc = pt__meson_read(&meson, build_dir, err);

	if (rc)
		return rc;
	pt__buf_adds(&name, pt__program_name(build_dir));
	while (name.len > 1 && name.data[name.len - 1] == '/')
		name.data[--name.len] = '\0';
	if (!strcmp(name.data, ".")) {
		pt__buf_reset(&name);
		pt__buf_adds(&name, strrchr(meson.build_dir, '/') + 1);
	}
	const struct pt__meson_entry **order = pt__xcalloc(meson.nr + 1, sizeof(*order));
	for (size_t i = 0; i < meson.nr; i++)
		order[i] = &meson.entries[i];
	qsort(order, meson.nr, sizeof(*order), by_priority);
	for (size_t i = 0; i < meson.nr && !rc; i++) {
		const struct pt__meson_entry *entry = order[i];
		if (batched(entry)) {
			rc = add_gtest(list, name.data, meson.build_dir, entry, filters, err);
			continue;
		}
		pt__buf_reset(&id);
		pt__buf_addf(&id, "%s::%s::%s", name.data, entry->word, entry->word);
		if (!matches(filters, id.data))
			continue;
		if (build_program == (size_t)-1) {
			build_program = pt__test_list_add_program(list, meson.build_dir, name.data,
								  PT__PROGRAM_NATIVE);
			pt__adapter_attach(&list->programs[build_program], "meson", NULL);
		}
		size_t index = pt__test_list_add_test(list, build_program, entry->word, entry->word,
						      entry->timeout_ms);
		set_attributes(list, index, entry);
	}
	free(order);
	pt__buf_release(&id);
	pt__buf_release(&name);
	pt__meson_release(&meson);
	return rc;
}
