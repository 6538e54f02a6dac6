#include "process_identity.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "clock.h"

/* The fields of /proc/PID/stat after the command name, which may hold spaces. */
static bool read_stat(long pid, char *data, size_t size, char **after_name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *file = fopen(path, "re");
	if (!file)
		return false;
	size_t len = fread(data, 1, size - 1, file);
	fclose(file);
	data[len] = '\0';
	*after_name = strrchr(data, ')');
	return *after_name != NULL;
}

unsigned long long pt__process_start_time(long pid)
{
	char data[1024], *p;

	if (!read_stat(pid, data, sizeof(data), &p))
		return 0;
	/* Field 22 counts from the command name's ')', which ends field 2. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

bool pt__process_running(long pid)
{
	char data[1024], *p;

	if (pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH))
		return false;
	if (!read_stat(pid, data, sizeof(data), &p))
		return true;
	return !(p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

bool pt__process_is(long pid, unsigned long long start)
{
	return pt__process_running(pid) && (!start || pt__process_start_time(pid) == start);
}

bool pt__process_wait_gone(long pid, long ms)
{
	int64_t until = pt__now_ms() + ms;

	while (pt__process_running(pid)) {
		if (pt__now_ms() >= until)
			return false;
		pt__sleep_ms(10);
	}
	return true;
}
