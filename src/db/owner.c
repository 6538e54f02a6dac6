#include "owner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../process_identity.h"

static void this_host(char *out, size_t size)
{
	if (gethostname(out, size - 1) || !*out)
		snprintf(out, size, "unknown");
	out[size - 1] = '\0';
	for (char *c = out; *c; c++)
		if (*c == ' ')
			*c = '_';
}

void pt__db_owner_of_this_run(struct pt__db_owner *owner, const struct pt__db_context *ctx,
			      bool clone)
{
	memset(owner, 0, sizeof(*owner));
	owner->clone = clone;
	snprintf(owner->run_id, sizeof(owner->run_id), "%s", ctx->run_id);
	this_host(owner->host, sizeof(owner->host));
	owner->pid = (long)getpid();
	owner->start = pt__process_start_time(owner->pid);
}

#define MARKER_PREFIX "partest "

void pt__db_owner_format(const struct pt__db_owner *owner, struct pt__buf *out)
{
	if (owner->ready)
		pt__buf_addf(out,
			     MARKER_PREFIX "ready v1 template=%s fingerprint=%s run=%s host=%s "
					   "pid=%ld start=%llu",
			     owner->template_tag, owner->fingerprint, owner->run_id, owner->host,
			     owner->pid, owner->start);
	else
		pt__buf_addf(out, MARKER_PREFIX "%s v1 run=%s host=%s pid=%ld start=%llu",
			     owner->kept    ? "kept"
			     : owner->clone ? "clone"
					    : "template",
			     owner->run_id, owner->host, owner->pid, owner->start);
}

/* The 16 hex digits a ready marker names template_name by. */
static void template_tag(const char *template_name, char out[17])
{
	snprintf(out, 17, "%016llx",
		 pt__db_hash(PT__DB_HASH_INIT, template_name, strlen(template_name)));
}

void pt__db_owner_format_ready(const struct pt__db_context *ctx, const char *template_name,
			       const char *fingerprint, struct pt__buf *out)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, ctx, false);
	owner.ready = true;
	template_tag(template_name, owner.template_tag);
	snprintf(owner.fingerprint, sizeof(owner.fingerprint), "%s", fingerprint);
	pt__db_owner_format(&owner, out);
}

bool pt__db_owner_of_template(const struct pt__db_owner *owner, const char *template_name)
{
	char tag[17];

	template_tag(template_name, tag);
	return owner->ready && !strcmp(owner->template_tag, tag);
}

void pt__db_owner_format_this_run(const struct pt__db_context *ctx, bool clone, struct pt__buf *out)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, ctx, clone);
	pt__db_owner_format(&owner, out);
}

void pt__db_owner_format_kept(const struct pt__db_context *ctx, struct pt__buf *out)
{
	struct pt__db_owner owner;

	pt__db_owner_of_this_run(&owner, ctx, false);
	owner.kept = true;
	pt__db_owner_format(&owner, out);
}

/* Copies the value of " key=" in str (up to a space) into out (size bytes);
 * false if there is none or it does not fit. */
static bool marker_field(const char *str, const char *key, char *out, size_t size)
{
	char pattern[32];
	const char *at;
	size_t len;

	snprintf(pattern, sizeof(pattern), " %s=", key);
	at = strstr(str, pattern);
	if (!at)
		return false;
	at += strlen(pattern);
	len = strcspn(at, " ");
	if (!len || len >= size)
		return false;
	memcpy(out, at, len);
	out[len] = '\0';
	return true;
}

int pt__db_owner_parse(const char *comment, struct pt__db_owner *out)
{
	char number[32];
	char *end;

	memset(out, 0, sizeof(*out));
	if (!comment)
		return 0;
	if (!strncmp(comment, MARKER_PREFIX "clone v1 ", strlen(MARKER_PREFIX "clone v1 ")))
		out->clone = true;
	else if (!strncmp(comment, MARKER_PREFIX "kept v1 ", strlen(MARKER_PREFIX "kept v1 ")))
		out->kept = true;
	else if (!strncmp(comment, MARKER_PREFIX "ready v1 ", strlen(MARKER_PREFIX "ready v1 ")))
		out->ready = true;
	else if (strncmp(comment, MARKER_PREFIX "template v1 ",
			 strlen(MARKER_PREFIX "template v1 ")))
		return 0;
	if (out->ready &&
	    (!marker_field(comment, "template", out->template_tag, sizeof(out->template_tag)) ||
	     !marker_field(comment, "fingerprint", out->fingerprint, sizeof(out->fingerprint))))
		return 0;
	if (!marker_field(comment, "run", out->run_id, sizeof(out->run_id)) ||
	    !marker_field(comment, "host", out->host, sizeof(out->host)))
		return 0;
	if (!marker_field(comment, "pid", number, sizeof(number)))
		return 0;
	out->pid = strtol(number, &end, 10);
	if (*end || out->pid <= 0)
		return 0;
	if (!marker_field(comment, "start", number, sizeof(number)))
		return 0;
	out->start = strtoull(number, &end, 10);
	return !*end;
}

bool pt__db_owner_dead(const struct pt__db_owner *owner, const struct pt__db_context *ctx)
{
	char host[256];

	this_host(host, sizeof(host));
	if (strcmp(host, owner->host) || !strcmp(owner->run_id, ctx->run_id))
		return false;
	return !pt__process_is(owner->pid, owner->start);
}

unsigned long long pt__db_owner_host_hash(void)
{
	char host[256];

	this_host(host, sizeof(host));
	return pt__db_hash(PT__DB_HASH_INIT, host, strlen(host));
}

bool pt__db_owner_live(const struct pt__db_owner *owner)
{
	char host[256];

	this_host(host, sizeof(host));
	return !strcmp(host, owner->host) && pt__process_is(owner->pid, owner->start);
}
