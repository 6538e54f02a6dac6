#include "trial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "error.h"
#include "find_program.h"
#include "report/shell_quote.h"
#include "report_read.h"
#include "signals.h"
#include "spawn.h"
#include "xalloc.h"

void pt__trials_init(struct pt__trials *trials, const struct pt__options *options, const char *dir,
		     const char *test, struct pt__cancel cancel)
{
	char target[4096];
	ssize_t n = readlink("/proc/self/exe", target, sizeof(target) - 1);
	struct pt__buf ignored = PT__BUF_INIT;

	memset(trials, 0, sizeof(*trials));
	trials->options = options;
	trials->dir = dir;
	trials->test = test;
	trials->cancel = cancel;
	if (n > 0) {
		target[n] = '\0';
		pt__buf_adds(&trials->self, target);
	} else if (pt__find_program("partest", NULL, &trials->self, &ignored)) {
		pt__buf_reset(&trials->self);
		pt__buf_adds(&trials->self, "partest");
	}
	pt__buf_release(&ignored);
	/* The config file's options are in options already, and given again. */
	pt__environ_init(&trials->env);
	pt__environ_set(&trials->env, "PARTEST_CONFIG", "/dev/null");
}

void pt__trials_release(struct pt__trials *trials)
{
	pt__buf_release(&trials->self);
	pt__environ_release(&trials->env);
	memset(trials, 0, sizeof(*trials));
}

static void add_pair(struct pt__argv *args, const char *option, const char *value)
{
	pt__argv_add(args, option);
	pt__argv_add(args, value);
}

/*
 * What a trial is run with: what decides how the tests run (programs,
 * databases, start method, time limits, wrapper), one worker, and the
 * tests' order (an --order-file, or --order ID each for people); nothing
 * of what the hunt itself was asked (reports, selection).
 */
static void trial_args(const struct pt__trials *trials, struct pt__argv *args, const char *order_file,
		       char *const *ids, size_t nr)
{
	const struct pt__options *options = trials->options;
	char number[64];

	pt__argv_add(args, pt__buf_str(&trials->self));
	add_pair(args, "-j", "1");
	for (size_t i = 0; i < options->nr_dbs; i++)
		add_pair(args, "--db", options->dbs[i]);
	if (options->db_setup)
		add_pair(args, "--db-setup", options->db_setup);
	for (size_t i = 0; i < options->nr_db_inputs; i++)
		add_pair(args, "--db-inputs", options->db_inputs[i]);
	if (options->keepdb)
		pt__argv_add(args, "--keepdb");
	if (options->start != PT__REQUEST_AUTO)
		add_pair(args, "--start",
			 options->start == PT__REQUEST_SPAWN  ? "spawn"
			 : options->start == PT__REQUEST_FORK ? "fork"
							      : "isolate");
	if (options->timeout > 0) {
		snprintf(number, sizeof(number), "%g", options->timeout);
		add_pair(args, "--timeout", number);
	}
	if (options->kill_grace != 2.0) {
		snprintf(number, sizeof(number), "%g", options->kill_grace);
		add_pair(args, "--kill-grace", number);
	}
	if (options->wrapper)
		add_pair(args, "--wrapper", options->wrapper);
	if (strcmp(options->state_dir, ".partest"))
		add_pair(args, "--state-dir", options->state_dir);
	for (size_t i = 0; i < options->nr_ctest_dirs; i++)
		add_pair(args, "--ctest", options->ctest_dirs[i]);
	for (size_t i = 0; i < options->nr_meson_dirs; i++)
		add_pair(args, "--meson", options->meson_dirs[i]);
	if (order_file)
		add_pair(args, "--order-file", order_file);
	for (size_t i = 0; !order_file && i < nr; i++)
		add_pair(args, "--order", ids[i]);
	for (size_t i = 0; i < options->nr_programs; i++)
		pt__argv_add(args, options->programs[i]);
	if (options->program_args) {
		pt__argv_add(args, "::");
		for (char *const *arg = options->program_args; *arg; arg++)
			pt__argv_add(args, *arg);
	}
}

void pt__trial_command(const struct pt__trials *trials, char *const *ids, size_t nr,
		       struct pt__buf *out)
{
	struct pt__argv args = {0};

	trial_args(trials, &args, NULL, ids, nr);
	for (size_t i = 0; i < args.nr; i++) {
		if (i)
			pt__buf_addc(out, ' ');
		pt__shell_quote(out, args.argv[i]);
	}
	pt__argv_release(&args);
}

/* Writes ids, one a line, to path. Returns 0, or PT__ERUN with one line in err. */
static int write_order(const char *path, char *const *ids, size_t nr, struct pt__buf *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *file = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!file) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PT__ERUN;
	}
	for (size_t i = 0; i < nr; i++)
		fprintf(file, "%s\n", ids[i]);
	if (ferror(file) | fclose(file)) {
		pt__buf_addf(err, "cannot write \"%s\": %s", path, strerror(errno ? errno : EIO));
		return PT__ERUN;
	}
	return 0;
}

static void remove_files(struct pt__trial *trial)
{
	unlink(trial->order.data);
	unlink(trial->events.data);
	unlink(trial->errors.data);
	pt__buf_release(&trial->order);
	pt__buf_release(&trial->events);
	pt__buf_release(&trial->errors);
}

int pt__trial_start(struct pt__trials *trials, struct pt__trial *trial, char *const *ids, size_t nr,
		    struct pt__buf *err)
{
	struct pt__argv args = {0};
	size_t number = ++trials->made;
	int rc;

	memset(trial, 0, sizeof(*trial));
	trial->ids = ids;
	trial->nr_ids = nr;
	pt__buf_addf(&trial->order, "%s/trial-%zu.order", trials->dir, number);
	pt__buf_addf(&trial->events, "%s/trial-%zu.events", trials->dir, number);
	pt__buf_addf(&trial->errors, "%s/trial-%zu.err", trials->dir, number);
	if ((rc = write_order(trial->order.data, ids, nr, err))) {
		remove_files(trial);
		return rc;
	}
	int errors = open(trial->errors.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (errors < 0) {
		pt__buf_addf(err, "cannot write \"%s\": %s", trial->errors.data, strerror(errno));
		remove_files(trial);
		return PT__ERUN;
	}
	trial_args(trials, &args, trial->order.data, ids, nr);
	add_pair(&args, "--events", trial->events.data);
	struct pt__spawn spawn = {
		.path = args.argv[0],
		.argv = args.argv,
		.envp = trials->env.vars,
		.fds = {PT__SPAWN_DEVNULL, PT__SPAWN_DEVNULL, errors, PT__SPAWN_NONE,
			PT__SPAWN_NONE},
		.new_group = true,
	};
	rc = pt__spawn(&spawn, &trial->pid, err);
	close(errors);
	pt__argv_release(&args);
	if (rc) {
		trial->pid = 0;
		remove_files(trial);
	}
	return rc;
}

struct verdict {
	const char *test;
	bool seen, failed;
};

static int take_case(void *ctx, const struct pt__report_case *test_case, struct pt__buf *err)
{
	struct verdict *verdict = ctx;

	if (!strcmp(test_case->id, verdict->test)) {
		verdict->seen = true;
		verdict->failed =
			pt__status_failed(test_case->status) || test_case->status == PT__NOT_RUN;
	}
	return 0;
}

/* The first line of the trial's stderr, or how it ended. */
static void trial_error(const struct pt__trial *trial, int status, struct pt__buf *err)
{
	char line[1024] = "";
	FILE *file = fopen(trial->errors.data, "re");

	if (file) {
		if (!fgets(line, sizeof(line), file))
			line[0] = '\0';
		fclose(file);
	}
	line[strcspn(line, "\n")] = '\0';
	pt__buf_adds(err, "a trial run could not be carried out: ");
	if (line[0])
		pt__buf_adds(err, strncmp(line, "partest: ", 9) ? line : line + 9);
	else
		pt__describe_wait_status(status, err);
}

void pt__trials_stop(struct pt__trial *running, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (running[i].pid)
			kill(-running[i].pid, SIGTERM);
	for (size_t i = 0; i < nr; i++) {
		if (!running[i].pid)
			continue;
		while (waitpid(running[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
		running[i].pid = 0;
		remove_files(&running[i]);
	}
}

int pt__trial_wait(struct pt__trials *trials, struct pt__trial *running, size_t nr_running,
		   bool *failed, struct pt__buf *err)
{
	for (;;) {
		if (pt__cancel_interrupts(&trials->cancel)) {
			pt__trials_stop(running, nr_running);
			pt__buf_adds(err, "interrupted: the trials under way were stopped");
			return PT__EINTR;
		}
		for (size_t i = 0; i < nr_running; i++) {
			struct pt__trial *trial = &running[i];
			int status;
			if (!trial->pid || waitpid(trial->pid, &status, WNOHANG) != trial->pid)
				continue;
			trial->pid = 0;
			int rc = (int)i;
			int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			struct verdict verdict = {trials->test, false, false};
			struct pt__report_info info = {0};
			if (code == 130) {
				pt__buf_adds(err, "interrupted: a trial was");
				rc = PT__EINTR;
			} else if (code != 0 && code != 1) {
				trial_error(trial, status, err);
				rc = PT__ERUN;
			} else if (pt__report_read(trial->events.data, take_case, &verdict, &info,
						   err)) {
				rc = PT__ERUN;
			}
			pt__report_info_release(&info);
			*failed = verdict.failed || !verdict.seen;
			remove_files(trial);
			if (rc < 0)
				pt__trials_stop(running, nr_running);
			return rc;
		}
		struct pollfd signals = {pt__signals_fd(), POLLIN, 0};
		if (poll(&signals, 1, 1000) > 0)
			pt__signals_drain();
	}
}
