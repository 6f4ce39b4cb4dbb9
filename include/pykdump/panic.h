/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Why the machine stopped, as the kernel log tells it: the panic message
 * crash's sys shows, and the taint flags.
 *
 * Kernel facts relied on:
 *   - panic() prints "Kernel panic - not syncing: MESSAGE"; an oops
 *     prints "Oops: ..." (and "BUG: ..." first for a bad access) before
 *     panic_on_oops turns it into "Fatal exception"; sysrq-c prints
 *     "sysrq: Trigger a crash" ("SysRq : Trigger a crash" before 5.x);
 *   - tainted_mask: one bit per TAINT_* number; taint_flags[] (4.10+) the
 *     letter shown when set (c_true) or not (c_false) and whether
 *     modules carry it; the numbers are the user ABI of
 *     /proc/sys/kernel/tainted (Documentation/admin-guide/
 *     tainted-kernels.rst), named here;
 *   - struct module.taints: the taint bits the module brought in
 *     (TAINT_OOT_MODULE 12 for out-of-tree, TAINT_UNSIGNED_MODULE 13,
 *     TAINT_PROPRIETARY_MODULE 0, TAINT_CRAP 10 for staging);
 *     module.sig_ok (CONFIG_MODULE_SIG) whether its signature checked.
 */
#ifndef PYKDUMP_PANIC_H
#define PYKDUMP_PANIC_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

/* crash 8.0.6's panic message (its get_panicmsg()): the first log line
 * holding the first of its patterns, in its order ("SysRq : Crash" ...
 * "Kernel panic - " ... "Oops: "); *ret malloc'd, "" when none. */
KD_PUBLIC struct kd_error *kd_panic_message(struct kd_session *s,
					    char **ret) KD_WARN_UNUSED;

#define KD_TAINT_MAX 64

struct kd_taint_flag {
	int bit;
	char c_true, c_false;	/* the letters the kernel prints */
	int module;		/* modules can carry it */
	const char *name;	/* "OOT_MODULE" ... ("" when unknown) */
};

/* tainted_mask: 1 and *mask, 0 when the kernel has none. */
KD_PUBLIC int kd_taint_mask(struct kd_session *s, uint64_t *mask);
/* Every taint flag the kernel knows (its taint_flags[], else the
 * documented ones), by bit: *n entries in ret[KD_TAINT_MAX]. */
KD_PUBLIC void kd_taint_flags(struct kd_session *s,
			      struct kd_taint_flag ret[KD_TAINT_MAX],
			      size_t *n);
/* The letters of the bits set in mask, in bit order ("OE"). */
KD_PUBLIC void kd_taint_letters(struct kd_session *s, uint64_t mask,
				char *buf, size_t size);
/* A module's taints (struct module.taints) and whether its signature
 * was verified (sig_ok: 1, 0, or -1 when the kernel does not check). */
KD_PUBLIC struct kd_error *kd_kmodule_taints(struct kd_session *s,
					     uint64_t module, uint64_t *taints,
					     int *sig_ok) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_PANIC_H */
