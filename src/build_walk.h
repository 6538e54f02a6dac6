/*
 * What `partest --ctest BUILD` and `partest --meson BUILD` share when they
 * turn a build's tests into the test list: the build's name in test ids, the
 * selection by id, the build's own program (driven by the build's adapter,
 * added with its first test) and the programs of the GoogleTest binaries
 * whose tests run in batches.
 */
#ifndef PT_BUILD_WALK_H
#define PT_BUILD_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "testlist.h"

struct pt__build_walk {
	struct pt__test_list *list;
	const char *const *filters; /* fnmatch globs on ids, NULL-terminated; NULL: all */
	const char *build_dir;	    /* absolute */
	const char *adapter;	    /* the build's adapter kind: "ctest", "meson" */
	const char *adapter_arg;    /* its argument after the build; NULL: none */
	struct pt__buf name;	    /* the build as written, in ids: "build" */
	size_t program;		    /* the build's program; (size_t)-1 before its first test */
};

/*
 * Starts a walk of the build written as written (on the command line) and
 * found at build_dir (absolute), whose tests run through adapter (with no
 * argument after the build until adapter_arg is set).
 */
void pt__build_walk_init(struct pt__build_walk *walk, struct pt__test_list *list,
			 const char *const *filters, const char *written, const char *build_dir,
			 const char *adapter);

/* Whether the filters select id. */
bool pt__build_walk_selects(const struct pt__build_walk *walk, const char *id);

/* The build's own program, added the first time. */
size_t pt__build_walk_program(struct pt__build_walk *walk);

/*
 * The program of the GoogleTest binary run in workdir, added the first
 * time, named after the build when it is inside it ("build/unit_tests").
 */
size_t pt__build_walk_gtest_program(struct pt__build_walk *walk, const char *binary,
				    const char *workdir);

void pt__build_walk_release(struct pt__build_walk *walk);

#endif
