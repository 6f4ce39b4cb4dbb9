/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The core of a SLUB free list walk, over a memory source and a slab's
 * geometry, so unit tests run it on synthetic slabs (slab.c uses it on
 * the session's memory).
 *
 * A free object keeps the next free object at object + offset; with
 * CONFIG_SLAB_FREELIST_HARDENED it is stored as
 *     next ^ random ^ swab(address it is stored at)     (5.7+)
 *     next ^ random ^ address it is stored at          (4.14 .. 5.6)
 * Both are tried: a decoded pointer must be NULL or an object of the
 * slab; once one form alone fits, the kernel's form is known (*form) and
 * is tried first from then on.
 */
#ifndef PYKDUMP_SLAB_INTERNAL_H
#define PYKDUMP_SLAB_INTERNAL_H

#include <stdint.h>

#include <pykdump/error.h>
#include <pykdump/memsrc.h>

struct kd_slab_fl {
	uint64_t mem;		/* the slab's memory (page_address) */
	uint64_t size;		/* stride between objects */
	unsigned objects;
	uint64_t red_left_pad;	/* objects start this far into a stride */
	uint64_t offset;	/* free pointer offset in an object */
	int hardened;
	uint64_t random;
};

enum kd_fp_form { KD_FP_UNKNOWN, KD_FP_SWAB, KD_FP_PLAIN };

/* The index of object p of the slab, -1 when p is not one. */
long kd_slab_fl_index(const struct kd_slab_fl *g, uint64_t p);

/* The next free object from the value stored at `at`. */
uint64_t kd_slab_fp_decode(const struct kd_slab_fl *g, uint64_t stored,
			   uint64_t at, enum kd_fp_form *form);

/*
 * Follow the free list from first, setting state[i] = mark for each
 * object (state[] holds g->objects entries, 0 = not free).  Bounded by
 * the object count: a pointer that is not an object of the slab, or an
 * object met a second time (a cycle, or an object on both lists), ends
 * the walk with KD_ERR_CORRUPT in crash's words ("NAME: slab: ADDR
 * invalid freepointer: ...", "duplicate freelist object"); an unreadable
 * free pointer with the memory error.  Objects marked before stay.
 */
struct kd_error *kd_slab_fl_mark(const struct kd_memsrc *src,
				 const struct kd_slab_fl *g, const char *name,
				 uint64_t slab, uint64_t first, uint8_t mark,
				 uint8_t *state, enum kd_fp_form *form)
	KD_WARN_UNUSED;

#endif
