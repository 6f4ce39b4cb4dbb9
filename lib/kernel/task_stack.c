// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A task's kernel stack (include/pykdump/tasks.h): task->stack, and
 * THREAD_SIZE as the size of init_task's stack (__end_init_task -
 * init_stack: x86_64 has no padding at its top), else the size of union
 * thread_union, else x86_64's 16 KB (KASAN kernels double it and keep the
 * symbols).
 */
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>

#define THREAD_SIZE_MAX (1u << 20)

static uint64_t thread_size(struct kd_session *s)
{
	uint64_t lo, hi;
	if (kd_symbol_try_addr(s, "init_stack", &lo) &&
	    kd_symbol_try_addr(s, "__end_init_task", &hi) && hi > lo &&
	    hi - lo <= THREAD_SIZE_MAX)
		return hi - lo;
	uint64_t n = kd_sizeof(s, "union thread_union");
	return n && n <= THREAD_SIZE_MAX ? n : 16384;
}

struct kd_error *kd_task_stack_range(struct kd_session *s, uint64_t task,
				     uint64_t *lo, uint64_t *hi)
{
	uint64_t stack;
	struct kd_error *err = kd_field_ptr(s, task,
					    kd_offsetof(s, "struct task_struct",
							"stack"), &stack);
	if (err)
		return kd_error_prefix(err, "task %llx: its stack",
				       (unsigned long long)task);
	uint64_t size = thread_size(s);
	if (!stack || stack + size < stack)
		return kd_error_create(KD_ERR_CORRUPT, "task %llx has no stack",
				       (unsigned long long)task);
	*lo = stack;
	*hi = stack + size;
	return NULL;
}
