#include "timings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
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
	FILE *file = fopen(path.data, "re");
	pt__buf_release(&path);
	if (!file)
		return;
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
	struct pt__buf path = PT__BUF_INIT, temp = PT__BUF_INIT;
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

	if (mkdir(state_dir, 0777) && errno != EEXIST) {
		pt__buf_addf(err, "cannot create \"%s\": %s", state_dir, strerror(errno));
		return PT__ERUN;
	}
	file_path(&path, state_dir);
	pt__buf_addf(&temp, "%s.%ld", path.data, (long)getpid());
	FILE *file = fopen(temp.data, "we");
	int why = file ? 0 : errno;
	if (file) {
		for (size_t i = 0; i < timings->nr; i++)
			fprintf(file, "%lld\t%s\n", (long long)timings->entries[i].duration_us,
				timings->entries[i].id);
		if (fclose(file) || rename(temp.data, path.data)) {
			why = errno;
			unlink(temp.data);
		}
	}
	if (why)
		pt__buf_addf(err, "cannot save the test durations in \"%s\": %s", path.data,
			     strerror(why));
	pt__buf_release(&path);
	pt__buf_release(&temp);
	return why ? PT__ERUN : 0;
}

void pt__timings_release(struct pt__timings *timings)
{
	for (size_t i = 0; i < timings->nr; i++)
		free(timings->entries[i].id);
	free(timings->entries);
	memset(timings, 0, sizeof(*timings));
}
