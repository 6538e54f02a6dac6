#include "ctest_discover.h"

#include <stdlib.h>
#include <string.h>

#include "build_walk.h"
#include "ctest.h"
#include "discover.h"
#include "native.h"
#include "xalloc.h"

static bool has(char **list, const char *item)
{
	for (; *list; list++)
		if (!strcmp(*list, item))
			return true;
	return false;
}

static bool shares_fixture(const struct pt__ctest_entry *a, const struct pt__ctest_entry *b)
{
	char **lists[] = {a->fixtures_setup, a->fixtures_cleanup, a->fixtures_required};

	for (size_t l = 0; l < 3; l++)
		for (char **f = lists[l]; *f; f++)
			if (has(b->fixtures_setup, *f) || has(b->fixtures_cleanup, *f) ||
			    has(b->fixtures_required, *f))
				return true;
	return false;
}

static bool in_fixture(const struct pt__ctest_entry *entry)
{
	return *entry->fixtures_setup || *entry->fixtures_cleanup || *entry->fixtures_required;
}

static size_t root_of(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/*
 * An entry of gtest_discover_tests that partest can batch: a GoogleTest
 * binary with one plain --gtest_filter and nothing that needs the entry
 * run on its own. Sets suite and name (in filter, which it cuts).
 */
static bool gtest_entry(const struct pt__ctest_entry *entry, struct pt__buf *test)
{
	const char *filter = NULL;

	if (!entry->command[0] || entry->will_fail || entry->has_skip_code ||
	    entry->other_properties || *entry->environment || *entry->pass_regex ||
	    *entry->fail_regex || in_fixture(entry))
		return false;
	for (char **arg = entry->command + 1; *arg; arg++) {
		if (!strncmp(*arg, "--gtest_filter=", 15) && !filter)
			filter = *arg + 15;
		else if (strncmp(*arg, "--gtest_", 8))
			return false;
	}
	if (!filter || strpbrk(filter, "*?:-") || !strchr(filter, '.') || *filter == '.' ||
	    pt__program_speech(entry->command[0]) != PT__SPEAKS_GTEST)
		return false;
	pt__buf_reset(test);
	pt__buf_adds(test, filter);
	return true;
}

static void add(struct pt__test_list *list, size_t program, const char *suite, const char *name,
		const struct pt__ctest_entry *entry)
{
	size_t index = pt__test_list_add_test(list, program, suite, name, entry->timeout_ms);

	pt__test_list_set_attributes(
		list, index,
		&(struct pt__test_attributes){
			.tags = entry->labels,
			.locks = entry->locks,
			.exclusive = entry->run_serial,
			.weight = entry->processors,
			.pinned = *entry->fixtures_setup || *entry->fixtures_cleanup,
		});
}

/* Where entries go: a test of a GoogleTest binary, or of the build, in a group. */
struct placement {
	struct pt__buf suite, name;
	bool gtest;
	bool selected;
};

static void place(struct placement *placed, const struct pt__ctest *ctest, size_t *parent, size_t i)
{
	const struct pt__ctest_entry *entry = &ctest->entries[i];
	struct pt__buf test = PT__BUF_INIT;

	if (gtest_entry(entry, &test)) {
		char *dot = strchr(test.data, '.');
		placed->gtest = true;
		pt__buf_add(&placed->suite, test.data, (size_t)(dot - test.data));
		pt__buf_adds(&placed->name, dot + 1);
	} else if (in_fixture(entry)) {
		/* A group of the fixtures it shares, named after its first. */
		const struct pt__ctest_entry *root = &ctest->entries[root_of(parent, i)];
		const char *first = *root->fixtures_setup     ? *root->fixtures_setup
				    : *root->fixtures_cleanup ? *root->fixtures_cleanup
							      : *root->fixtures_required;
		pt__buf_addf(&placed->suite, "fixture-%s", first);
		pt__buf_adds(&placed->name, entry->name);
	} else {
		pt__buf_adds(&placed->suite, entry->name);
		pt__buf_adds(&placed->name, entry->name);
	}
	pt__buf_release(&test);
}

/* The fixtures that selected tests require pull in their set-ups and clean-ups. */
static void pull_fixtures(const struct pt__ctest *ctest, struct placement *placed)
{
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t i = 0; i < ctest->nr; i++) {
			if (!placed[i].selected)
				continue;
			for (char **f = ctest->entries[i].fixtures_required; *f; f++)
				for (size_t k = 0; k < ctest->nr; k++)
					if (!placed[k].selected &&
					    (has(ctest->entries[k].fixtures_setup, *f) ||
					     has(ctest->entries[k].fixtures_cleanup, *f)))
						changed = placed[k].selected = true;
		}
	}
}

/* A fixture test's place in its group: set-ups, users, clean-ups. */
static int role(const struct pt__ctest_entry *entry)
{
	return *entry->fixtures_setup ? 0 : *entry->fixtures_cleanup ? 2 : 1;
}

int pt__ctest_discover(struct pt__test_list *list, const char *build_dir,
		       const char *const *filters, struct pt__buf *err)
{
	struct pt__ctest ctest;
	struct pt__build_walk walk;
	struct pt__buf id = PT__BUF_INIT;
	int rc = pt__ctest_read(&ctest, build_dir, err);

	if (rc)
		return rc;
	pt__build_walk_init(&walk, list, filters, build_dir, ctest.build_dir, "ctest");
	size_t *parent = pt__xcalloc(ctest.nr + 1, sizeof(*parent));
	struct placement *placed = pt__xcalloc(ctest.nr + 1, sizeof(*placed));
	for (size_t i = 0; i < ctest.nr; i++) {
		parent[i] = i;
		for (size_t k = 0; k < i && in_fixture(&ctest.entries[i]); k++)
			if (shares_fixture(&ctest.entries[i], &ctest.entries[k]))
				parent[root_of(parent, i)] = root_of(parent, k);
	}
	for (size_t i = 0; i < ctest.nr; i++) {
		place(&placed[i], &ctest, parent, i);
		pt__buf_reset(&id);
		pt__buf_addf(&id, "%s::%s::%s", walk.name.data, placed[i].suite.data,
			     placed[i].name.data);
		placed[i].selected = placed[i].gtest || pt__build_walk_selects(&walk, id.data);
	}
	pull_fixtures(&ctest, placed);
	/* Plain tests first, then each fixture group in its order. */
	for (int pass = -1; pass < 3; pass++) {
		for (size_t i = 0; i < ctest.nr; i++) {
			const struct pt__ctest_entry *entry = &ctest.entries[i];
			if (!placed[i].selected ||
			    (pass < 0 ? in_fixture(entry)
				      : !in_fixture(entry) || role(entry) != pass))
				continue;
			if (placed[i].gtest) {
				size_t program = pt__build_walk_gtest_program(
					&walk, entry->command[0],
					entry->workdir ? entry->workdir : ctest.build_dir);
				pt__buf_reset(&id);
				pt__buf_addf(&id, "%s::%s::%s", list->programs[program].name,
					     placed[i].suite.data, placed[i].name.data);
				if (pt__build_walk_selects(&walk, id.data))
					add(list, program, placed[i].suite.data,
					    placed[i].name.data, entry);
				continue;
			}
			add(list, pt__build_walk_program(&walk), placed[i].suite.data,
			    placed[i].name.data, entry);
		}
	}
	for (size_t i = 0; i < ctest.nr; i++) {
		pt__buf_release(&placed[i].suite);
		pt__buf_release(&placed[i].name);
	}
	free(placed);
	free(parent);
	pt__buf_release(&id);
	pt__build_walk_release(&walk);
	pt__ctest_release(&ctest);
	return 0;
}
