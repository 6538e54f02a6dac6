#include "reports.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <partest.h>

#include "../clock.h"
#include "../error.h"
#include "durations.h"
#include "failures.h"
#include "github.h"

int pt__reports_open(struct pt__reports *reports, const struct pt__options *options,
		     struct pt__buf *err)
{
	int rc = 0;

	memset(reports, 0, sizeof(*reports));
	reports->github = pt__github_active();
	if (options->junit)
		rc = pt__report_file_open(&reports->junit_file, options->junit, "JUnit report",
					  err);
	if (!rc && options->junit) {
		reports->junit_spool = pt__report_file_scratch(&reports->junit_file, err);
		rc = reports->junit_spool ? 0 : PT__EUSAGE;
	}
	if (!rc && options->events)
		rc = pt__report_file_open(&reports->events_file, options->events, "event stream",
					  err);
	if (!rc && options->tap)
		rc = pt__report_file_open(&reports->tap_file, options->tap, "TAP report", err);
	if (rc) {
		pt__reports_abandon(reports);
		return rc;
	}
	pt__junit_init(&reports->junit, reports->junit_file.stream, reports->junit_spool,
		       options->junit);
	return 0;
}

void pt__reports_run_start(struct pt__reports *reports, const struct pt__options *options,
			   int workers)
{
	char utc[32] = "";
	time_t now = time(NULL);
	struct tm tm;

	reports->partition = options->partition;
	if (gmtime_r(&now, &tm)) {
		strftime(reports->timestamp, sizeof(reports->timestamp), "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (reports->events_file.stream) {
		struct pt__events_run run = {
			.version = PT_VERSION,
			.shuffled = options->shuffle,
			.seed = options->seed,
			.partition = reports->partition,
			.workers = workers,
			.time = utc,
		};
		pt__events_init(&reports->events, reports->events_file.stream, pt__now_us());
		pt__events_run_start(&reports->events, &run);
	}
	if (reports->tap_file.stream)
		pt__tap_report_init(&reports->tap, reports->tap_file.stream);
}

void pt__reports_test_start(struct pt__reports *reports, const struct pt__test_list *list,
			    size_t test, int worker)
{
	if (reports->events_file.stream)
		pt__events_test_start(&reports->events, list, test, worker);
}

void pt__reports_test_done(struct pt__reports *reports, const struct pt__test_list *list,
			   size_t test)
{
	if (reports->junit_file.stream)
		pt__junit_test_done(&reports->junit, list, test);
	if (reports->events_file.stream)
		pt__events_test_end(&reports->events, list, test);
	if (reports->tap_file.stream)
		pt__tap_report_test_done(&reports->tap, list, test);
}

void pt__reports_attempt_failed(struct pt__reports *reports, const struct pt__test_list *list,
				size_t test)
{
	if (reports->events_file.stream)
		pt__events_attempt_failed(&reports->events, list, test);
}

/* Puts file in place, or says in err why it is not (error: a write that
 * failed before). Returns 0 or PT__ERUN. */
static int commit(struct pt__report_file *file, int error, struct pt__buf *err)
{
	if (!file->stream)
		return 0;
	if (error) {
		if (err->len)
			pt__buf_addc(err, '\n');
		pt__buf_addf(err, "cannot write the %s \"%s\": %s", file->what, file->target,
			     strerror(error));
		pt__report_file_abandon(file);
		return PT__ERUN;
	}
	struct pt__buf why = PT__BUF_INIT;
	int rc = pt__report_file_commit(file, &why);
	if (rc) {
		if (err->len)
			pt__buf_addc(err, '\n');
		pt__buf_adds(err, why.data);
	}
	pt__buf_release(&why);
	return rc;
}

int pt__reports_finish(struct pt__reports *reports, const struct pt__test_list *list,
		       double wall_seconds, int exit_status, struct pt__buf *err)
{
	int rc = 0;

	if (reports->junit_file.stream) {
		char host[256] = "localhost";
		struct pt__junit_run run = {wall_seconds, reports->timestamp, host,
					    reports->partition};
		struct pt__buf why = PT__BUF_INIT;

		gethostname(host, sizeof(host) - 1);
		if (pt__junit_finish(&reports->junit, list, &run, &why)) {
			pt__buf_adds(err, why.data);
			pt__report_file_abandon(&reports->junit_file);
			rc = PT__ERUN;
		}
		pt__buf_release(&why);
		if (commit(&reports->junit_file, 0, err))
			rc = PT__ERUN;
	}
	if (reports->events_file.stream) {
		pt__events_run_end(&reports->events, list, wall_seconds, exit_status);
		if (commit(&reports->events_file, reports->events.error, err))
			rc = PT__ERUN;
	}
	if (reports->tap_file.stream) {
		pt__tap_report_finish(&reports->tap, list);
		if (commit(&reports->tap_file, reports->tap.error, err))
			rc = PT__ERUN;
	}
	if (reports->github) {
		const char *summary = getenv("GITHUB_STEP_SUMMARY");
		struct pt__buf why = PT__BUF_INIT;

		if (summary && *summary && pt__github_summary(summary, list, wall_seconds, &why)) {
			if (err->len)
				pt__buf_addc(err, '\n');
			pt__buf_adds(err, why.data);
			rc = PT__ERUN;
		}
		pt__buf_release(&why);
	}
	pt__reports_abandon(reports);
	return rc;
}

void pt__reports_closing_lines(const struct pt__reports *reports, struct pt__buf *out,
			       const struct pt__test_list *list, size_t durations)
{
	pt__failures_list(out, list);
	if (durations)
		pt__durations_list(out, list, durations);
	if (reports->github)
		pt__github_annotate(out, list);
}

void pt__reports_abandon(struct pt__reports *reports)
{
	pt__report_file_abandon(&reports->junit_file);
	pt__report_file_abandon(&reports->events_file);
	pt__report_file_abandon(&reports->tap_file);
	if (reports->junit_spool)
		fclose(reports->junit_spool);
	reports->junit_spool = NULL;
	pt__junit_release(&reports->junit);
}
