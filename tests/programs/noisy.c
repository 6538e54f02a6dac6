/*
 * A hundred tests that each write $NOISY_BYTES bytes (default 4 MiB) to
 * stdout and pass, for bench/output_memory.sh; and, when $NOISY_FAIL is set,
 * a test that writes as much and fails with a message of as many bytes,
 * for tests/e2e/adversarial_runner_output_is_bounded.sh.
 */
#include <partest.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t noise_bytes(void)
{
	const char *value = getenv("NOISY_BYTES");

	return value ? (size_t)strtoull(value, NULL, 10) : 4u << 20;
}

static void write_noise(FILE *stream)
{
	static char line[64];
	size_t left = noise_bytes();

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (; left >= sizeof(line); left -= sizeof(line))
		fwrite(line, 1, sizeof(line), stream);
	fwrite(line + sizeof(line) - left, 1, left, stream);
}

#define NOISY(suite, name)                                                                         \
	PT_TEST(suite, name)                                                                       \
	{                                                                                          \
		write_noise(stdout);                                                               \
	}
#define TEN_NOISY(suite)                                                                           \
	NOISY(suite, t0)                                                                           \
	NOISY(suite, t1)                                                                           \
	NOISY(suite, t2)                                                                           \
	NOISY(suite, t3)                                                                           \
	NOISY(suite, t4)                                                                           \
	NOISY(suite, t5)                                                                           \
	NOISY(suite, t6)                                                                           \
	NOISY(suite, t7)                                                                           \
	NOISY(suite, t8)                                                                           \
	NOISY(suite, t9)

TEN_NOISY(s0)
TEN_NOISY(s1)
TEN_NOISY(s2)
TEN_NOISY(s3)
TEN_NOISY(s4)
TEN_NOISY(s5)
TEN_NOISY(s6)
TEN_NOISY(s7)
TEN_NOISY(s8)
TEN_NOISY(s9)

PT_TEST(loud, fails)
{
	size_t bytes = noise_bytes();
	char *message;

	if (!getenv("NOISY_FAIL"))
		return;
	write_noise(stdout);
	write_noise(stderr);
	message = malloc(bytes + 1);
	memset(message, 'm', bytes);
	message[bytes] = '\0';
	PT_FAIL("%s", message);
	free(message);
}
