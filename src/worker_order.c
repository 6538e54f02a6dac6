#include "worker_order.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "state_dir.h"
#include "xalloc.h"

void pt__worker_order_add(struct pt__worker_order *order, int worker, size_t test)
{
	PT__GROW(order->started, order->nr + 1, order->alloc);
	order->started[order->nr].worker = worker;
	order->started[order->nr++].test = test;
}

void pt__worker_order_release(struct pt__worker_order *order)
{
	free(order->started);
	memset(order, 0, sizeof(*order));
}

int pt__worker_order_save(const struct pt__worker_order *order, const char *state_dir,
			  const struct pt__test_list *list, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, contents = PT__BUF_INIT;
	int rc;

	for (size_t i = 0; i < order->nr; i++) {
		const struct pt__test *test = &list->tests[order->started[i].test];
		pt__buf_addf(&contents, "%d\t%s\t%s\n", order->started[i].worker,
			     pt__status_failed(test->result.status) ? "failed" : "ok", test->id);
	}
	pt__buf_addf(&path, "%s/order", state_dir);
	rc = pt__write_file_atomic(path.data, pt__buf_str(&contents), contents.len, err);
	pt__buf_release(&path);
	pt__buf_release(&contents);
	return rc;
}

struct line {
	int worker;
	bool failed;
	char *id;
};

/* Reads STATE_DIR/order into *lines. Returns 0, or PT__EUSAGE with one line in err. */
static int read_lines(const char *state_dir, struct line **lines, size_t *nr, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	size_t alloc = 0, cap = 0;
	char *text = NULL;
	ssize_t len;

	pt__buf_addf(&path, "%s/order", state_dir);
	int fd = pt__open_nofollow(path.data);
	FILE *file = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!file) {
		pt__buf_addf(err, "--bisect: no record of the last run's order in \"%s\": %s",
			     path.data, strerror(errno));
		if (fd >= 0)
			close(fd);
		pt__buf_release(&path);
		return PT__EUSAGE;
	}
	pt__buf_release(&path);
	*lines = NULL;
	*nr = 0;
	while ((len = getline(&text, &cap, file)) > 0) {
		if (text[len - 1] == '\n')
			text[--len] = '\0';
		char *status = strchr(text, '\t');
		char *id = status ? strchr(status + 1, '\t') : NULL;
		if (!id)
			continue;
		PT__GROW(*lines, *nr + 1, alloc);
		(*lines)[(*nr)++] = (struct line){atoi(text), !strncmp(status + 1, "failed\t", 7),
						  pt__xstrdup(id + 1)};
	}
	free(text);
	fclose(file);
	return 0;
}

int pt__worker_order_before(const char *state_dir, const char *test, char ***before,
			    size_t *nr_before, struct pt__buf *err)
{
	struct line *lines;
	size_t nr, at = SIZE_MAX;
	int rc = read_lines(state_dir, &lines, &nr, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(lines[i].id, test) &&
		    (at == SIZE_MAX || (lines[i].failed && !lines[at].failed)))
			at = i;
	if (at == SIZE_MAX) {
		pt__buf_addf(err, "--bisect \"%s\": it did not run last time (see %s/order)", test,
			     state_dir);
		rc = PT__EUSAGE;
	} else {
		*before = pt__xcalloc(at + 1, sizeof(**before));
		*nr_before = 0;
		for (size_t i = 0; i < at; i++) {
			bool seen =
				lines[i].worker != lines[at].worker || !strcmp(lines[i].id, test);
			for (size_t j = 0; j < *nr_before && !seen; j++)
				seen = !strcmp((*before)[j], lines[i].id);
			if (!seen)
				(*before)[(*nr_before)++] = pt__xstrdup(lines[i].id);
		}
	}
	for (size_t i = 0; i < nr; i++)
		free(lines[i].id);
	free(lines);
	return rc;
}

void pt__worker_order_free_ids(char **ids)
{
	for (size_t i = 0; ids && ids[i]; i++)
		free(ids[i]);
	free(ids);
}
