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

#include "adapter.h"
#include "cancel.h"
#include "clock.h"
#include "error.h"
#include "event_reader.h"
#include "exec_format.h"
#include "find_program.h"
#include "environ.h"
#include "native.h"
#include "protocol.h"
#include "python_adapter.h"
#include "signals.h"
#include "spawn.h"
#include "xalloc.h"

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

/* Appends text with its control characters as C escapes (\n, \x1b), so that it stays one line. */
static void add_escaped(struct pt__buf *out, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '\n')
			pt__buf_adds(out, "\\n");
		else if (*c == '\t')
			pt__buf_adds(out, "\\t");
		else if (*c == '\r')
			pt__buf_adds(out, "\\r");
		else if (*c < 0x20 || *c == 0x7f)
			pt__buf_addf(out, "\\x%02x", *c);
		else
			pt__buf_addc(out, (char)*c);
	}
}

static bool has_control_character(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

/*
 * Resolves what the user wrote to an executable file: a name without a
 * slash is looked up in the current directory, then on PATH. A path with a
 * control character (a newline, an escape) is refused: it would break the
 * one line per test of --list, the console and the reports.
 */
static int resolve(const char *given, struct pt__buf *path, struct pt__buf *err)
{
	struct pt__buf ignored = PT__BUF_INIT;
	struct stat st;
	int rc = 0;

	if (has_control_character(given)) {
		pt__buf_adds(err, "cannot run \"");
		add_escaped(err, given);
		pt__buf_adds(err, "\": its path holds a control character");
		return PT__EUSAGE;
	}
	if (!strchr(given, '/') && access(given, F_OK)) {
		if (pt__find_program(given, NULL, path, &ignored)) {
			pt__buf_addf(err,
				     "cannot run \"%s\": no such file in the current directory or "
				     "on PATH",
				     given);
			rc = PT__EUSAGE;
		}
		pt__buf_release(&ignored);
		return rc;
	}
	pt__buf_reset(path);
	pt__buf_adds(path, given);
	if (stat(given, &st)) {
		pt__buf_addf(err, "cannot run \"%s\": %s", given, strerror(errno));
		return PT__EUSAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		pt__buf_addf(err, "cannot run \"%s\": it is a directory", given);
		return PT__EUSAGE;
	}
	if (access(given, X_OK) && !pt__speech_is_python(pt__program_speech(given))) {
		pt__buf_addf(err, "cannot run \"%s\": %s", given,
			     errno == EACCES ? "it is not executable" : strerror(errno));
		return PT__EUSAGE;
	}
	return 0;
}

/* Resolves given (see resolve), and checks that the kernel can execute what it names. */
static int resolve_executable(const char *given, struct pt__buf *path, struct pt__buf *err)
{
	struct pt__buf why = PT__BUF_INIT;
	int rc = resolve(given, path, err);

	if (!rc && (rc = pt__exec_format_check(path->data, &why)))
		pt__buf_addf(err, "cannot run \"%s\": %s", given, why.data);
	pt__buf_release(&why);
	return rc;
}

/* Adds one listed test, if a filter lets it through. Returns whether it did. */
static bool add_listed(struct pt__test_list *list, size_t program, const char *const *filters,
		       const struct pt__event *event)
{
	size_t before = list->nr_tests;
	size_t index = pt__test_list_add_test(list, program, event->suite, event->name,
					      (int)event->timeout_ms);

	if (!matches(filters, list->tests[index].id)) {
		list->nr_tests = before;
		free(list->tests[index].suite);
		free(list->tests[index].name);
		free(list->tests[index].id);
		return false;
	}
	return true;
}

/* Gives the last listed test what a test-info event says of it. Follows the error rule. */
static int add_info(struct pt__test_list *list, const struct pt__event *event, struct pt__buf *err)
{
	struct pt__test_info_storage storage;
	struct pt__test_info info;

	if (pt__protocol_decode_test_info(event->payload, event->payload_len, &info, &storage, err))
		return PT__EPROTOCOL;
	pt__test_list_set_attributes(list, list->nr_tests - 1,
				     &(struct pt__test_attributes){
					     .file = (char *)info.file,
					     .line = info.line,
					     .tags = (char *)info.tags,
					     .locks = (char *)info.locks,
					     .exclusive = info.exclusive != 0,
					     .weight = info.weight,
					     .retries = info.retries,
				     });
	return 0;
}

/*
 * Starts path to list its tests, with args (or alone), or as program_argv
 * when an adapter speaks for it: "list" and end of input already sent.
 */
static int start_listing(const char *path, char *const *args, char *const *program_argv,
			 pid_t *pid, int *events,
			 struct pt__buf *err)
{
	struct pt__buf command = PT__BUF_INIT;
	struct pt__environ env;
	int commands[2], event_pipe[2], rc;

	struct pt__buf why = PT__BUF_INIT;
	if (pt__pipe(commands, &why) || pt__pipe(event_pipe, &why)) {
		pt__buf_addf(err, "cannot list the tests of \"%s\": %s", path, why.data);
		pt__buf_release(&why);
		if (commands[0] >= 0) {
			close(commands[0]);
			close(commands[1]);
		}
		return PT__ERUN;
	}
	pt__environ_init(&env);
	pt__environ_set(&env, PT__PROTOCOL_ENV, "1");
	char **argv = pt__program_argv(path, args);
	struct pt__spawn spawn = {
		.path = program_argv ? program_argv[0] : path,
		.argv = program_argv ? program_argv : argv,
		.envp = env.vars,
		.fds = {PT__SPAWN_DEVNULL, PT__SPAWN_DEVNULL, PT__SPAWN_INHERIT, commands[0],
			event_pipe[1]},
		.new_group = true,
	};
	rc = pt__spawn(&spawn, pid, err);
	free(argv);
	pt__environ_release(&env);
	close(commands[0]);
	close(event_pipe[1]);
	if (rc) {
		close(commands[1]);
		close(event_pipe[0]);
		return PT__EUSAGE;
	}
	pt__protocol_encode_command(&command, &(struct pt__command){.type = PT__COMMAND_LIST});
	(void)!pt__write_all(commands[1], command.data, command.len, NULL);
	pt__buf_release(&command);
	close(commands[1]);
	pt__set_nonblocking(event_pipe[0]);
	*events = event_pipe[0];
	return 0;
}

/*
 * Waits until fd is readable or a child ended, up to the cancellation's
 * deadline. Returns 0, or PT__EINTR when interrupted.
 */
static int wait_for(int fd, const struct pt__cancel *cancel)
{
	struct pollfd fds[2] = {{pt__signals_fd(), POLLIN, 0}, {fd, POLLIN, 0}};

	if (pt__cancel_interrupts(cancel))
		return PT__EINTR;
	if (poll(fds, fd >= 0 ? 2 : 1, pt__cancel_poll_ms(cancel, -1)) > 0 && fds[0].revents)
		pt__signals_drain();
	return pt__cancel_interrupts(cancel) ? PT__EINTR : 0;
}

/*
 * Adds the tests a native program lists: it must say hello within the
 * protocol's limit, and list its tests and exit within the other. Follows
 * the error rule (error.h).
 */
static int list_native(struct pt__test_list *list, size_t program, const char *const *filters,
		       const struct pt__cancel *cancel, struct pt__buf *err)
{
	const char *path = list->programs[program].path;
	const struct pt__program *prog = &list->programs[program];
	/* A Python project is known by its script, not by the Python that runs it. */
	const char *shown = prog->owned_args ? prog->args[2] : path;
	int64_t started = pt__now_us();
	struct pt__cancel hello =
		pt__cancel_until(cancel, started + PT__PROTOCOL_HELLO_MS * 1000LL);
	struct pt__cancel whole = pt__cancel_until(cancel, started + PT__PROTOCOL_LIST_MS * 1000LL);
	struct pt__buf why = PT__BUF_INIT;
	struct pt__event_reader reader;
	struct pt__event event;
	bool said_hello = false, listed = false, exited = false, last_kept = false;
	int events, status = 0, decoded, rc;
	pid_t pid;

	if ((rc = start_listing(path, prog->args, prog->argv, &pid, &events, err)))
		return rc;
	pt__event_reader_init(&reader, events);
	while (!exited && !why.len) {
		const struct pt__cancel *limit = said_hello ? &whole : &hello;
		pt__event_reader_read(&reader);
		while (!why.len && (decoded = pt__event_reader_next(&reader, &event, &why)) > 0) {
			said_hello = true;
			if (event.type == PT__EVENT_TEST && !listed)
				last_kept = add_listed(list, program, filters, &event);
			else if (event.type == PT__EVENT_TEST_INFO && !listed && last_kept)
				add_info(list, &event, &why);
			else if (event.type == PT__EVENT_LISTED)
				listed = true;
		}
		exited = reader.fd < 0 && waitpid(pid, &status, WNOHANG) == pid;
		if (exited || why.len)
			break;
		if ((rc = wait_for(reader.fd, limit)))
			pt__buf_adds(&why, "interrupted");
		else if (pt__cancel_expired(limit) && !said_hello)
			pt__buf_addf(&why, "it did not say hello within %d s",
				     PT__PROTOCOL_HELLO_MS / 1000);
		else if (pt__cancel_expired(limit))
			pt__buf_addf(&why, "it did not list its tests and exit within %d s",
				     PT__PROTOCOL_LIST_MS / 1000);
	}
	/* Whatever it left behind in its group goes; and it too, if it is still there. */
	kill(-pid, SIGKILL);
	if (!exited)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	pt__event_reader_release(&reader);
	if (!why.len && !(listed && WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		pt__describe_wait_status(status, &why);
		if (!listed)
			pt__buf_adds(&why, " before it listed them");
	}
	if (why.len) {
		pt__buf_addf(err, "cannot list the tests of \"%s\": %s", shown, why.data);
		rc = rc ? rc : PT__ERUN;
	}
	pt__buf_release(&why);
	return rc;
}

int pt__discover(struct pt__test_list *list, const char *const *programs, size_t nr_programs,
		 const char *const *filters, const struct pt__cancel *cancel, struct pt__buf *err)
{
	struct pt__buf path = PT__BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < nr_programs && !rc; i++) {
		rc = resolve_executable(programs[i], &path, err);
		if (rc)
			break;
		enum pt__program_speech speech = pt__program_speech(path.data);
		bool native = speech != PT__SPEAKS_NOTHING;
		char **argv = NULL;
		/* A Python project takes the operands after it: its labels and options. */
		if (pt__speech_is_python(speech)) {
			rc = pt__python_adapter_argv(pt__python_adapter_mode(speech), path.data,
						     programs + i + 1, nr_programs - i - 1, &argv,
						     err);
			if (rc)
				break;
			pt__buf_reset(&path);
			pt__buf_adds(&path, argv[0]);
		}
		size_t program =
			pt__test_list_add_program(list, path.data, pt__program_name(programs[i]),
						  native ? PT__PROGRAM_NATIVE : PT__PROGRAM_EXEC);
		list->programs[program].owned_args = argv;
		list->programs[program].args = argv ? argv + 1 : NULL;
		list->programs[program].speech = speech;
		list->programs[program].forkable =
			speech == PT__SPEAKS_NATIVE || pt__speech_is_python(speech);
		if (argv)
			nr_programs = i + 1;
		if (speech == PT__SPEAKS_GTEST || speech == PT__SPEAKS_CRITERION)
			pt__adapter_attach(&list->programs[program],
					   speech == PT__SPEAKS_GTEST ? "gtest" : "criterion",
					   NULL);
		if (native)
			rc = list_native(list, program, filters, cancel, err);
		else if (matches(filters, list->programs[program].name))
			pt__test_list_add_test(list, program, NULL, NULL, 0);
	}
	pt__buf_release(&path);
	return rc;
}
