/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The task table the process commands share (ps, task, sys): every task
 * in crash's order (per-CPU idle tasks by CPU, then by pid, threads
 * included) with what ps shows about it.
 */
#ifndef PYKDUMP_COMMANDS_TASKS_H
#define PYKDUMP_COMMANDS_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct cmd_task {
	uint64_t task;		/* task_struct address */
	int pid, ppid, tgid;
	int cpu;
	int active;		/* running on its CPU at the crash */
	int kthread;		/* kernel thread (or an idle task) */
	char comm[17];
	uint64_t state;		/* __state | exit_state */
	uint64_t mm;
	uint64_t total_vm;	/* pages */
	uint64_t rss;		/* pages */
};

struct cmd_task_table {
	struct cmd_task *v;
	size_t n;
	uint64_t total_pages;	/* crash's vt->total_pages, for %MEM */
	uint64_t page_size;
	size_t unreadable;	/* tasks whose details could not be read */
};

/* Problems reading single tasks are logged (kd_session_log) and counted;
 * only a task list that cannot be walked at all is an error. */
struct kd_error *cmd_tasks_collect(struct kd_session *s,
				   struct cmd_task_table *ret) KD_WARN_UNUSED;
void cmd_tasks_free(struct cmd_task_table *t);

/* crash's two-letter state ("RU", "IN", "UN", "ID", "ZO" ...). */
const char *cmd_task_state_name(uint64_t state);

/* The task of a pid (the first one: idle tasks share pid 0) or of a
 * task_struct address; NULL when absent. */
const struct cmd_task *cmd_tasks_find_pid(const struct cmd_task_table *t,
					  int pid);
const struct cmd_task *cmd_tasks_find_addr(const struct cmd_task_table *t,
					   uint64_t task);

#endif /* PYKDUMP_COMMANDS_TASKS_H */
