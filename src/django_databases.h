/*
 * A Django project's test databases without --db: partest asks the Python
 * adapter for the project's DATABASES (each alias's test database as a
 * partest URL) and builds each template with the project's migrations.
 */
#ifndef PT_DJANGO_DATABASES_H
#define PT_DJANGO_DATABASES_H

#include <stddef.h>

#include "buf.h"
#include "options.h"

/* The strings added to a run's options, owned here. */
struct pt__django_databases {
	char **owned;
	size_t nr, alloc;
};

/*
 * When the first Python program among options->programs is a Django
 * manage.py: runs the adapter to describe its databases and adds to
 * options a --db for each alias not given on the command line, a
 * --db-setup that migrates them (unless one is given) and the migration
 * files as --db-inputs (unless some are given), so that --keepdb rebuilds
 * a template when they change. Does nothing under --list and --explain.
 * Returns 0, or PT__EUSAGE (the adapter failed: its reason is on stderr,
 * and one line in err) or PT__ERUN (it could not be started).
 */
int pt__django_databases_add(struct pt__options *options, struct pt__django_databases *dbs,
			     struct pt__buf *err);

void pt__django_databases_release(struct pt__django_databases *dbs);

#endif
