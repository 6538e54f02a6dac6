/* pt_main(): what a test program does when it starts. */
#include <partest.h>

#include <stdlib.h>

#include "../src/cli.h"
#include "../src/native.h"
#include "../src/protocol.h"
#include "worker_main.h"

/*
 * The runner recognises a program built with partest.h by this marker
 * (src/native.c), so that it never has to run an unknown program to ask.
 */
__attribute__((used)) static const char native_marker[] = PT__NATIVE_MARKER;

int pt_main(int argc, char **argv)
{
	if (getenv(PT__PROTOCOL_ENV))
		return pt__worker_main();
	return pt__cli_main(argc, argv, argv[0]);
}

int pt_worker(void)
{
	const char *number = getenv("PARTEST_WORKER");

	return number ? atoi(number) : 0;
}
