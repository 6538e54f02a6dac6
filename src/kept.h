/*
 * The evidence --keep-failed keeps of a failed test: its worker's
 * database clones, set aside under kept names, and its TMPDIR, in a
 * directory of the state directory, STATE/kept/<run id>-<serial>/, that no
 * run's reaping touches. That directory also holds "env", mode 0600: the
 * `export` lines that reach the kept databases, passwords and all, which
 * the console shows masked. Kept evidence is the user's until
 * `partest db clean --kept` removes it.
 *
 * Every function follows the error rule of src/error.h.
 */
#ifndef PT_KEPT_H
#define PT_KEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct pt__db;

struct pt__kept_test {
	char *test;   /* the failed test's id */
	char *dir;    /* STATE/kept/<run id>-<serial>, absolute */
	char *tmpdir; /* its TMPDIR, moved to dir/tmp (NULL if it could not be) */
	char **urls;  /* per database of the run, the kept clone's URL (NULL: none) */
	char *rerun;  /* the command that runs the test alone on fresh clones */
};

struct pt__kept {
	const char *state_dir;
	const struct pt__db *dbs; /* the run's databases: their aliases */
	size_t nr_dbs;
	struct pt__kept_test *tests;
	size_t nr, alloc;
};

/* An empty record for a run whose databases are dbs[0..nr_dbs-1]. */
void pt__kept_init(struct pt__kept *kept, const char *state_dir, const struct pt__db *dbs,
		   size_t nr_dbs);

/*
 * Makes the next test's directory, STATE/kept/<run_id>-<serial> (mode
 * 0700), with serial its number in this run (1, 2, ...), and appends an
 * entry for test (urls all NULL) whose fields the caller fills. Returns
 * the entry, or NULL with 'cannot keep ...: why' in err.
 */
struct pt__kept_test *pt__kept_add(struct pt__kept *kept, const char *run_id, const char *test,
				   const char *rerun, struct pt__buf *err);

/*
 * Moves the directory from to the entry's dir/tmp (a copy, then removal,
 * across file systems) and records it.
 */
int pt__kept_move_tmpdir(struct pt__kept_test *entry, const char *from, struct pt__buf *err);

/*
 * Writes the entry's dir/env (mode 0600): the re-run command, unmasked, as
 * a comment, and an `export` line for each kept URL (PARTEST_DB_<ALIAS>_URL,
 * DATABASE_URL for main) and TMPDIR.
 */
int pt__kept_write_env(const struct pt__kept *kept, const struct pt__kept_test *entry,
		       const struct pt__db *main, struct pt__buf *err);

/*
 * Appends what the console says at the end of the run about each kept
 * test: the kept databases' URLs and the `export` lines with passwords
 * masked, where the unmasked lines are, the kept TMPDIR, the re-run
 * command. Nothing when nothing was kept.
 */
void pt__kept_report(const struct pt__kept *kept, const struct pt__db *main,
		     struct pt__buf *out);

/* Frees the record (never what it kept). */
void pt__kept_release(struct pt__kept *kept);

/*
 * The kept directories in state_dir: with remove, removed, one line each
 * in removed. Returns how many there were.
 */
int pt__kept_dirs(const char *state_dir, bool remove, struct pt__buf *removed);

#endif
