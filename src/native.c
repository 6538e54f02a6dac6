#define _GNU_SOURCE /* memmem */
#include "native.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

bool pt__is_native_program(const char *path)
{
	/*
	 * The marker is spelled here one byte off so that the runner, which
	 * every test program links, does not carry it unless lib/entry.c does.
	 */
	static const char shifted[] = "\200qbsuftu.obujwf.qsphsbn;qspupdpm>2";
	char marker[sizeof(shifted)];
	struct stat st;
	bool found = false;

	for (size_t i = 0; i < sizeof(shifted); i++)
		marker[i] = shifted[i] ? (char)(shifted[i] - 1) : '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 4) {
		close(fd);
		return false;
	}
	void *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (image == MAP_FAILED)
		return false;
	/* Scripts start with "#!"; only binaries are worth the scan. */
	if (memcmp(image, "#!", 2))
		found = memmem(image, (size_t)st.st_size, marker, sizeof(marker) - 1) != NULL;
	munmap(image, (size_t)st.st_size);
	return found;
}
