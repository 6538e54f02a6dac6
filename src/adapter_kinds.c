#include "adapter_kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "criterion.h"
#include "ctest_adapter.h"
#include "gtest.h"
#include "meson_adapter.h"
#include "spawn.h"
#include "xalloc.h"

/* Serves as the kind argv[0] names, with the rest its arguments. */
static int serve(int argc, char **argv)
{
	static const struct pt__adapter_kind *const kinds[] = {
		&pt__gtest_adapter,
		&pt__ctest_adapter,
		&pt__criterion_adapter,
		&pt__meson_adapter,
	};

	for (size_t i = 0; argc > 0 && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[0], kinds[i]->name))
			continue;
		if (argc - 1 < kinds[i]->min_args || argc - 1 > kinds[i]->max_args) {
			fprintf(stderr, "partest: %s %s: expected %d to %d arguments\n",
				PT__ADAPTER_FLAG, argv[0], kinds[i]->min_args, kinds[i]->max_args);
			return 2;
		}
		return pt__adapter_serve(kinds[i], argv + 1, argc - 1);
	}
	fprintf(stderr, "partest: %s: no adapter \"%s\"\n", PT__ADAPTER_FLAG,
		argc > 0 ? argv[0] : "");
	return 2;
}

int pt__adapter_main(int argc, char **argv)
{
	char **words = NULL;
	int rc;

	/* The run's --wrapper, for the framework's processes that run tests. */
	if (argc > 1 && !strcmp(argv[0], PT__ADAPTER_WRAPPER_FLAG)) {
		struct pt__buf err = PT__BUF_INIT;
		char *end;
		long nr = strtol(argv[1], &end, 10);
		if (*end || nr < 1 || nr > argc - 2) {
			fprintf(stderr, "partest: %s %s: \"%s\" is not a count of the words after it\n",
				PT__ADAPTER_FLAG, PT__ADAPTER_WRAPPER_FLAG, argv[1]);
			return 2;
		}
		words = pt__xcalloc((size_t)nr + 1, sizeof(*words));
		memcpy(words, argv + 2, (size_t)nr * sizeof(*words));
		if (pt__spawn_wrap(words, &err)) {
			fprintf(stderr, "partest: %s\n", err.data);
			pt__buf_release(&err);
			free(words);
			return 2;
		}
		argc -= 2 + (int)nr;
		argv += 2 + nr;
	}
	rc = serve(argc, argv);
	pt__spawn_wrap(NULL, NULL);
	free(words);
	return rc;
}
