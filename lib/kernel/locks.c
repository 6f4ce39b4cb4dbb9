// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sleeping locks and what tasks wait for: see include/pykdump/locks.h for
 * the kernel facts.  Everything read comes from the dump, so every step
 * is checked: a wait list is walked with the kernel layer's list walker
 * (bounded, cycle-checked), a waiter found on a stack must be linked both
 * ways and name the task, and the lock at the head of its list must be
 * the one node not on its task's stack.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/locks.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>

#include "kernel_internal.h"

#define MUTEX_FLAGS		0x7ULL
#define MUTEX_FLAG_WAITERS	0x1ULL
#define RWSEM_WRITER_LOCKED	0x1ULL
#define RWSEM_FLAG_WAITERS	0x2ULL
#define RWSEM_READER_SHIFT	8
#define RWSEM_READFAIL		(1ULL << 63)
#define RWSEM_READER_OWNED	0x1ULL
#define RWSEM_OWNER_FLAGS	0x7ULL
#define BLOCKER_TYPE_MASK	0x3ULL
/* a wait list longer than this is not worth listing in full */
#define MAX_WAITERS		100000
/* a waiter lies within this many bytes above its frame's stack address */
#define MAX_FRAME_SCAN		4096
#define MAX_HEAD_STEPS		100000

const char *kd_lock_kind_name(enum kd_lock_kind kind)
{
	switch (kind) {
	case KD_LOCK_MUTEX: return "mutex";
	case KD_LOCK_RWSEM: return "rw_semaphore";
	case KD_LOCK_SEMAPHORE: return "semaphore";
	default: return "";
	}
}

/* ---- layout ---- */

#define L struct kd_lock_layout
static const struct kd_layout_field lock_fields[] = {
	KD_LF(L, mutex_owner, "struct mutex", "owner", 0),
	KD_LF(L, mutex_wait_list, "struct mutex", "wait_list", 0),
	KD_LF(L, mutex_count, "struct mutex", "count", 0),
	KD_LF(L, rwsem_count, "struct rw_semaphore", "count", 0),
	KD_LF(L, rwsem_owner, "struct rw_semaphore", "owner", 0),
	KD_LF(L, rwsem_wait_list, "struct rw_semaphore", "wait_list", 0),
	KD_LF(L, sem_count, "struct semaphore", "count", 0),
	KD_LF(L, sem_wait_list, "struct semaphore", "wait_list", 0),
	KD_LF(L, mutex_first, "struct mutex", "first_waiter", 0),
	KD_LF(L, rwsem_first, "struct rw_semaphore", "first_waiter", 0),
	KD_LF(L, sem_first, "struct semaphore", "first_waiter", 0),
	KD_LF(L, mw_list, "struct mutex_waiter", "list", 0),
	KD_LF(L, mw_task, "struct mutex_waiter", "task", 0),
	KD_LF(L, rw_list, "struct rwsem_waiter", "list", 0),
	KD_LF(L, rw_task, "struct rwsem_waiter", "task", 0),
	KD_LF(L, rw_type, "struct rwsem_waiter", "type", 0),
	KD_LF(L, sw_list, "struct semaphore_waiter", "list", 0),
	KD_LF(L, sw_task, "struct semaphore_waiter", "task", 0),
	KD_LF(L, t_blocked_on, "struct task_struct", "blocked_on", 0),
	KD_LF(L, t_blocker, "struct task_struct", "blocker", 0),
};
#undef L

/* 1 when task_struct.blocked_on points to a struct mutex_waiter (the
 * CONFIG_DEBUG_MUTEXES member before 6.16) rather than a struct mutex. */
static int blocked_on_is_waiter(struct kd_session *s)
{
	struct kd_types *types;
	struct kd_type *t;
	struct kd_member_path mp;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "struct task_struct", &t);
	if (!err)
		err = kd_type_member_path(t, "blocked_on", &mp);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	struct kd_type *target = kd_type_target(kd_type_strip(mp.type, ~0u));
	const char *name = kd_type_name(kd_type_strip(target, ~0u));
	return name && strcmp(name, "mutex_waiter") == 0;
}

static struct kd_error *fill(struct kd_session *s, void *layout)
{
	struct kd_lock_layout *l = layout;
	uint64_t a;
	kd_error_destroy(kd_layout_fill(s, lock_fields,
					KD_ARRAY_SIZE(lock_fields), l));
	l->blocked_on_waiter = kd_present(l->t_blocked_on) &&
			       blocked_on_is_waiter(s);
	/* the XADD rwsem of 4.x-5.2 had rwsem_down_read_failed */
	l->rwsem_new = !kd_symbol_try_addr(s, "rwsem_down_read_failed", &a);
	struct kd_error *err = kd_enum_value(s, "RWSEM_WAITING_FOR_READ",
					     &l->rwsem_wait_read);
	if (err)
		l->rwsem_wait_read = -1;
	kd_error_destroy(err);
	return NULL;
}

static struct kd_error *layout(struct kd_session *s,
			       const struct kd_lock_layout **ret)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return &kd_error_nomem;
	*ret = &k->lock;
	return kd_layout_cached(s, &k->lock_cache, fill, &k->lock);
}

/* Where each kind keeps its wait list (a list_head in the lock, or in
 * 7.x a pointer to the first waiter, the waiters then linked in a ring
 * of their own) and what its waiters look like. */
struct kind_offsets {
	uint64_t wait_list, first, w_list, w_task, w_type;
};

static struct kd_error *kind_offsets(const struct kd_lock_layout *l,
				     enum kd_lock_kind kind,
				     struct kind_offsets *o)
{
	switch (kind) {
	case KD_LOCK_MUTEX:
		*o = (struct kind_offsets){ l->mutex_wait_list, l->mutex_first,
					    l->mw_list, l->mw_task,
					    KD_ABSENT };
		break;
	case KD_LOCK_RWSEM:
		*o = (struct kind_offsets){ l->rwsem_wait_list, l->rwsem_first,
					    l->rw_list, l->rw_task,
					    l->rw_type };
		break;
	case KD_LOCK_SEMAPHORE:
		*o = (struct kind_offsets){ l->sem_wait_list, l->sem_first,
					    l->sw_list, l->sw_task,
					    KD_ABSENT };
		break;
	default:
		return kd_error_create(KD_ERR_INVALID, "no such lock kind");
	}
	if ((!kd_present(o->wait_list) && !kd_present(o->first)) ||
	    !kd_present(o->w_list) || !kd_present(o->w_task))
		return kd_error_create(KD_ERR_NOT_FOUND, "this kernel's struct "
				       "%s has no wait list we know",
				       kd_lock_kind_name(kind));
	return NULL;
}

/* ---- a lock's state ---- */

static void mutex_state(struct kd_session *s, const struct kd_lock_layout *l,
			struct kd_lock_state *st, int *ok)
{
	if (kd_present(l->mutex_count)) {	/* before 4.10 */
		int32_t count = (int32_t)kd_field_uint_opt(s, st->addr,
							   l->mutex_count, 4,
							   ok);
		st->raw_count = (uint32_t)count;
		st->locked = count != 1;
		st->waiters_flag = count < 0;
		st->raw_owner =
			kd_field_uint_opt(s, st->addr, l->mutex_owner, 8, ok);
		st->owner = st->locked ? st->raw_owner & ~MUTEX_FLAGS : 0;
		return;
	}
	if (!kd_present(l->mutex_owner)) {
		st->locked = -1;
		return;
	}
	st->raw_owner = kd_field_uint_opt(s, st->addr, l->mutex_owner, 8, ok);
	st->owner = st->raw_owner & ~MUTEX_FLAGS;
	st->locked = st->owner != 0;
	st->waiters_flag = (st->raw_owner & MUTEX_FLAG_WAITERS) != 0;
}

static void rwsem_state(struct kd_session *s, const struct kd_lock_layout *l,
			struct kd_lock_state *st, int *ok)
{
	st->raw_count = kd_field_uint_opt(s, st->addr, l->rwsem_count, 8, ok);
	st->raw_owner = kd_field_uint_opt(s, st->addr, l->rwsem_owner, 8, ok);
	uint64_t task = st->raw_owner & ~RWSEM_OWNER_FLAGS;
	if (!l->rwsem_new) {
		/* XADD counts: only the writer the owner field names */
		int reader = (st->raw_owner & RWSEM_READER_OWNED) != 0;
		st->owner = reader ? 0 : task;
		st->reader_owned = reader;
		st->locked = st->owner ? 1 : -1;
		return;
	}
	uint64_t c = st->raw_count;
	st->readers = (c & ~RWSEM_READFAIL) >> RWSEM_READER_SHIFT;
	st->waiters_flag = (c & RWSEM_FLAG_WAITERS) != 0;
	if (c & RWSEM_WRITER_LOCKED) {
		st->locked = 1;
		st->owner = st->raw_owner & RWSEM_READER_OWNED ? 0 : task;
	} else if (st->readers) {
		st->locked = 1;
		st->reader_owned = 1;
		if (st->raw_owner & RWSEM_READER_OWNED)
			st->last_reader = task;
	} else {
		st->locked = 0;
	}
}

static void semaphore_state(struct kd_session *s,
			    const struct kd_lock_layout *l,
			    struct kd_lock_state *st, int *ok)
{
	st->raw_count = kd_field_uint_opt(s, st->addr, l->sem_count, 4, ok);
	st->locked = kd_present(l->sem_count) ? st->raw_count == 0 : -1;
}

static enum kd_lock_mode waiter_mode(struct kd_session *s,
				     const struct kd_lock_layout *l,
				     enum kd_lock_kind kind, uint64_t w)
{
	if (kind != KD_LOCK_RWSEM || !kd_present(l->rw_type) ||
	    l->rwsem_wait_read < 0)
		return KD_LOCK_EXCL;
	int ok = 1;
	uint64_t type = kd_field_uint_opt(s, w, l->rw_type, 4, &ok);
	return ok && type == (uint64_t)l->rwsem_wait_read ? KD_LOCK_READ
							  : KD_LOCK_EXCL;
}

static struct kd_error *wait_list(struct kd_session *s,
				  const struct kd_lock_layout *l,
				  struct kd_lock_state *st)
{
	struct kind_offsets o;
	struct kd_error *err = kind_offsets(l, st->kind, &o);
	if (err)
		return err;
	struct kd_addr_list w = { 0 };
	struct kd_error *werr = NULL;
	uint64_t first = 0;
	if (kd_present(o.wait_list))
		werr = kd_list_walk(s, st->addr + o.wait_list, o.w_list,
				    KD_WALK_NOLOG, MAX_WAITERS, &w);
	else if (!(werr = kd_field_ptr(s, st->addr, o.first, &first)) &&
		 first)
		werr = kd_list_walk(s, first + o.w_list, o.w_list,
				    KD_WALK_NOLOG | KD_WALK_INCHEAD,
				    MAX_WAITERS, &w);
	if (w.n && !(st->waiters = calloc(w.n, sizeof(*st->waiters)))) {
		kd_addr_list_free(&w);
		kd_error_destroy(werr);
		return &kd_error_nomem;
	}
	for (size_t i = 0; i < w.n; i++) {
		struct kd_lock_waiter *lw = &st->waiters[st->nwaiters];
		int ok = 1;
		lw->waiter = w.addrs[i];
		lw->task = kd_field_uint_opt(s, w.addrs[i], o.w_task, 8, &ok);
		lw->mode = waiter_mode(s, l, st->kind, w.addrs[i]);
		if (ok)
			st->nwaiters++;
	}
	kd_addr_list_free(&w);
	if (werr) {
		if (werr->code == KD_ERR_NOMEM)
			return werr;
		st->problem = strdup(werr->message);
		kd_error_destroy(werr);
	}
	return NULL;
}

struct kd_error *kd_lock_read(struct kd_session *s, enum kd_lock_kind kind,
			      uint64_t addr, struct kd_lock_state *ret)
{
	const struct kd_lock_layout *l;
	memset(ret, 0, sizeof(*ret));
	ret->kind = kind;
	ret->addr = addr;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	uint8_t probe;
	if ((err = kd_read_kvaddr(s, addr, &probe, 1)))
		return kd_error_prefix(err, "%s at %llx",
				       kd_lock_kind_name(kind),
				       (unsigned long long)addr);
	int ok = 1;
	switch (kind) {
	case KD_LOCK_MUTEX:
		mutex_state(s, l, ret, &ok);
		break;
	case KD_LOCK_RWSEM:
		rwsem_state(s, l, ret, &ok);
		break;
	case KD_LOCK_SEMAPHORE:
		semaphore_state(s, l, ret, &ok);
		break;
	default:
		return kd_error_create(KD_ERR_INVALID, "no such lock kind");
	}
	if (!ok)
		return kd_error_create(KD_ERR_FAULT, "%s at %llx cannot be "
				       "read", kd_lock_kind_name(kind),
				       (unsigned long long)addr);
	err = wait_list(s, l, ret);
	if (err && err->code != KD_ERR_NOT_FOUND) {
		kd_lock_state_fini(ret);
		return err;
	}
	if (err) {
		ret->problem = strdup(err->message);
		kd_error_destroy(err);
	}
	return NULL;
}

void kd_lock_state_fini(struct kd_lock_state *st)
{
	if (!st)
		return;
	free(st->waiters);
	free(st->problem);
	st->waiters = NULL;
	st->problem = NULL;
	st->nwaiters = 0;
}

/* ---- which lock a task waits for ---- */

static int prefixed(const char *name, size_t len, const char *const *p)
{
	for (; *p; p++) {
		size_t n = strlen(*p);
		if (len >= n && memcmp(name, *p, n) == 0)
			return 1;
	}
	return 0;
}

static int named(const char *name, size_t len, const char *const *p)
{
	for (; *p; p++)
		if (strlen(*p) == len && memcmp(name, *p, len) == 0)
			return 1;
	return 0;
}

enum kd_lock_kind kd_lock_wait_function(const char *function,
					enum kd_lock_mode *mode)
{
	static const char *const rwsem_read[] = {
		"rwsem_down_read", "__down_read", "down_read", NULL };
	static const char *const rwsem_write[] = {
		"rwsem_down_write", "__down_write", "down_write", NULL };
	static const char *const mutex[] = {
		"__mutex_lock", "mutex_lock", "__ww_mutex_lock",
		"ww_mutex_lock", NULL };
	static const char *const sem[] = {
		"__down", "__down_common", "__down_interruptible",
		"__down_killable", "__down_timeout", "down",
		"down_interruptible", "down_killable", "down_timeout", NULL };
	*mode = KD_LOCK_EXCL;
	if (!function)
		return KD_LOCK_NONE;
	/* "__mutex_lock.constprop.0": GCC's clone suffixes do not count */
	size_t len = strcspn(function, ".");
	if (prefixed(function, len, rwsem_read)) {
		*mode = KD_LOCK_READ;
		return KD_LOCK_RWSEM;
	}
	if (prefixed(function, len, rwsem_write))
		return KD_LOCK_RWSEM;
	if (prefixed(function, len, mutex))
		return KD_LOCK_MUTEX;
	if (named(function, len, sem))
		return KD_LOCK_SEMAPHORE;
	return KD_LOCK_NONE;
}

/* 1 when the list node x belongs to a waiter: the task its task member
 * names has x on its stack. */
static int node_is_waiter(struct kd_session *s, const struct kind_offsets *o,
			  uint64_t x)
{
	uint64_t task, lo, hi;
	uint64_t w = x - o->w_list;
	struct kd_error *err = kd_read_ptr(s, w + o->w_task, &task);
	if (!err)
		err = kd_task_stack_range(s, task, &lo, &hi);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return x >= lo && x < hi;
}

/* The lock whose wait list holds the waiter w: the one node of the list
 * that is no waiter, less the wait list's offset in the lock.  (A 7.x
 * lock points at its first waiter instead: its ring has no such node.) */
static struct kd_error *lock_of_waiter(struct kd_session *s,
				       const struct kind_offsets *o,
				       uint64_t w, uint64_t *lock)
{
	if (!kd_present(o->wait_list))
		return kd_error_create(KD_ERR_NOT_FOUND, "the waiters of this "
				       "kernel's locks do not lead to them");
	uint64_t start = w + o->w_list, x = start, head = 0;
	for (int i = 0; i < MAX_HEAD_STEPS; i++) {
		struct kd_error *err = kd_read_ptr(s, x, &x);
		if (err)
			return kd_error_prefix(err, "wait list of waiter %llx",
					       (unsigned long long)w);
		if (x == start)
			break;
		if (!node_is_waiter(s, o, x)) {
			if (head)
				return kd_error_create(KD_ERR_CORRUPT, "wait "
					"list of waiter %llx has two heads",
					(unsigned long long)w);
			head = x;
		}
	}
	if (x != start || !head)
		return kd_error_create(KD_ERR_CORRUPT, "wait list of waiter "
				       "%llx does not lead back to it",
				       (unsigned long long)w);
	*lock = head - o->wait_list;
	return NULL;
}

/* A waiter of the task at w: its task member names the task, and its
 * list node is linked both ways (to itself only for the sole waiter of a
 * 7.x lock: the old lists always hold the lock's head too). */
static int is_waiter(struct kd_session *s, const struct kind_offsets *o,
		     uint64_t w, uint64_t task)
{
	uint64_t t, next, prev, back, fwd;
	uint64_t node = w + o->w_list;
	struct kd_error *err = kd_read_ptr(s, w + o->w_task, &t);
	if (err || t != task) {
		kd_error_destroy(err);
		return 0;
	}
	err = kd_read_ptr(s, node, &next);
	if (!err)
		err = kd_read_ptr(s, node + 8, &prev);
	if (!err)
		err = kd_read_ptr(s, next + 8, &back);
	if (!err)
		err = kd_read_ptr(s, prev, &fwd);
	kd_error_destroy(err);
	return !err && back == node && fwd == node &&
	       (next != node || !kd_present(o->wait_list));
}

/* 7.x: the lock points at its first waiter and the waiters form a ring
 * of their own, so the list does not lead to the lock; the lock's
 * address is in a register the waiting functions saved on the stack:
 * the word in [lo, hi) whose first_waiter is one of the ring's waiters. */
static struct kd_error *lock_of_ring(struct kd_session *s,
				     const struct kind_offsets *o, uint64_t w,
				     uint64_t lo, uint64_t hi, uint64_t *lock)
{
	struct kd_addr_list ring = { 0 };
	struct kd_error *err = kd_list_walk(s, w + o->w_list, o->w_list,
					    KD_WALK_NOLOG | KD_WALK_INCHEAD,
					    MAX_FRAME_SCAN, &ring);
	if (err) {
		kd_addr_list_free(&ring);
		return err;
	}
	for (uint64_t a = lo; a + 8 <= hi; a += 8) {
		uint64_t cand, first;
		if ((err = kd_read_ptr(s, a, &cand))) {
			kd_error_destroy(err);
			continue;
		}
		/* kernel addresses only: the lower half is user space */
		if (cand < 0xffff800000000000ULL)
			continue;
		if ((err = kd_read_ptr(s, cand + o->first, &first))) {
			kd_error_destroy(err);
			continue;
		}
		for (size_t i = 0; i < ring.n; i++)
			if (first && first == ring.addrs[i]) {
				*lock = cand;
				kd_addr_list_free(&ring);
				return NULL;
			}
	}
	kd_addr_list_free(&ring);
	return kd_error_create(KD_ERR_NOT_FOUND, "no lock on the stack "
			       "points to waiter %llx",
			       (unsigned long long)w);
}

static int from_stack(struct kd_session *s, const struct kd_lock_layout *l,
		      uint64_t task, const struct kd_wait_frame *f, size_t n,
		      struct kd_blocked_on *ret)
{
	uint64_t lo, hi;
	struct kd_error *err = kd_task_stack_range(s, task, &lo, &hi);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		enum kd_lock_mode mode;
		enum kd_lock_kind kind = kd_lock_wait_function(f[i].function,
							       &mode);
		struct kind_offsets o;
		if (kind == KD_LOCK_NONE || kind_offsets(l, kind, &o) ||
		    f[i].sp < lo || f[i].sp >= hi)
			continue;
		/* the waiter is a local of this frame or, inlined, of its
		 * caller's: between this frame's stack address and the one
		 * two frames out */
		uint64_t end = i + 2 < n ? f[i + 2].sp : hi;
		if (end > hi || end <= f[i].sp ||
		    end - f[i].sp > MAX_FRAME_SCAN)
			end = f[i].sp + MAX_FRAME_SCAN < hi ?
			      f[i].sp + MAX_FRAME_SCAN : hi;
		for (uint64_t a = (f[i].sp + 7) & ~7ULL; a + 16 <= end;
		     a += 8) {
			uint64_t w = a - o.w_list, lock;
			if (!is_waiter(s, &o, w, task))
				continue;
			err = kd_present(o.wait_list) ?
				lock_of_waiter(s, &o, w, &lock) :
				lock_of_ring(s, &o, w, (f[0].sp + 7) & ~7ULL,
					     end, &lock);
			if (err) {
				kd_error_destroy(err);
				continue;
			}
			*ret = (struct kd_blocked_on){
				.kind = kind, .lock = lock, .waiter = w,
				.how = "stack", .frame = (int)i,
				.mode = kind == KD_LOCK_RWSEM ?
					waiter_mode(s, l, kind, w) : mode,
			};
			return 1;
		}
	}
	return 0;
}

/* The frame that waits for kind, -1 if none. */
static int wait_frame(const struct kd_wait_frame *f, size_t n,
		      enum kd_lock_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		enum kd_lock_mode m;
		if (kd_lock_wait_function(f[i].function, &m) == kind)
			return (int)i;
	}
	return -1;
}

static int from_blocker(struct kd_session *s, const struct kd_lock_layout *l,
			uint64_t task, const struct kd_wait_frame *f, size_t n,
			struct kd_blocked_on *ret)
{
	int ok = 1;
	uint64_t b = kd_field_uint_opt(s, task, l->t_blocker, 8, &ok);
	if (!ok || !kd_present(l->t_blocker) || !(b & ~BLOCKER_TYPE_MASK))
		return 0;
	static const enum kd_lock_kind kinds[4] = {
		KD_LOCK_MUTEX, KD_LOCK_SEMAPHORE, KD_LOCK_RWSEM, KD_LOCK_RWSEM,
	};
	unsigned type = (unsigned)(b & BLOCKER_TYPE_MASK);
	*ret = (struct kd_blocked_on){
		.kind = kinds[type], .lock = b & ~BLOCKER_TYPE_MASK,
		.mode = type == 2 ? KD_LOCK_READ : KD_LOCK_EXCL,
		.how = "blocker", .frame = wait_frame(f, n, kinds[type]),
	};
	return 1;
}

static int from_blocked_on(struct kd_session *s,
			   const struct kd_lock_layout *l, uint64_t task,
			   const struct kd_wait_frame *f, size_t n,
			   struct kd_blocked_on *ret)
{
	int ok = 1;
	uint64_t b = kd_field_uint_opt(s, task, l->t_blocked_on, 8, &ok);
	if (!ok || !b)
		return 0;
	uint64_t lock = b, waiter = 0;
	if (l->blocked_on_waiter) {
		struct kind_offsets o;
		struct kd_error *err = kind_offsets(l, KD_LOCK_MUTEX, &o);
		if (!err)
			err = lock_of_waiter(s, &o, b, &lock);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		waiter = b;
	}
	*ret = (struct kd_blocked_on){
		.kind = KD_LOCK_MUTEX, .lock = lock, .waiter = waiter,
		.mode = KD_LOCK_EXCL, .how = "blocked_on",
		.frame = wait_frame(f, n, KD_LOCK_MUTEX),
	};
	return 1;
}

struct kd_error *kd_task_blocked_on(struct kd_session *s, uint64_t task,
				    const struct kd_wait_frame *frames,
				    size_t nframes, struct kd_blocked_on *ret)
{
	const struct kd_lock_layout *l;
	memset(ret, 0, sizeof(*ret));
	ret->frame = -1;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	if (from_blocker(s, l, task, frames, nframes, ret) ||
	    from_blocked_on(s, l, task, frames, nframes, ret) ||
	    from_stack(s, l, task, frames, nframes, ret))
		return NULL;
	return kd_error_create(KD_ERR_NOT_FOUND, "task %llx waits for no "
			       "lock this layer knows",
			       (unsigned long long)task);
}
