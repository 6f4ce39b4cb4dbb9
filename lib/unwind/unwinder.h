/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The unwinding loop, independent of where memory, stacks and ORC entries
 * come from (a session in backtrace.c; synthetic arrays in unit tests).
 * It follows the kernel's arch/x86/kernel/unwind_orc.c unwind_next_frame()
 * and adds the frame-pointer / stack-scan fallbacks and the checks that
 * keep a walk over corrupt memory finite.
 */
#ifndef PYKDUMP_UNWIND_UNWINDER_H
#define PYKDUMP_UNWIND_UNWINDER_H

#include <pykdump/unwind.h>

#include "orc.h"


struct kd_unwind_env {
	void *arg;
	struct kd_error *(*read)(void *arg, uint64_t addr, void *buf,
				 size_t len);
	/* The known stack holding addr: 1 and *r, else 0. */
	int (*stack_of)(void *arg, uint64_t addr, struct kd_stack_area *r);
	/* The ORC entry covering ip: 1, else 0 when no table covers ip. */
	int (*orc)(void *arg, uint64_t ip, struct kd_orc_entry *e);
	int (*is_text)(void *arg, uint64_t ip);
	int (*is_call_site)(void *arg, uint64_t ra);
	uint32_t ptregs_size;	/* sizeof(struct pt_regs): 168 */
	uint32_t ptregs_ip_off;	/* offsetof(struct pt_regs, ip): 128 */
	size_t max_frames;
	int no_fallback;
};

struct kd_unwind_start {
	uint64_t ip, sp, bp;
	uint64_t regs[KD_NR_X86_64_REGS];
	int full_regs;		/* regs[] valid (from NT_PRSTATUS) */
	int signal;		/* ip is exact, not a return address */
	uint64_t frame0_sp;	/* stack address shown for frame 0 */
};

/* Walks from start, filling *frames and *n (malloc'd; frames'
 * symbol fields left NULL).  *why is NULL at a clean end of stack, else
 * a malloc'd reason.  Fails only for out-of-memory and cancellation. */
struct kd_error *kd_unwinder_run(const struct kd_unwind_env *env,
				 const struct kd_unwind_start *start,
				 struct kd_frame **frames, size_t *n,
				 char **why) KD_WARN_UNUSED;

/* The x86 call-instruction check over the bytes before a return address
 * (b[0..7] = the 8 bytes at ra - 8). */
int kd_is_call_before(const uint8_t b[8]);

#endif /* PYKDUMP_UNWIND_UNWINDER_H */
