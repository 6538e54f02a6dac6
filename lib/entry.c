/* pt_main(): what a test program does when it starts. */
#include <partest.h>

#include <stdlib.h>

#include "../src/native.h"
#include "../src/protocol.h"
#include "handover.h"
#include "standalone.h"
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
	if (pt__standalone_needs_runner(argc, argv))
		return pt__handover(argc, argv);
	return pt__standalone_main(argc, argv);
}

int pt_worker(void)
{
	const char *number = getenv("PARTEST_WORKER");

	return number ? atoi(number) : 0;
}
