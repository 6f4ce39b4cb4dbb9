// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel layer's per-session state: see kernel_internal.h. */
#include <stdlib.h>
#include <string.h>

#include <pykdump/memocache.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>

#include "kernel_internal.h"

static void state_destroy(void *data)
{
	struct kd_kernel_state *k = data;
	free(k->percpu);
	free(k->modules);
	kd_task_table_free(k->task_table);
	free(k->task_table);
	free(k->task_cache.problem);
	free(k->sched_cache.problem);
	free(k->lock_cache.problem);
	kd_memmap_state_destroy(k->memmap);
	kd_slab_state_destroy(k->slab);
	for (int i = 0; i < KD_WK_NR; i++)
		free(k->walk_cache[i].problem);
	free(k);
}

struct kd_kernel_state *kd_kernel_state(struct kd_session *s)
{
	struct kd_kernel_state *k = kd_session_slot(s, KD_SLOT_KERNEL);
	if (k)
		return k;
	if (!(k = calloc(1, sizeof(*k))))
		return NULL;
	kd_session_set_slot(s, KD_SLOT_KERNEL, k, state_destroy);
	return k;
}

struct kd_error *kd_layout_cached(struct kd_session *s,
				  struct kd_layout_cache *c,
				  kd_layout_fill_fn *fill, void *layout)
{
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (c->generation != gen) {
		struct kd_error *err = fill(s, layout);
		if (err && err->code == KD_ERR_NOMEM)
			return err;	/* not an answer to keep */
		free(c->problem);
		c->problem = NULL;
		c->code = 0;
		if (err) {
			c->code = err->code;
			c->problem = strdup(err->message);
			if (!c->problem) {
				kd_error_destroy(err);
				return &kd_error_nomem;
			}
		}
		kd_error_destroy(err);
		c->generation = gen;
	}
	if (c->code)	/* a copy: the caller destroys it */
		return kd_error_create(c->code, "%s", c->problem);
	return NULL;
}
