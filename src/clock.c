#include "clock.h"

#include <time.h>

int64_t pt__now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t pt__now_ms(void)
{
	return pt__now_us() / 1000;
}

double pt__now_seconds(void)
{
	return (double)pt__now_us() / 1e6;
}

void pt__sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}
