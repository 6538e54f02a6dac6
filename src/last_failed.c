#include "last_failed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "state_dir.h"
#include "xalloc.h"

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool pt__id_set_has(const struct pt__id_set *set, const char *id)
{
	return set->nr && bsearch(&id, set->ids, set->nr, sizeof(*set->ids), compare_ids);
}

void pt__id_set_release(struct pt__id_set *set)
{
	for (size_t i = 0; i < set->nr; i++)
		free(set->ids[i]);
	free(set->ids);
	memset(set, 0, sizeof(*set));
}

static void add_id(struct pt__id_set *set, const char *id)
{
	PT__GROW(set->ids, set->nr + 1, set->alloc);
	set->ids[set->nr++] = pt__xstrdup(id);
}

/* Sorts set and drops repeated ids. */
static void settle(struct pt__id_set *set)
{
	size_t kept = 0;

	if (set->nr)
		qsort(set->ids, set->nr, sizeof(*set->ids), compare_ids);
	for (size_t i = 0; i < set->nr; i++) {
		if (kept && !strcmp(set->ids[kept - 1], set->ids[i]))
			free(set->ids[i]);
		else
			set->ids[kept++] = set->ids[i];
	}
	set->nr = kept;
}

int pt__last_failed_load(struct pt__id_set *set, const char *state_dir, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(set, 0, sizeof(*set));
	pt__buf_addf(&path, "%s/failed", state_dir);
	int fd = pt__open_nofollow(path.data);
	FILE *file = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!file) {
		int why = errno;
		if (fd >= 0)
			close(fd);
		if (why != ENOENT)
			pt__buf_addf(err, "cannot read the failed tests \"%s\": %s", path.data,
				     strerror(why));
		pt__buf_release(&path);
		return why == ENOENT ? 0 : PT__ERUN;
	}
	pt__buf_release(&path);
	while ((len = getline(&line, &cap, file)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len)
			add_id(set, line);
	}
	free(line);
	fclose(file);
	settle(set);
	return 1;
}

int pt__last_failed_save(const struct pt__id_set *set, const char *state_dir,
			 const struct pt__test_list *list, struct pt__buf *err)
{
	struct pt__id_set ran = {0}, next = {0};
	struct pt__buf path = PT__BUF_INIT, contents = PT__BUF_INIT;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		if (test->result.status != PT__NOT_RUN)
			add_id(&ran, test->id);
		if (pt__status_failed(test->result.status))
			add_id(&next, test->id);
	}
	settle(&ran);
	for (size_t i = 0; i < set->nr; i++)
		if (!pt__id_set_has(&ran, set->ids[i]))
			add_id(&next, set->ids[i]);
	settle(&next);

	for (size_t i = 0; i < next.nr; i++)
		pt__buf_addf(&contents, "%s\n", next.ids[i]);
	pt__buf_addf(&path, "%s/failed", state_dir);
	int rc = pt__write_file_atomic(path.data, pt__buf_str(&contents), contents.len, err);
	pt__buf_release(&path);
	pt__buf_release(&contents);
	pt__id_set_release(&ran);
	pt__id_set_release(&next);
	return rc;
}
