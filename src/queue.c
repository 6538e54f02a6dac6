#include "queue.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void pt__queue_push_back(struct pt__queue *queue, struct pt__work work)
{
	if (queue->head + queue->len == queue->alloc && queue->head) {
		memmove(queue->items, queue->items + queue->head,
			queue->len * sizeof(*queue->items));
		queue->head = 0;
	}
	PT__GROW(queue->items, queue->head + queue->len + 1, queue->alloc);
	queue->items[queue->head + queue->len++] = work;
}

void pt__queue_push_front(struct pt__queue *queue, struct pt__work work)
{
	if (!queue->head) {
		PT__GROW(queue->items, queue->len + 1, queue->alloc);
		memmove(queue->items + 1, queue->items, queue->len * sizeof(*queue->items));
		queue->head = 1;
	}
	queue->items[--queue->head] = work;
	queue->len++;
}

bool pt__queue_pop(struct pt__queue *queue, struct pt__work *work)
{
	if (!queue->len)
		return false;
	*work = queue->items[queue->head++];
	queue->len--;
	return true;
}

const struct pt__work *pt__queue_peek(const struct pt__queue *queue)
{
	return queue->len ? &queue->items[queue->head] : NULL;
}

const struct pt__work *pt__queue_at(const struct pt__queue *queue, size_t i)
{
	return i < queue->len ? &queue->items[queue->head + i] : NULL;
}

void pt__queue_take(struct pt__queue *queue, size_t i, struct pt__work *work)
{
	struct pt__work *at = &queue->items[queue->head + i];

	*work = *at;
	memmove(at, at + 1, (queue->len - i - 1) * sizeof(*at));
	queue->len--;
}

struct pt__work pt__work_tail(const struct pt__work *work, size_t from)
{
	struct pt__work tail = {work->program, NULL, work->nr_tests - from};

	tail.tests = pt__xcalloc(tail.nr_tests, sizeof(*tail.tests));
	memcpy(tail.tests, work->tests + from, tail.nr_tests * sizeof(*tail.tests));
	return tail;
}

void pt__queue_release(struct pt__queue *queue)
{
	for (size_t i = 0; i < queue->len; i++)
		free(queue->items[queue->head + i].tests);
	free(queue->items);
	*queue = (struct pt__queue)PT__QUEUE_INIT;
}
