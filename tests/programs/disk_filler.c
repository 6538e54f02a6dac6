/*
 * One test that fills the file system holding $TMPDIR (and passes), then one
 * that writes to stdout and fails, on the same worker: its output cannot all
 * reach the runner's capture file, and partest must say so.
 */
#include <partest.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

PT_TEST(disk, a_fills_it)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096], block[65536];
	int fd;

	PT_ASSERT_NOT_NULL(tmp);
	snprintf(path, sizeof(path), "%s/filler", tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	PT_ASSERT_INT(fd, >=, 0);
	memset(block, 'f', sizeof(block));
	while (write(fd, block, sizeof(block)) > 0)
		;
	close(fd);
}

PT_TEST(disk, b_talks_and_fails)
{
	for (int i = 0; i < 1000; i++)
		printf("line %d of what this test had to say\n", i);
	PT_FAIL("it failed after talking");
}
