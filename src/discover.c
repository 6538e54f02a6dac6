#include "discover.h"

#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "environ.h"
#include "native.h"
#include "signals.h"
#include "spawn.h"
#include "protocol.h"
#include "xalloc.h"

/* How long a program may take to list its tests. */
#define LIST_TIMEOUT_MS 60000

const char *pt__program_name(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

static bool matches(const char *const *filters, const char *id)
{
	if (!filters || !*filters)
		return true;
	for (; *filters; filters++)
		if (!fnmatch(*filters, id, 0))
			return true;
	return false;
}

/*
 * Resolves what the user wrote to an executable file: a name without a
 * slash is looked up in the current directory, then on PATH.
 */
static int resolve(const char *given, struct pt__buf *path, struct pt__buf *err)
{
	struct stat st;

	if (!strchr(given, '/') && access(given, F_OK)) {
		const char *dirs = getenv("PATH");
		for (const char *dir = dirs ? dirs : ""; *dir;) {
			size_t len = strcspn(dir, ":");
			pt__buf_reset(path);
			pt__buf_add(path, dir, len);
			pt__buf_addf(path, "/%s", given);
			if (!access(path->data, X_OK))
				return 0;
			dir += len + (dir[len] == ':');
		}
		pt__buf_addf(err,
			     "cannot run \"%s\": no such file in the current directory or on PATH",
			     given);
		return 2;
	}
	pt__buf_reset(path);
	pt__buf_adds(path, given);
	if (stat(given, &st)) {
		pt__buf_addf(err, "cannot run \"%s\": %s", given, strerror(errno));
		return 2;
	}
	if (S_ISDIR(st.st_mode)) {
		pt__buf_addf(err, "cannot run \"%s\": it is a directory", given);
		return 2;
	}
	if (access(given, X_OK)) {
		pt__buf_addf(err, "cannot run \"%s\": %s", given,
			     errno == EACCES ? "it is not executable" : strerror(errno));
		return 2;
	}
	return 0;
}

/* Adds the tests a native program lists. Returns 0, 3 or 130. */
static int list_native(struct pt__test_list *list, size_t program, const char *const *filters,
		       struct pt__buf *err)
{
	const char *path = list->programs[program].path;
	char *argv[] = {(char *)path, NULL};
	struct pt__environ env;
	struct pt__buf input = PT__BUF_INIT, why = PT__BUF_INIT;
	int commands[2], events[2], status = 0, rc = 3;
	bool listed = false, killed = false;
	pid_t pid;

	if (pt__pipe(commands) < 0) {
		pt__buf_addf(err, "cannot list the tests of \"%s\": pipe: %s", path,
			     strerror(errno));
		return 3;
	}
	if (pt__pipe(events) < 0) {
		pt__buf_addf(err, "cannot list the tests of \"%s\": pipe: %s", path,
			     strerror(errno));
		close(commands[0]);
		close(commands[1]);
		return 3;
	}
	pt__environ_init(&env);
	pt__environ_set(&env, PT__WIRE_ENV, "1");
	struct pt__spawn spawn = {
		.path = path,
		.argv = argv,
		.envp = env.vars,
		.fds = {PT__SPAWN_DEVNULL, PT__SPAWN_DEVNULL, PT__SPAWN_INHERIT, commands[0],
			events[1]},
		.new_group = true,
	};
	int spawned = pt__spawn(&spawn, &pid, err);
	pt__environ_release(&env);
	close(commands[0]);
	close(events[1]);
	if (spawned) {
		close(commands[1]);
		close(events[0]);
		return 2;
	}
	(void)!pt__write_all(commands[1], "list\n", 5);
	close(commands[1]);

	int64_t deadline = pt__now_ms() + LIST_TIMEOUT_MS;
	for (;;) {
		struct pollfd fds[2] = {{events[0], POLLIN, 0}, {pt__signals_fd(), POLLIN, 0}};
		int64_t left = deadline - pt__now_ms();
		if (pt__interrupts) {
			rc = 130;
			pt__buf_adds(&why, "interrupted");
			break;
		}
		if (left <= 0) {
			pt__buf_addf(&why, "it did not list its tests within %d s",
				     LIST_TIMEOUT_MS / 1000);
			break;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			pt__signals_drain();
		if (!fds[0].revents)
			continue;
		char chunk[8192];
		ssize_t n = read(events[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pt__buf_add(&input, chunk, (size_t)n);
	}
	close(events[0]);
	if (rc == 130 || why.len) {
		kill(-pid, SIGKILL);
		killed = true;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!killed)
		kill(-pid, SIGKILL); /* whatever it left behind */
	if (why.len)
		goto fail;

	size_t at = 0;
	while (at < input.len) {
		struct pt__frame frame;
		size_t used;
		int parsed = pt__wire_parse(PT__WIRE_EVENTS, input.data + at, input.len - at,
					    &frame, &used, &why);
		if (parsed <= 0)
			break;
		at += used;
		if (!strcmp(frame.words[0], "test")) {
			size_t before = list->nr_tests;
			size_t index = pt__test_list_add_test(list, program, frame.words[1],
							      frame.words[2], atoi(frame.words[3]));
			if (!matches(filters, list->tests[index].id)) {
				list->nr_tests = before;
				free(list->tests[index].suite);
				free(list->tests[index].name);
				free(list->tests[index].id);
			}
		} else if (!strcmp(frame.words[0], "listed")) {
			listed = true;
		}
	}
	if (listed && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
		goto out;
	}
	if (!why.len)
		pt__describe_wait_status(status, &why);
fail:
	pt__buf_addf(err, "cannot list the tests of \"%s\": %s", path, pt__buf_str(&why));
out:
	pt__buf_release(&input);
	pt__buf_release(&why);
	return rc;
}

int pt__discover(struct pt__test_list *list, const char *const *programs, size_t nr_programs,
		 const char *const *filters, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < nr_programs && !rc; i++) {
		rc = resolve(programs[i], &path, err);
		if (rc)
			break;
		enum pt__program_speech speech = pt__program_speech(path.data);
		bool native = speech != PT__SPEAKS_NOTHING;
		size_t program =
			pt__test_list_add_program(list, path.data, pt__program_name(programs[i]),
						  native ? PT__PROGRAM_NATIVE : PT__PROGRAM_EXEC);
		list->programs[program].forkable = speech == PT__SPEAKS_NATIVE;
		if (native)
			rc = list_native(list, program, filters, err);
		else if (matches(filters, list->programs[program].name))
			pt__test_list_add_test(list, program, NULL, NULL, 0);
	}
	pt__buf_release(&path);
	return rc;
}
