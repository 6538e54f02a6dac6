/*
 * Resource control: which work of the queue may start now, given what the
 * running works hold. A test may name locks (.locks, ctest's RESOURCE_LOCK):
 * no two tests holding one lock run at once. It may be exclusive
 * (.exclusive, RUN_SERIAL, meson's is_parallel: false): nothing runs beside
 * it. It may weigh more than one slot (.weight, PROCESSORS): the weights of
 * running works count against -j. A work (a group) needs the union of its
 * tests' locks, the largest of their weights, and is exclusive if one is.
 */
#ifndef PT_RESOURCES_H
#define PT_RESOURCES_H

#include <stddef.h>

#include "queue.h"
#include "testlist.h"

/*
 * The index in queue (0 is its first work) of the work to start next, or
 * -1 when none may start now. The queue's order is kept (longest first):
 * a work whose lock is held is passed over, to start as soon as the lock is
 * free, before any later work that wants it; a work that needs more slots
 * than are free (heavy, or exclusive) waits, and nothing after it starts
 * until it has started, so that it is never starved. running holds the
 * nr_running works that slots are running; slots is -j. A work for which
 * may_take(work, ctx) is false is passed over (the slot asking cannot run
 * it); may_take may be NULL.
 */
long pt__resources_next(const struct pt__test_list *list, const struct pt__queue *queue,
			const struct pt__work *const *running, size_t nr_running, int slots,
			bool (*may_take)(const struct pt__work *work, const void *ctx),
			const void *ctx);

#endif
