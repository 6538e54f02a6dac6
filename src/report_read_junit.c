/*
 * A JUnit XML file read as a report, through libxml2's streaming reader:
 * the file is never held in memory as a tree, and every XML rule (entities,
 * character references, CDATA, encodings) is the parser's, not ours.
 * libxml2 is loaded on the first file read (src/xml_loader.c).
 */
#include "report_read.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "xalloc.h"
#include "xml_loader.h"

/* libxml2, once loaded: the same entry points for every file. */
static const struct pt__xml *lib;

/* The test case being read: its attributes and what its children said. */
struct junit_case {
	char *classname, *name, *file, *message, *out, *err;
	int line;
	int64_t duration_us;
	enum pt__status status;
};

static bool is(const xmlChar *name, const char *what)
{
	return name && !strcmp((const char *)name, what);
}

/* A copy of attribute what of the reader's element; NULL when absent. */
static char *attribute(xmlTextReaderPtr reader, const char *what)
{
	xmlChar *value = lib->get_attribute(reader, (const xmlChar *)what);
	char *copy = value ? pt__xstrdup((const char *)value) : NULL;

	lib->free(value);
	return copy;
}

/* The text inside the reader's element; NULL when it has none. */
static char *text_inside(xmlTextReaderPtr reader)
{
	xmlChar *value = lib->read_string(reader);
	char *copy = value && *value ? pt__xstrdup((const char *)value) : NULL;

	lib->free(value);
	return copy;
}

static void case_release(struct junit_case *c)
{
	free(c->classname);
	free(c->name);
	free(c->file);
	free(c->message);
	free(c->out);
	free(c->err);
	memset(c, 0, sizeof(*c));
}

static void case_start(struct junit_case *c, xmlTextReaderPtr reader)
{
	char *time = attribute(reader, "time"), *line = attribute(reader, "line");
	double seconds = time ? strtod(time, NULL) : 0;

	case_release(c);
	c->classname = attribute(reader, "classname");
	c->name = attribute(reader, "name");
	c->file = attribute(reader, "file");
	c->line = line ? atoi(line) : 0;
	c->duration_us = seconds > 0 ? (int64_t)llround(fmin(seconds, 1e9) * 1e6) : 0;
	c->status = PT__PASS;
	free(time);
	free(line);
}

/* <failure>, <error> or <skipped> inside the test case. */
static void case_outcome(struct junit_case *c, xmlTextReaderPtr reader, const xmlChar *element)
{
	char *type = attribute(reader, "type"), *message = attribute(reader, "message");
	int status = pt__report_status(type);

	if (is(element, "skipped")) {
		bool not_run = message && !strncmp(message, "not run", 7);
		c->status = not_run ? PT__NOT_RUN : PT__SKIP;
		if (not_run) {
			size_t skip = strncmp(message, "not run: ", 9) ? 7 : 9;
			memmove(message, message + skip, strlen(message + skip) + 1);
		}
	} else if (is(element, "failure")) {
		c->status = status == PT__LEAK ? PT__LEAK : PT__FAIL;
	} else {
		c->status = status == PT__TIMEOUT ? PT__TIMEOUT : PT__CRASH;
	}
	char *text = lib->is_empty_element(reader) ? NULL : text_inside(reader);
	free(c->message);
	c->message = text ? text : message && *message ? message : NULL;
	if (c->message != message)
		free(message);
	free(type);
}

/*
 * The test id's parts, as partest's JUnit writer made classname and the
 * <testsuite>'s name from them: "program.suite" and "program::suite" for a
 * native test, the program's name three times for an executable. Program
 * names may hold dots and colons, so the split is the one that makes both
 * agree. A file from another writer keeps classname as program, the
 * <testsuite>'s name as suite.
 */
static int emit(const struct junit_case *c, const char *suite_name, pt__report_case_fn each_case,
		void *ctx, struct pt__buf *err)
{
	const char *classname = c->classname ? c->classname : "";
	const char *name = c->name ? c->name : "";
	struct pt__buf program = PT__BUF_INIT, id = PT__BUF_INIT;
	const char *suite = NULL;
	int rc;

	if (!suite_name)
		suite_name = classname;
	if (!strcmp(classname, name) && !strcmp(suite_name, classname)) {
		pt__buf_adds(&program, classname);
	} else {
		size_t len = strlen(suite_name);
		for (const char *at = strstr(suite_name, "::"); at; at = strstr(at + 1, "::")) {
			size_t p = (size_t)(at - suite_name);
			if (strlen(classname) == len - 1 && !strncmp(classname, suite_name, p) &&
			    classname[p] == '.' && !strcmp(classname + p + 1, at + 2)) {
				pt__buf_add(&program, suite_name, p);
				suite = at + 2;
				break;
			}
		}
		if (!suite) {
			pt__buf_adds(&program, classname);
			suite = suite_name;
		}
	}
	pt__buf_adds(&id, pt__buf_str(&program));
	if (suite)
		pt__buf_addf(&id, "::%s::%s", suite, name);
	struct pt__report_case test_case = {
		.id = pt__buf_str(&id),
		.program = pt__buf_str(&program),
		.suite = suite,
		.name = suite ? name : NULL,
		.status = c->status,
		.duration_us = c->duration_us,
		.message = c->message,
		.out = c->out,
		.err = c->err,
		.file = c->file,
		.line = c->line,
		.classname = classname,
		.case_name = name,
	};
	rc = each_case(ctx, &test_case, err);
	pt__buf_release(&program);
	pt__buf_release(&id);
	return rc;
}

/* libxml2 reports errors through a callback: keep the first one. */
static void keep_error(void *arg, const char *message, xmlParserSeverities severity,
		       xmlTextReaderLocatorPtr locator)
{
	struct pt__buf *first = arg;

	if (first->len || severity < XML_PARSER_SEVERITY_ERROR)
		return;
	pt__buf_addf(first, "line %d: %s", lib->locator_line_number(locator), message);
	while (first->len && first->data[first->len - 1] == '\n')
		first->data[--first->len] = '\0';
}

int pt__report_read_junit(const char *path, pt__report_case_fn each_case, void *ctx,
			  struct pt__report_info *info, struct pt__buf *err)
{
	struct junit_case c = {0};
	struct pt__buf why = PT__BUF_INIT;
	char *suite_name = NULL;
	bool in_case = false, seen_root = false;
	int more = 0, rc = 0;
	xmlTextReaderPtr reader;

	if (!lib)
		lib = pt__xml_load(&why);
	if (!lib) {
		pt__buf_addf(err, "cannot read the report \"%s\": %s", path, pt__buf_str(&why));
		pt__buf_release(&why);
		return PT__EUSAGE;
	}
	reader = lib->reader_for_file(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	if (!reader) {
		pt__buf_addf(err, "cannot read the report \"%s\": cannot open it", path);
		return PT__EUSAGE;
	}
	lib->set_error_handler(reader, keep_error, &why);
	while (!rc && (more = lib->read(reader)) == 1) {
		int type = lib->node_type(reader);
		const xmlChar *element = lib->const_local_name(reader);
		if (type == XML_READER_TYPE_END_ELEMENT && is(element, "testcase")) {
			in_case = false;
			rc = emit(&c, suite_name, each_case, ctx, err);
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (!seen_root) {
			seen_root = true;
			if (!is(element, "testsuites") && !is(element, "testsuite"))
				break;
		}
		if (is(element, "testsuites")) {
			char *time = attribute(reader, "time");
			info->wall = time ? strtod(time, NULL) : 0;
			free(time);
		}
		if (is(element, "testsuite")) {
			free(suite_name);
			suite_name = attribute(reader, "name");
		} else if (is(element, "property")) {
			char *name = attribute(reader, "name");
			if (name && !strcmp(name, "partest.partition")) {
				free(info->partition);
				info->partition = attribute(reader, "value");
			}
			free(name);
		} else if (is(element, "testcase")) {
			case_start(&c, reader);
			in_case = !lib->is_empty_element(reader);
			if (!in_case)
				rc = emit(&c, suite_name, each_case, ctx, err);
		} else if (in_case && (is(element, "failure") || is(element, "error") ||
				       is(element, "skipped"))) {
			case_outcome(&c, reader, element);
		} else if (in_case && is(element, "system-out")) {
			free(c.out);
			c.out = text_inside(reader);
		} else if (in_case && is(element, "system-err")) {
			free(c.err);
			c.err = text_inside(reader);
		}
	}
	if (!rc && (more < 0 || why.len)) {
		pt__buf_addf(err, "cannot read the report \"%s\": %s", path,
			     why.len ? pt__buf_str(&why) : "malformed XML");
		rc = PT__EUSAGE;
	} else if (!rc && !seen_root) {
		pt__buf_addf(err, "cannot read the report \"%s\": no <testsuites> in it", path);
		rc = PT__EUSAGE;
	} else if (!rc && more == 1) {
		pt__buf_addf(err, "cannot read the report \"%s\": not JUnit XML (no <testsuites>)",
			     path);
		rc = PT__EUSAGE;
	}
	case_release(&c);
	free(suite_name);
	pt__buf_release(&why);
	lib->free_reader(reader);
	return rc;
}
