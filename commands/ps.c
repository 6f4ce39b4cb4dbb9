// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ps [-k|-u] [-G] [pid | taskp | command] ...: the process list as
 * crash 8.0.6 prints it by default:
 *
 *       PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM
 *  >       1       0   1  ffff89740120e000  RU   0.7     2260     1728  init
 *          2       0   0  ffff897401208000  IN   0.0        0        0  [kthreadd]
 *
 * '>' marks the task running on each CPU at the crash, kernel threads are
 * in brackets, VSZ and RSS are in KB, %MEM is RSS over crash's total page
 * count (the memory nodes' spanned pages).
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/session.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define PS_KERNEL	0x1	/* -k */
#define PS_USER		0x2	/* -u */
#define PS_GROUP	0x4	/* -G: thread group leaders only */

struct ps_filter {
	char **args;		/* pids, task addresses, command names */
	int nargs;
	unsigned flags;
};

static int is_number(const char *a)
{
	if (!*a)
		return 0;
	for (; *a; a++)
		if (!isdigit((unsigned char)*a))
			return 0;
	return 1;
}

/* A task address: 0x-prefixed or a 16-digit hex number. */
static int parse_addr(const char *a, uint64_t *ret)
{
	const char *p = a;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	else if (strlen(a) < 9)
		return 0;
	if (!*p || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
		return 0;
	*ret = strtoull(p, NULL, 16);
	return 1;
}

static int arg_matches(const char *a, const struct kd_task_info *t)
{
	uint64_t addr;
	if (is_number(a))
		return t->pid == atoi(a);
	if (parse_addr(a, &addr))
		return t->task == addr;
	return strcmp(a, t->comm) == 0;
}

static int selected(const struct ps_filter *f, const struct kd_task_info *t)
{
	if ((f->flags & PS_KERNEL) && !t->kthread)
		return 0;
	if ((f->flags & PS_USER) && t->kthread)
		return 0;
	if ((f->flags & PS_GROUP) && t->pid != t->tgid && t->pid)
		return 0;
	if (!f->nargs)
		return 1;
	for (int i = 0; i < f->nargs; i++)
		if (arg_matches(f->args[i], t))
			return 1;
	return 0;
}

static void print_task(FILE *out, const struct kd_task_table *tt,
		       const struct kd_task_info *t)
{
	char pct[32];
	double p = 0;
	if (!t->kthread && tt->total_pages)
		p = (double)t->rss * 100.0 / (double)tt->total_pages;
	snprintf(pct, sizeof(pct), "%.1f", p);
	uint64_t kb = tt->page_size / 1024;
	fprintf(out, "%c%8d%8d%4d  %16" PRIx64 "  %s%6s%9" PRIu64 "%9" PRIu64
		"  %s%s%s\n", t->active ? '>' : ' ', t->pid, t->ppid, t->cpu,
		t->task, kd_task_state_name(t->state), pct, t->total_vm * kb,
		t->rss * kb, t->kthread ? "[" : "", t->comm,
		t->kthread ? "]" : "");
}

/* Arguments that name nothing print crash's complaint. */
static int check_args(struct kd_cmd_ctx *ctx, const struct ps_filter *f,
		      const struct kd_task_table *tt)
{
	int rc = 0;
	for (int i = 0; i < f->nargs; i++) {
		const char *a = f->args[i];
		uint64_t addr;
		int found = 0;
		for (size_t j = 0; j < tt->n && !found; j++)
			found = arg_matches(a, &tt->v[j]);
		if (found || !(is_number(a) || parse_addr(a, &addr)))
			continue;
		rc = kd_cmd_error(ctx, "invalid task or pid value: %s", a);
	}
	return rc;
}

static int ps_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct ps_filter f = { 0 };
	int c;
	while ((c = getopt(argc, argv, "kuG")) != -1) {
		switch (c) {
		case 'k':
			f.flags |= PS_KERNEL;
			break;
		case 'u':
			f.flags |= PS_USER;
			break;
		case 'G':
			f.flags |= PS_GROUP;
			break;
		default:
			fprintf(ctx->out, "Usage: ps [-k|-u] [-G] "
				"[pid | taskp | command] ...\n");
			return 1;
		}
	}
	if ((f.flags & PS_KERNEL) && (f.flags & PS_USER))
		return kd_cmd_error(ctx, "-u and -k are mutually exclusive");
	f.args = argv + optind;
	f.nargs = argc - optind;

	struct kd_task_table tt;
	struct kd_error *err = kd_task_table_collect(ctx->s, &tt);
	if (err)
		return kd_cmd_fail(ctx, err);
	int rc = check_args(ctx, &f, &tt);
	fprintf(ctx->out, "      PID    PPID  CPU       TASK        ST  %%MEM"
		"      VSZ      RSS  COMM\n");
	for (size_t i = 0; i < tt.n; i++)
		if (selected(&f, &tt.v[i]))
			print_task(ctx->out, &tt, &tt.v[i]);
	if (tt.unreadable)
		rc = 1;
	if (tt.problem)
		rc = kd_cmd_error(ctx, "task list incomplete: %s", tt.problem);
	if (!tt.total_pages)	/* every %MEM above reads 0.0 */
		rc = kd_cmd_error(ctx, "%%MEM unknown: the memory size "
				  "cannot be read");
	kd_task_table_free(&tt);
	return rc;
}

const struct kd_command kd_cmd_ps = {
	.name = "ps",
	.summary = "display process status information",
	.usage = "SYNOPSIS\n"
		 "  ps [-k|-u] [-G] [pid | taskp | command] ...\n\n"
		 "  -k  kernel threads only\n"
		 "  -u  user tasks only\n"
		 "  -G  thread group leaders only\n"
		 "  pid, task address or command name select tasks\n",
	.run = ps_run,
	.needs_vmlinux = 1,
};
