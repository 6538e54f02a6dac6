#include "python_adapter.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "find_program.h"
#include "xalloc.h"

#define ADAPTER_FILE "partest_adapter.py"

/* Where the adapter is looked for, relative to the directory of partest's binary. */
static const char *const adapter_dirs[] = {
	"../share/partest/python", /* make install */
	"../adapters/python",	   /* the build tree: build/partest */
};

/*
 * Sets path to the adapter: $PARTEST_PYTHON_ADAPTER, or the first of
 * adapter_dirs beside partest's own binary (Linux's /proc/self/exe; where
 * there is none, only the environment variable). Returns 0, or PT__EUSAGE.
 */
static int find_adapter(const char *script, struct pt__buf *path, struct pt__buf *err)
{
	const char *named = getenv("PARTEST_PYTHON_ADAPTER");
	char self[PATH_MAX];
	ssize_t len;

	if (named && *named) {
		if (access(named, R_OK)) {
			pt__buf_addf(
				err,
				"cannot run \"%s\": PARTEST_PYTHON_ADAPTER=\"%s\" cannot be read",
				script, named);
			return PT__EUSAGE;
		}
		pt__buf_adds(path, named);
		return 0;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		*strrchr(self, '/') = '\0';
		for (size_t i = 0; i < sizeof(adapter_dirs) / sizeof(adapter_dirs[0]); i++) {
			pt__buf_reset(path);
			pt__buf_addf(path, "%s/%s/%s", self, adapter_dirs[i], ADAPTER_FILE);
			if (!access(path->data, R_OK))
				return 0;
		}
	}
	pt__buf_addf(err,
		     "cannot run \"%s\": partest's Python adapter (%s) is not in %s/%s; reinstall "
		     "partest or name it in PARTEST_PYTHON_ADAPTER",
		     script, ADAPTER_FILE, len > 0 ? self : "partest's directory", adapter_dirs[0]);
	return PT__EUSAGE;
}

int pt__python_adapter_argv(const char *mode, const char *script, const char *const *args,
			    size_t nr_args, char ***argv, struct pt__buf *err)
{
	const char *named = getenv("PARTEST_PYTHON");
	struct pt__buf python = PT__BUF_INIT, adapter = PT__BUF_INIT, why = PT__BUF_INIT;
	int rc;

	if (pt__find_program(named && *named ? named : "python3", NULL, &python, &why)) {
		pt__buf_addf(err, "cannot run \"%s\": its Python: %s%s", script, why.data,
			     named && *named ? " (PARTEST_PYTHON)"
					     : "; name one in PARTEST_PYTHON");
		rc = PT__EUSAGE;
		goto out;
	}
	if ((rc = find_adapter(script, &adapter, err)))
		goto out;
	char **words = pt__xcalloc(nr_args + 5, sizeof(*words));
	words[0] = pt__buf_detach(&python);
	words[1] = pt__buf_detach(&adapter);
	words[2] = pt__xstrdup(mode);
	words[3] = pt__xstrdup(script);
	for (size_t i = 0; i < nr_args; i++)
		words[4 + i] = pt__xstrdup(args[i]);
	*argv = words;
out:
	pt__buf_release(&python);
	pt__buf_release(&adapter);
	pt__buf_release(&why);
	return rc;
}

const char *pt__python_adapter_mode(enum pt__program_speech speech)
{
	return speech == PT__SPEAKS_DJANGO ? "django" : "unittest";
}

void pt__python_adapter_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
