/*
 * The tests and fixtures linked into this program, as PT_TEST and friends
 * registered them.
 */
#ifndef PT_LIB_REGISTRY_H
#define PT_LIB_REGISTRY_H

#include <partest.h>

struct pt__buf;

struct pt__registry {
	/* Tests in definition order: by source file, then line. */
	const struct pt__registration **tests;
	size_t nr_tests;
	/* The same tests sorted by suite and name, for lookups. */
	const struct pt__registration **by_name;
	/* Every fixture. */
	const struct pt__registration **fixtures;
	size_t nr_fixtures;
};

/*
 * Collects the registrations. Returns 0, or -1 with a line in err when two
 * tests share a suite and name.
 */
int pt__registry_load(struct pt__registry *registry, struct pt__buf *err);
void pt__registry_release(struct pt__registry *registry);

const struct pt__registration *pt__registry_test(const struct pt__registry *registry,
						 const char *suite, const char *name);
/* The fixture of this kind for suite (NULL for the global ones), or NULL. */
const struct pt__registration *pt__registry_fixture(const struct pt__registry *registry,
						    enum pt__kind kind, const char *suite);

#endif
