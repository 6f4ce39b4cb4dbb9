// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Growing arrays (see include/pykdump/vector.h).
 *
 * The array pointer is reached through void *: it is copied in and out
 * with memcpy rather than cast to void **, which would read a T * object
 * as a void * one (pointers to objects share one representation on every
 * target we build for; memcpy keeps that the only assumption).
 */
#include <stdint.h>
#include <string.h>

#include <pykdump/vector.h>

/* The smallest capacity an array starts with. */
#define MIN_ELEMS 8

struct kd_error *kd_array_resize_(void *arrayp, size_t *cap, size_t n,
				  size_t elem_size)
{
	if (n == 0 || n > SIZE_MAX / elem_size)
		return &kd_error_nomem;
	void *old, *p;
	memcpy(&old, arrayp, sizeof(old));
	p = realloc(old, n * elem_size);
	if (!p)
		return &kd_error_nomem;
	memcpy(arrayp, &p, sizeof(p));
	*cap = n;
	return NULL;
}

struct kd_error *kd_array_grow(void *arrayp, size_t *cap, size_t need,
			       size_t elem_size)
{
	size_t n = *cap <= SIZE_MAX / 2 ? *cap * 2 : SIZE_MAX;
	if (n < need)
		n = need;
	if (n < MIN_ELEMS)
		n = MIN_ELEMS;
	if (n > SIZE_MAX / elem_size)	/* doubling overflows: just need */
		n = need;
	return kd_array_resize_(arrayp, cap, n, elem_size);
}
