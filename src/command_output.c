#include "command_output.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "find_program.h"
#include "spawn.h"

int pt__command_output(char *const *argv, const char *cwd, struct pt__buf *out, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	int pipe_fds[2], status = 0, rc;
	char chunk[65536];
	ssize_t n;
	pid_t pid;

	if ((rc = pt__find_program(argv[0], NULL, &path, err)))
		return rc;
	if ((rc = pt__pipe(pipe_fds, err))) {
		pt__buf_release(&path);
		return rc;
	}
	struct pt__spawn spawn = {
		.path = path.data,
		.argv = argv,
		.fds = {PT__SPAWN_DEVNULL, pipe_fds[1], PT__SPAWN_INHERIT, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
		.cwd = cwd,
	};
	rc = pt__spawn(&spawn, &pid, err);
	pt__buf_release(&path);
	close(pipe_fds[1]);
	if (rc) {
		close(pipe_fds[0]);
		return rc;
	}
	while ((n = read(pipe_fds[0], chunk, sizeof(chunk))) != 0) {
		if (n > 0)
			pt__buf_add(out, chunk, (size_t)n);
		else if (errno != EINTR)
			break;
	}
	close(pipe_fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	pt__buf_addc(err, '"');
	for (char *const *arg = argv; *arg; arg++)
		pt__buf_addf(err, "%s%s", arg == argv ? "" : " ", *arg);
	pt__buf_addc(err, '"');
	if (cwd)
		pt__buf_addf(err, " in \"%s\"", cwd);
	pt__buf_addc(err, ' ');
	pt__describe_wait_status(status, err);
	return PT__ERUN;
}
