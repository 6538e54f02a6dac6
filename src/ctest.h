/*
 * A CMake build's tests, as `ctest --show-only=json-v1` describes them:
 * read by the runner to list them (src/ctest_discover.c) and by the ctest
 * adapter to run them (src/ctest_adapter.c).
 */
#ifndef PT_CTEST_H
#define PT_CTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* One add_test entry and the properties partest honours. Lists end with NULL. */
struct pt__ctest_entry {
	char *name;
	char **command;	    /* argv; empty for a test without a command */
	char *workdir;	    /* WORKING_DIRECTORY; NULL: the build directory */
	char **environment; /* ENVIRONMENT: NAME=value */
	int timeout_ms;	    /* TIMEOUT; 0: none */
	bool will_fail, disabled, run_serial;
	bool has_skip_code;
	int skip_code; /* SKIP_RETURN_CODE */
	char **pass_regex, **fail_regex, **skip_regex;
	char *labels;	/* LABELS, space-separated; NULL: none */
	char *locks;	/* RESOURCE_LOCK, space-separated; NULL: none */
	int processors; /* PROCESSORS; 0: not given */
	char **fixtures_setup, **fixtures_cleanup, **fixtures_required;
	bool other_properties; /* it has properties beyond the ones above */
};

struct pt__ctest {
	char *build_dir; /* absolute */
	struct pt__ctest_entry *entries;
	size_t nr, alloc;
};

/*
 * Runs ctest --show-only=json-v1 in build_dir and reads its tests into
 * ctest. Returns 0, or PT__EUSAGE with one line in err: "cannot read the
 * tests of CMake build \"build\": why".
 */
int pt__ctest_read(struct pt__ctest *ctest, const char *build_dir, struct pt__buf *err);

/* The entry named name, or NULL. */
const struct pt__ctest_entry *pt__ctest_find(const struct pt__ctest *ctest, const char *name);

void pt__ctest_release(struct pt__ctest *ctest);

#endif
