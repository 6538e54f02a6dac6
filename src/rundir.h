/*
 * A run's private directory under $TMPDIR: worker TMPDIRs, SQLite clones,
 * output files. It names its owner (pid and start time) so that the next run
 * can remove the directories of runs that were killed.
 */
#ifndef PT_RUNDIR_H
#define PT_RUNDIR_H

#include "buf.h"

struct pt__rundir {
	char *path; /* absolute */
	char *id;   /* unique among live runs: its base name */
};

/* Creates the directory, claimed by this process. Returns 0, or PT__ERUN
 * with a line in err. */
int pt__rundir_create(struct pt__rundir *rundir, struct pt__buf *err);

/* Removes the directory and everything in it, and frees rundir. */
void pt__rundir_remove(struct pt__rundir *rundir);

/*
 * Removes run directories whose owner is no longer alive, after killing the
 * processes that run left behind.
 */
void pt__rundir_reap_dead(void);

#endif
