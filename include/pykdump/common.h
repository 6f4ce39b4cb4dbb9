/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Macros and helpers shared by every public header. */
#ifndef PYKDUMP_COMMON_H
#define PYKDUMP_COMMON_H

#include <stddef.h>
#include <stdlib.h>

/* The library is built with -fvisibility=hidden; the API is exported here. */
#define KD_PUBLIC __attribute__((visibility("default")))
#define KD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define KD_WARN_UNUSED __attribute__((warn_unused_result))
/* The functions a macro generates, which a user may not all call. */
#define KD_INLINE static inline __attribute__((unused))

#define KD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* qsort and bsearch for arrays that may be empty: an empty array is often
 * a NULL pointer (nothing was ever allocated), which the C library's
 * declarations forbid even with a count of 0 (undefined behaviour that
 * UBSan reports).  Use these instead of the bare calls. */
static inline void kd_qsort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void *kd_bsearch(const void *key, const void *base, size_t n,
			       size_t size,
			       int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

/* The struct of type that holds member at ptr (const: read only). */
#define KD_CONTAINER_OF(ptr, type, member)				\
	((const type *)((const char *)(ptr) - offsetof(type, member)))

#endif /* PYKDUMP_COMMON_H */
