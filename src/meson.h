/*
 * A meson build's tests, as `meson introspect --tests` describes them (read
 * from the file it prints, BUILD/meson-info/intro-tests.json, which meson
 * keeps up to date on every reconfiguration): read
 * by the runner to list them (src/meson_discover.c) and by the meson adapter
 * to run them (src/meson_adapter.c). meson does not say there whether a test
 * should_fail: that comes from meson's own test set-up data
 * (BUILD/meson-private/meson_test_setup.dat), which only meson's Python can
 * read; the runner reads it once and hands the adapter the tests that
 * should fail.
 */
#ifndef PT_MESON_H
#define PT_MESON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum pt__meson_protocol {
	PT__MESON_EXITCODE, /* 0 passes, 77 skips, 99 is an error, anything else fails */
	PT__MESON_TAP,	    /* judged by its TAP output and exit status */
	PT__MESON_GTEST,    /* a GoogleTest binary */
};

/* One test() and the fields partest honours. Lists end with NULL. */
struct pt__meson_entry {
	char *name;	    /* as meson names it (it may hold spaces) */
	char *word;	    /* the name as a protocol word: spaces become '_' */
	char **command;	    /* argv */
	char **environment; /* NAME=value */
	char *workdir;	    /* NULL: the build directory */
	int timeout_ms;	    /* 0: none */
	bool is_parallel;
	bool should_fail; /* its failure is a pass, and its pass a failure */
	int priority;
	enum pt__meson_protocol protocol;
	char *suites; /* space-separated, without the "project:" prefix; NULL: none */
};

struct pt__meson {
	char *build_dir; /* absolute */
	struct pt__meson_entry *entries;
	size_t nr, alloc;
};

/*
 * Reads the tests of the meson build in build_dir into meson.
 * Returns 0, or PT__EUSAGE with one line in err ("cannot read the tests of
 * meson build \"build\": why") and meson empty. should_fail is left false.
 */
int pt__meson_read(struct pt__meson *meson, const char *build_dir, struct pt__buf *err);

/*
 * Sets each entry's should_fail from meson's test set-up data, unpickled by
 * meson's own Python (`meson runpython`, the meson on the PATH, about half
 * a second), which lists the tests in intro-tests.json's order. Returns 0,
 * or PT__EUSAGE with one line in err.
 */
int pt__meson_read_should_fail(struct pt__meson *meson, struct pt__buf *err);

/* The entry whose word is word, or NULL. */
const struct pt__meson_entry *pt__meson_find(const struct pt__meson *meson, const char *word);

void pt__meson_release(struct pt__meson *meson);

#endif
