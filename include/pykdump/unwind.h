/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel stack backtraces (x86_64, ORC unwinder) as structured data.
 *
 * Where a backtrace starts:
 *   - a task active on a CPU at the crash (rq->curr, the panic task too):
 *     from that CPU's NT_PRSTATUS registers (rip/rsp/rbp + the rest);
 *   - any other task: from task->thread.sp, whose struct
 *     inactive_task_frame holds the return address into __schedule and
 *     the saved rbp (as the kernel's own unwind_start() does).
 * Each step looks the ip up in the ORC tables (vmlinux, and loaded
 * modules' struct module.arch tables) and finds the caller's sp, bp and
 * return address; ORC REGS / REGS_PARTIAL entries cross a pt_regs frame
 * (interrupt, exception, NMI, syscall entry): the frame then carries the
 * registers, and unwinding goes on at the interrupted context unless it
 * was user mode.  Stacks known: the task's stack (task->stack,
 * THREAD_SIZE), each CPU's IRQ stack (hardirq_stack_ptr) and exception
 * stacks (cea_exception_stacks: DF, NMI, DB, MCE, VC).
 *
 * Where ORC has no entry for an ip, one frame-pointer step is tried
 * (KD_FRAME_FP), then a scan up the stack for a word that is a return
 * address (follows a call instruction; KD_FRAME_SCAN).  Every walk is
 * bounded: at most max frames, every stack address must lie in a known
 * stack, sp must grow within a stack, a stack is left at most once.  A
 * walk that stops for any other reason than reaching the end of the
 * stack says why in kd_backtrace.error (a clear marker, never a hang).
 *
 * A task whose CPU stopped in user mode has one frame: KD_FRAME_START |
 * KD_FRAME_REGS | KD_FRAME_USER_REGS with the registers.
 *
 * Frame convention (crash's): frame 0 is where the walk starts (ip = the
 * start rip, sp = the start rsp, or for a sleeping task the address of
 * the saved return address); frame N > 0 has ip = a return address and
 * sp = the stack address it was read from.  The Python layer can turn a
 * kd_backtrace into a list of dicts one-to-one.
 */
#ifndef PYKDUMP_UNWIND_H
#define PYKDUMP_UNWIND_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/dump.h>
#include <pykdump/error.h>

struct kd_session;

/* kd_frame.flags */
#define KD_FRAME_ORC		0x01	/* found through an ORC entry */
#define KD_FRAME_FP		0x02	/* frame-pointer fallback (no ORC entry) */
#define KD_FRAME_SCAN		0x04	/* stack-scan fallback: a guess */
#define KD_FRAME_START		0x08	/* frame 0: from registers / thread.sp */
#define KD_FRAME_EXCEPTION	0x10	/* ip is an exception RIP (interrupted
					 * kernel context), not a return address */
#define KD_FRAME_REGS		0x20	/* regs[] holds the pt_regs read after
					 * this frame (an exception frame) */
#define KD_FRAME_REGS_PARTIAL	0x40	/* ... of which only the iret part is
					 * reliable (REGS_PARTIAL) */
#define KD_FRAME_USER_REGS	0x80	/* those regs are user mode: the end */

struct kd_frame {
	uint64_t sp;		/* stack address (see the convention above) */
	uint64_t ip;		/* return address, or the start / exception RIP */
	/* Symbol of ip: NULL when unknown.  Points into the symbol table. */
	const char *function;
	uint64_t offset;	/* ip - function's address */
	const char *module;	/* NULL for vmlinux, else the module's name */
	unsigned flags;		/* KD_FRAME_* */
	/* The stack sp lies on: "" (the task's own stack), "IRQ stack",
	 * "NMI exception stack", ... */
	const char *stack;
	/* With KD_FRAME_REGS: a pt_regs, in kd_x86_64_reg order (the order
	 * of NT_PRSTATUS), as read from the stack at regs_addr. */
	uint64_t regs_addr;
	uint64_t regs[KD_NR_X86_64_REGS];
};

struct kd_backtrace {
	uint64_t task;		/* task_struct address */
	int pid;
	int cpu;		/* task's CPU (crash's CPU: column) */
	int active;		/* running on cpu at the crash */
	int panic;		/* the panic task */
	char comm[17];
	struct kd_frame *frames;
	size_t nframes;
	/* NULL when the walk reached the end of the stack (kernel thread
	 * entry, user-mode pt_regs); else why it stopped ("no ORC entry for
	 * ip ffffffff81234567", "stack pointer ... left the known stacks",
	 * "frame limit (256) reached", "cannot read stack at ..."). */
	char *error;
};

/* Options for kd_unwind_task (NULL = defaults). */
struct kd_unwind_options {
	size_t max_frames;	/* 0: 256 */
	int no_fallback;	/* stop where ORC has no entry */
};

/* The backtrace of one task (its task_struct address). */
KD_PUBLIC struct kd_error *kd_unwind_task(struct kd_session *s, uint64_t task,
					  const struct kd_unwind_options *opts,
					  struct kd_backtrace **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_backtrace_destroy(struct kd_backtrace *bt);

/* Names f->ip as bt does: f->function, f->offset (ip - symbol) and
 * f->module (NULL for vmlinux) from the vmlinux symbols, else the
 * symbols of the module holding ip (its kallsyms in memory); a module
 * without symbols gives only its name, offset from its text start. */
KD_PUBLIC void kd_unwind_frame_symbol(struct kd_session *s,
				      struct kd_frame *f);

/* Source file and line of a text address (vmlinux DWARF line tables),
 * as crash (gdb) shows them: 1 and file (truncated to size) and *line,
 * or 0 when unknown. */
KD_PUBLIC int kd_unwind_srcline(struct kd_session *s, uint64_t addr,
				char *file, size_t size, int *line);

/* A task's kernel stack: [task->stack, + THREAD_SIZE). */
KD_PUBLIC struct kd_error *kd_unwind_task_stack(struct kd_session *s,
						uint64_t task, uint64_t *base,
						uint64_t *top) KD_WARN_UNUSED;

/* The compilation directory of the unit holding a text address (the
 * part kd_unwind_srcline puts before a relative file name): 1 and buf,
 * or 0 when unknown. */
KD_PUBLIC int kd_unwind_comp_dir(struct kd_session *s, uint64_t addr,
				 char *buf, size_t size);

/* 1 when the bytes before ra are a call instruction (e8 rel32, or ff /2
 * with any ModRM form), read from the dump's memory. */
KD_PUBLIC int kd_unwind_is_call_site(struct kd_session *s, uint64_t ra);

/* ---- the stacks and the words on them (bt -t -T -e -E -r -o) ---- */

struct kd_stack_area {
	uint64_t lo, hi;	/* [lo, hi) */
	const char *name;	/* "" for a task's own, "IRQ stack",
				   "NMI exception stack" ... (crash's names) */
	int cpu;		/* a CPU's stack: which; -1 for a task's */
};

/* A task's own stack as an area (kd_unwind_task_stack's bounds). */
KD_PUBLIC struct kd_error *kd_unwind_task_stack_area(struct kd_session *s,
						     uint64_t task,
						     struct kd_stack_area *ret)
	KD_WARN_UNUSED;
/* Every CPU's IRQ stack, then their exception stacks (by CPU, in struct
 * cea_exception_stacks' order); valid for the session. */
KD_PUBLIC struct kd_error *kd_unwind_cpu_stacks(struct kd_session *s,
						const struct kd_stack_area **ret,
						size_t *n) KD_WARN_UNUSED;
/* 1 when addr is kernel text: vmlinux's, its init text, a module's. */
KD_PUBLIC int kd_unwind_is_kernel_text(struct kd_session *s, uint64_t addr);
/* sizeof(struct pt_regs) (168 on x86_64 when DWARF does not say). */
KD_PUBLIC uint64_t kd_unwind_pt_regs_size(struct kd_session *s);

/*
 * Is there an exception frame (struct pt_regs) at addr?  crash's test
 * (x86_64_eframe_verify): RFLAGS has bit 1 set and no reserved bit; a
 * kernel-mode frame has CS 0x10, RIP in kernel text and a kernel RSP,
 * with SS 0x18 or RSP just above the frame; a user-mode one has CS 0x33
 * (0x23 for 32-bit tasks), SS 0x2b and user RIP and RSP.  Returns 0,
 * KD_EFRAME_KERNEL or KD_EFRAME_USER, with regs (kd_x86_64_reg order)
 * read when not 0.
 */
#define KD_EFRAME_KERNEL	1
#define KD_EFRAME_USER		2
KD_PUBLIC int kd_unwind_eframe_at(struct kd_session *s, uint64_t addr,
				  uint64_t regs[KD_NR_X86_64_REGS]);

#endif /* PYKDUMP_UNWIND_H */
