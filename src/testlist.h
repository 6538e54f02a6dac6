/*
 * The tests of a run and their results: what discovery produces, what the
 * pool fills in and what every report reads.
 */
#ifndef PT_TESTLIST_H
#define PT_TESTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tap.h"
#include "native.h"

enum pt__program_kind {
	PT__PROGRAM_NATIVE, /* speaks the worker protocol (built with partest.h, or a script) */
	PT__PROGRAM_EXEC,   /* anything else: one test, judged by exit status or TAP */
};

/* How a program's workers come to life (src/start_method.c chooses). */
enum pt__start_method {
	PT__START_SPAWN,   /* a fresh process per worker, which runs the init phase */
	PT__START_FORK,	   /* forked from a server that ran the global set-up once */
	PT__START_ISOLATE, /* a fresh process per test (forked, or exec'd) */
};

struct pt__program {
	char *path; /* what is executed */
	char *name; /* as the user wrote it; the first part of each test id */
	enum pt__program_kind kind;
	bool forkable; /* built with partest.h: can be its own fork server */
	enum pt__start_method start;
	const char *start_reason; /* why, for --explain: a static string */
	char *const *args;	  /* arguments after its path, NULL-terminated; NULL for none: */
				  /* an EXEC's (partest ... :: ARGS, not owned), or a Python */
				  /* project's (the adapter, its mode, the script, its operands) */
	char **owned_args;	  /* args, when the list owns them (a Python project's) */
	enum pt__program_speech speech; /* what it speaks, as src/native.c tells */
	/* Started as argv (argv[0] is what is executed) instead of path and args:
	 * partest's adapter for a framework's binary or a build's tests, path
	 * then naming what it drives; NULL otherwise. */
	char **argv;
	const char *adapter; /* the adapter's kind ("gtest", "ctest"...); NULL: none */
};

enum pt__status {
	PT__NOT_RUN, /* never started: failfast, interruption, a lost worker */
	PT__PASS,
	PT__FAIL,
	PT__SKIP,
	PT__CRASH, /* killed by a signal, exit() mid-test, protocol closed */
	PT__TIMEOUT,
	PT__LEAK,  /* passed its own checks but left a process running */
	PT__FLAKY, /* passed on a retry after failed attempts */
	PT__ERROR, /* a hard error: an executable exited 99 (automake's convention) */
};

#define PT__NR_STATUSES (PT__ERROR + 1)

/* A failed attempt of a test that was then run again. */
struct pt__attempt {
	enum pt__status status;
	int worker;
	int64_t duration_us;
	struct pt__buf message, out, err;
};

struct pt__result {
	enum pt__status status;
	int worker; /* 1..N; 0 if never run */
	int64_t duration_us;
	struct pt__buf message; /* why it failed, crashed or was skipped */
	struct pt__buf out;	/* captured stdout */
	struct pt__buf err;	/* captured stderr */
	uint64_t written;	/* bytes it wrote to both, kept or not */
	/* An executable's TAP test points (none if its output was not TAP) and
	 * whether it bailed out: for the summary's counts, and for reports that
	 * show each point as a test case. */
	struct pt__tap_stream tap;
	/* The failed attempts before the one above, oldest first: the one
	 * above is attempt nr_retried + 1. */
	struct pt__attempt *retried;
	size_t nr_retried;
};

/* What a program's listing said about a test beyond its name (test-info). */
struct pt__test_attributes {
	char *file;	/* where it is defined; NULL: unknown */
	int line;	/* 0: unknown */
	char *tags;	/* space-separated; NULL: none */
	char *locks;	/* space-separated lock names; NULL: none */
	bool exclusive; /* nothing else runs beside it */
	int weight;	/* -j slots it takes while it runs, at least 1 */
	int retries;	/* its own retries; 0: the run's --retries; -1: none */
	bool pinned;	/* keeps its place in its group whatever the order (a ctest
			 * fixture's set-up or clean-up) */
};

struct pt__test {
	size_t program; /* index into pt__test_list.programs */
	char *suite;	/* NULL for an EXEC program */
	char *name;	/* NULL for an EXEC program */
	char *id;	/* "program::suite::name", or the program's name */
	int timeout_ms; /* from .timeout; 0 means the run's --timeout */
	struct pt__test_attributes attributes;
	struct pt__result result;
	size_t repeat; /* under --repeat or --until-fail: its round, from 1; 0: not repeated */
};

struct pt__test_list {
	struct pt__program *programs;
	size_t nr_programs, alloc_programs;
	struct pt__test *tests;
	size_t nr_tests, alloc_tests;
};

#define PT__TEST_LIST_INIT                                                                         \
	{                                                                                          \
		NULL, 0, 0, NULL, 0, 0                                                             \
	}

size_t pt__test_list_add_program(struct pt__test_list *list, const char *path, const char *name,
				 enum pt__program_kind kind);
/* suite and name NULL for an EXEC program. Returns the new test's index. */
size_t pt__test_list_add_test(struct pt__test_list *list, size_t program, const char *suite,
			      const char *name, int timeout_ms);
/* Replaces test index's attributes with copies of file, tags and locks and the rest of what. */
void pt__test_list_set_attributes(struct pt__test_list *list, size_t index,
				  const struct pt__test_attributes *what);
/* Drops every test i for which keep[i] is false; the rest keep their order. */
void pt__test_list_keep(struct pt__test_list *list, const bool *keep);
void pt__test_list_release(struct pt__test_list *list);

/* {path, args..., NULL} for a program and its args (or NULL); the caller frees the array. */
char **pt__program_argv(const char *path, char *const *args);

/* "passed", "FAILED", ...: the word reports use for a status. */
const char *pt__status_word(enum pt__status status);
/* True for every outcome that makes the run fail (FLAKY aside: see pt__tally). */
bool pt__status_failed(enum pt__status status);

/*
 * Moves test index's result into its failed attempts and clears it for
 * the next attempt.
 */
void pt__test_list_retry(struct pt__test_list *list, size_t index);

/* Counts per status, for summaries. */
struct pt__tally {
	size_t by_status[PT__NR_STATUSES];
	size_t failed; /* FAIL + CRASH + TIMEOUT + LEAK + ERROR */
};
void pt__tally(const struct pt__test_list *list, struct pt__tally *tally);

#endif
