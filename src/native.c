#define _GNU_SOURCE /* memmem */
#include "native.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum pt__program_speech pt__program_speech(const char *path)
{
	/*
	 * The marker is spelled here one byte off so that the runner, which
	 * every test program links, does not carry it unless lib/entry.c does.
	 */
	static const char shifted[] = "\200qbsuftu.obujwf.qsphsbn;qspupdpm>2";
	char marker[sizeof(shifted)];
	struct stat st;
	enum pt__program_speech speech = PT__SPEAKS_NOTHING;

	for (size_t i = 0; i < sizeof(shifted); i++)
		marker[i] = shifted[i] ? (char)(shifted[i] - 1) : '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PT__SPEAKS_NOTHING;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 4) {
		close(fd);
		return PT__SPEAKS_NOTHING;
	}
	void *image = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (image == MAP_FAILED)
		return PT__SPEAKS_NOTHING;
	if (memcmp(image, "#!", 2)) {
		if (memmem(image, (size_t)st.st_size, marker, sizeof(marker) - 1))
			speech = PT__SPEAKS_NATIVE;
	} else {
		/* A script says so in its first lines. */
		size_t head = (size_t)st.st_size < 1024 ? (size_t)st.st_size : 1024;
		if (memmem(image, head, PT__SCRIPT_WORKER_MARKER, strlen(PT__SCRIPT_WORKER_MARKER)))
			speech = PT__SPEAKS_PROTOCOL;
	}
	munmap(image, (size_t)st.st_size);
	return speech;
}
