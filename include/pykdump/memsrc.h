/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where memory comes from, for the readers and the walkers: the session's
 * kernel virtual addresses, or synthetic memory in unit tests.
 */
#ifndef PYKDUMP_MEMSRC_H
#define PYKDUMP_MEMSRC_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_memsrc {
	struct kd_error *(*read)(void *arg, uint64_t addr, void *buf,
				 size_t len);
	void *arg;
};

/* Kernel virtual addresses of the session (lib/types/readers_values.c). */
KD_PUBLIC struct kd_memsrc kd_memsrc_session(struct kd_session *s);

static inline struct kd_error *kd_memsrc_read(const struct kd_memsrc *src,
					      uint64_t addr, void *buf,
					      size_t len)
{
	return src->read(src->arg, addr, buf, len);
}

/* A pointer of the target's size (8: x86_64), zero-extended. */
KD_PUBLIC struct kd_error *kd_memsrc_read_ptr(const struct kd_memsrc *src,
					      uint64_t addr, uint64_t *ret);

#endif /* PYKDUMP_MEMSRC_H */
