/*
 * Who made a database object: the run, its host, its runner's pid and that
 * process's start time. Every backend records this with what it creates (a
 * comment, a registry row) so that it drops only what partest made, and only
 * once the run that made it is known to be dead.
 */
#ifndef PT_DB_OWNER_H
#define PT_DB_OWNER_H

#include <stdbool.h>

#include "../buf.h"
#include "db.h"

struct pt__db_owner {
	bool clone;		  /* a clone; else a template */
	char run_id[64];	  /* the run that made it */
	char host[256];		  /* the host that run was on, spaces made '_' */
	long pid;		  /* the runner's pid */
	unsigned long long start; /* and its start time (0: unknown) */
	bool kept;		  /* a clone --keep-failed set aside: the user's now */
	bool ready;		  /* a ready clone (db.h): no run's yet */
	char template_tag[17];	  /* a ready clone's: its template (pt__db_owner_of_template) */
	char fingerprint[17];	  /* a ready clone's: its template's fingerprint */
};

/* This process, in the run ctx describes. */
void pt__db_owner_of_this_run(struct pt__db_owner *owner, const struct pt__db_context *ctx,
			      bool clone);

/* "partest clone v1 run=... host=... pid=... start=...": a comment's text
 * ("partest kept v1 ..." for a kept clone, which no reap takes for a clone). */
void pt__db_owner_format(const struct pt__db_owner *owner, struct pt__buf *out);

/* The text for what this process makes in the run ctx describes. */
void pt__db_owner_format_this_run(const struct pt__db_context *ctx, bool clone,
				  struct pt__buf *out);

/* The text for a clone this process keeps under --keep-failed. */
void pt__db_owner_format_kept(const struct pt__db_context *ctx, struct pt__buf *out);

/*
 * The text for a ready clone of template_name (the engine's name of the
 * template: a database name, SQLite's absolute path) that this process
 * makes for fingerprint (pt__db_ready_fingerprint): "partest ready v1
 * template=<16 hex digits> fingerprint=<16 hex digits> run=... host=...
 * pid=... start=...". The owner fields name the filler that made it; no
 * reap takes a ready clone for them.
 */
void pt__db_owner_format_ready(const struct pt__db_context *ctx, const char *template_name,
			       const char *fingerprint, struct pt__buf *out);

/* True when owner is a ready clone's marker of template_name. */
bool pt__db_owner_of_template(const struct pt__db_owner *owner, const char *template_name);

/* Returns 1 and fills out if comment is such a text, else 0. */
int pt__db_owner_parse(const char *comment, struct pt__db_owner *out);

/*
 * True when the run that made the object is known to be dead: it ran on this
 * host, it is not this run, and its runner is gone (or its pid now belongs to
 * another process). Another host's runs cannot be seen from here: false.
 */
bool pt__db_owner_dead(const struct pt__db_owner *owner, const struct pt__db_context *ctx);

/* A hash of this host's name, as markers spell it: what a mark that has no
 * room for the name (a number) carries instead. */
unsigned long long pt__db_owner_host_hash(void);

/* True when the run that made the object ran on this host and its runner
 * still runs (this run included). */
bool pt__db_owner_live(const struct pt__db_owner *owner);

#endif
