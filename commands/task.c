// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * task [-R member[,member]] [-x|-d] [pid | taskp] ...: a task's header
 * line and its struct task_struct and struct thread_info, printed as
 * crash 8.0.6 (gdb) prints them:
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
 * Without an argument: the current context (set; at first the panic
 * task).  thread_info is the task's first member with
 * THREAD_INFO_IN_TASK (x86_64 4.9+), else it sits at task->stack
 * (kd_task_thread_info).  Integers in the output radix (set radix),
 * unless -x or -d.
 *
 * -R pares the output down to members, as crash does it: a name is
 * shown from the task_struct when it has such a member and from the
 * thread_info when that has one (both, when both do: "flags"); a path
 * ("se.on_rq") from whichever has it first; each as "  name = value,"
 * (no comma after a struct's last member), then a blank line.
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

/* One -R member of the struct TYPE at addr, when TYPE has it: 1 shown
 * (or failed: *rc), 0 not a member. */
static int show_member(struct kd_cmd_ctx *ctx, const char *type,
		       const char *member, uint64_t addr, unsigned flags,
		       int *rc)
{
	struct kd_show_spec spec;
	char path[512];
	snprintf(path, sizeof(path), "%s.%s", type, member);
	if (kd_show_parse(ctx, path, &spec) < 0) {
		*rc = 1;
		return 1;
	}
	int found = !spec.bad_struct && spec.nmembers == 1 &&
		    spec.members[0].m;
	if (found && kd_show_print(ctx, &spec, addr, flags) < 0)
		*rc = 1;
	kd_show_free(&spec);
	return found;
}

/* Whether struct TYPE has member (a path): 1 yes, 0 no, -1 the spec
 * was refused (reported). */
static int has_member(struct kd_cmd_ctx *ctx, const char *type,
		      const char *member)
{
	struct kd_show_spec spec;
	char path[512];
	snprintf(path, sizeof(path), "%s.%s", type, member);
	if (kd_show_parse(ctx, path, &spec) < 0)
		return -1;
	int found = !spec.bad_struct && spec.nmembers == 1 &&
		    spec.members[0].m;
	kd_show_free(&spec);
	return found;
}

/* -R's members, before any task is shown, when not one of them is a
 * member of either struct: refused up front (crash prints each task's
 * header, then the error: headers alone, which a program would take for
 * the answer).  With some good ones, each task shows those and the
 * error for the others, as in crash.  1 when refused. */
static int check_members(struct kd_cmd_ctx *ctx, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int good = 0, refused = 0;
	if (!copy)
		return kd_cmd_error(ctx, "out of memory");
	for (char *m = strtok_r(copy, ",", &save); m;
	     m = strtok_r(NULL, ",", &save)) {
		int in_task = has_member(ctx, "task_struct", m);
		int in_ti = in_task ? 0 : has_member(ctx, "thread_info", m);
		refused |= in_task < 0 || in_ti < 0;
		good += in_task > 0 || in_ti > 0;
	}
	if (!good && !refused) {
		save = NULL;
		strcpy(copy, list);
		for (char *m = strtok_r(copy, ",", &save); m;
		     m = strtok_r(NULL, ",", &save))
			if (strpbrk(m, ".["))
				kd_cmd_error(ctx, "invalid data structure "
					     "member reference: %s", m);
			else
				kd_cmd_error(ctx, "%s: not a task_struct or "
					     "thread_info member", m);
	}
	free(copy);
	return !good || refused;
}

static int show_members(struct kd_cmd_ctx *ctx, const struct kd_task_info *t,
			const char *list, unsigned flags)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;
	if (!copy)
		return kd_cmd_error(ctx, "out of memory");
	uint64_t ti = kd_task_thread_info(ctx->s, t->task);
	for (char *m = strtok_r(copy, ",", &save); m;
	     m = strtok_r(NULL, ",", &save)) {
		int path = strpbrk(m, ".[") != NULL;
		int shown = show_member(ctx, "task_struct", m, t->task, flags,
					&rc);
		if ((!shown || !path) && ti)
			shown |= show_member(ctx, "thread_info", m, ti, flags,
					     &rc);
		if (shown)
			continue;
		if (path)
			rc = kd_cmd_error(ctx, "invalid data structure member "
					  "reference: %s", m);
		else
			rc = kd_cmd_error(ctx, "%s: not a task_struct or "
					  "thread_info member", m);
	}
	free(copy);
	return rc;
}

static int show_task(struct kd_cmd_ctx *ctx, const struct kd_task_info *t,
		     const char *members, unsigned flags)
{
	kd_cmd_task_info_header(ctx->out, t);
	if (members) {
		int rc = show_members(ctx, t, members, flags);
		fputc('\n', ctx->out);
		return rc;
	}
	int rc = print_struct(ctx, "struct task_struct", t->task, flags);
	fputc('\n', ctx->out);
	uint64_t ti = kd_task_thread_info(ctx->s, t->task);
	if (ti)
		rc |= print_struct(ctx, "struct thread_info", ti, flags);
	fputc('\n', ctx->out);
	return rc;
}

static const struct kd_task_info *current(struct kd_session *s,
					  const struct kd_task_table *tt)
{
	uint64_t task = kd_current_task(s);
	const struct kd_task_info *t = task ? kd_task_table_addr(tt, task) : NULL;
	return t ? t : (tt->n ? &tt->v[0] : NULL);
}

static int task_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned flags = kd_cmd_settings()->radix == 16 ? KD_VF_HEX : 0;
	const char *members = NULL;
	int c, rc = 0, radix = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "xdR:")) != -1) {
		switch (c) {
		case 'x':
		case 'd':
			if (radix && radix != c)
				return kd_cmd_error(ctx, "-d and -x are mutually "
						    "exclusive");
			radix = c;
			flags = c == 'x' ? flags | KD_VF_HEX
					 : flags & ~KD_VF_HEX;
			break;
		case 'R':
			members = optarg;
			break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (members && check_members(ctx, members))
		return 1;
	/* the session's table: foreach task asks once per task */
	const struct kd_task_table *tt;
	struct kd_error *err = kd_task_table_shared(ctx->s, &tt);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (optind == argc) {
		const struct kd_task_info *t = current(ctx->s, tt);
		rc = t ? show_task(ctx, t, members, flags)
		       : kd_cmd_error(ctx, "no current task");
	}
	for (int i = optind; i < argc; i++) {
		const struct kd_task_info *t;
		int kind = kd_cmd_task_number(tt, argv[i], &t);
		if (!kind) {
			rc = kd_cmd_error(ctx, "invalid task or pid value: %s",
					  argv[i]);
			continue;
		}
		if (kind == KD_CMD_ARG_TASK) {
			rc |= show_task(ctx, t, members, flags);
			continue;
		}
		for (size_t k = 0; k < tt->n; k++)	/* every task of the pid */
			if (tt->v[k].pid == t->pid)
				rc |= show_task(ctx, &tt->v[k], members, flags);
	}
	return rc;
}

const struct kd_command kd_cmd_task = {
	.name = "task",
	.summary = "task_struct contents",
	.usage = "SYNOPSIS\n"
		 "  task [-R member[,member]] [-dx] [pid | taskp] ...\n\n"
		 "  The task_struct and thread_info of each task (default: the\n"
		 "  current context, see set), with a PID/TASK/CPU/COMMAND\n"
		 "  header.\n"
		 "  -R member  only these task_struct and/or thread_info\n"
		 "             members (member.member ... for embedded ones).\n"
		 "  -x  integers in hex   -d  integers in decimal (default: the\n"
		 "      output radix, set radix)\n",
	.run = task_run,
	.needs_vmlinux = 1,
};
