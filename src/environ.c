#include "environ.h"

#include <stdlib.h>
#include <string.h>

#include <partest.h>

#include "buf.h"
#include "xalloc.h"

extern char **environ;

static void push(struct pt__environ *env, char *var)
{
	PT__GROW(env->vars, env->nr + 2, env->alloc);
	env->vars[env->nr++] = var;
	env->vars[env->nr] = NULL;
}

void pt__environ_init(struct pt__environ *env)
{
	env->vars = NULL;
	env->nr = env->alloc = 0;
	PT__GROW(env->vars, 1, env->alloc);
	env->vars[0] = NULL;
	for (char **var = environ; *var; var++)
		push(env, pt__xstrdup(*var));
}

static size_t find(const struct pt__environ *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < env->nr; i++)
		if (!strncmp(env->vars[i], name, len) && env->vars[i][len] == '=')
			return i;
	return env->nr;
}

void pt__environ_set(struct pt__environ *env, const char *name, const char *value)
{
	struct pt__buf var = PT__BUF_INIT;
	size_t at = find(env, name);

	pt__buf_addf(&var, "%s=%s", name, value);
	if (at < env->nr) {
		free(env->vars[at]);
		env->vars[at] = pt__buf_detach(&var);
	} else {
		push(env, pt__buf_detach(&var));
	}
}

void pt__environ_unset(struct pt__environ *env, const char *name)
{
	size_t at = find(env, name);

	if (at == env->nr)
		return;
	free(env->vars[at]);
	memmove(&env->vars[at], &env->vars[at + 1], (env->nr - at) * sizeof(*env->vars));
	env->nr--;
}

void pt__environ_set_harness(struct pt__environ *env)
{
	pt__environ_set(env, "HARNESS_ACTIVE", "1");
	pt__environ_set(env, "HARNESS_VERSION", PT_VERSION);
}

void pt__environ_release(struct pt__environ *env)
{
	for (size_t i = 0; i < env->nr; i++)
		free(env->vars[i]);
	free(env->vars);
	env->vars = NULL;
	env->nr = env->alloc = 0;
}
