// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stacks as memory (include/pykdump/unwind.h): a task's own stack,
 * the CPUs' IRQ and exception stacks, what is kernel text, and whether a
 * pt_regs sits at an address.  bt's scanning options (-t -T -e -E -r -o)
 * look at every word of a stack through these, where a backtrace
 * follows only the frames ORC describes.
 *
 * x86_64 facts relied on: kernel code runs with CS 0x10 (__KERNEL_CS)
 * and SS 0x18 or 0 (a null SS after some returns to kernel mode), user
 * code with CS 0x33 (0x23 for 32-bit tasks) and SS 0x2b; RFLAGS bit 1
 * is always set and bits 3, 5, 15 and 22-63 are always clear; user
 * addresses are below 0x800000000000 (4-level paging; 5-level only
 * widens it to 0x100000000000000).
 */
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>

#include "unwind_internal.h"

#define RFLAGS_RAZ	0xffffffffffc08028ULL	/* read-as-zero bits */
#define USER_TOP	0x0100000000000000ULL
#define KERNEL_BOTTOM	0xff00000000000000ULL

struct kd_error *kd_unwind_task_stack_area(struct kd_session *s,
					   uint64_t task,
					   struct kd_stack_area *ret)
{
	uint64_t lo, hi;
	struct kd_error *err = kd_unwind_task_stack(s, task, &lo, &hi);
	if (err)
		return err;
	*ret = (struct kd_stack_area){ lo, hi, "", -1 };
	return NULL;
}

struct kd_error *kd_unwind_cpu_stacks(struct kd_session *s,
				      const struct kd_stack_area **ret,
				      size_t *n)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err)
		return err;
	*ret = c->stacks;
	*n = c->nstacks;
	return NULL;
}

int kd_unwind_is_kernel_text(struct kd_session *s, uint64_t addr)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_unwind_is_text(c, addr);
}

uint64_t kd_unwind_pt_regs_size(struct kd_session *s)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return 168;
	}
	return c->ptregs_size;
}

int kd_unwind_eframe_at(struct kd_session *s, uint64_t addr,
			uint64_t regs[KD_NR_X86_64_REGS])
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	uint64_t size = c->ptregs_size;
	if (size > KD_NR_X86_64_REGS * 8)
		size = KD_NR_X86_64_REGS * 8;
	memset(regs, 0, KD_NR_X86_64_REGS * 8);
	if ((err = kd_read_kvaddr(s, addr, regs, size))) {
		kd_error_destroy(err);
		return 0;
	}
	uint64_t cs = regs[KD_CS], ss = regs[KD_SS], fl = regs[KD_EFLAGS];
	uint64_t rip = regs[KD_RIP], rsp = regs[KD_RSP];
	if ((fl & RFLAGS_RAZ) || !(fl & 2))
		return 0;
	if (cs == 0x10 && kd_unwind_is_text(c, rip) && rsp >= KERNEL_BOTTOM &&
	    (ss == 0x18 || rsp == addr + c->ptregs_size ||
	     rsp == addr + c->ptregs_size + 8))
		return KD_EFRAME_KERNEL;
	if ((cs == 0x33 || cs == 0x23) && ss == 0x2b && rip < USER_TOP &&
	    rsp < USER_TOP)
		return KD_EFRAME_USER;
	return 0;
}
