#include "cancel.h"

#include "clock.h"

int pt__cancel_interrupts(const struct pt__cancel *cancel)
{
	int count = cancel->interrupts ? (int)*cancel->interrupts : 0;

	return count > 2 ? 2 : count;
}

bool pt__cancel_expired(const struct pt__cancel *cancel)
{
	return cancel->deadline_us && pt__now_us() >= cancel->deadline_us;
}

bool pt__cancelled(const struct pt__cancel *cancel)
{
	return pt__cancel_interrupts(cancel) || pt__cancel_expired(cancel);
}

int pt__cancel_poll_ms(const struct pt__cancel *cancel, int max_ms)
{
	if (!cancel->deadline_us)
		return max_ms;
	int64_t left_us = cancel->deadline_us - pt__now_us();
	int64_t left_ms = left_us <= 0 ? 0 : (left_us + 999) / 1000;

	return max_ms >= 0 && max_ms < left_ms ? max_ms
					       : (int)(left_ms > 1 << 30 ? 1 << 30 : left_ms);
}

struct pt__cancel pt__cancel_until(const struct pt__cancel *cancel, int64_t deadline_us)
{
	struct pt__cancel sooner = *cancel;

	if (deadline_us && (!sooner.deadline_us || deadline_us < sooner.deadline_us))
		sooner.deadline_us = deadline_us;
	return sooner;
}
