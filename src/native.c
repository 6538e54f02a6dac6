#define _GNU_SOURCE /* memmem */
#include "native.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Markers are spelled here one byte off, and unshifted into marker, so that
 * the runner's own image does not carry them: partest is not taken for a
 * program built with partest.h, nor for a GoogleTest or Criterion binary.
 */
static bool image_has(const void *image, size_t size, const char *shifted)
{
	char marker[64];
	size_t len = strlen(shifted);

	for (size_t i = 0; i < len && i < sizeof(marker); i++)
		marker[i] = (char)(shifted[i] - 1);
	return len <= sizeof(marker) && memmem(image, size, marker, len);
}

/*
 * A GoogleTest binary: its --help text, which gtest links in even stripped
 * ("@G--gtest_list_tests@D"), or the registration function a binary linked
 * against a shared libgtest imports. A Criterion binary imports its runner.
 */
static enum pt__program_speech framework(const void *image, size_t size)
{
	if (image_has(image, size, "AH..huftu`mjtu`uftutAE") ||
	    image_has(image, size, "`[O8uftujoh9joufsobm34NblfBoeSfhjtufsUftuJogp"))
		return PT__SPEAKS_GTEST;
	if (image_has(image, size, "dsjufsjpo`joufsobm`uftu`nbjo"))
		return PT__SPEAKS_CRITERION;
	return PT__SPEAKS_NOTHING;
}

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
	struct stat st;
	enum pt__program_speech speech = PT__SPEAKS_NOTHING;

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
		if (image_has(image, (size_t)st.st_size, "\200qbsuftu.obujwf.qsphsbn;qspupdpm>2"))
			speech = PT__SPEAKS_NATIVE;
		else
			speech = framework(image, (size_t)st.st_size);
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
