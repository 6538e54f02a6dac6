/*
 * The pool's queue of work: some tests of one group, in order, waiting for a
 * worker. Work that a stopped worker did not finish goes back to the front,
 * so that a group's rest runs before anything new.
 */
#ifndef PT_QUEUE_H
#define PT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

/* Some tests of one group. The queue, and then the slot running it, own tests. */
struct pt__work {
	size_t program;
	size_t *tests; /* indexes into the test list */
	size_t nr_tests;
};

struct pt__queue {
	struct pt__work *items;
	size_t head, len, alloc;
};

#define PT__QUEUE_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0, 0                                                                      \
	}

void pt__queue_push_back(struct pt__queue *queue, struct pt__work work);
void pt__queue_push_front(struct pt__queue *queue, struct pt__work work);

/* Takes the first work into *work. Returns false when the queue is empty. */
bool pt__queue_pop(struct pt__queue *queue, struct pt__work *work);

/* The first work, without taking it; NULL when empty. */
const struct pt__work *pt__queue_peek(const struct pt__queue *queue);

/* The work at position i (0 is the first), without taking it; NULL past the end. */
const struct pt__work *pt__queue_at(const struct pt__queue *queue, size_t i);

/* Takes the work at position i (which must exist) into *work; the rest keep their order. */
void pt__queue_take(struct pt__queue *queue, size_t i, struct pt__work *work);

/* Copies tests[from..] of work into a new work of the same program. */
struct pt__work pt__work_tail(const struct pt__work *work, size_t from);

/* Frees what the queue holds (the work left in it included). */
void pt__queue_release(struct pt__queue *queue);

#endif
