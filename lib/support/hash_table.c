// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The slot arrays of hash tables (see include/pykdump/hash_table.h):
 * the capacity rule and the overflow checks, in one place.  The probing
 * itself is inline in the header, where the entry type is known.
 */
#include <stdint.h>

#include <pykdump/hash_table.h>

#define MIN_SLOTS 16

struct kd_error *kd_hash_table_alloc(size_t n, size_t elem_size, size_t *cap,
				     void **slots)
{
	size_t c = MIN_SLOTS;
	if (n > SIZE_MAX / 4)		/* 2n would not fit, nor its slots */
		return &kd_error_nomem;
	while (c < 2 * n)
		c *= 2;
	if (c > SIZE_MAX / elem_size)
		return &kd_error_nomem;
	void *p = calloc(c, elem_size);
	if (!p)
		return &kd_error_nomem;
	*cap = c;
	*slots = p;
	return NULL;
}
