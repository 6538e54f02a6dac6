#include "ready_filler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../environ.h"
#include "../error.h"
#include "../find_program.h"
#include "../spawn.h"
#include "../xalloc.h"
#include "db.h"

/* partest's own binary: Linux says where; elsewhere the one on the PATH. */
static void self_path(struct pt__buf *out)
{
	char target[4096];
	ssize_t n = readlink("/proc/self/exe", target, sizeof(target) - 1);
	struct pt__buf ignored = PT__BUF_INIT;

	if (n > 0) {
		target[n] = '\0';
		pt__buf_adds(out, target);
	} else if (pt__find_program("partest", NULL, out, &ignored)) {
		pt__buf_reset(out);
		pt__buf_adds(out, "partest");
	}
	pt__buf_release(&ignored);
}

int pt__db_start_filler(const struct pt__db_filler *filler, struct pt__buf *err)
{
	struct pt__buf self = PT__BUF_INIT, dir = PT__BUF_INIT, log = PT__BUF_INIT,
		       why = PT__BUF_INIT;
	size_t nr_inputs = 0;
	char pool[16];
	struct pt__environ env;
	int fd = -1, rc = 0;
	pid_t pid;

	while (filler->inputs && filler->inputs[nr_inputs])
		nr_inputs++;
	const char **argv = pt__xcalloc(10 + 2 * (filler->nr_dbs + nr_inputs), sizeof(*argv));
	size_t argc = 0;

	self_path(&self);
	snprintf(pool, sizeof(pool), "%d", filler->pool);
	argv[argc++] = "partest";
	argv[argc++] = "db";
	argv[argc++] = "fill";
	argv[argc++] = "--state-dir";
	argv[argc++] = filler->state_dir;
	argv[argc++] = "--pool";
	argv[argc++] = pool;
	argv[argc++] = "--db-setup";
	argv[argc++] = filler->setup_cmd;
	for (size_t i = 0; i < filler->nr_dbs; i++) {
		argv[argc++] = "--db";
		argv[argc++] = filler->dbs[i];
	}
	for (size_t i = 0; i < nr_inputs; i++) {
		argv[argc++] = "--db-inputs";
		argv[argc++] = filler->inputs[i];
	}

	pt__buf_addf(&dir, "%s/ready", filler->state_dir);
	pt__buf_addf(&log, "%s/fill.log", dir.data);
	/* Without a usable state directory no template record is kept, so no
	 * run could claim what a filler made: the run's warning said so. */
	if (pt__db_make_dirs(dir.data, &why))
		goto out;
	fd = open(log.data, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		pt__buf_addf(&why, "cannot write \"%s\": %s", log.data, strerror(errno));
		rc = PT__ERUN;
		goto out;
	}
	pt__environ_init(&env);
	pt__environ_set(&env, "PARTEST_CONFIG", "/dev/null");
	struct pt__spawn spawn = {
		.path = self.data,
		.argv = (char *const *)argv,
		.envp = env.vars,
		.fds = {PT__SPAWN_DEVNULL, fd, fd, PT__SPAWN_NONE, PT__SPAWN_NONE},
		.detach = true,
	};
	rc = pt__spawn(&spawn, &pid, &why);
	pt__environ_release(&env);
out:
	if (rc)
		pt__buf_addf(err, "cannot start partest db fill for the ready clones: %s",
			     why.data);
	if (fd >= 0)
		close(fd);
	free(argv);
	pt__buf_release(&self);
	pt__buf_release(&dir);
	pt__buf_release(&log);
	pt__buf_release(&why);
	return rc;
}
