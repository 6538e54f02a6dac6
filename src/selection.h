/*
 * Which of the listed tests this run runs, after --filter: --skip, --tag,
 * --exclude-tag, --rerun-failed, then --partition's shard of what is left.
 */
#ifndef PT_SELECTION_H
#define PT_SELECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "last_failed.h"
#include "options.h"
#include "partition.h"
#include "testlist.h"
#include "timings.h"

struct pt__selection {
	const struct pt__options *options;
	bool partitioned;
	struct pt__partition partition;
	struct pt__buf partition_text; /* "hash:2/4", what options->partition becomes */
	struct pt__id_set failed;      /* the tests that failed last time */
	bool failed_known;	       /* whether the state dir has that record */
	struct pt__timings durations;  /* from --durations-from, for time: */
	bool durations_from_file;
	size_t selected; /* tests selected, before the shard was taken */
	size_t groups;	 /* groups in this shard */
	char **order;	 /* --order and --order-file's ids, in their order */
	size_t nr_order, alloc_order;
	size_t *order_tests;   /* after apply, under --order: their indexes in the list */
	size_t nr_order_tests; /* fewer than nr_order when --partition left some out */
};

/*
 * Reads what the options' selection needs: the tests --order and
 * --order-file name (each must be listed, once), the test --debug, --bisect
 * or --pair names (it must be listed), the failed tests' record in the
 * state dir, the shard (--partition auto from the CI's variables, touching
 * Bazel's status file), and the durations of --durations-from, matched to
 * list's tests. Appends to notes one line per thing worth saying (which CI
 * gave the shard). Returns 0, or PT__EUSAGE / PT__ERUN with one line in
 * err; release the selection either way.
 */
int pt__selection_init(struct pt__selection *selection, const struct pt__options *options,
		       const struct pt__test_list *list, struct pt__buf *notes,
		       struct pt__buf *err);

/*
 * Drops from list every test the selection leaves out; under --order (not
 * for --bisect, which takes it as the tests to search) and --debug, all but
 * the tests they name. timings (the state
 * dir's, or NULL) weigh time: when --durations-from was not given.
 */
void pt__selection_apply(struct pt__selection *selection, struct pt__test_list *list,
			 const struct pt__timings *timings);

void pt__selection_release(struct pt__selection *selection);

/* Whether tags (space-separated, or NULL) holds tag. */
bool pt__selection_has_tag(const char *tags, const char *tag);

#endif
