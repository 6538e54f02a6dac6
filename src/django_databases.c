#include "django_databases.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "native.h"
#include "python_adapter.h"
#include "spawn.h"
#include "xalloc.h"

static const char *keep(struct pt__django_databases *dbs, char *text)
{
	PT__GROW(dbs->owned, dbs->nr + 1, dbs->alloc);
	dbs->owned[dbs->nr++] = text;
	return text;
}

static void append(const char ***array, size_t *nr, const char *value)
{
	*array = pt__xrealloc(*array, (*nr + 2) * sizeof(**array));
	(*array)[(*nr)++] = value;
	(*array)[*nr] = NULL;
}

/* The alias of a --db spec: what comes before an '=' that precedes the URL's ':'. */
static bool spec_has_alias(const char *spec, const char *alias)
{
	const char *eq = strchr(spec, '='), *colon = strchr(spec, ':');
	size_t len = strlen(alias);

	if (!eq || (colon && colon < eq))
		return !strcmp(alias, "default");
	return (size_t)(eq - spec) == len && !strncmp(spec, alias, len);
}

static bool alias_given(const struct pt__options *options, const char *alias)
{
	for (size_t i = 0; i < options->nr_dbs; i++)
		if (spec_has_alias(options->dbs[i], alias))
			return true;
	return false;
}

/* Appends word to a /bin/sh command, single-quoted. */
static void add_quoted(struct pt__buf *command, const char *word)
{
	if (command->len)
		pt__buf_addc(command, ' ');
	pt__buf_addc(command, '\'');
	for (; *word; word++) {
		if (*word == '\'')
			pt__buf_adds(command, "'\\''");
		else
			pt__buf_addc(command, *word);
	}
	pt__buf_addc(command, '\'');
}

/*
 * Runs argv with its stdout into out (stderr is partest's own). Returns 0,
 * or PT__EUSAGE when it fails (why in err) or PT__ERUN when it cannot start.
 */
static int capture(char *const *argv, const char *script, struct pt__buf *out, struct pt__buf *err)
{
	extern char **environ;
	char chunk[4096];
	int pipe_fds[2], status = 0;
	pid_t pid;

	if (pt__pipe(pipe_fds, err))
		return PT__ERUN;
	struct pt__spawn spawn = {
		.path = argv[0],
		.argv = argv,
		.envp = environ,
		.fds = {PT__SPAWN_DEVNULL, pipe_fds[1], PT__SPAWN_INHERIT, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
	};
	int rc = pt__spawn(&spawn, &pid, err);
	close(pipe_fds[1]);
	if (rc) {
		close(pipe_fds[0]);
		return PT__ERUN;
	}
	for (ssize_t n; (n = read(pipe_fds[0], chunk, sizeof(chunk))) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		pt__buf_add(out, chunk, (size_t)n);
	}
	close(pipe_fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	pt__buf_addf(err, "cannot read the databases of the Django project \"%s\": ", script);
	/* The adapter's own reason, when it gave one: "error WHY". */
	const char *why = out->data ? strstr(out->data, "error ") : NULL;
	if (why && (why == out->data || why[-1] == '\n'))
		pt__buf_add(err, why + 6, strcspn(why + 6, "\n"));
	else {
		pt__buf_adds(err, "its adapter ");
		pt__describe_wait_status(status, err);
	}
	return PT__EUSAGE;
}

/* Adds what the adapter said ("db ALIAS URL", "input PATH" lines) to options. */
static void add_described(struct pt__options *options, struct pt__django_databases *dbs, char *text,
			  bool add_inputs)
{
	for (char *line = text, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!strncmp(line, "db ", 3)) {
			char *alias = line + 3, *url = strchr(alias, ' ');
			if (!url)
				continue;
			*url++ = '\0';
			if (alias_given(options, alias))
				continue;
			struct pt__buf spec = PT__BUF_INIT;
			pt__buf_addf(&spec, "%s=%s", alias, url);
			append(&options->dbs, &options->nr_dbs, keep(dbs, pt__buf_detach(&spec)));
		} else if (!strncmp(line, "input ", 6) && add_inputs) {
			append(&options->db_inputs, &options->nr_db_inputs,
			       keep(dbs, pt__xstrdup(line + 6)));
		}
	}
}

int pt__django_databases_add(struct pt__options *options, struct pt__django_databases *dbs,
			     struct pt__buf *err)
{
	struct pt__buf out = PT__BUF_INIT, command = PT__BUF_INIT;
	char **argv = NULL;
	size_t i;
	int rc;

	if (options->list || options->explain)
		return 0;
	for (i = 0; i < options->nr_programs; i++)
		if (pt__speech_is_python(pt__program_speech(options->programs[i])))
			break;
	if (i == options->nr_programs ||
	    pt__program_speech(options->programs[i]) != PT__SPEAKS_DJANGO)
		return 0;
	const char *script = options->programs[i];
	const char *const *args = options->programs + i + 1;
	size_t nr_args = options->nr_programs - i - 1;

	if ((rc = pt__python_adapter_argv("django-databases", script, args, nr_args, &argv, err)))
		return rc;
	rc = capture(argv, script, &out, err);
	pt__python_adapter_argv_free(argv);
	if (rc)
		goto out;
	add_described(options, dbs, out.data ? out.data : (char *)"", !options->nr_db_inputs);
	if (!options->db_setup && options->nr_dbs) {
		if ((rc = pt__python_adapter_argv("django-migrate", script, args, nr_args, &argv,
						  err)))
			goto out;
		for (char **word = argv; *word; word++)
			add_quoted(&command, *word);
		pt__python_adapter_argv_free(argv);
		options->db_setup = keep(dbs, pt__buf_detach(&command));
	}
out:
	pt__buf_release(&out);
	pt__buf_release(&command);
	return rc;
}

void pt__django_databases_release(struct pt__django_databases *dbs)
{
	for (size_t i = 0; i < dbs->nr; i++)
		free(dbs->owned[i]);
	free(dbs->owned);
	memset(dbs, 0, sizeof(*dbs));
}
