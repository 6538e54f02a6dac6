/*
 * Tests that count their own runs in files under COUNT_DIR (each its own
 * file, under a lock, since runs of one test may be on several workers at
 * once), for --repeat and --until-fail: one fails on its third run, one on
 * every second run. Without COUNT_DIR they pass.
 */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Adds one to COUNT_DIR/name and returns the new count; 0 without COUNT_DIR. */
static int count_run(const char *name)
{
	const char *dir = getenv("COUNT_DIR");
	struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char path[4096], text[32] = "";
	int fd;

	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	PT_ASSERT_INT(fd = open(path, O_RDWR | O_CREAT, 0644), >=, 0);
	PT_ASSERT_INT(fcntl(fd, F_SETLKW, &lock), ==, 0);
	ssize_t n = read(fd, text, sizeof(text) - 1);
	int count = (n > 0 ? atoi(text) : 0) + 1;
	int len = snprintf(text, sizeof(text), "%d\n", count);
	PT_ASSERT_INT(pwrite(fd, text, (size_t)len, 0), ==, len);
	close(fd);
	return count;
}

PT_TEST(counted, fails_on_its_third_run)
{
	PT_ASSERT_INT(count_run("third"), !=, 3);
}

PT_TEST(counted, fails_every_second_run)
{
	int count = count_run("second");

	PT_ASSERT_TRUE(count % 2 == 1 || count == 0);
}

PT_TEST(counted, always_passes)
{
	count_run("always");
}
