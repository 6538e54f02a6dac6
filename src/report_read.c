#include "report_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"

int pt__report_status(const char *word)
{
	static const struct {
		const char *word;
		enum pt__status status;
	} words[] = {
		{"pass", PT__PASS},	  {"fail", PT__FAIL},	    {"skip", PT__SKIP},
		{"crash", PT__CRASH},	  {"timeout", PT__TIMEOUT}, {"leak", PT__LEAK},
		{"not_run", PT__NOT_RUN}, {"not run", PT__NOT_RUN}, {"flaky", PT__FLAKY},
		{"error", PT__ERROR},
	};

	for (size_t i = 0; word && i < sizeof(words) / sizeof(*words); i++)
		if (!strcasecmp(word, words[i].word))
			return (int)words[i].status;
	return -1;
}

int pt__report_read(const char *path, pt__report_case_fn each_case, void *ctx,
		    struct pt__report_info *info, struct pt__buf *err)
{
	FILE *file = fopen(path, "re");
	int c;

	memset(info, 0, sizeof(*info));
	if (!file) {
		pt__buf_addf(err, "cannot read the report \"%s\": %s", path, strerror(errno));
		return PT__EUSAGE;
	}
	while ((c = getc(file)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(file);
	if (c == '<') {
		info->format = PT__REPORT_JUNIT;
		return pt__report_read_junit(path, each_case, ctx, info, err);
	}
	if (c == '{') {
		info->format = PT__REPORT_EVENTS;
		return pt__report_read_events(path, each_case, ctx, info, err);
	}
	pt__buf_addf(err, "cannot read the report \"%s\": %s", path,
		     c == EOF ? "it is empty" : "neither JUnit XML nor an event file");
	return PT__EUSAGE;
}

void pt__report_info_release(struct pt__report_info *info)
{
	free(info->partition);
	memset(info, 0, sizeof(*info));
}
