/*
 * What the backends and the run's provisioning (provision.c) share: naming
 * and describing a database, hiding passwords, clone names and URLs, small
 * file helpers, the template URL a backend learns late. The engines sit
 * behind struct pt__db_backend (db.h).
 */
#include "db.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../clock.h"
#include "../spawn.h"
#include "../environ.h"
#include "../signals.h"
#include "../state_dir.h"
#include "../xalloc.h"

static bool has_prefix(const char *str, const char *prefix)
{
	return !strncasecmp(str, prefix, strlen(prefix));
}

/* The length of str's longest prefix of at most max bytes that does not end
 * inside a UTF-8 sequence. */
static size_t utf8_cut(const char *str, size_t max)
{
	size_t len = strlen(str);

	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)str[max] & 0xC0) == 0x80)
		max--;
	return max;
}

void pt__db_new_clone_urls(struct pt__db *db)
{
	db->clone_urls = pt__xcalloc((size_t)db->ctx->workers, sizeof(*db->clone_urls));
}

void pt__db_free_clone_urls(struct pt__db *db)
{
	if (!db->clone_urls)
		return;
	for (int k = 0; k < db->ctx->workers; k++)
		free(db->clone_urls[k]);
	free(db->clone_urls);
	db->clone_urls = NULL;
}

size_t pt__db_utf8_length(const char *str)
{
	size_t n = 0;

	for (const char *c = str; *c; c++)
		n += ((unsigned char)*c & 0xC0) != 0x80;
	return n;
}

/* The length in bytes of str's first max characters. */
static size_t utf8_chars_cut(const char *str, size_t max)
{
	size_t len = 0;

	for (size_t chars = 0; str[len]; len++) {
		if (((unsigned char)str[len] & 0xC0) != 0x80 && chars++ == max)
			break;
	}
	return len;
}

/* "<template>_pt<run>_<tail>", the template's name cut so that it fits in max. */
static void name_with_run(const char *template_name, const char *run_id, const char *tail,
			  size_t max, bool in_chars, struct pt__buf *out)
{
	struct pt__buf suffix = PT__BUF_INIT;
	const char *run = strncmp(run_id, "partest-", 8) ? run_id : run_id + 8;

	pt__buf_adds(&suffix, "_pt");
	for (const char *c = run; *c && suffix.len < 32; c++)
		pt__buf_addc(&suffix, isalnum((unsigned char)*c) ? *c : '_');
	pt__buf_addf(&suffix, "_%s", tail);
	pt__buf_add(out, template_name,
		    in_chars ? utf8_chars_cut(template_name, max - suffix.len)
			     : utf8_cut(template_name, max - suffix.len));
	pt__buf_add(out, suffix.data, suffix.len);
	pt__buf_release(&suffix);
}

void pt__db_clone_name(const char *template_name, const char *run_id, int k, size_t max,
		       bool in_chars, struct pt__buf *out)
{
	char tail[16];

	snprintf(tail, sizeof(tail), "%d", k);
	name_with_run(template_name, run_id, tail, max, in_chars, out);
}

void pt__db_kept_name(const char *template_name, const char *run_id, int serial, size_t max,
		      bool in_chars, struct pt__buf *out)
{
	char tail[24];

	snprintf(tail, sizeof(tail), "kept%d", serial);
	name_with_run(template_name, run_id, tail, max, in_chars, out);
}

void pt__db_ready_name(const char *template_name, const char *run_id, int serial, size_t max,
		       bool in_chars, struct pt__buf *out)
{
	char tail[24];

	snprintf(tail, sizeof(tail), "ready%d", serial);
	name_with_run(template_name, run_id, tail, max, in_chars, out);
}

void pt__db_ready_fingerprint(unsigned long long fingerprint, struct pt__buf *out)
{
	pt__buf_addf(out, "%016llx", fingerprint);
}

unsigned long long pt__db_hash(unsigned long long hash, const void *data, size_t len)
{
	const unsigned char *byte = data;

	for (size_t i = 0; i < len; i++) {
		hash ^= byte[i];
		hash *= 0x100000001b3ULL;
	}
	return hash;
}

/* Whether the query parameter starting at param names a password. */
static bool is_password_param(const char *param)
{
	static const char *const names[] = {"password=", "passwd=", "pass=", "pwd="};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (has_prefix(param, names[i]))
			return true;
	return false;
}

int pt__db_url_error(struct pt__buf *err, const char *url, const char *why)
{
	struct pt__buf shown = PT__BUF_INIT;

	pt__db_redact_url(url, &shown);
	pt__buf_addf(err, "--db \"%s\": %s", shown.data, why);
	pt__buf_release(&shown);
	return PT__EUSAGE;
}

/*
 * Errs on the side of hiding too much: the user part ends at the last '@'
 * of the whole URL (a password may hold unencoded '/', '?' or '@'), and a
 * password= query parameter is hidden too.
 */
void pt__db_add_quoted(const char *text, char quote, struct pt__buf *out)
{
	pt__buf_addc(out, quote);
	for (const char *c = text; *c; c++) {
		if (*c == quote)
			pt__buf_addc(out, quote);
		pt__buf_addc(out, *c);
	}
	pt__buf_addc(out, quote);
}

void pt__db_redact_url(const char *url, struct pt__buf *out)
{
	const char *rest = strstr(url, "://");
	const char *at, *colon, *p;

	if (!rest) {
		pt__buf_adds(out, url);
		return;
	}
	rest += 3;
	at = strrchr(rest, '@');
	colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
	if (colon) {
		pt__buf_add(out, url, (size_t)(colon + 1 - url));
		pt__buf_adds(out, "***");
		p = at;
	} else {
		p = url;
	}
	for (const char *q = strchr(p, '?'); q; q = strchr(q + 1, '&')) {
		const char *value = strchr(q + 1, '=');
		if (!is_password_param(q + 1) || !value)
			continue;
		value++;
		pt__buf_add(out, p, (size_t)(value - p));
		pt__buf_adds(out, "***");
		p = value + strcspn(value, "&#");
	}
	pt__buf_adds(out, p);
}

int pt__db_make_dirs(const char *path, struct pt__buf *err)
{
	return pt__make_dirs_nofollow(path, err);
}

int pt__db_write_file(const char *path, const char *data, size_t len, struct pt__buf *err)
{
	return pt__write_file_atomic(path, data, len, err);
}

int pt__db_read_file(const char *path, struct pt__buf *out, struct pt__buf *err)
{
	char chunk[4096];
	int fd = pt__open_nofollow(path);
	int err_no = 0;

	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		err_no = errno;
	while (fd >= 0) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err_no = errno;
		if (n <= 0)
			break;
		pt__buf_add(out, chunk, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	if (err_no) {
		pt__buf_addf(err, "cannot read \"%s\": %s", path, strerror(err_no));
		return PT__ERUN;
	}
	return 1;
}

long pt__db_read_pid(const char *path)
{
	struct pt__buf text = PT__BUF_INIT, ignored = PT__BUF_INIT;
	long pid = 0;

	if (pt__db_read_file(path, &text, &ignored) != 1 ||
	    sscanf(pt__buf_str(&text), "%ld", &pid) != 1)
		pid = 0;
	pt__buf_release(&text);
	pt__buf_release(&ignored);
	return pid;
}

const char *pt__db_template_url(const struct pt__db *db)
{
	return db->template_url ? db->template_url : db->url;
}

void pt__db_describe_url(const struct pt__db *db, struct pt__buf *out)
{
	pt__buf_addf(out, "--db %s (\"", db->alias);
	pt__db_redact_url(pt__db_template_url(db), out);
	pt__buf_adds(out, "\")");
}

void pt__db_set_template_url(struct pt__db *db, char *url)
{
	if (db->template_url) {
		PT__GROW(db->replaced_urls, db->nr_replaced_urls + 1, db->alloc_replaced_urls);
		db->replaced_urls[db->nr_replaced_urls++] = db->template_url;
	}
	db->template_url = url;
}
