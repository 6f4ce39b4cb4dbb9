/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Highlevel: typed globals, strings, container_of, and walks over the
 * kernel's linked structures (list_head, hlist, plain `next` chains,
 * rbtrees, xarrays / radix trees, IDRs, maple trees), per-CPU variables
 * and enums.
 *
 * Walks are bounded and never hang on corrupt memory:
 *   - at most maxel entries (0: KD_MAXEL_DEFAULT); past it KD_ERR_LIMIT;
 *   - linked lists detect cycles with Brent's method (constant memory),
 *     trees (rbtree, xarray, IDR, maple) with a visited set; a cycle
 *     gives KD_ERR_CYCLE;
 *   - an unreadable pointer gives the memory error;
 *   - every 4096 steps kd_cancel_check() (timeout, Ctrl-C).
 * On any of these the entries found before it are still returned in
 * *ret (the partial result) along with the error (for the linked lists,
 * err->addr is the entry that repeats on KD_ERR_CYCLE, the first entry
 * left out on KD_ERR_LIMIT, the link that could not be read on a memory
 * error), and, unless the flags
 * include KD_WALK_NOLOG, the error is also added to the session's
 * problem log.  The caller frees *ret with kd_addr_list_free() in every
 * case.
 *
 * Member offsets (list_head.next, rb_node.rb_left, xa_node.slots ...)
 * come from the debuginfo, so other kernel layouts work too.
 */
#ifndef PYKDUMP_HIGHLEVEL_H
#define PYKDUMP_HIGHLEVEL_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>
#include <pykdump/offsets.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_type;

#define KD_MAXEL_DEFAULT 1000000

/* Walk flags. */
#define KD_WALK_REVERSE	0x1	/* list_head: follow prev instead of next */
#define KD_WALK_INCHEAD	0x2	/* include the start/head itself first */
#define KD_WALK_NOLOG	0x4	/* errors only returned, not logged */
#define KD_WALK_INORDER	0x8	/* rbtree: in-order (else pre-order, as
				   crash's tree without -l) */

/* A growable array of addresses (and, for indexed walks, indices). */
struct kd_addr_list {
	uint64_t *addrs;
	uint64_t *index;	/* xarray/radix/IDR walks: the entry's index */
	size_t n, cap;
};
KD_PUBLIC void kd_addr_list_free(struct kd_addr_list *l);

/* ---- globals and strings (member offsets: offsets.h) ---- */

struct kd_global {
	uint64_t addr;		/* relocated */
	struct kd_type *type;	/* from DWARF; NULL when only a symbol */
};
/* A global variable: its running address and its DWARF type. */
KD_PUBLIC struct kd_error *kd_global_get(struct kd_session *s, const char *name,
					 struct kd_global *ret) KD_WARN_UNUSED;
/* An integer, enum, bool or pointer global, decoded by its type
 * (sign-extended when signed). */
KD_PUBLIC struct kd_error *kd_global_read_u64(struct kd_session *s,
					      const char *name,
					      uint64_t *ret) KD_WARN_UNUSED;
/* The first size (1, 2, 4 or 8) bytes of a global as an unsigned
 * integer, whatever its type, DWARF or not: 1 and *ret, 0 (*ret
 * untouched) when the symbol is missing or cannot be read. */
KD_PUBLIC int kd_global_uint(struct kd_session *s, const char *name,
			     unsigned size, uint64_t *ret);
/* A NUL-terminated string of at most maxlen bytes at addr, malloc'd. */
KD_PUBLIC struct kd_error *kd_read_string_alloc(struct kd_session *s,
						uint64_t addr, size_t maxlen,
						char **ret) KD_WARN_UNUSED;
/* ---- lists ---- */

/*
 * list_head list headed by the list_head at head.  Entries are the
 * containers: (address of each list_head) - entry_off.  Without
 * KD_WALK_INCHEAD the head is not an entry (crash list -H, readListByHead
 * with entry_off 0); with it the head's container comes first (crash
 * list -h: head is then the list_head inside the first entry).  Stops
 * back at head; a NULL link is an error (KD_ERR_CORRUPT).
 */
KD_PUBLIC struct kd_error *kd_list_walk(struct kd_session *s, uint64_t head,
					uint64_t entry_off, unsigned flags,
					size_t maxel,
					struct kd_addr_list *ret) KD_WARN_UNUSED;
/*
 * kd_list_walk that also stops on reaching the list_head at end (0: none),
 * which is not an entry: crash's list -e, whose end is a link address
 * (the list_head inside an entry), as the links the walk follows are.
 */
KD_PUBLIC struct kd_error *kd_list_walk_until(struct kd_session *s,
					      uint64_t head,
					      uint64_t entry_off, uint64_t end,
					      unsigned flags, size_t maxel,
					      struct kd_addr_list *ret)
					      KD_WARN_UNUSED;
/*
 * A chain through a pointer at next_off in each node (readList, crash
 * list without -h/-H): start, *(start + next_off), ... until NULL, back
 * at start, or at end (0: none).  start is included unless flags lack
 * KD_WALK_INCHEAD.
 */
KD_PUBLIC struct kd_error *kd_chain_walk(struct kd_session *s, uint64_t start,
					 uint64_t next_off, uint64_t end,
					 unsigned flags, size_t maxel,
					 struct kd_addr_list *ret) KD_WARN_UNUSED;
/* hlist headed by the hlist_head at head: containers (node - entry_off). */
KD_PUBLIC struct kd_error *kd_hlist_walk(struct kd_session *s, uint64_t head,
					 uint64_t entry_off, unsigned flags,
					 size_t maxel,
					 struct kd_addr_list *ret) KD_WARN_UNUSED;
/* Number of entries of a list_head list (readListByHead length). */
KD_PUBLIC struct kd_error *kd_list_count(struct kd_session *s, uint64_t head,
					 size_t maxel,
					 size_t *ret) KD_WARN_UNUSED;

/* ---- trees ---- */

/* rb_root at root: containers (node - entry_off), pre-order or
 * KD_WALK_INORDER. */
KD_PUBLIC struct kd_error *kd_rbtree_walk(struct kd_session *s, uint64_t root,
					  uint64_t entry_off, unsigned flags,
					  size_t maxel,
					  struct kd_addr_list *ret) KD_WARN_UNUSED;
/* struct xarray (or radix_tree_root on kernels before 4.20) at root:
 * the non-NULL entries in index order, with their indices in
 * ret->index.  Internal entries (nodes, siblings, retry, zero) are
 * followed or skipped; value entries (bit 0 set) are included as
 * stored. */
KD_PUBLIC struct kd_error *kd_xarray_walk(struct kd_session *s, uint64_t root,
					  unsigned flags, size_t maxel,
					  struct kd_addr_list *ret) KD_WARN_UNUSED;
/* struct idr at idr: entries with their ids (index + idr_base).  The pid
 * IDR on 6.x: kd_global_get(s, "init_pid_ns") + offset of "idr". */
KD_PUBLIC struct kd_error *kd_idr_walk(struct kd_session *s, uint64_t idr,
				       unsigned flags, size_t maxel,
				       struct kd_addr_list *ret) KD_WARN_UNUSED;

/* struct maple_tree at tree (6.1+; mm->mm_mt): the non-NULL entries in
 * index order, with the first index of each one's range in ret->index
 * (crash's tree -t maple). */
KD_PUBLIC struct kd_error *kd_maple_walk(struct kd_session *s, uint64_t tree,
					 unsigned flags, size_t maxel,
					 struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* ---- per-CPU ---- */

/* __per_cpu_offset[0 .. n-1], read once per session: the CPUs the
 * kernel could use (nr_cpu_ids, at most NR_CPUS). */
KD_PUBLIC struct kd_error *kd_percpu_offsets(struct kd_session *s,
					     const uint64_t **offs,
					     unsigned *n) KD_WARN_UNUSED;
/* n of kd_percpu_offsets, 0 when it fails. */
KD_PUBLIC unsigned kd_percpu_count(struct kd_session *s);
/* The address of per-CPU pointer/variable addr for cpu. */
KD_PUBLIC struct kd_error *kd_percpu_ptr(struct kd_session *s, uint64_t addr,
					 unsigned cpu,
					 uint64_t *ret) KD_WARN_UNUSED;
/* The address of the per-CPU variable name (e.g. "runqueues") for cpu. */
KD_PUBLIC struct kd_error *kd_percpu_symbol(struct kd_session *s,
					    const char *name, unsigned cpu,
					    uint64_t *ret) KD_WARN_UNUSED;

/* ---- enums ---- */

/* Name of value in the enum type_name ("enum pid_type"); NULL name and
 * KD_ERR_NOT_FOUND when no enumerator has that value. */
KD_PUBLIC struct kd_error *kd_enum_name(struct kd_session *s,
					const char *type_name, int64_t value,
					const char **ret) KD_WARN_UNUSED;
/* Value of an enumerator by name ("PIDTYPE_PID"). */
KD_PUBLIC struct kd_error *kd_enum_value(struct kd_session *s,
					 const char *name,
					 int64_t *ret) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_HIGHLEVEL_H */
