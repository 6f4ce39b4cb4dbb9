// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linked-list walks: list_head (with or without the head, forwards or
 * by prev), hlist, and plain `next` chains.  One core follows links:
 *
 *   x = first;  while x not in {0, stop1, stop2}: emit x - entry_off;
 *                                                x = *(x + link_off)
 *
 * Cycles are found with Brent's method: remember x at steps 1, 2, 4,
 * 8 ...; meeting the remembered node again means a cycle of length
 * lambda = steps since it was remembered.  The emitted prefix is then cut
 * to the distinct nodes (mu + lambda, mu found by comparing entries i and
 * i + lambda), so a corrupt list gives exactly the entries before the
 * first repeat, as crash's hash-based check does.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/log.h>
#include <pykdump/offsets.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/vector.h>

#include "kernel_internal.h"

void kd_addr_list_free(struct kd_addr_list *l)
{
	if (!l)
		return;
	free(l->addrs);
	free(l->index);
	memset(l, 0, sizeof(*l));
}

/* Room for one more; the index array, once there, has the same
 * capacity as the addresses (l->cap). */
static struct kd_error *grow(struct kd_addr_list *l, int with_index)
{
	size_t cap = l->cap, icap = l->index ? l->cap : 0;
	struct kd_error *err = kd_array_reserve(&l->addrs, &cap, l->n + 1);
	if (!err && (with_index || l->index))
		err = kd_array_reserve(&l->index, &icap, cap);
	if (!err)
		l->cap = cap;
	return err;
}

struct kd_error *kd_addr_list_push(struct kd_addr_list *l, uint64_t addr)
{
	struct kd_error *err;
	if (l->n == l->cap && (err = grow(l, 0)))
		return err;
	if (l->index)
		l->index[l->n] = l->n;
	l->addrs[l->n++] = addr;
	return NULL;
}

struct kd_error *kd_addr_list_push_index(struct kd_addr_list *l,
					 uint64_t addr, uint64_t index)
{
	struct kd_error *err;
	if ((l->n == l->cap || !l->index) && (err = grow(l, 1)))
		return err;
	l->index[l->n] = index;
	l->addrs[l->n++] = addr;
	return NULL;
}

static size_t maxel_of(size_t maxel)
{
	return maxel ? maxel : KD_MAXEL_DEFAULT;
}

/* Cut entries [base, n) to the distinct ones before the first repeat,
 * given the cycle length; returns the repeated entry. */
static uint64_t cut_cycle(struct kd_addr_list *l, size_t base, size_t lambda)
{
	size_t mu = 0, len = l->n - base;
	while (mu + lambda < len &&
	       l->addrs[base + mu] != l->addrs[base + mu + lambda])
		mu++;
	uint64_t rep = l->addrs[base + mu];
	if (mu + lambda < len)
		l->n = base + mu + lambda;
	return rep;
}

static struct kd_error *cycle_error(struct kd_addr_list *l, size_t base,
				    size_t lambda)
{
	uint64_t rep = cut_cycle(l, base, lambda);
	return kd_error_fault(KD_ERR_CYCLE, rep,
			      "duplicate list entry: %llx (a cycle of %zu "
			      "entries after %zu distinct ones)",
			      (unsigned long long)rep, lambda, l->n);
}

/* x: the entry's link about to be followed (the first one left out when
 * the limit is reached). */
static struct kd_error *step_checks(const struct kd_walk_links *w,
				    const struct kd_addr_list *l,
				    uint64_t x, uint64_t steps)
{
	if (l->n >= maxel_of(w->maxel))
		return kd_error_fault(KD_ERR_LIMIT, x - w->entry_off,
				      "list has more than %zu entries",
				      maxel_of(w->maxel));
	if (steps % KD_WALK_CANCEL_EVERY == 0)
		return kd_cancel_check();
	return NULL;
}

/* An entry whose link cannot be read is not part of the result; the
 * error keeps the memory error's code and the address tried. */
static struct kd_error *link_error(struct kd_error *err, uint64_t entry,
				   uint64_t link)
{
	enum kd_error_code code = err->code;
	struct kd_error *e = kd_error_fault(code, link,
					    "invalid list entry %llx: %s",
					    (unsigned long long)entry,
					    err->message);
	kd_error_destroy(err);
	return e;
}

struct kd_error *kd_walk_links_src(const struct kd_memsrc *src,
				   const struct kd_walk_links *w,
				   struct kd_addr_list *ret)
{
	struct kd_error *err;
	size_t base = ret->n, power = 1, lambda = 0;
	uint64_t x = w->first, next, saved = 0, steps = 0;
	int have_saved = 0;
	for (;;) {
		if (x == 0)
			return w->null_is_error
				? kd_error_fault(KD_ERR_CORRUPT, 0,
						 "invalid list entry: 0")
				: NULL;
		if ((w->stop1 && x == w->stop1) || (w->stop2 && x == w->stop2))
			return NULL;
		if (have_saved && x == saved)
			return cycle_error(ret, base, lambda + 1);
		if ((err = step_checks(w, ret, x, ++steps)))
			return err;
		if ((err = kd_memsrc_read_ptr(src, x + w->link_off, &next)))
			return link_error(err, x - w->entry_off,
					  x + w->link_off);
		if ((err = kd_addr_list_push(ret, x - w->entry_off)))
			return err;
		if (++lambda == power) {
			saved = x;
			have_saved = 1;
			power *= 2;
			lambda = 0;
		}
		x = next;
	}
}

struct kd_error *kd_list_walk_src(const struct kd_memsrc *src,
				  const struct kd_list_layout *lay,
				  uint64_t head, uint64_t entry_off,
				  unsigned flags, size_t maxel,
				  struct kd_addr_list *ret)
{
	return kd_list_walk_src_until(src, lay, head, entry_off, 0, flags,
				      maxel, ret);
}

struct kd_error *kd_list_walk_src_until(const struct kd_memsrc *src,
					const struct kd_list_layout *lay,
					uint64_t head, uint64_t entry_off,
					uint64_t end, unsigned flags,
					size_t maxel,
					struct kd_addr_list *ret)
{
	struct kd_walk_links w = {
		.link_off = flags & KD_WALK_REVERSE ? lay->prev_off
						    : lay->next_off,
		.entry_off = entry_off,
		.stop1 = head,
		.stop2 = end,
		.null_is_error = 1,
		.maxel = maxel,
	};
	struct kd_error *err;
	if (flags & KD_WALK_INCHEAD) {
		if ((err = kd_addr_list_push(ret, head - entry_off)))
			return err;
	}
	if ((err = kd_memsrc_read_ptr(src, head + w.link_off, &w.first)))
		return kd_error_prefix(err, "list head %llx",
				       (unsigned long long)head);
	return kd_walk_links_src(src, &w, ret);
}

/* ---- the session forms ---- */

void kd_walk_log(struct kd_session *s, unsigned flags, const char *what,
		 const struct kd_error *err)
{
	if (!err || (flags & KD_WALK_NOLOG))
		return;
	kd_error_destroy(kd_log_error(kd_session_log(s), "%s: %s", what,
				      err->message));
}

struct kd_error *kd_walk_end(struct kd_session *s, unsigned flags,
			     const char *what, struct kd_error *err)
{
	kd_walk_log(s, flags, what, err);
	return err;
}

static const struct kd_layout_field list_fields[] = {
	KD_LF(struct kd_list_layout, next_off, "struct list_head", "next",
	      KD_LF_REQUIRED),
	KD_LF(struct kd_list_layout, prev_off, "struct list_head", "prev",
	      KD_LF_REQUIRED),
};

static const struct kd_layout_field hlist_fields[] = {
	KD_LF(struct kd_hlist_layout, first, "struct hlist_head", "first",
	      KD_LF_REQUIRED),
	KD_LF(struct kd_hlist_layout, next, "struct hlist_node", "next",
	      KD_LF_REQUIRED),
};

static struct kd_error *fill_list(struct kd_session *s, void *layout)
{
	return kd_layout_fill(s, list_fields, KD_ARRAY_SIZE(list_fields),
			      layout);
}

static struct kd_error *fill_hlist(struct kd_session *s, void *layout)
{
	return kd_layout_fill(s, hlist_fields, KD_ARRAY_SIZE(hlist_fields),
			      layout);
}

struct kd_error *kd_walk_begin(struct kd_session *s, enum kd_walk_kind kind,
			       struct kd_addr_list *ret,
			       struct kd_walk_start *w)
{
	static kd_layout_fill_fn *const fill[KD_WK_NR] = {
		fill_list, fill_hlist, kd_rb_layout_fill, kd_xa_layout_fill,
		kd_maple_layout_fill,
	};
	struct kd_kernel_state *k = kd_kernel_state(s);
	memset(ret, 0, sizeof(*ret));
	w->src = kd_memsrc_session(s);
	w->layout = NULL;
	if (!k)
		return &kd_error_nomem;
	void *const layouts[KD_WK_NR] = { &k->list, &k->hlist, &k->rb, &k->xa,
					  &k->maple };
	w->layout = layouts[kind];
	return kd_layout_cached(s, &k->walk_cache[kind], fill[kind],
				layouts[kind]);
}

struct kd_error *kd_list_walk(struct kd_session *s, uint64_t head,
			      uint64_t entry_off, unsigned flags,
			      size_t maxel, struct kd_addr_list *ret)
{
	return kd_list_walk_until(s, head, entry_off, 0, flags, maxel, ret);
}

struct kd_error *kd_list_walk_until(struct kd_session *s, uint64_t head,
				    uint64_t entry_off, uint64_t end,
				    unsigned flags, size_t maxel,
				    struct kd_addr_list *ret)
{
	struct kd_walk_start w;
	struct kd_error *err = kd_walk_begin(s, KD_WK_LIST, ret, &w);
	if (!err)
		err = kd_list_walk_src_until(&w.src, w.layout, head, entry_off,
					     end, flags, maxel, ret);
	return kd_walk_end(s, flags, "list", err);
}

struct kd_error *kd_chain_walk(struct kd_session *s, uint64_t start,
			       uint64_t next_off, uint64_t end,
			       unsigned flags, size_t maxel,
			       struct kd_addr_list *ret)
{
	struct kd_memsrc src = kd_memsrc_session(s);
	struct kd_walk_links w = {
		.link_off = next_off, .stop1 = start, .stop2 = end,
		.maxel = maxel,
	};
	struct kd_error *err = NULL;
	memset(ret, 0, sizeof(*ret));
	if (flags & KD_WALK_INCHEAD)
		err = kd_addr_list_push(ret, start);
	if (!err && start)
		err = kd_memsrc_read_ptr(&src, start + next_off, &w.first);
	if (!err && start)
		err = kd_walk_links_src(&src, &w, ret);
	return kd_walk_end(s, flags, "list", err);
}

struct kd_error *kd_hlist_walk(struct kd_session *s, uint64_t head,
			       uint64_t entry_off, unsigned flags,
			       size_t maxel, struct kd_addr_list *ret)
{
	struct kd_walk_links w = { .entry_off = entry_off, .maxel = maxel };
	struct kd_walk_start ws;
	struct kd_error *err = kd_walk_begin(s, KD_WK_HLIST, ret, &ws);
	const struct kd_hlist_layout *lay = ws.layout;
	if (!err) {
		w.link_off = lay->next;
		err = kd_memsrc_read_ptr(&ws.src, head + lay->first, &w.first);
	}
	if (!err)
		err = kd_walk_links_src(&ws.src, &w, ret);
	return kd_walk_end(s, flags, "hlist", err);
}

struct kd_error *kd_list_count(struct kd_session *s, uint64_t head,
			       size_t maxel, size_t *ret)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_list_walk(s, head, 0, KD_WALK_NOLOG, maxel,
					    &l);
	*ret = l.n;
	kd_addr_list_free(&l);
	return err;
}
