/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's taint letters ('P', 'O', 'E', ...) for a taint mask, from
 * the kernel's own table of them.
 *
 * Kernel facts relied on: taint_flags[TAINT_FLAGS_COUNT] (4.10+) holds a
 * struct taint_flag {c_true, c_false, module} per taint bit (c_true /
 * c_false were "true" / "false" before 4.13); older kernels kept tnts[]
 * of struct tnt {bit, true, false}.  A module's own mask is
 * struct module.taints (unsigned long; an int on old kernels).
 */
#ifndef PYKDUMP_TAINT_H
#define PYKDUMP_TAINT_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

/* The letters of the taint bits set in mask, in bit order, into buf
 * (always terminated); with module_only, only the flags the kernel also
 * shows for modules (taint_flag.module).  Fails when the kernel has
 * neither table. */
KD_PUBLIC struct kd_error *kd_taint_letters(struct kd_session *s,
					    uint64_t mask, int module_only,
					    char *buf, size_t size)
	KD_WARN_UNUSED;

#endif /* PYKDUMP_TAINT_H */
