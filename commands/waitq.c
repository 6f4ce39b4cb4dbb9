// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * waitq symbol | struct.member address | address   (crash's waitq)
 *
 * The tasks waiting on a wait queue head (lib/kernel waitq.h), one task
 * header each, in queue order; an entry whose private data is neither a
 * task nor inside a task's stack ends the list (crash's rule: other wake
 * functions keep other things there).  An empty queue: 'wait queue
 * "NAME" (ADDR) is empty', or 'wait queue ADDR is empty'.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>
#include <pykdump/waitq.h>

#include "cmd_util.h"

#define USER_TOP	0x0000800000000000ULL	/* x86_64, 4-level */

/* The task a wait queue entry's private names: the task itself, or the
 * task on whose stack it lies. */
static const struct kd_task_ref *task_of(struct kd_cmd_ctx *ctx,
					 const struct kd_task_ref *v, size_t n,
					 uint64_t private)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].task == private)
			return &v[i];
	for (size_t i = 0; i < n; i++) {
		uint64_t base, top;
		struct kd_error *err = kd_unwind_task_stack(ctx->s, v[i].task,
							    &base, &top);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (private >= base && private < top)
			return &v[i];
	}
	return NULL;
}

static int dump_waitq(struct kd_cmd_ctx *ctx, uint64_t head, const char *name)
{
	struct kd_waitq_entry *e;
	size_t n;
	struct kd_error *err = kd_waitq_entries(ctx->s, head, &e, &n);
	if (!n && !err) {
		if (name)
			fprintf(ctx->out, "wait queue \"%s\" (%" PRIx64 ") is "
				"empty\n", name, head);
		else
			fprintf(ctx->out, "wait queue %" PRIx64 " is empty\n",
				head);
		free(e);
		return 0;
	}
	struct kd_task_ref *tasks = NULL;
	size_t ntasks = 0;
	struct kd_error *terr = n ? kd_task_list(ctx->s, &tasks, &ntasks) : NULL;
	if (terr) {
		free(e);
		kd_error_destroy(err);
		return kd_cmd_fail_what(ctx, "cannot read the task list", terr);
	}
	for (size_t i = 0; i < n; i++) {
		const struct kd_task_ref *t = task_of(ctx, tasks, ntasks,
						      e[i].private);
		if (!t)
			break;
		kd_cmd_task_header(ctx->out, t);
	}
	free(tasks);
	free(e);
	if (err)
		return kd_cmd_fail_what(ctx, "the wait queue is broken", err);
	return 0;
}

static int is_number(const char *s)
{
	const char *p = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
	if (!*p)
		return 0;
	for (; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return 0;
	return 1;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t q = 0;
	const char *name = NULL;
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	if (argc < 2 || argc > 3)
		return kd_cmd_error(ctx, "a wait queue is required: symbol, "
				    "struct.member address, or address");
	if (is_number(argv[1])) {
		if (argc == 3)
			return kd_cmd_error(ctx, "too many arguments: %s",
					    argv[2]);
		kd_cmd_parse_hex(argv[1], &q);
	} else if (strchr(argv[1], '.')) {
		char type[256];
		const char *dot = strchr(argv[1], '.');
		snprintf(type, sizeof(type), "struct %.*s",
			 (int)(dot - argv[1]), argv[1]);
		if (argc != 3) {
			return kd_cmd_error_bare(ctx, "must supply an address "
						 "for %s", type + 7);
		}
		uint64_t off = kd_offsetof(ctx->s, type, dot + 1);
		if (!kd_present(off)) {
			return kd_cmd_error_bare(ctx, "%s is not a member of "
						 "%s", dot + 1, type + 7);
		}
		if (!kd_cmd_parse_hex(argv[2], &q))
			return kd_cmd_error(ctx, "invalid address: %s",
					    argv[2]);
		q += off;
	} else {
		if (argc == 3)
			return kd_cmd_error(ctx, "too many arguments: %s",
					    argv[2]);
		name = argv[1];
		if (!kd_symbol_try_addr(ctx->s, name, &q))
			return kd_cmd_error(ctx, "cannot resolve \"%s\"", name);
	}
	if (q < USER_TOP)
		return kd_cmd_error(ctx, "%" PRIx64 ": not a kernel virtual "
				    "address", q);
	return dump_waitq(ctx, q, name);
}

const struct kd_command kd_cmd_waitq = {
	.name = "waitq",
	.summary = "tasks queued on a wait queue",
	.usage =
	"SYNOPSIS\n"
	"  waitq symbol | struct.member address | address\n\n"
	"  The tasks waiting on a wait queue head (wait_queue_head_t): a\n"
	"  global of that name, the member of the struct at address, or the\n"
	"  head at address.  An empty queue says so.\n",
	.run = run,
	.needs_vmlinux = 1,
};
