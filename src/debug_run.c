#include "debug_run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "error.h"
#include "find_program.h"
#include "argv.h"
#include "report/shell_quote.h"
#include "shell_words.h"
#include "spawn.h"
#include "xalloc.h"

/* The program's own command for the test: the program, then what selects it. */
static int program_args(const struct pt__test_list *list, const struct pt__test *test,
			struct pt__argv *args, struct pt__buf *err)
{
	const struct pt__program *program = &list->programs[test->program];

	if (program->kind == PT__PROGRAM_EXEC && !program->argv) {
		pt__argv_add(args, program->path);
		for (char *const *arg = program->args; arg && *arg; arg++)
			pt__argv_add(args, *arg);
		return 0;
	}
	if (program->kind != PT__PROGRAM_NATIVE || !program->forkable || program->args ||
	    program->argv) {
		pt__buf_addf(err,
			     "--debug \"%s\": %s is run through a worker protocol partest speaks "
			     "for it; --debug runs programs built with partest.h and executables",
			     test->id, program->name);
		return PT__EUSAGE;
	}
	struct pt__buf glob = PT__BUF_INIT;
	pt__buf_adds(&glob, "*::");
	pt__glob_escape(&glob, test->suite);
	pt__buf_adds(&glob, "::");
	pt__glob_escape(&glob, test->name);
	pt__argv_add(args, program->path);
	pt__argv_add(args, "--filter");
	pt__argv_add(args, glob.data);
	pt__buf_release(&glob);
	return 0;
}

int pt__debug_run(const struct pt__test_list *list, size_t test, char *const *env, int *status,
		  struct pt__buf *err)
{
	const char *debugger = getenv("DEBUGGER");
	struct pt__argv args = {0};
	struct pt__buf path = PT__BUF_INIT;
	char **words = NULL;
	size_t nr_words = 0;
	int rc = 0;

	if (debugger && *debugger) {
		struct pt__buf why = PT__BUF_INIT;
		if (pt__shell_words_split(debugger, &words, &nr_words, &why)) {
			pt__buf_addf(err, "DEBUGGER %s", why.data);
			rc = PT__EUSAGE;
		}
		pt__buf_release(&why);
		for (size_t i = 0; !rc && i < nr_words; i++)
			pt__argv_add(&args, words[i]);
		pt__shell_words_free(words);
	}
	if (!rc)
		rc = program_args(list, &list->tests[test], &args, err);
	if (!rc && (rc = pt__find_program(args.argv[0], NULL, &path, err)))
		rc = PT__EUSAGE;
	if (!rc) {
		struct pt__spawn spawn = {
			.path = path.data,
			.argv = args.argv,
			.envp = env,
			.fds = {PT__SPAWN_INHERIT, PT__SPAWN_INHERIT, PT__SPAWN_INHERIT,
				PT__SPAWN_NONE, PT__SPAWN_NONE},
		};
		pid_t pid;
		rc = pt__spawn(&spawn, &pid, err);
		int wait_status = 0;
		/* Ctrl-C belongs to the debugger (or the test): the wait goes on. */
		while (!rc && waitpid(pid, &wait_status, 0) < 0 && errno == EINTR)
			;
		if (!rc)
			*status = WIFEXITED(wait_status)     ? WEXITSTATUS(wait_status)
				  : WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status)
							     : 1;
	}
	pt__argv_release(&args);
	pt__buf_release(&path);
	return rc;
}
