/* The partest command. */
#include "cli.h"

int main(int argc, char **argv)
{
	return pt__cli_main(argc, argv);
}
