/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growable arrays: the one way an array grows.
 *
 * kd_array_reserve(&arr, &cap, need) makes room for need elements in an
 * array kept as a pointer and a capacity (the count is the caller's).
 * The capacity at least doubles, so appending one at a time is amortised
 * O(1); the byte size is checked for overflow.  On failure the array and
 * its capacity are left as they were and kd_error_nomem is returned (a
 * size that does not fit in size_t is an allocation that cannot succeed),
 * so a caller that cannot pass the error on may drop it.
 * kd_array_resize(&arr, &cap, n) sets the capacity to n exactly, for the
 * few arrays whose size the caller bounds itself (a capped buffer).
 *
 * KD_VECTOR_DEFINE(name, type) declares struct name { type *data; size_t
 * len, cap; } with typed helpers over it (in the manner of drgn's
 * vector.h), for arrays that are one thing of their own:
 *
 *   name_init(v)               empty (a zeroed struct is empty too)
 *   name_deinit(v)             frees the elements' array
 *   name_reserve(v, n)         room for n elements in all
 *   name_append(v, &elem)      copies elem to the end
 *   name_push(v, &ret)         adds an uninitialised element, *ret
 *   name_steal(v, &len)        the array, now the caller's; v is empty
 *
 * Pointers into the array are valid until it grows.
 */
#ifndef PYKDUMP_VECTOR_H
#define PYKDUMP_VECTOR_H

#include <stddef.h>
#include <stdlib.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The growing step of kd_array_reserve (out of line: it is rare).
 * arrayp is the address of the array pointer, of any object type. */
KD_PUBLIC struct kd_error *kd_array_grow(void *arrayp, size_t *cap,
					 size_t need, size_t elem_size);
/* Room for exactly n elements (n > 0). */
KD_PUBLIC struct kd_error *kd_array_resize_(void *arrayp, size_t *cap,
					    size_t n, size_t elem_size);

static inline struct kd_error *kd_array_reserve_(void *arrayp, size_t *cap,
						 size_t need, size_t elem_size)
{
	return need <= *cap ? NULL : kd_array_grow(arrayp, cap, need,
						   elem_size);
}

/* arrayp: T **, capp: size_t *. */
#define kd_array_reserve(arrayp, capp, need)				\
	kd_array_reserve_((arrayp), (capp), (need), sizeof(**(arrayp)))
#define kd_array_resize(arrayp, capp, n)				\
	kd_array_resize_((arrayp), (capp), (n), sizeof(**(arrayp)))

#define KD_VECTOR_DEFINE(name, type)					\
struct name {								\
	type *data;							\
	size_t len, cap;						\
};									\
									\
KD_INLINE void name##_init(struct name *v)				\
{									\
	v->data = NULL;							\
	v->len = v->cap = 0;						\
}									\
									\
KD_INLINE void name##_deinit(struct name *v)				\
{									\
	free(v->data);							\
	name##_init(v);							\
}									\
									\
KD_INLINE struct kd_error *name##_reserve(struct name *v, size_t n)	\
{									\
	return kd_array_reserve(&v->data, &v->cap, n);			\
}									\
									\
KD_INLINE struct kd_error *name##_push(struct name *v, type **ret)	\
{									\
	struct kd_error *err = name##_reserve(v, v->len + 1);		\
	*ret = err ? NULL : &v->data[v->len++];				\
	return err;							\
}									\
									\
KD_INLINE struct kd_error *name##_append(struct name *v,		\
					 const type *elem)		\
{									\
	type *slot;							\
	struct kd_error *err = name##_push(v, &slot);			\
	if (!err)							\
		*slot = *elem;						\
	return err;							\
}									\
									\
KD_INLINE type *name##_steal(struct name *v, size_t *len)		\
{									\
	type *data = v->data;						\
	if (len)							\
		*len = v->len;						\
	name##_init(v);							\
	return data;							\
}

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_VECTOR_H */
