#include "meson_discover.h"

#include <stdlib.h>
#include <string.h>

#include "build_walk.h"
#include "discover.h"
#include "error.h"
#include "gtest.h"
#include "meson.h"
#include "native.h"
#include "xalloc.h"

/* What adding a GoogleTest binary's tests needs to know. */
struct gtest_tests {
	struct pt__build_walk *walk;
	size_t program;
	const struct pt__meson_entry *entry;
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
	struct pt__test_list *list = tests->walk->list;
	size_t before = list->nr_tests;
	size_t index = pt__test_list_add_test(list, tests->program, suite, name, 0);

	if (!pt__build_walk_selects(tests->walk, list->tests[index].id)) {
		free(list->tests[index].suite);
		free(list->tests[index].name);
		free(list->tests[index].id);
		list->nr_tests = before;
		return;
	}
	set_attributes(list, index, tests->entry);
}

/*
 * A test of the gtest protocol that is a GoogleTest binary alone: its tests,
 * batched (listed once, should the build name the binary twice).
 */
static int add_gtest(struct pt__build_walk *walk, const struct pt__meson_entry *entry,
		     struct pt__buf *err)
{
	const char *binary = entry->command[0];
	const char *workdir = entry->workdir ? entry->workdir : walk->build_dir;
	struct pt__buf why = PT__BUF_INIT;
	size_t programs = walk->list->nr_programs;
	struct gtest_tests tests = {walk, pt__build_walk_gtest_program(walk, binary, workdir),
				    entry};

	if (tests.program < programs)
		return 0;
	int rc = pt__gtest_list(binary, workdir, add_gtest_test, &tests, &why);
	if (rc)
		pt__buf_addf(err, "cannot list the tests of \"%s\": %s", binary, why.data);
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
	struct pt__build_walk walk;
	struct pt__buf id = PT__BUF_INIT, should_fail = PT__BUF_INIT;
	int rc = pt__meson_read(&meson, build_dir, err);

	if (!rc && (rc = pt__meson_read_should_fail(&meson, err)))
		pt__meson_release(&meson);
	if (rc)
		return rc;
	pt__build_walk_init(&walk, list, filters, build_dir, meson.build_dir, "meson");
	/* The adapter is told which tests should fail: it has no Python to read it. */
	for (size_t i = 0; i < meson.nr; i++)
		if (meson.entries[i].should_fail)
			pt__buf_addf(&should_fail, "%s%s", should_fail.len ? " " : "",
				     meson.entries[i].word);
	walk.adapter_arg = should_fail.len ? should_fail.data : NULL;
	const struct pt__meson_entry **order = pt__xcalloc(meson.nr + 1, sizeof(*order));
	for (size_t i = 0; i < meson.nr; i++)
		order[i] = &meson.entries[i];
	qsort(order, meson.nr, sizeof(*order), by_priority);
	for (size_t i = 0; i < meson.nr && !rc; i++) {
		const struct pt__meson_entry *entry = order[i];
		if (batched(entry)) {
			rc = add_gtest(&walk, entry, err);
			continue;
		}
		pt__buf_reset(&id);
		pt__buf_addf(&id, "%s::%s::%s", walk.name.data, entry->word, entry->word);
		if (!pt__build_walk_selects(&walk, id.data))
			continue;
		size_t index = pt__test_list_add_test(list, pt__build_walk_program(&walk),
						      entry->word, entry->word, entry->timeout_ms);
		set_attributes(list, index, entry);
	}
	free(order);
	pt__buf_release(&id);
	pt__buf_release(&should_fail);
	pt__build_walk_release(&walk);
	pt__meson_release(&meson);
	return rc;
}
