#include "build_walk.h"

#include <fnmatch.h>
#include <string.h>

#include "adapter.h"
#include "discover.h"

void pt__build_walk_init(struct pt__build_walk *walk, struct pt__test_list *list,
			 const char *const *filters, const char *written, const char *build_dir,
			 const char *adapter)
{
	*walk = (struct pt__build_walk){list, filters,	    build_dir, adapter,
					NULL, PT__BUF_INIT, (size_t)-1};
	/* As written, without "./" or a trailing "/"; "." is named after its directory. */
	pt__buf_adds(&walk->name, pt__program_name(written));
	while (walk->name.len > 1 && walk->name.data[walk->name.len - 1] == '/')
		walk->name.data[--walk->name.len] = '\0';
	if (!strcmp(walk->name.data, ".")) {
		pt__buf_reset(&walk->name);
		pt__buf_adds(&walk->name, strrchr(build_dir, '/') + 1);
	}
}

bool pt__build_walk_selects(const struct pt__build_walk *walk, const char *id)
{
	const char *const *filter = walk->filters;

	if (!filter || !*filter)
		return true;
	for (; *filter; filter++)
		if (!fnmatch(*filter, id, 0))
			return true;
	return false;
}

size_t pt__build_walk_program(struct pt__build_walk *walk)
{
	if (walk->program == (size_t)-1) {
		walk->program = pt__test_list_add_program(walk->list, walk->build_dir,
							  walk->name.data, PT__PROGRAM_NATIVE);
		pt__adapter_attach(&walk->list->programs[walk->program], walk->adapter,
				   walk->adapter_arg);
	}
	return walk->program;
}

size_t pt__build_walk_gtest_program(struct pt__build_walk *walk, const char *binary,
				    const char *workdir)
{
	struct pt__test_list *list = walk->list;
	struct pt__buf name = PT__BUF_INIT;
	size_t len = strlen(walk->build_dir);

	for (size_t p = 0; p < list->nr_programs; p++) {
		const struct pt__program *program = &list->programs[p];
		if (program->adapter && !strcmp(program->adapter, "gtest") &&
		    !strcmp(program->path, binary) && program->argv[4] &&
		    !strcmp(program->argv[4], workdir))
			return p;
	}
	if (!strncmp(binary, walk->build_dir, len) && binary[len] == '/')
		pt__buf_addf(&name, "%s/%s", walk->name.data, binary + len + 1);
	else
		pt__buf_adds(&name, binary);
	size_t program = pt__test_list_add_program(list, binary, name.data, PT__PROGRAM_NATIVE);
	pt__adapter_attach(&list->programs[program], "gtest", workdir);
	pt__buf_release(&name);
	return program;
}

void pt__build_walk_release(struct pt__build_walk *walk)
{
	pt__buf_release(&walk->name);
}
