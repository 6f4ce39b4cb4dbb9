// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem ADDR: everything crash 8.0.6 says about an address, in its order,
 * each part followed by a blank line:
 *   1. the symbol, for an address in the kernel image or a module;
 *   2. a virtual address outside the direct map and the kernel image
 *      (vmalloc, modules, vmemmap, fixmap ...): the task whose stack it
 *      is on, then, when it is mapped and in a vmalloc area, that area
 *      and the struct page of the frame it maps (and nothing else);
 *   3. a physical address mapped in a vmalloc area: the same, for that
 *      vmalloc address;
 *   4. a slab object: its cache, slab and object (allocated or free);
 *      a struct page of a slab: every object of the slab;
 *   5. a page in a free block of the buddy allocator: the block;
 *   6. an address in a task_struct or on a task's stack: that task;
 *   7. the struct page of the frame ("ADDR: ... address not found in mem
 *      map" when there is none).
 * The task is shown as crash's set command shows the context: PID,
 * COMMAND, TASK, CPU and STATE ("(PANIC)", "(SYSRQ)" or "(ACTIVE)" for a
 * task running at the crash).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"
#include "kmem.h"

#define START_KERNEL_MAP	0xffffffff80000000ULL
#define MODULES_VADDR		0xffffffffa0000000ULL	/* covers KASLR's
							   0xffffffffc0000000 */
#define KERNEL_HALF		0xffff800000000000ULL

/* crash's show_context(). */
static void show_context(struct kd_cmd_ctx *ctx, uint64_t task)
{
	struct kd_task_table t;
	char state[128];
	struct kd_error *err = kd_task_table_collect(ctx->s, &t);
	if (err) {
		kd_cmd_fail_what(ctx, "task list", err);
		return;
	}
	const struct kd_task_info *ti = kd_task_table_addr(&t, task);
	if (!ti) {
		kd_task_table_free(&t);
		return;
	}
	size_t same = 0;
	for (size_t i = 0; i < t.n; i++)
		same += t.v[i].pid == ti->pid;
	fprintf(ctx->out, "    PID: %d\nCOMMAND: \"%s\"\n   TASK: %" PRIx64 "  ",
		ti->pid, ti->comm, ti->task);
	if (same > 1)
		fprintf(ctx->out, "(1 of %zu)  ", same);
	/* THREAD_INFO_IN_TASK: thread_info is the task itself */
	fprintf(ctx->out, "[THREAD_INFO: %" PRIx64 "]\n    CPU: %d\n  STATE: %s ",
		ti->task, ti->cpu, kd_task_state_verbose(ti->state, state,
							 sizeof(state)));
	if (ti->active) {
		uint64_t panic = kd_panic_task(ctx->s);
		if (task == panic)
			fprintf(ctx->out, kd_panic_by_sysrq(ctx->s) ?
				"(SYSRQ)" : "(PANIC)");
		else
			fprintf(ctx->out, "(ACTIVE)");
	}
	fputc('\n', ctx->out);
	kd_task_table_free(&t);
}

static int in_image(struct kd_session *s, uint64_t a)
{
	uint64_t lo, hi;
	return kd_symbol_try_addr(s, "_stext", &lo) &&
	       kd_symbol_try_addr(s, "_end", &hi) && a >= lo && a <= hi;
}

/* Outside the direct map and the kernel image: what crash's
 * IS_VMALLOC_ADDR covers on x86_64 (vmalloc, vmemmap, modules,
 * cpu_entry_area, fixmap, vsyscall). */
static int vmalloc_like(struct kd_session *s, uint64_t a)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	/* The direct map runs up to the vmalloc area (it comes first in
	 * the layout, randomized or not); 64 TB (4 PB with 5-level paging)
	 * is its largest size, not where vmalloc starts: with KASLR the
	 * vmalloc area can start 23 TB above the direct map (5.10). */
	uint64_t direct = m->pgtable_l5 ? 1ULL << 52 : 1ULL << 46;
	if (m->vmalloc_base > m->page_offset_base &&
	    m->vmalloc_base - m->page_offset_base < direct)
		direct = m->vmalloc_base - m->page_offset_base;
	if (a < KERNEL_HALF)
		return 0;
	if (a >= m->page_offset_base && a - m->page_offset_base < direct)
		return 0;
	return a < START_KERNEL_MAP || a >= MODULES_VADDR;
}

static int stack_context(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	uint64_t task;
	if (!kd_task_by_addr(ctx->s, vaddr, KD_TASK_AT_STACK, &task))
		return 0;
	show_context(ctx, task);
	fputc('\n', ctx->out);
	return 1;
}

static void not_found(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	fprintf(ctx->out, "%" PRIx64 ": %s address not found in mem map\n",
		a->value, a->phys ? "physical" : "kernel virtual");
}

/* 7: the struct page; the message when there is none. */
static int mem_map(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		   int have_vaddr)
{
	kmem_header_printed = 0;
	if (have_vaddr && kmem_mem_map_one(ctx, a))
		return 0;
	not_found(ctx, a);
	return 0;
}

/* 2: a vmalloc-like virtual address. 1 when done (mem map shown). */
static int vmalloc_part(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	uint64_t paddr;
	stack_context(ctx, vaddr);
	struct kd_error *err = kd_kvtop(ctx->s, vaddr, &paddr);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (!kmem_vmalloc_show_addr(ctx, vaddr))
		return 0;
	fputc('\n', ctx->out);
	struct kmem_addr pa = { paddr, 1 };
	mem_map(ctx, &pa, 1);
	return 1;
}

/* 3: a physical address mapped in vmalloc space.  1 when done. */
static int phys_vmalloc_part(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	uint64_t vaddr;
	if (!kmem_vmalloc_of_phys(ctx, a->value, &vaddr))
		return 0;
	stack_context(ctx, vaddr);
	if (kd_cmd_show_symbol(ctx, vaddr))
		fputc('\n', ctx->out);
	kmem_header_printed = 0;
	kmem_vmalloc(ctx, a);
	fputc('\n', ctx->out);
	mem_map(ctx, a, 1);
	return 1;
}

int kmem_search(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	struct kd_session *s = ctx->s;
	uint64_t vaddr = a->value, high, task;
	int have_vaddr = 1;
	kmem_header_printed = 0;
	if (a->phys) {
		have_vaddr = kd_global_uint(s, "high_memory", 8, &high) &&
			     a->value < high - kd_ptov(s, 0);
		vaddr = have_vaddr ? kd_ptov(s, a->value) : 0;
	}
	/* 1 */
	if (have_vaddr && (in_image(s, vaddr) ||
			   (!a->phys && vaddr >= MODULES_VADDR)) &&
	    kd_cmd_show_symbol(ctx, vaddr))
		fputc('\n', ctx->out);
	/* 2, 3 */
	if (!a->phys && vmalloc_like(s, a->value) && vmalloc_part(ctx, vaddr))
		return 0;
	if (a->phys && phys_vmalloc_part(ctx, a))
		return 0;
	/* 4: an error there is said, the rest still shown, and the
	 * command fails */
	int failed = 0, shown;
	if (have_vaddr && (shown = kmem_slab_show_addr(ctx, vaddr))) {
		fputc('\n', ctx->out);
		failed |= shown < 0;
	}
	if (have_vaddr && (shown = kmem_slab_show_page(ctx, vaddr))) {
		fputc('\n', ctx->out);
		failed |= shown < 0;
	}
	/* 5 */
	if (kmem_free_show_addr(ctx, a))
		fputc('\n', ctx->out);
	/* 6 */
	if (have_vaddr &&
	    kd_task_by_addr(s, vaddr, KD_TASK_AT_STRUCT, &task)) {
		show_context(ctx, task);
		fputc('\n', ctx->out);
	} else if (have_vaddr) {
		stack_context(ctx, vaddr);
	}
	/* 7 */
	return mem_map(ctx, a, have_vaddr) || failed;
}
