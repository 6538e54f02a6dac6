#include "partition.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"

/* One group of the selection: its name, and its weight for time:. */
struct shard_group {
	size_t first; /* its first test in the list: groups keep listing order */
	const char *program;
	const char *suite; /* NULL for an executable */
	int64_t known_us;  /* summed durations of its known tests */
	size_t known, unknown;
	int64_t weight_us;
	unsigned shard; /* 0..total-1 */
};

static const char *const method_names[] = {"slice", "hash", "time"};

const char *pt__partition_method_name(enum pt__partition_method method)
{
	return method_names[method];
}

static bool parse_count(const char *text, const char *end, unsigned long *value)
{
	char *stop;

	if (text == end || *text < '0' || *text > '9')
		return false;
	errno = 0;
	*value = strtoul(text, &stop, 10);
	return !errno && stop == end && *value >= 1 && *value <= 100000;
}

int pt__partition_parse(const char *text, struct pt__partition *partition, struct pt__buf *err)
{
	const char *colon = strchr(text, ':');
	const char *slash = colon ? strchr(colon, '/') : NULL;
	unsigned long index, total;
	size_t m;

	for (m = 0; colon && m < sizeof(method_names) / sizeof(*method_names); m++)
		if (strlen(method_names[m]) == (size_t)(colon - text) &&
		    !strncmp(text, method_names[m], (size_t)(colon - text)))
			break;
	if (!colon || m == sizeof(method_names) / sizeof(*method_names) || !slash ||
	    !parse_count(colon + 1, slash, &index) ||
	    !parse_count(slash + 1, slash + 1 + strlen(slash + 1), &total) || index > total) {
		pt__buf_addf(err,
			     "--partition \"%s\": expected slice:K/N, hash:K/N, time:K/N"
			     " (1 <= K <= N) or auto[:N]",
			     text);
		return PT__EUSAGE;
	}
	partition->method = (enum pt__partition_method)m;
	partition->index = (unsigned)index;
	partition->total = (unsigned)total;
	return 0;
}

void pt__partition_format(const struct pt__partition *partition, struct pt__buf *out)
{
	pt__buf_addf(out, "%s:%u/%u", method_names[partition->method], partition->index,
		     partition->total);
}

/* FNV-1a, 64 bits: the same group lands in the same shard on every machine. */
static uint64_t hash_text(uint64_t hash, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		hash = (hash ^ *c) * 0x100000001b3u;
	return hash;
}

static uint64_t hash_group(const struct shard_group *group)
{
	uint64_t hash = hash_text(0xcbf29ce484222325u, group->program);

	if (group->suite)
		hash = hash_text(hash_text(hash, "::"), group->suite);
	return hash;
}

static int compare_names(const struct shard_group *x, const struct shard_group *y)
{
	int by = strcmp(x->program, y->program);

	if (by)
		return by;
	if (!x->suite || !y->suite)
		return (x->suite != NULL) - (y->suite != NULL);
	return strcmp(x->suite, y->suite);
}

static int heaviest_first(const void *a, const void *b)
{
	const struct shard_group *x = *(const struct shard_group *const *)a;
	const struct shard_group *y = *(const struct shard_group *const *)b;
	int by;

	if (x->weight_us != y->weight_us)
		return x->weight_us > y->weight_us ? -1 : 1;
	if ((by = compare_names(x, y)))
		return by;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int compare_us(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The middle of values[0..n) (sorted in place), or 0 when n is 0. */
static int64_t median(int64_t *values, size_t n)
{
	if (!n)
		return 0;
	qsort(values, n, sizeof(*values), compare_us);
	return values[n / 2];
}

/*
 * The groups of list in listing order, and in *group_of each test's group.
 * A native test's group is its (program, suite); an executable is one.
 */
static size_t find_groups(const struct pt__test_list *list, struct shard_group **groups_out,
			  size_t *group_of)
{
	struct shard_group *groups = NULL;
	size_t nr = 0, alloc = 0;
	size_t *last_of_program = pt__xcalloc(list->nr_programs + 1, sizeof(*last_of_program));

	for (size_t i = 0; i < list->nr_tests; i++) {
		const struct pt__test *test = &list->tests[i];
		size_t g = last_of_program[test->program];

		/* A suite's tests are listed together; look back over the
		 * program's groups only when they are not. */
		if (!(g && test->suite && groups[g - 1].suite &&
		      !strcmp(groups[g - 1].suite, test->suite))) {
			g = 0;
			for (size_t j = nr; test->suite && j-- > 0;)
				if (groups[j].suite &&
				    list->tests[groups[j].first].program == test->program &&
				    !strcmp(groups[j].suite, test->suite)) {
					g = j + 1;
					break;
				}
		}
		if (!g) {
			PT__GROW(groups, nr + 1, alloc);
			groups[nr] = (struct shard_group){
				.first = i,
				.program = list->programs[test->program].name,
				.suite = test->suite,
			};
			g = ++nr;
		}
		last_of_program[test->program] = g;
		group_of[i] = g - 1;
	}
	free(last_of_program);
	*groups_out = groups;
	return nr;
}

/* Weighs each group by durations, as pt__partition_select() says. */
static void weigh(struct shard_group *groups, size_t nr_groups, const struct pt__test_list *list,
		  const size_t *group_of, const struct pt__timings *durations)
{
	int64_t *known_tests = pt__xcalloc(list->nr_tests + 1, sizeof(*known_tests));
	int64_t *known_groups = pt__xcalloc(nr_groups + 1, sizeof(*known_groups));
	size_t nr_known_tests = 0, nr_known_groups = 0;

	for (size_t i = 0; i < list->nr_tests; i++) {
		struct shard_group *group = &groups[group_of[i]];
		int64_t us = durations ? pt__timings_get(durations, list->tests[i].id) : -1;
		if (us < 0) {
			group->unknown++;
			continue;
		}
		group->known_us += us;
		group->known++;
		known_tests[nr_known_tests++] = us;
	}
	int64_t test_median = median(known_tests, nr_known_tests);
	for (size_t g = 0; g < nr_groups; g++) {
		struct shard_group *group = &groups[g];
		group->weight_us = group->known_us + (int64_t)group->unknown * test_median;
		if (group->known)
			known_groups[nr_known_groups++] = group->weight_us;
	}
	/* With nothing known, every group weighs the same. */
	int64_t group_median = nr_known_groups ? median(known_groups, nr_known_groups) : 1;
	for (size_t g = 0; g < nr_groups; g++)
		if (!groups[g].known)
			groups[g].weight_us = group_median;
	free(known_tests);
	free(known_groups);
}

/* Longest processing time first: each group, heaviest first, onto the
 * shard with the least so far (the lowest numbered among equals). */
static void balance(struct shard_group *groups, size_t nr_groups, unsigned total)
{
	struct shard_group **sorted = pt__xcalloc(nr_groups + 1, sizeof(*sorted));
	int64_t *load = pt__xcalloc(total, sizeof(*load));

	for (size_t g = 0; g < nr_groups; g++)
		sorted[g] = &groups[g];
	qsort(sorted, nr_groups, sizeof(*sorted), heaviest_first);
	for (size_t g = 0; g < nr_groups; g++) {
		unsigned least = 0;
		for (unsigned s = 1; s < total; s++)
			if (load[s] < load[least])
				least = s;
		sorted[g]->shard = least;
		load[least] += sorted[g]->weight_us;
	}
	free(sorted);
	free(load);
}

size_t pt__partition_select(const struct pt__partition *partition, const struct pt__test_list *list,
			    const struct pt__timings *durations, bool *keep)
{
	size_t *group_of = pt__xcalloc(list->nr_tests + 1, sizeof(*group_of));
	struct shard_group *groups = NULL;
	size_t nr_groups = find_groups(list, &groups, group_of), kept = 0;

	switch (partition->method) {
	case PT__PARTITION_SLICE:
		for (size_t g = 0; g < nr_groups; g++)
			groups[g].shard = (unsigned)(g % partition->total);
		break;
	case PT__PARTITION_HASH:
		for (size_t g = 0; g < nr_groups; g++)
			groups[g].shard = (unsigned)(hash_group(&groups[g]) % partition->total);
		break;
	case PT__PARTITION_TIME:
		weigh(groups, nr_groups, list, group_of, durations);
		balance(groups, nr_groups, partition->total);
		break;
	}
	for (size_t g = 0; g < nr_groups; g++)
		kept += groups[g].shard == partition->index - 1;
	for (size_t i = 0; i < list->nr_tests; i++)
		keep[i] = groups[group_of[i]].shard == partition->index - 1;
	free(groups);
	free(group_of);
	return kept;
}
