#include "adapter_kinds.h"

#include <stdio.h>
#include <string.h>

#include "adapter.h"
#include "criterion.h"
#include "ctest_adapter.h"
#include "gtest.h"
#include "meson_adapter.h"

int pt__adapter_main(int argc, char **argv)
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
