#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "cpus.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sched.h>
#endif

#include "buf.h"

/* Whether word is one of the comma-separated words of list. */
static bool listed(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *at = list; at; at = strchr(at, ',')) {
		at += *at == ',';
		if (!strncmp(at, word, len) && (at[len] == ',' || at[len] == '\0'))
			return true;
	}
	return false;
}

/* The path of this process's cgroup in the v2 hierarchy (v2), or in the v1 one with "cpu". */
static bool own_cgroup(const char *cgroups, bool v2, struct pt__buf *path)
{
	FILE *file = fopen(cgroups, "re");
	char line[4096];
	bool found = false;

	if (!file)
		return false;
	while (!found && fgets(line, sizeof(line), file)) {
		char *controllers = strchr(line, ':'), *where;
		if (!controllers || !(where = strchr(++controllers, ':')))
			continue;
		*where++ = '\0';
		where[strcspn(where, "\n")] = '\0';
		found = v2 ? !strncmp(line, "0:", 2) && !*controllers : listed(controllers, "cpu");
		if (found)
			pt__buf_adds(path, where);
	}
	fclose(file);
	return found;
}

/*
 * Where the hierarchy is mounted (v2: cgroup2; v1: the cgroup mount with
 * "cpu"), and the cgroup path at that mount's root.
 */
static bool hierarchy_mount(const char *mountinfo, bool v2, struct pt__buf *point,
			    struct pt__buf *root)
{
	FILE *file = fopen(mountinfo, "re");
	char line[4096];
	bool found = false;

	if (!file)
		return false;
	while (!found && fgets(line, sizeof(line), file)) {
		char mount_root[1024], mount_point[1024], type[64], options[1024];
		char *tail = strstr(line, " - ");
		if (!tail ||
		    sscanf(line, "%*s %*s %*s %1023s %1023s", mount_root, mount_point) != 2 ||
		    sscanf(tail, " - %63s %*s %1023s", type, options) != 2)
			continue;
		found = v2 ? !strcmp(type, "cgroup2")
			   : !strcmp(type, "cgroup") && listed(options, "cpu");
		if (found) {
			pt__buf_adds(point, mount_point);
			pt__buf_adds(root, mount_root);
		}
	}
	fclose(file);
	return found;
}

/* Reads up to two numbers from dir/name into values; returns how many ("max" is -1). */
static int read_numbers(const char *dir, const char *name, double values[2])
{
	struct pt__buf path = PT__BUF_INIT;
	char words[2][32];
	int n = 0;

	pt__buf_addf(&path, "%s/%s", dir, name);
	FILE *file = fopen(path.data, "re");
	pt__buf_release(&path);
	if (!file)
		return 0;
	int got = fscanf(file, "%31s %31s", words[0], words[1]);
	fclose(file);
	for (; n < got; n++)
		values[n] = !strcmp(words[n], "max") ? -1 : strtod(words[n], NULL);
	return n;
}

/* dir's own quota in CPUs, or 0 when it has none. */
static double quota_of(const char *dir, bool v2)
{
	double values[2], period;

	if (v2) {
		if (read_numbers(dir, "cpu.max", values) != 2 || values[0] <= 0 || values[1] <= 0)
			return 0;
		return values[0] / values[1];
	}
	if (read_numbers(dir, "cpu.cfs_quota_us", values) != 1 || values[0] <= 0)
		return 0;
	period = values[0];
	if (read_numbers(dir, "cpu.cfs_period_us", values) != 1 || values[0] <= 0)
		return 0;
	return period / values[0];
}

/* The smallest quota on the way from the process's cgroup up to the hierarchy's root. */
static double hierarchy_quota(const char *mountinfo, const char *cgroups, bool v2)
{
	struct pt__buf point = PT__BUF_INIT, root = PT__BUF_INIT, path = PT__BUF_INIT;
	struct pt__buf dir = PT__BUF_INIT;
	double least = 0;

	if (hierarchy_mount(mountinfo, v2, &point, &root) && own_cgroup(cgroups, v2, &path)) {
		/* Seen from inside a namespace, the mount's root is a prefix of the path. */
		const char *inside = path.data;
		if (strcmp(root.data, "/") && !strncmp(inside, root.data, root.len))
			inside += root.len;
		pt__buf_addf(&dir, "%s%s", point.data, inside);
		for (;;) {
			double quota = quota_of(dir.data, v2);
			if (quota > 0 && (!least || quota < least))
				least = quota;
			char *slash = strrchr(dir.data, '/');
			if (dir.len <= point.len || !slash)
				break;
			*slash = '\0';
			dir.len = (size_t)(slash - dir.data);
		}
	}
	pt__buf_release(&point);
	pt__buf_release(&root);
	pt__buf_release(&path);
	pt__buf_release(&dir);
	return least;
}

int pt__cpus_quota(const char *mountinfo, const char *cgroups)
{
	double v2 = hierarchy_quota(mountinfo, cgroups, true);
	double v1 = hierarchy_quota(mountinfo, cgroups, false);
	double least = v2 > 0 && (v1 <= 0 || v2 < v1) ? v2 : v1;

	return least > 0 ? (int)ceil(least) : 0;
}

int pt__cpus_available(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int cpus = online > 0 ? (int)online : 1;
#ifdef __linux__
	cpu_set_t allowed;
	if (!sched_getaffinity(0, sizeof(allowed), &allowed) && CPU_COUNT(&allowed) > 0)
		cpus = CPU_COUNT(&allowed);
	int quota = pt__cpus_quota("/proc/self/mountinfo", "/proc/self/cgroup");
	if (quota > 0 && quota < cpus)
		cpus = quota;
#endif
	return cpus;
}
