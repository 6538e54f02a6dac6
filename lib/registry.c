#include "registry.h"

#include <stdlib.h>
#include <string.h>

#include "../src/buf.h"
#include "../src/xalloc.h"

#if defined(__ELF__)
extern const struct pt__registration *const __start_pt_registry[] __attribute__((weak));
extern const struct pt__registration *const __stop_pt_registry[] __attribute__((weak));

static void each_registration(void (*fn)(const struct pt__registration *, void *), void *data)
{
	if (!__start_pt_registry)
		return;
	for (const struct pt__registration *const *p = __start_pt_registry; p < __stop_pt_registry;
	     p++)
		fn(*p, data);
}
#else
static const struct pt__registration **registered;
static size_t nr_registered, alloc_registered;

void pt__register(const struct pt__registration *registration)
{
	PT__GROW(registered, nr_registered + 1, alloc_registered);
	registered[nr_registered++] = registration;
}

static void each_registration(void (*fn)(const struct pt__registration *, void *), void *data)
{
	for (size_t i = 0; i < nr_registered; i++)
		fn(registered[i], data);
}
#endif

static int compare_names(const char *suite_a, const char *name_a, const char *suite_b,
			 const char *name_b)
{
	int c = strcmp(suite_a, suite_b);

	return c ? c : strcmp(name_a, name_b);
}

/*
 * Definition order: compilers may emit a file's registrations in any order,
 * so order by source file, then line.
 */
static int compare_definitions(const void *a, const void *b)
{
	const struct pt__registration *x = *(const struct pt__registration *const *)a;
	const struct pt__registration *y = *(const struct pt__registration *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int compare_tests(const void *a, const void *b)
{
	const struct pt__registration *x = *(const struct pt__registration *const *)a;
	const struct pt__registration *y = *(const struct pt__registration *const *)b;

	return compare_names(x->suite, x->name, y->suite, y->name);
}

struct collect {
	struct pt__registry *registry;
	size_t alloc_tests, alloc_fixtures;
};

static void collect_one(const struct pt__registration *registration, void *data)
{
	struct collect *collect = data;
	struct pt__registry *registry = collect->registry;

	if (registration->kind == PT__KIND_TEST) {
		PT__GROW(registry->tests, registry->nr_tests + 1, collect->alloc_tests);
		registry->tests[registry->nr_tests++] = registration;
	} else {
		PT__GROW(registry->fixtures, registry->nr_fixtures + 1, collect->alloc_fixtures);
		registry->fixtures[registry->nr_fixtures++] = registration;
	}
}

int pt__registry_load(struct pt__registry *registry, struct pt__buf *err)
{
	struct collect collect = {registry, 0, 0};

	memset(registry, 0, sizeof(*registry));
	each_registration(collect_one, &collect);
	if (registry->nr_tests)
		qsort(registry->tests, registry->nr_tests, sizeof(*registry->tests),
		      compare_definitions);
	registry->by_name = pt__xcalloc(registry->nr_tests + 1, sizeof(*registry->by_name));
	if (registry->nr_tests)
		memcpy(registry->by_name, registry->tests,
		       registry->nr_tests * sizeof(*registry->tests));
	qsort(registry->by_name, registry->nr_tests, sizeof(*registry->by_name), compare_tests);
	for (size_t i = 1; i < registry->nr_tests; i++) {
		const struct pt__registration *a = registry->by_name[i - 1];
		const struct pt__registration *b = registry->by_name[i];
		if (!compare_tests(&a, &b)) {
			pt__buf_addf(err, "test %s::%s is defined twice (%s:%d and %s:%d)",
				     a->suite, a->name, a->file, a->line, b->file, b->line);
			pt__registry_release(registry);
			return -1;
		}
	}
	return 0;
}

void pt__registry_release(struct pt__registry *registry)
{
	free(registry->tests);
	free(registry->by_name);
	free(registry->fixtures);
	memset(registry, 0, sizeof(*registry));
}

const struct pt__registration *pt__registry_test(const struct pt__registry *registry,
						 const char *suite, const char *name)
{
	size_t low = 0, high = registry->nr_tests;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		const struct pt__registration *test = registry->by_name[mid];
		int c = compare_names(suite, name, test->suite, test->name);
		if (!c)
			return test;
		if (c < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return NULL;
}

const struct pt__registration *pt__registry_fixture(const struct pt__registry *registry,
						    enum pt__kind kind, const char *suite)
{
	for (size_t i = 0; i < registry->nr_fixtures; i++) {
		const struct pt__registration *fixture = registry->fixtures[i];
		if (fixture->kind != kind)
			continue;
		if (!suite || !strcmp(fixture->suite, suite))
			return fixture;
	}
	return NULL;
}
