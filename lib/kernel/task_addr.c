// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which task an address belongs to (its task_struct or its kernel
 * stack), the kernel stack size, whether the panic came from SysRq, and
 * crash's verbose task states: see include/pykdump/tasks.h.
 *
 * Kernel facts relied on:
 *   - a task's kernel stack is THREAD_SIZE bytes at task->stack
 *     (THREAD_SIZE: the size of init_task's, init_stack to
 *     __end_init_task, 4.x+);
 *   - task states (include/linux/sched.h, 4.14+): TASK_INTERRUPTIBLE
 *     0x1, TASK_UNINTERRUPTIBLE 0x2, __TASK_STOPPED 0x4, __TASK_TRACED
 *     0x8, EXIT_DEAD 0x10, EXIT_ZOMBIE 0x20, TASK_PARKED 0x40, TASK_DEAD
 *     0x80, TASK_WAKEKILL 0x100, TASK_WAKING 0x200, TASK_NOLOAD 0x400,
 *     TASK_NEW 0x800 (the values task_info.c's ps states use too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>

#define STACK_MAX (1u << 20)

uint64_t kd_task_stack_size(struct kd_session *s)
{
	uint64_t lo, hi;
	if (kd_symbol_try_addr(s, "init_stack", &lo) &&
	    kd_symbol_try_addr(s, "__end_init_task", &hi) && hi > lo &&
	    hi - lo <= STACK_MAX)
		return hi - lo;
	uint64_t size = kd_sizeof(s, "union thread_union");
	return size && size <= STACK_MAX ? size : 16384;
}

uint64_t kd_task_stack_base(struct kd_session *s, uint64_t task)
{
	return kd_read_member_or0(s, task, "task_struct", "stack");
}

int kd_task_by_addr(struct kd_session *s, uint64_t addr, int where,
		    uint64_t *task)
{
	struct kd_task_ref *t;
	size_t n;
	uint64_t tsize = kd_sizeof(s, "struct task_struct");
	uint64_t ssize = kd_task_stack_size(s);
	struct kd_error *err = kd_task_list(s, &t, &n);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	int found = 0;
	for (size_t i = 0; i < n && !found; i++) {
		uint64_t lo = t[i].task, size = tsize;
		if (where == KD_TASK_AT_STACK) {
			lo = kd_task_stack_base(s, t[i].task);
			size = ssize;
		}
		if (lo && addr >= lo && addr - lo < size) {
			*task = t[i].task;
			found = 1;
		}
	}
	free(t);
	return found;
}

int kd_panic_by_sysrq(struct kd_session *s)
{
	struct kd_symbol sym;
	struct kd_symtab *st = kd_session_symtab(s);
	uint64_t task = kd_panic_task(s);
	uint64_t stack = task ? kd_task_stack_base(s, task) : 0;
	uint64_t size = kd_task_stack_size(s);
	if (!st || !stack)
		return 0;
	struct kd_error *err = kd_symtab_lookup(st, "sysrq_handle_crash", &sym);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	uint64_t *words = malloc(size);
	if (!words)
		return 0;
	int hit = 0;
	/* a return address into it: after a call to the noreturn panic()
	 * that is the byte after its end, so the word's symbol decides */
	if (!(err = kd_read_kvaddr(s, stack, words, size)))
		for (size_t i = 0; i < size / 8 && !hit; i++) {
			struct kd_symbol at;
			uint64_t off;
			hit = words[i] > sym.value &&
			      words[i] - sym.value <= sym.size + 64 &&
			      kd_symtab_by_addr(st, words[i], &at, &off) &&
			      at.value == sym.value;
		}
	kd_error_destroy(err);
	free(words);
	return hit;
}

char *kd_task_state_verbose(uint64_t state, char *buf, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ 0x1, "TASK_INTERRUPTIBLE" }, { 0x2, "TASK_UNINTERRUPTIBLE" },
		{ 0x4, "TASK_STOPPED" }, { 0x8, "TASK_TRACED" },
		{ 0x90, "EXIT_DEAD" }, { 0x20, "EXIT_ZOMBIE" },
		{ 0x200, "TASK_WAKING" }, { 0x100, "TASK_WAKEKILL" },
		{ 0x400, "TASK_NOLOAD" }, { 0x800, "TASK_NEW" },
	};
	size_t len = 0;
	if (!size)
		return buf;
	buf[0] = '\0';
	if (state == 0) {
		snprintf(buf, size, "TASK_RUNNING");
		return buf;
	}
	if (state == 0x40) {
		snprintf(buf, size, "TASK_PARKED");
		return buf;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const char *name = bits[i].name;
		if (!(state & bits[i].bit))
			continue;
		/* crash: both dead bits together read EXIT_DEAD|TASK_DEAD */
		if (bits[i].bit == 0x90 && (state & 0x90) == 0x90)
			name = "EXIT_DEAD|TASK_DEAD";
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "|" : "", name);
	}
	return buf;
}
