#include "timings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "state_dir.h"
#include "xalloc.h"

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct pt__timing *)a)->id, ((const struct pt__timing *)b)->id);
}

static void file_path(struct pt__buf *path, const char *state_dir)
{
	pt__buf_addf(path, "%s/durations", state_dir);
}

void pt__timings_load(struct pt__timings *timings, const char *state_dir)
{
	struct pt__buf path = PT__BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(timings, 0, sizeof(*timings));
	file_path(&path, state_dir);
	int fd = pt__open_nofollow(path.data);
	pt__buf_release(&path);
	FILE *file = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!file) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((len = getline(&line, &cap, file)) > 0) {
		char *tab = strchr(line, '\t');
		char *end;
		if (!tab)
			continue;
		long long us = strtoll(line, &end, 10);
		if (end != tab || us < 0)
			continue;
		line[len - 1] = line[len - 1] == '\n' ? '\0' : line[len - 1];
		PT__GROW(timings->entries, timings->nr + 1, timings->alloc);
		timings->entries[timings->nr].id = pt__xstrdup(tab + 1);
		timings->entries[timings->nr++].duration_us = us;
	}
	free(line);
	fclose(file);
	if (timings->nr)
		qsort(timings->entries, timings->nr, sizeof(*timings->entries), compare_entries);
}

static struct pt__timing *find(const struct pt__timings *timings, const char *id)
{
	struct pt__timing key = {(char *)id, 0};

	if (!timings->nr)
		return NULL;
	return bsearch(&key, timings->entries, timings->nr, sizeof(key), compare_entries);
}

int64_t pt__timings_get(const struct pt__timings *timings, const char *id)
{
	struct pt__timing *entry = find(timings, id);

	return entry ? entry->duration_us : -1;
}

int pt__timings_save(struct pt__timings *timings, const char *state_dir,
		     const struct pt__test_list *list, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	size_t known = timings->nr;

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		enum pt__status status = test->result.status;
		/* A crash or a time-out took its time too: the next run starts it early. */
		if (status == PT__NOT_RUN || status == PT__SKIP)
			continue;
		struct pt__timing *entry = find(timings, test->id);
		if (entry && entry < timings->entries + known) {
			/* Smooth out one-off hiccups: half the old, half the new. */
			entry->duration_us = (entry->duration_us + test->result.duration_us) / 2;
			continue;
		}
		PT__GROW(timings->entries, timings->nr + 1, timings->alloc);
		timings->entries[timings->nr].id = pt__xstrdup(test->id);
		timings->entries[timings->nr++].duration_us = test->result.duration_us;
	}
	if (timings->nr)
		qsort(timings->entries, timings->nr, sizeof(*timings->entries), compare_entries);

	struct pt__buf contents = PT__BUF_INIT;
	int rc;

	for (size_t i = 0; i < timings->nr; i++)
		pt__buf_addf(&contents, "%lld\t%s\n", (long long)timings->entries[i].duration_us,
			     timings->entries[i].id);
	file_path(&path, state_dir);
	rc = pt__write_file_atomic(path.data, contents.data ? contents.data : "", contents.len,
				   err);
	pt__buf_release(&path);
	pt__buf_release(&contents);
	return rc;
}

void pt__timings_release(struct pt__timings *timings)
{
	for (size_t i = 0; i < timings->nr; i++)
		free(timings->entries[i].id);
	free(timings->entries);
	memset(timings, 0, sizeof(*timings));
}
