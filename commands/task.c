// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * task [-x] [pid | taskp] ...: a task's header line and its struct
 * task_struct and struct thread_info, printed as crash 8.0.6 (gdb)
 * prints them:
 *
 *   PID: 1        TASK: ffff89740120e000  CPU: 1    COMMAND: "init"
 *   struct task_struct {
 *     thread_info = {
 *   ...
 *   }
 *
 *   struct thread_info {
 *   ...
 *   }
 *
 * Without an argument: the panic task (the task running on the CPU that
 * panicked).  thread_info is the task's first member with
 * THREAD_INFO_IN_TASK (x86_64 4.9+), else it sits at task->stack.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

static struct kd_type *find_type(struct kd_session *s, const char *name)
{
	struct kd_types *types;
	struct kd_type *t = NULL;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, name, &t);
	kd_error_destroy(err);
	return err ? NULL : t;
}

static uint64_t thread_info_addr(struct kd_session *s, uint64_t task)
{
	struct kd_type *ts = kd_type_strip(find_type(s, "struct task_struct"),
					   KD_STRIP_ALL);
	struct kd_member m;
	struct kd_error *err = kd_type_find_member(ts, "thread_info", &m);
	if (!err && kd_type_kind(kd_type_strip(m.type, KD_STRIP_ALL)) ==
		    KD_TYPE_STRUCT)
		return task + m.bit_offset / 8;
	kd_error_destroy(err);
	return kd_read_member_or0(s, task, "task_struct", "stack");
}

static int print_struct(struct kd_cmd_ctx *ctx, const char *name,
			uint64_t addr, unsigned flags)
{
	struct kd_type *t = find_type(ctx->s, name);
	if (!t)
		return kd_cmd_error(ctx, "no type \"%s\" in the debuginfo",
				    name);
	fprintf(ctx->out, "%s ", name);
	struct kd_error *err = kd_value_format(ctx->s, t, addr, NULL, flags, 0,
					       ctx->out);
	fputc('\n', ctx->out);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

static int show_task(struct kd_cmd_ctx *ctx, const struct kd_task_info *t,
		     unsigned flags)
{
	fprintf(ctx->out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  "
		"COMMAND: \"%s\"\n", t->pid, t->task, t->cpu, t->comm);
	int rc = print_struct(ctx, "struct task_struct", t->task, flags);
	fputc('\n', ctx->out);
	uint64_t ti = thread_info_addr(ctx->s, t->task);
	if (ti)
		rc |= print_struct(ctx, "struct thread_info", ti, flags);
	fputc('\n', ctx->out);
	return rc;
}

static const struct kd_task_info *lookup(const struct kd_task_table *tt,
				     const char *arg)
{
	char *end;
	if (isdigit((unsigned char)arg[0])) {
		long pid = strtol(arg, &end, 10);
		if (!*end)
			return kd_task_table_pid(tt, (int)pid);
	}
	uint64_t addr = strtoull(arg, &end, 16);
	if (*end || end == arg)
		return NULL;
	return kd_task_table_addr(tt, addr);
}

static const struct kd_task_info *panic_task(struct kd_session *s,
					 const struct kd_task_table *tt)
{
	uint64_t task = kd_panic_task(s);
	const struct kd_task_info *t = task ? kd_task_table_addr(tt, task) : NULL;
	return t ? t : (tt->n ? &tt->v[0] : NULL);
}

static int task_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned flags = 0;
	int c, rc = 0;
	while ((c = getopt(argc, argv, "xd")) != -1) {
		if (c == 'x')
			flags |= KD_VF_HEX;
		else if (c == 'd')
			flags &= ~KD_VF_HEX;
		else {
			fprintf(ctx->out, "Usage: task [-x|-d] [pid | taskp] ...\n");
			return 1;
		}
	}
	struct kd_task_table tt;
	struct kd_error *err = kd_task_table_collect(ctx->s, &tt);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (optind == argc) {
		const struct kd_task_info *t = panic_task(ctx->s, &tt);
		rc = t ? show_task(ctx, t, flags) : 1;
	}
	for (int i = optind; i < argc; i++) {
		const struct kd_task_info *t = lookup(&tt, argv[i]);
		if (!t) {
			rc = kd_cmd_error(ctx, "invalid task or pid value: %s",
					  argv[i]);
			continue;
		}
		rc |= show_task(ctx, t, flags);
	}
	kd_task_table_free(&tt);
	return rc;
}

const struct kd_command kd_cmd_task = {
	.name = "task",
	.summary = "task_struct contents",
	.usage = "SYNOPSIS\n"
		 "  task [-x|-d] [pid | taskp] ...\n\n"
		 "  The task_struct and thread_info of each task (default: the\n"
		 "  panic task), with a PID/TASK/CPU/COMMAND header.\n"
		 "  -x  integers in hex   -d  integers in decimal (default)\n",
	.run = task_run,
	.needs_vmlinux = 1,
};
