#include "test_command.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "environ.h"
#include "error.h"
#include "find_program.h"
#include "protocol.h"
#include "spawn.h"

/* Reads fd to its end into output and this process's stdout. */
static void relay(int fd, struct pt__buf *output)
{
	char chunk[65536];
	ssize_t got;

	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		pt__write_all(1, chunk, (size_t)got, NULL);
		pt__buf_add(output, chunk, (size_t)got);
	}
}

int pt__test_command_run(const struct pt__test_command *command, struct pt__buf *output,
			 struct pt__buf *why)
{
	struct pt__buf path = PT__BUF_INIT;
	struct pt__environ env;
	int pipe_fds[2], status = -1;
	pid_t pid;

	if (!command->argv[0]) {
		pt__buf_adds(why, "it has no command");
		return -1;
	}
	if (pt__find_program(command->argv[0], NULL, &path, why)) {
		pt__buf_release(&path);
		return -1;
	}
	pt__environ_init(&env);
	for (char **set = command->environment; *set; set++) {
		char *eq = strchr(*set, '=');
		if (!eq)
			continue;
		*eq = '\0';
		pt__environ_set(&env, *set, eq + 1);
		*eq = '=';
	}
	if (!pt__pipe(pipe_fds, why)) {
		struct pt__spawn spawn = {
			.path = path.data,
			.argv = command->argv,
			.envp = env.vars,
			.fds = {PT__SPAWN_DEVNULL, pipe_fds[1],
				command->merge_stderr ? pipe_fds[1] : PT__SPAWN_INHERIT,
				PT__SPAWN_NONE, PT__SPAWN_NONE},
			.cwd = command->cwd,
			.wrapped = true,
		};
		int rc = pt__spawn(&spawn, &pid, why);
		close(pipe_fds[1]);
		if (!rc)
			relay(pipe_fds[0], output);
		close(pipe_fds[0]);
		while (!rc && waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	pt__environ_release(&env);
	pt__buf_release(&path);
	return status;
}
