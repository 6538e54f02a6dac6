#define _XOPEN_SOURCE 700 /* realpath */
#include "kept.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db.h"
#include "db/provision.h"
#include "error.h"
#include "owned_dir.h"
#include "report/shell_quote.h"
#include "spawn.h"
#include "state_dir.h"
#include "xalloc.h"

void pt__kept_init(struct pt__kept *kept, const char *state_dir, const struct pt__db *dbs,
		   size_t nr_dbs)
{
	memset(kept, 0, sizeof(*kept));
	kept->state_dir = state_dir;
	kept->dbs = dbs;
	kept->nr_dbs = nr_dbs;
}

/* STATE/kept, absolute (the run may be started elsewhere next time). */
static int kept_root(const char *state_dir, bool make, struct pt__buf *out, struct pt__buf *err)
{
	char absolute[PATH_MAX];
	struct pt__buf path = PT__BUF_INIT;
	int rc = 0;

	pt__buf_addf(&path, "%s/kept", state_dir);
	if (make && (rc = pt__make_dirs_nofollow(path.data, err))) {
		pt__buf_release(&path);
		return rc;
	}
	pt__buf_adds(out, realpath(path.data, absolute) ? absolute : path.data);
	pt__buf_release(&path);
	return 0;
}

struct pt__kept_test *pt__kept_add(struct pt__kept *kept, const char *run_id, const char *test,
				   const char *rerun, struct pt__buf *err)
{
	struct pt__buf dir = PT__BUF_INIT, why = PT__BUF_INIT;
	struct pt__kept_test *entry;

	if (kept_root(kept->state_dir, true, &dir, &why)) {
		pt__buf_addf(err, "cannot keep what %s left: %s", test, why.data);
		goto fail;
	}
	pt__buf_addf(&dir, "/%s-%zu", run_id, kept->nr + 1);
	if (mkdir(dir.data, 0700)) {
		pt__buf_addf(err, "cannot keep what %s left: cannot create \"%s\": %s", test,
			     dir.data, strerror(errno));
		goto fail;
	}
	PT__GROW(kept->tests, kept->nr + 1, kept->alloc);
	entry = &kept->tests[kept->nr++];
	memset(entry, 0, sizeof(*entry));
	entry->test = pt__xstrdup(test);
	entry->dir = pt__buf_detach(&dir);
	entry->urls = pt__xcalloc(kept->nr_dbs + 1, sizeof(*entry->urls));
	entry->rerun = pt__xstrdup(rerun);
	pt__buf_release(&why);
	return entry;
fail:
	pt__buf_release(&dir);
	pt__buf_release(&why);
	return NULL;
}

/* cp -R -p from to, for a move across file systems. */
static int copy_tree(const char *from, const char *to, struct pt__buf *why)
{
	char *argv[] = {"cp", "-R", "-p", (char *)from, (char *)to, NULL};
	struct pt__spawn spawn = {
		.path = "/bin/cp",
		.argv = argv,
		.fds = {PT__SPAWN_DEVNULL, PT__SPAWN_DEVNULL, PT__SPAWN_DEVNULL, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
	};
	int status, rc;
	pid_t pid;

	if ((rc = pt__spawn(&spawn, &pid, why)))
		return rc;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	pt__buf_adds(why, "cp -R could not copy it");
	return PT__ERUN;
}

int pt__kept_move_tmpdir(struct pt__kept_test *entry, const char *from, struct pt__buf *err)
{
	struct pt__buf to = PT__BUF_INIT, why = PT__BUF_INIT;
	int rc = 0;

	pt__buf_addf(&to, "%s/tmp", entry->dir);
	if (rename(from, to.data)) {
		if (errno == EXDEV && !copy_tree(from, to.data, &why)) {
			pt__remove_tree(from);
		} else {
			if (!why.len)
				pt__buf_adds(&why, strerror(errno));
			pt__buf_addf(err, "cannot keep the TMPDIR \"%s\" as \"%s\": %s", from,
				     to.data, why.data);
			rc = PT__ERUN;
		}
	}
	if (!rc)
		entry->tmpdir = pt__buf_detach(&to);
	pt__buf_release(&to);
	pt__buf_release(&why);
	return rc;
}

/* The `export` lines of entry, each URL as given or with its password masked. */
static void export_lines(const struct pt__kept *kept, const struct pt__kept_test *entry,
			 const struct pt__db *main, bool masked, const char *indent,
			 struct pt__buf *out)
{
	struct pt__buf name = PT__BUF_INIT, value = PT__BUF_INIT;

	for (size_t i = 0; i < kept->nr_dbs; i++) {
		const char *url = entry->urls[i];
		if (!url)
			continue;
		pt__buf_reset(&value);
		if (masked)
			pt__db_redact_url(url, &value);
		else
			pt__buf_adds(&value, url);
		pt__buf_reset(&name);
		pt__db_env_name(kept->dbs[i].alias, &name);
		pt__buf_addf(out, "%sexport %s=", indent, name.data);
		pt__shell_quote(out, value.data);
		pt__buf_addc(out, '\n');
		if (&kept->dbs[i] == main) {
			pt__buf_addf(out, "%sexport DATABASE_URL=", indent);
			pt__shell_quote(out, value.data);
			pt__buf_addc(out, '\n');
		}
	}
	if (entry->tmpdir) {
		pt__buf_addf(out, "%sexport TMPDIR=", indent);
		pt__shell_quote(out, entry->tmpdir);
		pt__buf_addc(out, '\n');
	}
	pt__buf_release(&name);
	pt__buf_release(&value);
}

int pt__kept_write_env(const struct pt__kept *kept, const struct pt__kept_test *entry,
		       const struct pt__db *main, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT, text = PT__BUF_INIT;
	int fd, rc = 0;

	pt__buf_addf(&path, "%s/env", entry->dir);
	pt__buf_addf(&text, "# what %s left, kept by partest --keep-failed\n", entry->test);
	pt__buf_addf(&text, "# re-run it alone on fresh clones: %s\n", entry->rerun);
	export_lines(kept, entry, main, false, "", &text);
	/* Passwords: mode 0600 from the start, in the directory this run just made. */
	fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text.data, text.len) != (ssize_t)text.len || close(fd)) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path.data, strerror(errno));
		if (fd >= 0)
			unlink(path.data);
		rc = PT__ERUN;
	}
	pt__buf_release(&path);
	pt__buf_release(&text);
	return rc;
}

void pt__kept_report(const struct pt__kept *kept, const struct pt__db *main,
		     struct pt__buf *out)
{
	for (size_t t = 0; t < kept->nr; t++) {
		const struct pt__kept_test *entry = &kept->tests[t];
		pt__buf_addf(out, "Kept what %s left (--keep-failed; partest db clean --kept "
				  "removes it):\n",
			     entry->test);
		for (size_t i = 0; i < kept->nr_dbs; i++) {
			if (!entry->urls[i])
				continue;
			pt__buf_addf(out, "  --db %s kept as ", kept->dbs[i].alias);
			pt__db_redact_url(entry->urls[i], out);
			pt__buf_addc(out, '\n');
		}
		if (entry->tmpdir)
			pt__buf_addf(out, "  its TMPDIR kept as %s\n", entry->tmpdir);
		export_lines(kept, entry, main, true, "  ", out);
		pt__buf_addf(out, "  (to export them unmasked: . %s/env)\n", entry->dir);
		pt__buf_addf(out, "  re-run it alone on fresh clones: %s\n", entry->rerun);
	}
}

void pt__kept_release(struct pt__kept *kept)
{
	for (size_t t = 0; t < kept->nr; t++) {
		struct pt__kept_test *entry = &kept->tests[t];
		for (size_t i = 0; i < kept->nr_dbs; i++)
			free(entry->urls[i]);
		free(entry->urls);
		free(entry->test);
		free(entry->dir);
		free(entry->tmpdir);
		free(entry->rerun);
	}
	free(kept->tests);
	memset(kept, 0, sizeof(*kept));
}

int pt__kept_dirs(const char *state_dir, bool remove, struct pt__buf *removed)
{
	struct pt__buf root = PT__BUF_INIT, path = PT__BUF_INIT, ignored = PT__BUF_INIT;
	struct dirent *item;
	int count = 0;
	DIR *dir;

	kept_root(state_dir, false, &root, &ignored);
	dir = opendir(root.data);
	while (dir && (item = readdir(dir))) {
		if (item->d_name[0] == '.')
			continue;
		count++;
		if (!remove)
			continue;
		pt__buf_reset(&path);
		pt__buf_addf(&path, "%s/%s", root.data, item->d_name);
		pt__remove_tree(path.data);
		pt__buf_addf(removed, "removed the kept %s\n", path.data);
	}
	if (dir)
		closedir(dir);
	pt__buf_release(&root);
	pt__buf_release(&path);
	pt__buf_release(&ignored);
	return count;
}
