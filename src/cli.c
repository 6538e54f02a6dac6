#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <partest.h>

#include "buf.h"
#include "cancel.h"
#include "clock.h"
#include "cpus.h"
#include "error.h"
#include "db/provision.h"
#include "db/ready_filler.h"
#include "ctest_discover.h"
#include "db/secrets.h"
#include "discover.h"
#include "meson_discover.h"
#include "django_databases.h"
#include "environ.h"
#include "fresh_db.h"
#include "last_failed.h"
#include "list_json.h"
#include "merge.h"
#include "options.h"
#include "plan.h"
#include "pool.h"
#include "report/console.h"
#include "report/reports.h"
#include "rundir.h"
#include "selection.h"
#include "signals.h"
#include "state_dir.h"
#include "start_method.h"
#include "testlist.h"
#include "timings.h"
#include "protocol.h"
#include "report/failures.h"
#include "report/shell_quote.h"
#include "worker_env.h"
#include "xalloc.h"
#include "bisect.h"
#include "debug_run.h"
#include "pair.h"
#include "repeat.h"
#include "report/repeats.h"
#include "spawn.h"
#include "worker_order.h"

enum { EXIT_PASSED = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RUN = 3, EXIT_INTERRUPTED = 130 };

struct run {
	struct pt__options options;
	struct pt__test_list list;
	struct pt__plan plan;
	struct pt__timings timings;
	struct pt__selection selection; /* --skip, --tag, --rerun-failed, --partition */
	struct pt__rundir rundir;
	struct pt__db_context db_context;
	struct pt__django_databases django; /* what a Django project adds to --db */
	struct pt__cancel cancel; /* what ends a wait early: Ctrl-C, SIGTERM */
	struct pt__db *dbs;
	size_t nr_dbs;
	bool dbs_provisioned;
	struct pt__worker_env worker_env; /* TMPDIRs, clone URLs: renewed and kept */
	struct pt__fresh_db fresh;	  /* --fresh-db test|group: the clones handed out */
	int workers;
	struct pt__reports reports; /* --junit, --events, --tap, GitHub's */
	struct pt__console console;
	/* The tests as they started on each worker: STATE_DIR/order, for --bisect. */
	struct pt__worker_order worker_order;
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every message goes through pt__secrets_mask: no password reaches stderr. */
static void say(const char *fmt, ...)
{
	struct pt__buf text = PT__BUF_INIT, shown = PT__BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	pt__buf_vaddf(&text, fmt, ap);
	va_end(ap);
	pt__secrets_mask(pt__buf_str(&text), &shown);
	fflush(stdout);
	fprintf(stderr, "partest: %s\n", pt__buf_str(&shown));
	pt__buf_release(&text);
	pt__buf_release(&shown);
}

/* The exit status for a code of the error rule (error.h). */
static int exit_status(int rc)
{
	return rc == PT__EINTR ? EXIT_INTERRUPTED : rc == PT__EUSAGE ? EXIT_USAGE : EXIT_RUN;
}

static int count_workers(const struct run *run)
{
	int workers = run->options.jobs ? run->options.jobs : pt__cpus_available();

	if (run->selection.order_tests)
		workers = 1;

	if ((size_t)workers > run->plan.nr_groups)
		workers = run->plan.nr_groups ? (int)run->plan.nr_groups : 1;
	return workers;
}

static void on_test_start(void *ctx, const struct pt__test_list *list, size_t test, int worker)
{
	pt__worker_order_add(&((struct run *)ctx)->worker_order, worker, test);
	pt__reports_test_start(&((struct run *)ctx)->reports, list, test, worker);
}

static void on_test_done(void *ctx, const struct pt__test_list *list, size_t test)
{
	pt__console_test_done(&((struct run *)ctx)->console, list, test);
	pt__reports_test_done(&((struct run *)ctx)->reports, list, test);
}

static void on_attempt_failed(void *ctx, const struct pt__test_list *list, size_t test)
{
	pt__console_attempt_failed(&((struct run *)ctx)->console, list, test);
	pt__reports_attempt_failed(&((struct run *)ctx)->reports, list, test);
}

static void on_progress(void *ctx, const struct pt__pool_progress *progress)
{
	pt__console_progress(&((struct run *)ctx)->console, progress);
}

static void on_output(void *ctx, int fd, const char *data, size_t len)
{
	pt__console_passthrough(&((struct run *)ctx)->console, fd, data, len);
}

static void on_note(void *ctx, const char *line)
{
	pt__console_note(&((struct run *)ctx)->console, "partest: %s", line);
}

static int on_renew_slot(void *ctx, int worker, struct pt__buf *err)
{
	struct run *run = ctx;

	/* Under --fresh-db test|group clones are made anew as they are given back. */
	if (run->fresh.vars)
		return pt__worker_env_renew_tmpdir(&run->worker_env, worker, err);
	return pt__worker_env_renew(&run->worker_env, worker, err);
}

/*
 * The command that runs test alone on fresh clones: this run's database
 * options, then the failed-test line's filter and program.
 */
static void rerun_command(const struct run *run, const struct pt__test_list *list,
			  const struct pt__test *test, struct pt__buf *out)
{
	const struct pt__options *options = &run->options;
	struct pt__buf tail = PT__BUF_INIT;

	pt__buf_adds(out, "partest");
	for (size_t i = 0; i < options->nr_dbs; i++) {
		pt__buf_adds(out, " --db ");
		pt__shell_quote(out, options->dbs[i]);
	}
	if (options->db_setup) {
		pt__buf_adds(out, " --db-setup ");
		pt__shell_quote(out, options->db_setup);
	}
	for (size_t i = 0; i < options->nr_db_inputs; i++) {
		pt__buf_adds(out, " --db-inputs ");
		pt__shell_quote(out, options->db_inputs[i]);
	}
	if (options->keepdb)
		pt__buf_adds(out, " --keepdb");
	if (strcmp(options->state_dir, ".partest")) {
		pt__buf_adds(out, " --state-dir ");
		pt__shell_quote(out, options->state_dir);
	}
	pt__failures_rerun_command(&tail, list, test);
	pt__buf_adds(out, tail.data + strlen("partest"));
	pt__buf_release(&tail);
}

static int on_keep_slot(void *ctx, int worker, int clone, const struct pt__test_list *list,
			size_t test, struct pt__buf *err)
{
	struct run *run = ctx;
	struct pt__buf rerun = PT__BUF_INIT;
	int rc;

	rerun_command(run, list, &list->tests[test], &rerun);
	/* The renewer lets go of the databases' connections first. */
	if (run->fresh.vars)
		pt__fresh_db_lock(&run->fresh);
	rc = pt__worker_env_keep(&run->worker_env, worker, clone, list->tests[test].id, rerun.data,
				 err);
	if (run->fresh.vars)
		pt__fresh_db_unlock(&run->fresh);
	pt__buf_release(&rerun);
	return rc;
}

/* What --keep-failed kept, the passwords in re-run commands' --db masked too. */
static void report_kept(struct run *run)
{
	struct pt__buf kept = PT__BUF_INIT, shown = PT__BUF_INIT;

	pt__kept_report(&run->worker_env.kept, pt__worker_env_main_db(&run->worker_env), &kept);
	pt__secrets_mask(pt__buf_str(&kept), &shown);
	for (char *line = shown.data, *end; line && (end = strchr(line, '\n')); line = end + 1)
		pt__console_note(&run->console, "%.*s", (int)(end - line), line);
	pt__buf_release(&kept);
	pt__buf_release(&shown);
}

/*
 * A --keepdb run with --db-setup leaves `partest db fill` behind, detached,
 * to make the ready clones the next run claims (--pool N, or one per worker).
 */
static void start_filler(struct run *run)
{
	const struct pt__options *options = &run->options;
	struct pt__db_filler filler = {
		.state_dir = options->state_dir,
		.dbs = options->dbs,
		.nr_dbs = options->nr_dbs,
		.setup_cmd = options->db_setup,
		.inputs = options->db_inputs,
		.pool = options->pool >= 0 ? options->pool : run->workers,
	};
	struct pt__buf why = PT__BUF_INIT;

	if (!options->keepdb || !options->db_setup || !filler.pool)
		return;
	if (pt__db_start_filler(&filler, &why))
		say("warning: %s", why.data);
	pt__buf_release(&why);
}

/* Puts the reports in place, saying each one that could not be. */
static void finish_reports(struct run *run, double wall, int status)
{
	struct pt__buf err = PT__BUF_INIT;

	if (pt__reports_finish(&run->reports, &run->list, wall, status, &err))
		for (char *line = err.data, *end; line; line = end ? end + 1 : NULL) {
			end = strchr(line, '\n');
			say("%.*s", end ? (int)(end - line) : (int)strlen(line), line);
		}
	pt__buf_release(&err);
}

/* --list's line for test: its id, and with -v where it is defined and its tags. */
static void list_test(const struct pt__test *test, int verbose)
{
	const struct pt__test_attributes *attributes = &test->attributes;

	fputs(test->id, stdout);
	if (verbose && attributes->file)
		printf("  %s:%d", attributes->file, attributes->line);
	if (verbose && attributes->tags)
		printf("  [%s]", attributes->tags);
	putchar('\n');
}

/*
 * Narrows the listed tests to the selection and this run's shard, loading
 * the durations that order the plan. Returns false to go on, or true with
 * the exit status in *status: 0 for nothing to rerun, 2 when nothing is
 * selected at all.
 */
static bool select_tests(struct run *run, int *status, struct pt__buf *err)
{
	const struct pt__options *options = &run->options;
	struct pt__buf notes = PT__BUF_INIT;
	int rc = pt__selection_init(&run->selection, options, &run->list, &notes, err);

	for (char *line = notes.data, *end; line && (end = strchr(line, '\n')); line = end + 1)
		say("%.*s", (int)(end - line), line);
	pt__buf_release(&notes);
	*status = rc ? exit_status(rc) : EXIT_PASSED;
	if (rc)
		return true;
	struct pt__buf why = PT__BUF_INIT;
	if (!options->list && !options->explain && pt__state_dir_prepare(options->state_dir, &why))
		say("warning: %s; durations and template records are not kept", why.data);
	pt__buf_release(&why);
	pt__timings_load(&run->timings, options->state_dir);
	pt__selection_apply(&run->selection, &run->list, &run->timings);
	if (run->selection.partitioned)
		run->options.partition = pt__buf_str(&run->selection.partition_text);
	if (options->rerun_failed && !run->selection.failed.nr) {
		say("--rerun-failed: no test failed last time");
		return true;
	}
	bool only_filter = !options->nr_skips && !options->nr_tags && !options->nr_exclude_tags &&
			   !options->rerun_failed;
	if (!run->selection.selected && (options->nr_filters || !only_filter)) {
		pt__buf_adds(err, only_filter ? "no test matches --filter"
					      : "no test is selected by --filter, --skip, --tag, "
						"--exclude-tag and --rerun-failed");
		*status = EXIT_USAGE;
		return true;
	}
	if (run->selection.partitioned && !run->list.nr_tests)
		say("shard %s is empty: the %zu selected tests are all in other shards; it passes",
		    run->options.partition, run->selection.selected);
	return false;
}

static void say_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

/*
 * --bisect and --pair: trials, each a run of its own, of the selected tests
 * (for --bisect: those before TEST in --order, or on its worker last time).
 * Returns the exit status: 1 when a test makes TEST fail (or it fails
 * alone), 0 when none does.
 */
static int hunt(struct run *run, struct pt__buf *err)
{
	const struct pt__options *options = &run->options;
	const char *test = options->bisect ? options->bisect : options->pair;
	struct pt__trials trials;
	char **ids = NULL;
	size_t nr = 0;
	int rc = 0;

	if (options->bisect && run->selection.nr_order) {
		ids = pt__xcalloc(run->selection.nr_order + 1, sizeof(*ids));
		for (size_t i = 0; i < run->selection.nr_order; i++) {
			if (!strcmp(run->selection.order[i], test))
				break;
			ids[nr++] = pt__xstrdup(run->selection.order[i]);
		}
	} else if (options->bisect) {
		rc = pt__worker_order_before(options->state_dir, test, &ids, &nr, err);
	} else {
		ids = pt__xcalloc(run->list.nr_tests + 1, sizeof(*ids));
		for (size_t i = 0; i < run->list.nr_tests; i++)
			if (strcmp(run->list.tests[i].id, test))
				ids[nr++] = pt__xstrdup(run->list.tests[i].id);
	}
	if (rc)
		return exit_status(rc);
	pt__trials_init(&trials, options, run->rundir.path, test, run->cancel);
	int jobs = options->jobs ? options->jobs : pt__cpus_available();
	rc = options->bisect ? pt__bisect(&trials, ids, nr, say_line, run, err)
			     : pt__pair(&trials, ids, nr, jobs, say_line, run, err);
	pt__trials_release(&trials);
	pt__worker_order_free_ids(ids);
	return rc < 0 ? exit_status(rc) : rc ? EXIT_FAILED : EXIT_PASSED;
}

/*
 * --fresh-db test|group needs a database to clone, and workers that can
 * be given new clones as they go: not partest's Python adapter (a Django
 * or unittest process connects once); nor clones made by a child process
 * (--db-setup filling each clone, mysqldump), which the renewer waits for
 * while the pool's loop reaps every child. Returns 0, or PT__EUSAGE with
 * one line in err.
 */
static int check_fresh_db(const struct run *run, struct pt__buf *err)
{
	const char *scope = pt__fresh_db_scope_name(run->options.fresh_db);

	if (run->options.fresh_db == PT__FRESH_DB_WORKER)
		return 0;
	if (!run->nr_dbs) {
		pt__buf_addf(err, "--fresh-db %s: no --db to give fresh clones of", scope);
		return PT__EUSAGE;
	}
	for (size_t p = 0; p < run->list.nr_programs; p++) {
		const struct pt__program *program = &run->list.programs[p];
		if (program->speech != PT__SPEAKS_DJANGO && program->speech != PT__SPEAKS_UNITTEST)
			continue;
		pt__buf_addf(err,
			     "--fresh-db %s: \"%s\" is run by partest's Python adapter, whose "
			     "worker keeps the databases it connected to: use --fresh-db worker",
			     scope, program->name);
		return PT__EUSAGE;
	}
	for (size_t i = 0; i < run->nr_dbs; i++) {
		const struct pt__db *db = &run->dbs[i];
		if (!db->backend->has_template || db->backend->has_template(db))
			continue;
		pt__buf_addf(err,
			     "--fresh-db %s: --db %s has no template to copy (its clones are "
			     "filled by --db-setup one by one): use --fresh-db worker",
			     scope, db->alias);
		return PT__EUSAGE;
	}
	for (size_t i = 0; i < run->nr_dbs; i++) {
		const struct pt__db *db = &run->dbs[i];
		const char *program = db->backend->copy_program ? db->backend->copy_program(db) : NULL;
		if (!program)
			continue;
		pt__buf_addf(err,
			     "--fresh-db %s: --db %s copies its clones with %s, which cannot run "
			     "beside the tests: use the default strategy or --fresh-db worker",
			     scope, db->alias, program);
		return PT__EUSAGE;
	}
	return 0;
}

/* --debug: the one selected test, in the foreground. Returns its exit status. */
static int debug(struct run *run, struct pt__buf *err)
{
	int status = 0;
	int rc = pt__debug_run(&run->list, 0, run->worker_env.env_vars[0], &status, err);

	return rc ? exit_status(rc) : status;
}

/* Everything from discovery to the report. Returns the exit status. */
static int execute(struct run *run, struct pt__buf *err)
{
	int rc;

	rc = pt__discover(&run->list, run->options.programs, run->options.nr_programs,
			  run->options.filters, &run->cancel, err);
	for (size_t i = 0; !rc && i < run->options.nr_ctest_dirs; i++)
		rc = pt__ctest_discover(&run->list, run->options.ctest_dirs[i],
					run->options.filters, err);
	for (size_t i = 0; !rc && i < run->options.nr_meson_dirs; i++)
		rc = pt__meson_discover(&run->list, run->options.meson_dirs[i],
					run->options.filters, err);
	if (rc)
		return exit_status(rc);
	if (select_tests(run, &rc, err))
		return rc;
	if (!run->options.list && !run->options.explain &&
	    (run->options.bisect || run->options.pair))
		return hunt(run, err);
	for (size_t p = 0; p < run->list.nr_programs; p++)
		pt__start_method_choose(&run->list.programs[p], run->options.start);
	for (size_t p = 0; p < run->list.nr_programs; p++)
		if (run->list.programs[p].kind == PT__PROGRAM_EXEC)
			run->list.programs[p].args = run->options.program_args;
	if (run->options.explain) {
		for (size_t p = 0; p < run->list.nr_programs; p++) {
			const struct pt__program *program = &run->list.programs[p];
			printf("%s: %s%s, %s: %s\n", program->name,
			       program->adapter ? program->adapter : "",
			       program->adapter ? " (through partest's adapter)"
			       : program->speech == PT__SPEAKS_DJANGO	? "Django project"
			       : program->speech == PT__SPEAKS_UNITTEST ? "unittest script"
			       : program->forkable			? "native"
			       : program->kind == PT__PROGRAM_NATIVE	? "script worker"
									: "executable",
			       pt__start_method_name(program->start), program->start_reason);
		}
		return EXIT_PASSED;
	}
	if (run->options.list && run->options.list_json)
		return pt__list_json_write(stdout, &run->list, err) ? EXIT_RUN : EXIT_PASSED;
	if (run->options.list) {
		for (size_t i = 0; i < run->list.nr_tests; i++)
			list_test(&run->list.tests[i], run->options.verbose);
		return EXIT_PASSED;
	}

	size_t selected = run->list.nr_tests;
	if (run->options.repeat || run->options.until_fail)
		pt__repeat_rounds(&run->list, selected,
				  run->options.repeat ? run->options.repeat : 1);
	struct pt__plan_order order = {
		.shuffle = run->options.shuffle,
		.seed = run->options.seed,
		.reverse = run->options.reverse,
		.failed = run->selection.failed_known ? &run->selection.failed : NULL,
		.fixed = run->selection.order_tests,
		.nr_fixed = run->selection.nr_order_tests,
	};
	pt__plan_build(&run->plan, &run->list, &run->timings, &order);
	run->workers = count_workers(run);
	pt__console_init(&run->console, &run->options, stdout);
	run->console.workers = run->workers;
	if (run->options.shuffle)
		pt__console_note(&run->console, "shuffled with --shuffle=%llu",
				 (unsigned long long)run->options.seed);

	if ((rc = check_fresh_db(run, err)))
		return exit_status(rc);
	run->db_context.workers = pt__fresh_db_clone_count(run->options.fresh_db, run->workers);
	if (run->options.keep_failed && (rc = pt__db_can_keep(run->dbs, run->nr_dbs, err)))
		return exit_status(rc);
	if (run->nr_dbs) {
		rc = pt__db_provision(run->dbs, run->nr_dbs, err);
		if (rc)
			return exit_status(rc);
		run->dbs_provisioned = true;
		for (size_t i = 0; i < run->nr_dbs; i++)
			if (run->dbs[i].claimed)
				pt__console_note(
					&run->console, "claimed %d ready clone%s of --db %s",
					run->dbs[i].claimed, run->dbs[i].claimed == 1 ? "" : "s",
					run->dbs[i].alias);
	}
	if ((rc = pt__worker_env_build(&run->worker_env, run->workers, run->rundir.path,
				       run->rundir.id, run->options.state_dir, run->dbs,
				       run->nr_dbs, err)))
		return exit_status(rc);
	if (run->options.debug)
		return debug(run, err);
	if (run->options.fresh_db != PT__FRESH_DB_WORKER &&
	    (rc = pt__fresh_db_start(&run->fresh, run->options.fresh_db, run->dbs, run->nr_dbs,
				     pt__worker_env_main_db(&run->worker_env),
				     run->db_context.workers, err)))
		return exit_status(rc);

	struct pt__pool_config config = {
		.workers = run->workers,
		.timeout = run->options.timeout,
		.kill_grace = run->options.kill_grace,
		.failfast = run->options.failfast || run->options.until_fail,
		.retries = run->options.retries,
		.cancel = &run->cancel,
		.exec_envs = (char **const *)run->worker_env.env_vars,
		.native_envs = (char **const *)run->worker_env.env_vars + run->workers,
		.capture_dir = run->rundir.path,
		.no_capture = run->options.no_capture,
		.test_start = on_test_start,
		.test_done = on_test_done,
		.attempt_failed = on_attempt_failed,
		.progress = on_progress,
		.passthrough = run->options.no_capture ? on_output : NULL,
		.note = on_note,
		.renew_slot = on_renew_slot,
		.keep_slot = run->options.keep_failed ? on_keep_slot : NULL,
		.server_env = run->worker_env.envs[2 * run->workers].vars,
		.fresh = run->fresh.vars ? &run->fresh : NULL,
		.ctx = run,
	};
	pt__reports_run_start(&run->reports, &run->options, run->workers);
	struct pt__buf lost = PT__BUF_INIT;
	int pool_rc = pt__pool_run(&run->list, &run->plan, &config, &lost);
	/* --until-fail without --repeat: round after round until one fails. */
	for (size_t round = 2; run->options.until_fail && !run->options.repeat && !pool_rc;
	     round++) {
		struct pt__tally so_far;
		pt__tally(&run->list, &so_far);
		if (so_far.failed || so_far.by_status[PT__NOT_RUN])
			break;
		order.first_test = pt__repeat_add_round(&run->list, selected, round);
		pt__plan_release(&run->plan);
		pt__plan_build(&run->plan, &run->list, &run->timings, &order);
		pool_rc = pt__pool_run(&run->list, &run->plan, &config, &lost);
	}
	bool interrupted = pool_rc == PT__EINTR;
	if (pool_rc == PT__ERUN)
		say("%s", lost.data);
	/* The renewer lets go of the databases before they are torn down. */
	pt__fresh_db_release(&run->fresh);
	pt__buf_release(&lost);
	double wall = pt__now_seconds() - run->console.start;

	/* A database that could not be torn down (its server gone during the
	 * run, say) means the run could not be carried out cleanly: exit 3. */
	bool teardown_failed = false;
	if (run->dbs_provisioned) {
		struct pt__buf db_err = PT__BUF_INIT;
		if (pt__db_teardown(run->dbs, run->nr_dbs, &db_err)) {
			say("%s", pt__buf_str(&db_err));
			teardown_failed = true;
		}
		pt__buf_release(&db_err);
		run->dbs_provisioned = false;
		if (!interrupted && !teardown_failed)
			start_filler(run);
	}
	/* A run of --order replays an order (a trial of --bisect, say): it
	 * leaves the record of the runs it replays as it was. */
	if (!interrupted && !run->selection.order_tests) {
		/* The durations only order the next run: this one has not failed
		 * when they cannot be kept. */
		struct pt__buf ignored = PT__BUF_INIT;
		pt__worker_order_save(&run->worker_order, run->options.state_dir, &run->list,
				      &ignored);
		pt__timings_save(&run->timings, run->options.state_dir, &run->list, &ignored);
		pt__last_failed_save(&run->selection.failed, run->options.state_dir, &run->list,
				     &ignored);
		pt__buf_release(&ignored);
	}
	struct pt__tally tally;
	pt__tally(&run->list, &tally);
	int status = EXIT_PASSED;
	if (interrupted)
		status = EXIT_INTERRUPTED;
	else if (teardown_failed || pool_rc == PT__ERUN)
		status = EXIT_RUN;
	else if (tally.failed || tally.by_status[PT__NOT_RUN] ||
		 (run->options.flaky_fails && tally.by_status[PT__FLAKY]))
		status = EXIT_FAILED;
	finish_reports(run, wall, status);
	struct pt__buf closing = PT__BUF_INIT;
	pt__reports_closing_lines(&run->reports, &closing, &run->list, run->options.durations);
	if (run->options.repeat || run->options.until_fail)
		pt__repeats_lines(&run->list, &closing);
	for (char *line = closing.data, *end; line && (end = strchr(line, '\n')); line = end + 1)
		pt__console_note(&run->console, "%.*s", (int)(end - line), line);
	pt__buf_release(&closing);
	report_kept(run);
	pt__console_summary(&run->console, &run->list, interrupted);
	return status;
}

static void release(struct run *run)
{
	pt__fresh_db_release(&run->fresh);
	if (run->dbs_provisioned) {
		struct pt__buf ignored = PT__BUF_INIT;
		pt__db_teardown(run->dbs, run->nr_dbs, &ignored);
		pt__buf_release(&ignored);
	}
	for (size_t i = 0; i < run->nr_dbs; i++)
		pt__db_release(&run->dbs[i]);
	free(run->dbs);
	pt__worker_env_release(&run->worker_env);
	pt__reports_abandon(&run->reports);
	pt__rundir_remove(&run->rundir);
	pt__console_release(&run->console);
	pt__timings_release(&run->timings);
	pt__selection_release(&run->selection);
	pt__worker_order_release(&run->worker_order);
	pt__plan_release(&run->plan);
	pt__test_list_release(&run->list);
	pt__options_release(&run->options);
	pt__django_databases_release(&run->django);
}

/* partest db fill: ready clones for the next runs. Returns the exit status. */
static int fill_databases(struct run *run, struct pt__buf *err)
{
	struct pt__buf said = PT__BUF_INIT;
	int rc;

	run->db_context.keepdb = true;
	run->db_context.workers = run->options.jobs ? run->options.jobs : pt__cpus_available();
	rc = pt__db_fill(run->dbs, run->nr_dbs, &said, err);
	fputs(pt__buf_str(&said), stdout);
	pt__buf_release(&said);
	return rc ? exit_status(rc) : EXIT_PASSED;
}

/*
 * partest db clean: drop what dead runs left behind, and say how much
 * --keep-failed kept that it leaves; with --kept, remove that instead.
 * Returns the exit status.
 */
static int clean_databases(struct run *run, struct pt__buf *err)
{
	struct pt__buf dropped = PT__BUF_INIT;
	bool kept = run->options.kept;
	int rc = kept ? 0 : pt__db_clean(run->dbs, run->nr_dbs, &dropped, err);
	int databases = rc ? 0 : pt__db_kept(run->dbs, run->nr_dbs, kept, &dropped, err);
	int dirs = databases < 0 ? 0 : pt__kept_dirs(run->options.state_dir, kept, &dropped);

	if (!rc && databases < 0)
		rc = databases;
	if (!rc)
		fputs(dropped.len ? dropped.data
		      : kept	  ? "nothing to clean: nothing kept by --keep-failed\n"
				  : "nothing to clean: no dead run left anything\n",
		      stdout);
	if (!rc && !kept && databases + dirs)
		printf("left what --keep-failed kept: %d database%s and %d director%s (partest db "
		       "clean --kept removes them)\n",
		       databases, databases == 1 ? "" : "s", dirs, dirs == 1 ? "y" : "ies");
	pt__buf_release(&dropped);
	return rc ? exit_status(rc) : EXIT_PASSED;
}

int pt__cli_main(int argc, char **argv)
{
	enum pt__options_mode mode = PT__MODE_RUNNER;
	struct run run;
	struct pt__buf err = PT__BUF_INIT;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "merge"))
		return pt__merge_main(argc - 1, argv + 1);
	if (argc >= 3 && !strcmp(argv[1], "db") && !strcmp(argv[2], "clean")) {
		mode = PT__MODE_DB_CLEAN;
		argc -= 2;
		argv += 2;
	} else if (argc >= 3 && !strcmp(argv[1], "db") && !strcmp(argv[2], "fill")) {
		mode = PT__MODE_DB_FILL;
		argc -= 2;
		argv += 2;
	}
	memset(&run, 0, sizeof(run));
	run.cancel = (struct pt__cancel){&pt__interrupts, 0};
	if ((rc = pt__options_parse(&run.options, argc, argv, mode, &err)))
		goto fail;
	if (run.options.action == PT__ACTION_HELP) {
		fputs(pt__options_usage, stdout);
		goto out;
	}
	if (run.options.action == PT__ACTION_VERSION) {
		printf("partest %s\n", PT_VERSION);
		goto out;
	}
	if ((rc = pt__signals_install(&err)) ||
	    (rc = pt__spawn_wrap(run.options.wrapper_words, &err)))
		goto fail;
	if (mode == PT__MODE_RUNNER && !run.options.list && !run.options.explain &&
	    (rc = pt__reports_open(&run.reports, &run.options, &err)))
		goto fail;
	pt__rundir_reap_dead();
	if ((rc = pt__rundir_create(&run.rundir, &err)))
		goto fail;
	run.db_context.run_id = run.rundir.id;
	run.db_context.run_dir = run.rundir.path;
	run.db_context.state_dir = run.options.state_dir;
	if (mode == PT__MODE_RUNNER &&
	    (rc = pt__django_databases_add(&run.options, &run.django, &err)))
		goto fail;
	run.db_context.setup_cmd = run.options.db_setup;
	run.db_context.inputs = run.options.db_inputs;
	run.db_context.keepdb = run.options.keepdb;
	run.db_context.pool = run.options.pool;
	run.db_context.cancel = run.cancel;
	run.dbs = pt__xcalloc(run.options.nr_dbs + 1, sizeof(*run.dbs));
	for (size_t i = 0; i < run.options.nr_dbs; i++) {
		if ((rc = pt__db_init(&run.dbs[i], run.options.dbs[i], &run.db_context, &err)))
			goto fail;
		run.nr_dbs++;
	}
	rc = mode == PT__MODE_DB_CLEAN	? clean_databases(&run, &err)
	     : mode == PT__MODE_DB_FILL ? fill_databases(&run, &err)
					: execute(&run, &err);
	if (err.len)
		say("%s", pt__buf_str(&err));
	goto out;

fail:
	say("%s", pt__buf_str(&err));
	rc = exit_status(rc);
out:
	release(&run);
	pt__secrets_clear();
	pt__buf_release(&err);
	return rc;
}
