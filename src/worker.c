#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "clock.h"
#include "pool_config.h"
#include "spawn.h"
#include "xalloc.h"

void pt__worker_init(struct pt__worker *worker, int number)
{
	memset(worker, 0, sizeof(*worker));
	worker->number = number;
	worker->commands = worker->out = worker->err = -1;
	pt__event_reader_init(&worker->events, -1);
	worker->capture[0] = worker->capture[1] = -1;
	for (int k = 0; k < PT__FORK_FDS; k++)
		worker->fork_fds[k] = -1;
}

/* The output files, made once and kept across the worker's processes. */
static int ensure_capture(struct pt__worker *worker, const char *dir, struct pt__buf *err)
{
	for (int i = 0; i < 2; i++) {
		if (worker->capture[i] >= 0)
			continue;
		int fd = pt__unlinked_file(dir, err);
		if (fd < 0)
			return fd;
		worker->capture[i] = fd;
		worker->captured[i] = 0;
	}
	return 0;
}

int pt__worker_ask_fork(struct pt__worker *worker, struct pt__fork_server *server, char *const *env,
			struct pt__buf *err)
{
	int rc = pt__fork_server_fork(server, worker->number, worker->fork_fds, env, err);

	pt__close_fd(&worker->fork_fds[2]);
	pt__close_fd(&worker->fork_fds[3]);
	worker->awaiting_fork = false;
	return rc;
}

int pt__worker_start(struct pt__worker *worker, const struct pt__worker_options *options,
		     struct pt__buf *err)
{
	int out[2] = {-1, -1}, errs[2] = {-1, -1};
	int commands[2] = {-1, -1}, events[2] = {-1, -1};
	int child_out, child_err, rc;

	worker->pid = 0;
	if (options->native) {
		if (options->no_capture) {
			child_out = options->server ? 1 : PT__SPAWN_INHERIT;
			child_err = options->server ? 2 : PT__SPAWN_INHERIT;
		} else {
			if ((rc = ensure_capture(worker, options->capture_dir, err)))
				return rc;
			child_out = worker->capture[0];
			child_err = worker->capture[1];
		}
		if ((rc = pt__pipe(commands, err)) || (rc = pt__pipe(events, err)))
			goto fail;
	} else {
		if ((rc = pt__pipe(out, err)) || (rc = pt__pipe(errs, err)))
			goto fail;
		child_out = out[1];
		child_err = errs[1];
	}
	if (options->server) {
		worker->fork_fds[0] = child_out;
		worker->fork_fds[1] = child_err;
		worker->fork_fds[2] = commands[0];
		worker->fork_fds[3] = events[1];
		commands[0] = events[1] = -1;
		worker->awaiting_fork = true;
		if (options->server->state == PT__SERVER_SERVING &&
		    (rc = pt__worker_ask_fork(worker, options->server, options->env, err)))
			goto fail;
	} else {
		char **argv = pt__program_argv(options->path, options->args);
		struct pt__spawn spawn = {
			.path = options->argv ? options->argv[0] : options->path,
			.argv = options->argv ? options->argv : argv,
			.envp = options->env,
			.fds = {PT__SPAWN_DEVNULL, child_out, child_err,
				options->native ? commands[0] : PT__SPAWN_NONE,
				options->native ? events[1] : PT__SPAWN_NONE},
			.new_group = true,
			/* An adapter is partest itself, not the test's program. */
			.wrapped = !options->argv,
		};
		rc = pt__spawn(&spawn, &worker->pid, err);
		free(argv);
		if (rc)
			goto fail;
	}
	pt__close_fd(&commands[0]);
	pt__close_fd(&events[1]);
	pt__close_fd(&out[1]);
	pt__close_fd(&errs[1]);
	worker->native = options->native;
	worker->commands = commands[1];
	pt__event_reader_init(&worker->events, events[0]);
	worker->out = out[0];
	worker->err = errs[0];
	for (int *fd = &worker->commands; fd <= &worker->err; fd++)
		if (*fd >= 0)
			pt__set_nonblocking(*fd);
	if (worker->events.fd >= 0)
		pt__set_nonblocking(worker->events.fd);
	worker->kill_stage = 0;
	worker->kill_at_us = 0;
	worker->close_after_flush = false;
	pt__buf_reset(&worker->to_send);
	return 0;
fail:
	worker->awaiting_fork = false;
	pt__close_fd(&worker->fork_fds[2]);
	pt__close_fd(&worker->fork_fds[3]);
	for (int i = 0; i < 2; i++) {
		pt__close_fd(&out[i]);
		pt__close_fd(&errs[i]);
		pt__close_fd(&commands[i]);
		pt__close_fd(&events[i]);
	}
	return rc;
}

void pt__worker_flush(struct pt__worker *worker)
{
	while (worker->to_send.len && worker->commands >= 0) {
		ssize_t n = write(worker->commands, worker->to_send.data, worker->to_send.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				pt__buf_reset(&worker->to_send); /* the worker is gone */
			return;
		}
		pt__buf_consume(&worker->to_send, (size_t)n);
	}
	/* All a one-test worker will get is written: its end of input tells it to go. */
	if (worker->close_after_flush && !worker->to_send.len)
		pt__close_fd(&worker->commands);
}

void pt__worker_queue(struct pt__worker *worker, const struct pt__command *cmd)
{
	pt__protocol_encode_command(&worker->to_send, cmd);
}

void pt__worker_close_input(struct pt__worker *worker, bool after_flush)
{
	if (after_flush) {
		worker->close_after_flush = true;
		pt__worker_flush(worker);
		return;
	}
	pt__close_fd(&worker->commands);
	pt__buf_reset(&worker->to_send);
}

/* Keeps output of stream i (0 stdout, 1 stderr) up to PT__OUTPUT_LIMIT per test, counting the rest. */
static void add_captured(struct pt__worker *worker, int i, const char *data, size_t len)
{
	struct pt__buf *buf = i ? &worker->err_buf : &worker->out_buf;

	if (buf->len + len > PT__OUTPUT_LIMIT) {
		size_t room = buf->len < PT__OUTPUT_LIMIT ? PT__OUTPUT_LIMIT - buf->len : 0;
		worker->dropped[i] += len - room;
		len = room;
	}
	pt__buf_add(buf, data, len);
}

static void drain(struct pt__worker *worker, int *fd, int which, pt__worker_output_fn *echo,
		  void *ctx)
{
	char chunk[65536];

	while (*fd >= 0) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));
		if (n > 0) {
			if (echo)
				echo(ctx, which, chunk, (size_t)n);
			add_captured(worker, which - 1, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN)
			pt__close_fd(fd);
		return;
	}
}

void pt__worker_drain_output(struct pt__worker *worker, pt__worker_output_fn *echo, void *ctx)
{
	drain(worker, &worker->out, 1, echo, ctx);
	drain(worker, &worker->err, 2, echo, ctx);
}

/* Where output file i is to be read up to: ends[i], or its end (-1, or an offset gone past). */
static off_t capture_end(const struct pt__worker *worker, int i, const off_t ends[2])
{
	struct stat st;

	if (ends[i] >= 0 && ends[i] >= worker->captured[i])
		return ends[i];
	return fstat(worker->capture[i], &st) ? worker->captured[i] : st.st_size;
}

void pt__worker_read_capture(struct pt__worker *worker, const off_t ends[2])
{
	char chunk[65536];

	for (int i = 0; i < 2; i++) {
		if (worker->capture[i] < 0)
			continue;
		off_t end = capture_end(worker, i, ends);
		while (worker->captured[i] < end) {
			size_t want = (size_t)(end - worker->captured[i]);
			ssize_t n = pread(worker->capture[i], chunk,
					  want < sizeof(chunk) ? want : sizeof(chunk),
					  worker->captured[i]);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			add_captured(worker, i, chunk, (size_t)n);
			worker->captured[i] += n;
		}
	}
}

void pt__worker_discard_output(struct pt__worker *worker, const off_t ends[2])
{
	struct pt__buf *bufs[2] = {&worker->out_buf, &worker->err_buf};

	for (int i = 0; i < 2; i++) {
		/* What went over the limit was not kept either. */
		worker->not_kept[i] += bufs[i]->len + worker->dropped[i];
		worker->dropped[i] = 0;
		pt__buf_release(bufs[i]);
		if (worker->capture[i] < 0)
			continue;
		off_t end = capture_end(worker, i, ends);
		if (end > worker->captured[i]) {
			worker->not_kept[i] += (size_t)(end - worker->captured[i]);
			worker->captured[i] = end;
		}
	}
}

void pt__worker_take_output(struct pt__worker *worker, struct pt__buf *out, struct pt__buf *err,
			    uint64_t *written)
{
	static const char *const streams[2] = {"stdout", "stderr"};
	struct pt__buf *bufs[2] = {out, err};

	pt__buf_release(out);
	pt__buf_release(err);
	*out = worker->out_buf;
	*err = worker->err_buf;
	*written = out->len + err->len;
	for (int i = 0; i < 2; i++) {
		*written += worker->dropped[i] + worker->not_kept[i];
		if (worker->dropped[i])
			pt__buf_addf(bufs[i], "\n[partest: %zu more bytes of %s were dropped]\n",
				     worker->dropped[i], streams[i]);
		if (worker->not_kept[i])
			pt__buf_addf(bufs[i], "[partest: %zu bytes written to %s, not kept]\n",
				     worker->not_kept[i], streams[i]);
		worker->dropped[i] = worker->not_kept[i] = 0;
	}
	worker->out_buf = (struct pt__buf)PT__BUF_INIT;
	worker->err_buf = (struct pt__buf)PT__BUF_INIT;
}

void pt__worker_signal(struct pt__worker *worker, int signo)
{
	if (worker->pid > 0)
		kill(-worker->pid, signo);
}

void pt__worker_stop(struct pt__worker *worker, bool grace_first, int64_t grace_us)
{
	pt__worker_close_input(worker, false);
	if (grace_first) {
		worker->kill_stage = 0;
	} else {
		pt__worker_signal(worker, SIGTERM);
		worker->kill_stage = 1;
	}
	worker->kill_at_us = pt__now_us() + grace_us;
}

bool pt__worker_escalate(struct pt__worker *worker, int64_t now_us, int64_t grace_us)
{
	if (!worker->kill_at_us || now_us < worker->kill_at_us || worker->pid <= 0)
		return false;
	if (worker->kill_stage == 0) {
		pt__worker_signal(worker, SIGTERM);
		worker->kill_stage = 1;
		worker->kill_at_us = now_us + grace_us;
		return false;
	}
	pt__worker_signal(worker, SIGKILL);
	worker->kill_at_us = 0;
	return worker->kill_stage++ == 1;
}

bool pt__worker_exited(struct pt__worker *worker, pt__worker_output_fn *echo, void *ctx)
{
	bool leaked = false;

	pt__worker_drain_output(worker, echo, ctx);
	pt__worker_read_capture(worker, (off_t[2]){-1, -1});
	/* The leader is gone; anything left in its group was left behind. */
	if (kill(-worker->pid, 0) == 0) {
		leaked = true;
		kill(-worker->pid, SIGKILL);
		pt__worker_drain_output(worker, echo, ctx);
	}
	pt__close_fd(&worker->commands);
	pt__close_fd(&worker->out);
	pt__close_fd(&worker->err);
	return leaked;
}

void pt__worker_reset(struct pt__worker *worker)
{
	worker->awaiting_fork = false;
	pt__close_fd(&worker->fork_fds[2]);
	pt__close_fd(&worker->fork_fds[3]);
	pt__close_fd(&worker->commands);
	pt__close_fd(&worker->out);
	pt__close_fd(&worker->err);
	pt__event_reader_release(&worker->events);
	pt__buf_reset(&worker->to_send);
	pt__buf_reset(&worker->out_buf);
	pt__buf_reset(&worker->err_buf);
	for (int i = 0; i < 2; i++)
		worker->dropped[i] = worker->not_kept[i] = 0;
	worker->pid = 0;
	worker->forked = false;
	worker->kill_stage = 0;
	worker->kill_at_us = 0;
}

void pt__worker_release(struct pt__worker *worker)
{
	pt__worker_reset(worker);
	pt__close_fd(&worker->capture[0]);
	pt__close_fd(&worker->capture[1]);
	pt__buf_release(&worker->to_send);
	pt__buf_release(&worker->out_buf);
	pt__buf_release(&worker->err_buf);
}
