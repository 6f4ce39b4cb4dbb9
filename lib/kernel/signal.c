// SPDX-License-Identifier: GPL-2.0-or-later
/* A task's signal state: see include/pykdump/signal.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/signal.h>

#define TIF_SIGPENDING	2	/* x86 */

struct sig_layout {
	uint64_t t_signal, t_sighand, t_pending, t_blocked, t_tgid, ti_flags;
	uint64_t nr_threads, shared_pending;
	uint64_t sh_action, ksa_size, sa_handler, sa_flags, sa_mask;
	uint64_t sp_list, sp_signal, sq_list, sq_info, si_signo;
};

#define L struct sig_layout
#define TS "struct task_struct"
static const struct kd_layout_field sig_fields[] = {
	KD_LF(L, t_signal, TS, "signal", KD_LF_REQUIRED),
	KD_LF(L, t_sighand, TS, "sighand", 0),
	KD_LF(L, t_pending, TS, "pending", KD_LF_REQUIRED),
	KD_LF(L, t_blocked, TS, "blocked", KD_LF_REQUIRED),
	KD_LF(L, t_tgid, TS, "tgid", 0),
	KD_LF(L, ti_flags, TS, "thread_info.flags", 0),
	KD_LF(L, nr_threads, "struct signal_struct", "nr_threads|count", 0),
	KD_LF(L, shared_pending, "struct signal_struct", "shared_pending", 0),
	KD_LF(L, sh_action, "struct sighand_struct", "action", 0),
	KD_LF(L, ksa_size, "struct k_sigaction", NULL, KD_LF_SIZE),
	KD_LF(L, sa_handler, "struct k_sigaction", "sa.sa_handler", 0),
	KD_LF(L, sa_flags, "struct k_sigaction", "sa.sa_flags", 0),
	KD_LF(L, sa_mask, "struct k_sigaction", "sa.sa_mask", 0),
	KD_LF(L, sp_list, "struct sigpending", "list", KD_LF_REQUIRED),
	KD_LF(L, sp_signal, "struct sigpending", "signal", KD_LF_REQUIRED),
	KD_LF(L, sq_list, "struct sigqueue", "list", KD_LF_REQUIRED),
	KD_LF(L, sq_info, "struct sigqueue", "info", KD_LF_REQUIRED),
	KD_LF(L, si_signo, "struct kernel_siginfo|siginfo_t|struct siginfo",
	      "si_signo", 0),
};
#undef L
#undef TS

struct kd_error *kd_task_tgid(struct kd_session *s, uint64_t task, int *ret)
{
	uint64_t v = 0;
	struct kd_error *err = kd_read_member_u64(s, task, "struct task_struct",
						  "tgid", &v);
	*ret = (int)v;
	return err;
}

static struct kd_error *read_queue(struct kd_session *s,
				   const struct sig_layout *l, uint64_t pending,
				   struct kd_sigqueue_entry **ret, size_t *n)
{
	struct kd_addr_list list;
	*ret = NULL;
	*n = 0;
	struct kd_error *walk = kd_list_walk(s, pending + l->sp_list, l->sq_list,
					     KD_WALK_NOLOG, KD_MAX_SIGQUEUE,
					     &list);
	struct kd_sigqueue_entry *v = calloc(list.n ? list.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&list);
		kd_error_destroy(walk);
		return &kd_error_nomem;
	}
	struct kd_error *err = NULL;
	for (size_t i = 0; i < list.n && !err; i++) {
		uint64_t signo = 0;
		v[i].addr = list.addrs[i];
		v[i].info = list.addrs[i] + l->sq_info;
		if (kd_present(l->si_signo))
			err = kd_field_uint(s, v[i].info, l->si_signo, 4, &signo);
		v[i].signo = (int)signo;
		if (!err)
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

static struct kd_error *read_actions(struct kd_session *s,
				     const struct sig_layout *l,
				     struct kd_task_signals *r)
{
	if (!r->sighand || !kd_present(l->sh_action) ||
	    !kd_present(l->ksa_size) || !kd_present(l->sa_handler))
		return NULL;
	for (int i = 0; i < KD_NSIG; i++) {
		struct kd_sigaction *a = &r->action[i];
		struct kd_error *err = NULL;
		a->addr = r->sighand + l->sh_action + (uint64_t)i * l->ksa_size;
		err = kd_field_u64(s, a->addr, l->sa_handler, &a->handler);
		if (!err && kd_present(l->sa_flags))
			err = kd_field_u64(s, a->addr, l->sa_flags, &a->flags);
		if (!err && kd_present(l->sa_mask))
			err = kd_field_u64(s, a->addr, l->sa_mask, &a->mask);
		if (err)
			return kd_error_prefix(err, "sighand_struct %" PRIx64,
					       r->sighand);
	}
	r->have_actions = 1;
	return NULL;
}

struct kd_error *kd_task_signals(struct kd_session *s, uint64_t task,
				 struct kd_task_signals *r)
{
	struct sig_layout l;
	uint64_t v = 0;
	memset(r, 0, sizeof(*r));
	r->task = task;
	r->nr_threads = -1;
	struct kd_error *err = kd_layout_fill(s, sig_fields,
					      KD_ARRAY_SIZE(sig_fields), &l);
	if (err)
		return err;
	err = kd_field_ptr(s, task, l.t_signal, &r->signal_struct);
	if (!err && kd_present(l.t_sighand))
		err = kd_field_ptr(s, task, l.t_sighand, &r->sighand);
	if (!err)
		err = kd_field_u64(s, task, l.t_blocked, &r->blocked);
	if (!err)
		err = kd_field_u64(s, task + l.t_pending, l.sp_signal,
				   &r->pending);
	if (!err && kd_present(l.ti_flags))
		err = kd_field_uint(s, task, l.ti_flags, 4, &v);
	r->sigpending = (v >> TIF_SIGPENDING) & 1;
	if (!err && r->signal_struct && kd_present(l.nr_threads)) {
		err = kd_field_uint(s, r->signal_struct, l.nr_threads, 4, &v);
		r->nr_threads = (int)v;
	}
	r->has_shared = kd_present(l.shared_pending);
	if (!err && r->signal_struct && r->has_shared)
		err = kd_field_u64(s, r->signal_struct + l.shared_pending,
				   l.sp_signal, &r->shared);
	if (!err)
		err = read_actions(s, &l, r);
	if (err)
		return kd_error_prefix(err, "task %" PRIx64, task);
	struct kd_error *q = read_queue(s, &l, task + l.t_pending,
					&r->private_queue, &r->nprivate);
	if (!q && r->signal_struct && r->has_shared)
		q = read_queue(s, &l, r->signal_struct + l.shared_pending,
			       &r->shared_queue, &r->nshared);
	r->queues_only = q != NULL;
	return q;
}

void kd_task_signals_free(struct kd_task_signals *sig)
{
	if (!sig)
		return;
	free(sig->private_queue);
	free(sig->shared_queue);
	sig->private_queue = sig->shared_queue = NULL;
	sig->nprivate = sig->nshared = 0;
}
