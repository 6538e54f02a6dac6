/*
 * A program for ctest and meson entries to run: each first argument is one
 * behaviour a test property is checked against.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	struct stat st;

	if (!strcmp(what, "exit"))
		return atoi(arg);
	if (!strcmp(what, "say")) {
		puts(arg);
		return 0;
	}
	if (!strcmp(what, "env")) {
		const char *value = getenv(arg);
		return value && argc > 3 && !strcmp(value, argv[3]) ? 0 : 1;
	}
	if (!strcmp(what, "env-set"))
		return getenv(arg) && *getenv(arg) ? 0 : 1;
	if (!strcmp(what, "leak-if-asked")) {
		/* With PROBE_LEAK set, leaves a process behind that holds no output. */
		if (getenv("PROBE_LEAK") && fork() == 0) {
			(void)!freopen("/dev/null", "w", stdout);
			(void)!freopen("/dev/null", "w", stderr);
			sleep(30);
		}
		return 0;
	}
	if (!strcmp(what, "cwd-has"))
		return stat(arg, &st) ? 1 : 0;
	if (!strcmp(what, "sleep")) {
		sleep((unsigned)atoi(arg));
		return 0;
	}
	if (!strcmp(what, "lock")) {
		/* Fails when another holder of the same lock runs now. */
		char held[256];
		snprintf(held, sizeof(held), "%s.held", arg);
		if (mkdir(held, 0700)) {
			fprintf(stderr, "%s is held by another test: %s\n", arg, strerror(errno));
			return 1;
		}
		usleep(300000);
		rmdir(held);
		return 0;
	}
	if (!strcmp(what, "fixture-up")) {
		FILE *f = fopen(arg, "w");
		return f && !fclose(f) ? 0 : 1;
	}
	if (!strcmp(what, "fixture-uses"))
		return stat(arg, &st) ? 1 : 0;
	if (!strcmp(what, "fixture-down"))
		return unlink(arg) ? 1 : 0;
	fprintf(stderr, "probe: unknown behaviour \"%s\"\n", what);
	return 2;
}
