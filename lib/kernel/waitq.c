// SPDX-License-Identifier: GPL-2.0-or-later
/* Wait queue entries: see include/pykdump/waitq.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/waitq.h>

#define MAX_WAITERS	(1u << 20)

struct waitq_layout {
	uint64_t head, entry, private, func, flags;
};

/* 4.13+ names first, then wait_queue_head_t / struct __wait_queue */
#define L struct waitq_layout
static const struct kd_layout_field waitq_fields[] = {
	KD_LF(L, head, "struct wait_queue_head|struct __wait_queue_head",
	      "head|task_list", KD_LF_REQUIRED),
	KD_LF(L, entry, "struct wait_queue_entry|struct __wait_queue",
	      "entry|task_list", KD_LF_REQUIRED),
	KD_LF(L, private, "struct wait_queue_entry|struct __wait_queue",
	      "private", KD_LF_REQUIRED),
	KD_LF(L, func, "struct wait_queue_entry|struct __wait_queue", "func",
	      0),
	KD_LF(L, flags, "struct wait_queue_entry|struct __wait_queue", "flags",
	      0),
};
#undef L

struct kd_error *kd_waitq_entries(struct kd_session *s, uint64_t head,
				  struct kd_waitq_entry **ret, size_t *n)
{
	struct waitq_layout l;
	struct kd_addr_list list;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, waitq_fields,
					      KD_ARRAY_SIZE(waitq_fields), &l);
	if (err)
		return err;
	struct kd_error *walk = kd_list_walk(s, head + l.head, l.entry,
					     KD_WALK_NOLOG, MAX_WAITERS, &list);
	struct kd_waitq_entry *v = calloc(list.n ? list.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&list);
		kd_error_destroy(walk);
		return &kd_error_nomem;
	}
	for (size_t i = 0; i < list.n && !err; i++) {
		struct kd_waitq_entry *e = &v[*n];
		uint64_t flags = 0;
		e->addr = list.addrs[i];
		err = kd_field_ptr(s, e->addr, l.private, &e->private);
		if (!err && kd_present(l.func))
			err = kd_field_ptr(s, e->addr, l.func, &e->func);
		if (!err && kd_present(l.flags))
			err = kd_field_uint(s, e->addr, l.flags, 4, &flags);
		e->flags = (uint32_t)flags;
		if (err)
			err = kd_error_prefix(err, "wait queue entry %" PRIx64,
					      e->addr);
		else
			(*n)++;
	}
	kd_addr_list_free(&list);
	*ret = v;
	if (err) {
		kd_error_destroy(walk);
		return err;
	}
	return walk;
}
