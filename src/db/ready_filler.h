/*
 * The filler a --keepdb run leaves behind: `partest db fill` started
 * detached (a session of its own, nobody's child), so that the pool of
 * ready clones (db.h) is refilled while the run has already ended.
 * Errors follow src/error.h.
 */
#ifndef PT_DB_READY_FILLER_H
#define PT_DB_READY_FILLER_H

#include <stddef.h>

#include "../buf.h"

/* What the filler is given: the run's own database options. */
struct pt__db_filler {
	const char *state_dir;
	const char *const *dbs; /* --db specs, as the run had them */
	size_t nr_dbs;
	const char *setup_cmd;
	const char *const *inputs; /* --db-inputs, NULL-terminated */
	int pool;		   /* how many ready clones each template keeps */
};

/*
 * Starts `partest db fill` with filler's options (and no config file, since
 * they are all given), its output in STATE/ready/fill.log; nothing when the
 * state directory cannot be used. Returns 0, or PT__ERUN with the reason in
 * err.
 */
int pt__db_start_filler(const struct pt__db_filler *filler, struct pt__buf *err);

#endif
