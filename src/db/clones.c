#include "clones.h"

#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"

void pt__db_clones_init(struct pt__db_clones *clones, struct pt__db *db)
{
	clones->nr = db->ctx->workers;
	clones->items = pt__xcalloc((size_t)clones->nr, sizeof(*clones->items));
	pt__db_new_clone_urls(db);
}

void pt__db_clones_init_named(struct pt__db_clones *clones, struct pt__db *db,
			      const char *template_name, size_t max, bool in_chars,
			      void (*format_url)(const struct pt__db *db, const char *name,
						 struct pt__buf *url))
{
	pt__db_clones_init(clones, db);
	for (int k = 0; k < clones->nr; k++) {
		struct pt__buf name = PT__BUF_INIT, url = PT__BUF_INIT;
		pt__db_clone_name(template_name, db->ctx->run_id, k + 1, max, in_chars, &name);
		format_url(db, name.data, &url);
		clones->items[k].name = pt__buf_detach(&name);
		db->clone_urls[k] = pt__buf_detach(&url);
	}
}

int pt__db_clones_drop(struct pt__db_clones *clones, struct pt__db *db, pt__db_drop_clone_fn drop,
		       struct pt__buf *err)
{
	int first = 0;

	for (int k = 0; k < clones->nr; k++) {
		struct pt__buf why = PT__BUF_INIT;
		int rc;
		if (!clones->items[k].made)
			continue;
		rc = drop(db, &clones->items[k], &why);
		if (!rc)
			clones->items[k].made = false;
		if (rc && !first) {
			pt__buf_add(err, why.data, why.len);
			first = rc;
		}
		pt__buf_release(&why);
	}
	return first;
}

void pt__db_clones_abandon(struct pt__db_clones *clones, struct pt__db *db,
			   pt__db_drop_clone_fn drop)
{
	struct pt__buf ignored = PT__BUF_INIT;

	pt__db_clones_drop(clones, db, drop, &ignored);
	pt__buf_release(&ignored);
	pt__db_free_clone_urls(db);
}

void pt__db_clones_release(struct pt__db_clones *clones)
{
	for (int k = 0; k < clones->nr; k++) {
		free(clones->items[k].name);
		free(clones->items[k].password);
	}
	free(clones->items);
	memset(clones, 0, sizeof(*clones));
}

void pt__db_leftovers_add(struct pt__db_leftovers *list, const struct pt__db_leftover *item)
{
	struct pt__db_leftover *copy;

	PT__GROW(list->items, list->nr + 1, list->alloc);
	copy = &list->items[list->nr++];
	*copy = *item;
	copy->name = pt__xstrdup(item->name);
	copy->kind = item->kind ? pt__xstrdup(item->kind) : NULL;
	copy->marker = item->marker ? pt__xstrdup(item->marker) : NULL;
}

void pt__db_leftovers_release(struct pt__db_leftovers *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->items[i].name);
		free(list->items[i].kind);
		free(list->items[i].marker);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void pt__db_reap_leftovers(struct pt__db *db, const struct pt__db_leftovers *list,
			   int (*drop)(struct pt__db *db, const struct pt__db_leftover *leftover,
				       struct pt__buf *err),
			   const char *where, struct pt__buf *dropped)
{
	for (size_t i = 0; i < list->nr; i++) {
		const struct pt__db_leftover *item = &list->items[i];
		struct pt__buf ignored = PT__BUF_INIT;
		if (!item->owner.clone || !pt__db_owner_dead(&item->owner, db->ctx))
			continue;
		if (!drop(db, item, &ignored))
			pt__buf_addf(dropped,
				     "dropped %s \"%s\" on %s, left by run %s (pid %ld, no longer "
				     "running)\n",
				     item->what, item->name, where, item->owner.run_id,
				     item->owner.pid);
		pt__buf_release(&ignored);
	}
}
