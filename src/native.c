#define _GNU_SOURCE /* memmem */
#include "native.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A Python file (a name ending in ".py", or a "#!" line naming python) that
 * the adapter runs: what its text says it is, or PT__SPEAKS_NOTHING.
 */
static enum pt__program_speech python_speech(const char *path, const char *text, size_t len)
{
	size_t name_len = strlen(path);
	size_t first_line = len;
	const char *newline = memchr(text, '\n', len);

	if (newline)
		first_line = (size_t)(newline - text);
	bool python = (name_len > 3 && !strcmp(path + name_len - 3, ".py")) ||
		      (len > 2 && !memcmp(text, "#!", 2) && memmem(text, first_line, "python", 6));
	if (!python)
		return PT__SPEAKS_NOTHING;
	if (memmem(text, len, "DJANGO_SETTINGS_MODULE", 22) &&
	    memmem(text, len, "execute_from_command_line", 25))
		return PT__SPEAKS_DJANGO;
	if (memmem(text, len, "unittest.main(", 14))
		return PT__SPEAKS_UNITTEST;
	return PT__SPEAKS_NOTHING;
}

bool pt__speech_is_python(enum pt__program_speech speech)
{
	return speech == PT__SPEAKS_DJANGO || speech == PT__SPEAKS_UNITTEST;
}

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
	if (speech == PT__SPEAKS_NOTHING)
		speech = python_speech(path, image, (size_t)st.st_size);
	munmap(image, (size_t)st.st_size);
	return speech;
}
