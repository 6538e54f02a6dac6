/* The partest command. */
#include <string.h>

#include "adapter.h"
#include "adapter_kinds.h"
#include "cli.h"

int main(int argc, char **argv)
{
	/* Re-executed as the adapter for a framework's tests (src/adapter.h). */
	if (argc > 1 && !strcmp(argv[1], PT__ADAPTER_FLAG))
		return pt__adapter_main(argc - 2, argv + 2);
	return pt__cli_main(argc, argv);
}
