#include "adapter.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/leaks.h"
#include "error.h"
#include "find_program.h"
#include "spawn.h"
#include "xalloc.h"

/* The batch being run: results are reported in its order. */
static const struct pt__adapter_test *batch;
static size_t batch_len, batch_next;

static void send_event(const struct pt__event *event)
{
	struct pt__buf frame = PT__BUF_INIT;

	pt__protocol_encode_event(&frame, event);
	if (pt__write_all(PT__PROTOCOL_EVENT_FD, frame.data, frame.len, NULL))
		_exit(70); /* the runner is gone */
	pt__buf_release(&frame);
}

void pt__adapter_list_test(struct pt__adapter *adapter, const char *suite, const char *name,
			   int timeout_ms, const struct pt__test_info *info)
{
	struct pt__buf frame = PT__BUF_INIT;

	send_event(&(struct pt__event){
		.type = PT__EVENT_TEST, .suite = suite, .name = name, .timeout_ms = timeout_ms});
	if (!info)
		return;
	pt__protocol_encode_test_info(&frame, info);
	if (pt__write_all(PT__PROTOCOL_EVENT_FD, frame.data, frame.len, NULL))
		_exit(70);
	pt__buf_release(&frame);
}

static off_t position(int fd)
{
	off_t at = lseek(fd, 0, SEEK_CUR);

	return at < 0 ? -1 : at;
}

void pt__adapter_result(struct pt__adapter *adapter, enum pt__wire_status status,
			int64_t duration_us, const char *message, size_t len)
{
	if (batch_next >= batch_len)
		return;
	fflush(NULL);
	send_event(&(struct pt__event){
		.type = PT__EVENT_RESULT,
		.seq = batch[batch_next++].seq,
		.status = status,
		.duration_us = duration_us,
		.out_end = position(1),
		.err_end = position(2),
		.payload = message ? message : "",
		.payload_len = message ? len : 0,
	});
}

bool pt__adapter_leaked(struct pt__buf *message)
{
	struct pt__children none = {NULL, 0, 0};
	struct pt__buf left = PT__BUF_INIT;
	bool leaked = pt__leaks_kill_new(&none, &left) > 0;

	if (leaked)
		pt__buf_addf(message,
			     "%sleft processes running after it exited: %s; they were killed",
			     message->len ? "\n" : "", left.data);
	pt__buf_release(&left);
	return leaked;
}

bool pt__adapter_batch_leaked(size_t tests, struct pt__buf *message)
{
	bool leaked = pt__adapter_leaked(message);

	if (leaked && tests > 1)
		pt__buf_addf(message,
			     " (the run of the binary that left them ran %zu tests, and any of "
			     "them may have started them: --start isolate runs one test a run "
			     "and says which)",
			     tests);
	return leaked;
}

_Noreturn void pt__adapter_die_like(int wait_status, const char *what, const char *test)
{
	struct pt__buf how = PT__BUF_INIT;

	pt__describe_wait_status(wait_status, &how);
	fflush(NULL);
	fprintf(stderr, "partest: \"%s\" %s while running %s\n", what, how.data, test);
	fflush(stderr);
	if (WIFSIGNALED(wait_status)) {
		int signo = WTERMSIG(wait_status);
		sigset_t set;
		/* The framework's process left its core already, if any. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
		signal(signo, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, signo);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(signo);
	}
	_exit(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) ? WEXITSTATUS(wait_status) : 1);
}

/* Runs the tests asked for so far, as one batch. */
static void run_pending(struct pt__adapter *adapter, struct pt__adapter_test *pending, size_t *nr)
{
	if (!*nr)
		return;
	batch = pending;
	batch_len = *nr;
	batch_next = 0;
	adapter->kind->run(adapter, pending, *nr);
	/* A kind that forgot a test: the runner must still hear of each. */
	while (batch_next < batch_len)
		pt__adapter_result(adapter, PT__WIRE_FAIL, 0, "the adapter did not run it", 26);
	for (size_t i = 0; i < *nr; i++) {
		free(pending[i].suite);
		free(pending[i].name);
	}
	*nr = 0;
	batch = NULL;
}

static void answer_init(struct pt__adapter *adapter, bool *ready)
{
	struct pt__buf why = PT__BUF_INIT;

	if (adapter->kind->init(adapter, &why)) {
		send_event(&(struct pt__event){.type = PT__EVENT_INIT_FAILED,
					       .payload = why.data,
					       .payload_len = why.len});
	} else {
		*ready = true;
		send_event(&(struct pt__event){.type = PT__EVENT_READY});
	}
	pt__buf_release(&why);
}

static void answer_list(struct pt__adapter *adapter)
{
	struct pt__buf why = PT__BUF_INIT;

	if (adapter->kind->list(adapter, &why)) {
		/* The listing fails: the runner says why, with what was written here. */
		fprintf(stderr, "partest: %s\n", why.data);
		exit(1);
	}
	send_event(&(struct pt__event){.type = PT__EVENT_LISTED});
	pt__buf_release(&why);
}

int pt__adapter_serve(const struct pt__adapter_kind *kind, char **args, int nr_args)
{
	struct pt__adapter adapter = {kind, args, nr_args, NULL};
	struct pt__buf input = PT__BUF_INIT, why = PT__BUF_INIT;
	struct pt__adapter_test *pending = NULL;
	size_t nr_pending = 0, alloc_pending = 0;
	bool ready = false, eof = false;
	char chunk[65536];

	unsetenv(PT__PROTOCOL_ENV);
	pt__leaks_adopt_orphans();
	fcntl(PT__PROTOCOL_COMMAND_FD, F_SETFD, FD_CLOEXEC);
	fcntl(PT__PROTOCOL_EVENT_FD, F_SETFD, FD_CLOEXEC);
	send_event(&(struct pt__event){
		.type = PT__EVENT_HELLO, .version = PT__PROTOCOL_VERSION, .pid = (long)getpid()});
	while (!eof) {
		ssize_t n = read(PT__PROTOCOL_COMMAND_FD, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			eof = true;
		else
			pt__buf_add(&input, chunk, (size_t)n);
		struct pt__frame_storage storage;
		struct pt__command command;
		size_t used;
		int decoded;
		while ((decoded = pt__protocol_decode_command(input.data, input.len, &command,
							      &storage, &used, &why)) == 1) {
			switch (command.type) {
			case PT__COMMAND_LIST: answer_list(&adapter); break;
			case PT__COMMAND_INIT: answer_init(&adapter, &ready); break;
			case PT__COMMAND_RUN:
				PT__GROW(pending, nr_pending + 1, alloc_pending);
				pending[nr_pending++] = (struct pt__adapter_test){
					command.seq, pt__xstrdup(command.suite),
					pt__xstrdup(command.name)};
				break;
			case PT__COMMAND_ENV:
				/* --fresh-db: the clones of the tests that follow,
				 * which the framework's processes inherit. What came
				 * before runs on the clones it was sent with. */
				run_pending(&adapter, pending, &nr_pending);
				if (pt__protocol_set_env(command.payload, command.payload_len)) {
					fprintf(stderr, "partest: the adapter was sent a malformed "
							"env command\n");
					_exit(70);
				}
				break;
			case PT__COMMAND_END:
				run_pending(&adapter, pending, &nr_pending);
				send_event(&(struct pt__event){.type = PT__EVENT_ENDED,
							       .status = PT__WIRE_PASS});
				break;
			default:
				fprintf(stderr, "partest: the adapter was sent \"%s\"\n",
					pt__protocol_command_name(command.type));
				_exit(70);
			}
			pt__buf_consume(&input, used);
		}
		if (decoded < 0) {
			fprintf(stderr, "partest: the adapter was sent a bad frame: %s\n",
				why.data);
			_exit(70);
		}
		/* What has come is run now: under --failfast tests come one by one. */
		if (ready)
			run_pending(&adapter, pending, &nr_pending);
	}
	if (ready && kind->release)
		kind->release(&adapter);
	free(pending);
	pt__buf_release(&input);
	pt__buf_release(&why);
	return 0;
}

void pt__adapter_attach(struct pt__program *program, const char *kind, const char *arg)
{
	struct pt__buf self = PT__BUF_INIT, ignored = PT__BUF_INIT;
	char target[4096];
	ssize_t n = readlink("/proc/self/exe", target, sizeof(target) - 1);
	size_t argc = 0;

	if (n > 0) {
		target[n] = '\0';
		pt__buf_adds(&self, target);
	} else if (pt__find_program("partest", NULL, &self, &ignored)) {
		pt__buf_reset(&self);
		pt__buf_adds(&self, "partest");
	}
	char *const *wrapper = pt__spawn_wrapper();
	size_t nr_words = 0;
	while (wrapper && wrapper[nr_words])
		nr_words++;
	program->argv = pt__xcalloc(8 + nr_words, sizeof(*program->argv));
	program->argv[argc++] = pt__buf_detach(&self);
	program->argv[argc++] = pt__xstrdup(PT__ADAPTER_FLAG);
	/* --wrapper: the adapter starts the suite's test processes under it. */
	if (nr_words) {
		struct pt__buf count = PT__BUF_INIT;
		pt__buf_addf(&count, "%zu", nr_words);
		program->argv[argc++] = pt__xstrdup(PT__ADAPTER_WRAPPER_FLAG);
		program->argv[argc++] = pt__buf_detach(&count);
		for (size_t i = 0; i < nr_words; i++)
			program->argv[argc++] = pt__xstrdup(wrapper[i]);
	}
	program->argv[argc++] = pt__xstrdup(kind);
	program->argv[argc++] = pt__xstrdup(program->path);
	if (arg)
		program->argv[argc++] = pt__xstrdup(arg);
	program->adapter = kind;
	program->forkable = false;
	pt__buf_release(&ignored);
}
