#include "start_method.h"

#include <string.h>

int pt__start_request_parse(const char *text, enum pt__start_request *request)
{
	static const struct {
		const char *name;
		enum pt__start_request request;
	} names[] = {
		{"auto", PT__REQUEST_AUTO},
		{"spawn", PT__REQUEST_SPAWN},
		{"fork", PT__REQUEST_FORK},
		{"isolate", PT__REQUEST_ISOLATE},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(text, names[i].name)) {
			*request = names[i].request;
			return 0;
		}
	}
	return -1;
}

/* A program that partest's adapter drives: spawned, as a script worker is. */
static void choose_for_adapter(struct pt__program *program, enum pt__start_request request)
{
	program->start = request == PT__REQUEST_ISOLATE ? PT__START_ISOLATE : PT__START_SPAWN;
	program->start_reason = request == PT__REQUEST_ISOLATE
					? "asked for: an adapter, and a process of the program, "
					  "for each test"
					: "its workers are partest's adapter, spawned: each runs "
					  "the tests it is given in as few processes of the "
					  "program as their order allows";
}

/*
 * A program run by partest's Python adapter: its fork server runs the
 * project's global set-up (for Django: django.setup(), finding the tests,
 * the system checks) once, and each worker, forked or spawned, points the
 * project at its own databases in its init phase.
 */
static void choose_for_python(struct pt__program *program, enum pt__start_request request)
{
	switch (request) {
	case PT__REQUEST_SPAWN:
		program->start = PT__START_SPAWN;
		program->start_reason = "asked for: each worker a fresh Python that sets the "
					"project up itself, then connects to its own databases";
		return;
	case PT__REQUEST_FORK:
		program->start = PT__START_FORK;
		program->start_reason = "asked for: the project is set up once in the adapter's "
					"fork server and workers are forked from it, each then "
					"connecting to its own databases";
		return;
	case PT__REQUEST_ISOLATE:
		program->start = PT__START_ISOLATE;
		program->start_reason =
			"asked for: every test in its own process, forked from the "
			"adapter's fork server; class fixtures run around each test";
		return;
	case PT__REQUEST_AUTO: break;
	}
#ifdef __linux__
	program->start = PT__START_FORK;
	program->start_reason = "the default for Python projects on Linux: the project is set up "
				"once in the adapter's fork server and workers are forked from "
				"it, each then connecting to its own databases";
#else
	program->start = PT__START_SPAWN;
	program->start_reason = "the default where fork servers are not used (not Linux)";
#endif
}

void pt__start_method_choose(struct pt__program *program, enum pt__start_request request)
{
	if (program->adapter) {
		choose_for_adapter(program, request);
		return;
	}
	if (program->kind == PT__PROGRAM_EXEC) {
		program->start =
			request == PT__REQUEST_ISOLATE ? PT__START_ISOLATE : PT__START_SPAWN;
		program->start_reason = "an executable is one test, always run in a fresh process";
		return;
	}
	if (!program->forkable) {
		program->start =
			request == PT__REQUEST_ISOLATE ? PT__START_ISOLATE : PT__START_SPAWN;
		program->start_reason =
			request == PT__REQUEST_ISOLATE
				? "asked for: a script worker is spawned for each test"
				: "a script that speaks the worker protocol: its workers "
				  "are spawned (only programs built with partest.h can "
				  "be forked from)";
		return;
	}
	if (pt__speech_is_python(program->speech)) {
		choose_for_python(program, request);
		return;
	}
	switch (request) {
	case PT__REQUEST_SPAWN:
		program->start = PT__START_SPAWN;
		program->start_reason = "asked for: each worker a fresh process that runs the "
					"global set-up itself";
		return;
	case PT__REQUEST_FORK:
		program->start = PT__START_FORK;
		program->start_reason = "asked for: the global set-up runs once in a fork server "
					"and workers are forked from it (spawned instead if the "
					"set-up leaves threads running)";
		return;
	case PT__REQUEST_ISOLATE:
		program->start = PT__START_ISOLATE;
		program->start_reason = "asked for: every test in its own process, forked from the "
					"program's server (spawned if the set-up leaves threads "
					"running); suite fixtures run around each test";
		return;
	case PT__REQUEST_AUTO: break;
	}
#ifdef __linux__
	program->start = PT__START_FORK;
	program->start_reason = "the default for native programs on Linux: the global set-up runs "
				"once and workers are forked from it (spawned instead if the "
				"set-up leaves threads running)";
#else
	program->start = PT__START_SPAWN;
	program->start_reason = "the default where fork servers are not used (not Linux)";
#endif
}

const char *pt__start_method_name(enum pt__start_method method)
{
	switch (method) {
	case PT__START_SPAWN: return "spawn";
	case PT__START_FORK: return "fork";
	case PT__START_ISOLATE: return "isolate";
	}
	return "?";
}
