/*
 * How many CPUs this process may use, for -j auto: the CPUs its affinity
 * mask allows (taskset, a container's cpuset), no more than its cgroup's
 * CPU quota (cgroup v2 cpu.max, v1 cpu.cfs_quota_us), rounded up.
 */
#ifndef PT_CPUS_H
#define PT_CPUS_H

/* The CPUs this process may use: at least 1. */
int pt__cpus_available(void);

/*
 * The CPUs the cgroup quota allows the process whose mount table is the
 * file mountinfo (/proc/self/mountinfo) and whose cgroups are listed in the
 * file cgroups (/proc/self/cgroup): the smallest quota of its cgroup and
 * its ancestors, over the period, rounded up; 0 when there is none or it
 * cannot be read.
 */
int pt__cpus_quota(const char *mountinfo, const char *cgroups);

#endif
