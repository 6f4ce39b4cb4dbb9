/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System calls: how many entries the kernel's sys_call_table has.
 *
 * Kernel facts relied on: sys_call_table is an array of pointers, and
 * the linker places the next symbol right after it; the symbol table
 * is sorted by address.
 */
#ifndef PYKDUMP_SYSCALLS_H
#define PYKDUMP_SYSCALLS_H

#include <pykdump/common.h>

struct kd_session;

/* The number of sys_call_table entries, measured as crash measures it
 * (the distance to the next symbol with a higher address, in pointers);
 * 256 when the table or a symbol after it cannot be found. */
KD_PUBLIC int kd_nr_syscalls(struct kd_session *s);

#endif /* PYKDUMP_SYSCALLS_H */
