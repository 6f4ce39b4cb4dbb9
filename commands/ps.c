// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ps [-k|-u|-G|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A|-H]
 *    [pid | task | command | 'regex' | \command] ...
 * The process list as crash 8.0.6 prints it:
 *
 *       PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM
 *  >       1       0   1  ffff89740120e000  RU   0.7     2260     1728  init
 *          2       0   0  ffff897401208000  IN   0.0        0        0  [kthreadd]
 *
 * '>' marks the task running on each CPU at the crash, kernel threads are
 * in brackets, VSZ and RSS are in KB, %MEM is RSS over crash's total page
 * count (the memory nodes' spanned pages).  PPID is the pid of
 * task->parent.
 *
 * Filters: -k kernel threads, -u user tasks, -G thread group leaders
 * (with tasks named, a thread shows its leader once), -y scheduling
 * policies (names or numbers, comma-separated).  -s shows the saved
 * kernel stack pointer (KSTACKP, "--" for a task running at the crash)
 * instead of the task address, -H drops the header.
 *
 * Other displays, one at a time (crash's message otherwise):
 *   -p  the parental hierarchy, from the first task down, indented;
 *   -c  the children (tasks whose parent it is);
 *   -t  run time (uptime less start_time), start_time and the user and
 *       system cputime, in ns as the kernel keeps them; all tasks by
 *       start time;
 *   -l  sched_info.last_arrival, most recent first; -m the same as the
 *       time since, against its CPU's rq->clock ("[D HH:MM:SS.mmm]");
 *       -C cpus groups either by CPU ("1,3,5-7", "all");
 *   -a  the argument and environment strings (user memory);
 *   -g  each thread group: the leader, then its threads indented;
 *   -r  the resource limits (signal->rlim);
 *   -S  how many tasks are in each state;
 *   -A  only the task active on each CPU.
 * A task named twice is shown twice, as crash does.  Sorting (-l, -m,
 * -t) is stable: ties keep the task list's order.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pykdump/clock.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define PS_KERNEL	0x1	/* -k */
#define PS_USER		0x2	/* -u */
#define PS_GROUP	0x4	/* -G */
#define PS_KSTACKP	0x8	/* -s */
#define PS_NO_HEADER	0x10	/* -H */
#define PS_POLICY	0x20	/* -y */
/* one at a time */
#define PS_PPID		0x100	/* -p */
#define PS_CHILD	0x200	/* -c */
#define PS_TIMES	0x400	/* -t */
#define PS_LAST_RUN	0x800	/* -l */
#define PS_MSECS	0x1000	/* -m */
#define PS_ARGV		0x2000	/* -a */
#define PS_TGID		0x4000	/* -g */
#define PS_RLIMIT	0x8000	/* -r */
#define PS_SUMMARY	0x10000	/* -S */
#define PS_ACTIVE	0x20000	/* -A */
#define PS_EXCLUSIVE	0x3ff00

#define MAX_CPUS	4096

enum arg_type { BY_NONE, BY_PID, BY_TASK, BY_CMD, BY_REGEX };

struct ps_arg {
	enum arg_type type;
	int pid;
	uint64_t task;
	char comm[16];
	regex_t re;
};

struct ps {
	struct kd_cmd_ctx *ctx;
	FILE *out;
	struct kd_task_table tt;
	unsigned flags;
	uint64_t policies;
	unsigned char *cpus;	/* -C: cpus[n] set; NULL without */
	struct ps_arg *args;
	int nargs;
	size_t *order;		/* tt indices in display order */
	unsigned char *shown;	/* -G and -g: leaders already shown */
	int idle_shown;		/* -g: the idle tasks' group was shown */
	int hz;
	uint64_t uptime;	/* jiffies */
	int radix;
};

/* ------------------------------------------------------------ options */

static const char *const policy_names[] = {
	"NORMAL", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE",
};

/* crash's sched_policy_bit_from_str(): a name (prefix-compared, any
 * case), a number or 0xN. */
static int parse_policies(struct kd_cmd_ctx *ctx, const char *arg,
			  uint64_t *mask)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return kd_cmd_error(ctx, "out of memory");
	*mask = 0;
	for (char *w = strtok_r(copy, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < KD_ARRAY_SIZE(policy_names); i++) {
			char num[8], hex[8];
			snprintf(num, sizeof(num), "%zu", i);
			snprintf(hex, sizeof(hex), "0X%zX", i);
			if (!strncasecmp(w, policy_names[i],
					 strlen(policy_names[i])) ||
			    !strcmp(w, num) || !strcasecmp(w, hex))
				break;
		}
		if (i == KD_ARRAY_SIZE(policy_names)) {
			kd_cmd_error(ctx, "%s: invalid scheduling policy", w);
			free(copy);
			return 1;
		}
		*mask |= 1ULL << i;
	}
	free(copy);
	return 0;
}

/* "1,3,5-7", "all" or "a". */
static int parse_cpus(struct kd_cmd_ctx *ctx, const char *spec,
		      unsigned char *cpus, int ncpus)
{
	if (!strcmp(spec, "all") || !strcmp(spec, "a")) {
		memset(cpus, 1, (size_t)ncpus);
		return 0;
	}
	const char *p = spec;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			goto bad;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				goto bad;
			p = end;
		}
		if (a < 0 || b < a || b >= MAX_CPUS)
			goto bad;
		for (long c = a; c <= b; c++)
			cpus[c] = 1;
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	return 0;
bad:
	return kd_cmd_error(ctx, "invalid cpu specification: %s", spec);
}

static int exclusive(struct kd_cmd_ctx *ctx, unsigned *flags, unsigned f)
{
	if (*flags & PS_EXCLUSIVE & ~f)
		return kd_cmd_error(ctx, "-a, -t, -c, -p, -g, -l, -m, -S, -r "
				    "and -A flags are all mutually-exclusive");
	*flags |= f;
	return 0;
}

/* ------------------------------------------------------------- helpers */

static const struct kd_task_info *task_at(const struct ps *ps,
					  uint64_t task)
{
	return task ? kd_task_table_addr(&ps->tt, task) : NULL;
}

static void header(struct ps *ps, const struct kd_task_info *t, int indent)
{
	fprintf(ps->out, "%*s", indent, "");
	kd_cmd_task_info_header(ps->out, t);
}

static void error_line(struct ps *ps, const char *fmt, const char *arg)
{
	fflush(ps->out);
	fprintf(kd_cmd_errfile(ps->ctx), "ps: ");
	fprintf(kd_cmd_errfile(ps->ctx), fmt, arg);
	fputc('\n', kd_cmd_errfile(ps->ctx));
}

/* crash's mkstring(CENTER): left gets the odd blank with rjust. */
static void centered(FILE *out, const char *s, int width, int rjust)
{
	int extra = width - (int)strlen(s);
	int left = extra > 0 ? extra / 2 + (rjust ? extra % 2 : 0) : 0;
	int right = extra > 0 ? extra - left : 0;
	fprintf(out, "%*s%s%*s", left, "", s, right, "");
}

/* ---------------------------------------------------------- the rows */

static void print_row(struct ps *ps, const struct kd_task_info *t)
{
	char pct[32], sp[32];
	const struct kd_task_table *tt = &ps->tt;
	double p = 0;
	if (!t->kthread && tt->total_pages)
		p = (double)t->rss * 100.0 / (double)tt->total_pages;
	snprintf(pct, sizeof(pct), "%.1f", p);
	uint64_t kb = tt->page_size / 1024;
	fprintf(ps->out, "%c%8d%8d%4d  ", t->active ? '>' : ' ', t->pid,
		t->ppid, t->cpu);
	if (!(ps->flags & PS_KSTACKP)) {
		fprintf(ps->out, "%16" PRIx64, t->task);
	} else if (t->active || !t->ksp) {
		centered(ps->out, "--", 16, 1);
	} else {
		snprintf(sp, sizeof(sp), "%" PRIx64, t->ksp);
		centered(ps->out, sp, 16, 1);
	}
	fprintf(ps->out, "  %s%6s%9" PRIu64 "%9" PRIu64 "  %s%s%s\n",
		kd_task_state_name(t->state), pct, t->total_vm * kb,
		t->rss * kb, t->kthread ? "[" : "", t->comm,
		t->kthread ? "]" : "");
}

/* -p: the chain of parents up to the task that is its own parent. */
static void parent_list(struct ps *ps, const struct kd_task_info *t)
{
	const struct kd_task_info *chain[256];
	size_t n = 0;
	for (const struct kd_task_info *c = t; c && n < 256;) {
		chain[n++] = c;
		if (c->parent == c->task)
			break;
		c = task_at(ps, c->parent);
	}
	for (size_t i = n; i-- > 0;)
		header(ps, chain[i], (int)(n - 1 - i));
	fputc('\n', ps->out);
}

/* -c: the tasks whose parent it is. */
static void child_list(struct ps *ps, const struct kd_task_info *t)
{
	int n = 0;
	header(ps, t, 0);
	for (size_t i = 0; i < ps->tt.n; i++)
		if (ps->tt.v[i].parent == t->task) {
			header(ps, &ps->tt.v[i], 2);
			n++;
		}
	if (!n)
		fprintf(ps->out, "  (no children)\n");
	fputc('\n', ps->out);
}

/* The leader of t's thread group, or NULL. */
static const struct kd_task_info *leader(const struct ps *ps,
					 const struct kd_task_info *t)
{
	if (t->pid == t->tgid)
		return t;
	for (size_t i = 0; i < ps->tt.n; i++)
		if (ps->tt.v[i].pid == t->tgid)
			return &ps->tt.v[i];
	return NULL;
}

/* -g: the leader, then the other tasks of its group. */
static void tgid_list(struct ps *ps, const struct kd_task_info *t,
		      int specified)
{
	if (t->pid != t->tgid) {
		if (!specified || !(t = leader(ps, t)))
			return;
	}
	if (t->pid == 0 && ps->idle_shown)
		return;
	header(ps, t, 0);
	int n = 0;
	for (size_t i = 0; i < ps->tt.n; i++) {
		const struct kd_task_info *o = &ps->tt.v[i];
		if (o == t || o->tgid != t->tgid)
			continue;
		header(ps, o, 2);
		n++;
		if (o->pid == 0)
			ps->idle_shown = 1;
	}
	if (!n)
		fprintf(ps->out, "  (no threads)\n");
	fputc('\n', ps->out);
}

/* -a */
static void task_args(struct ps *ps, const struct kd_task_info *t)
{
	char *args, *env;
	size_t na, ne;
	header(ps, t, 0);
	struct kd_error *err = kd_task_args(ps->ctx->s, t->task, &args, &na,
					    &env, &ne);
	if (err) {
		error_line(ps, "%s", err->message);
		kd_error_destroy(err);
		fputc('\n', ps->out);
		return;
	}
	fprintf(ps->out, "ARG: ");
	for (size_t i = 0, c = 0; i < na; i++) {
		if (args[i]) {
			fputc(args[i], ps->out);
			c++;
		} else if (c) {
			fputc(' ', ps->out);
			c = 0;
		}
	}
	fprintf(ps->out, "\nENV: ");
	size_t d = 0;
	for (size_t i = 0, c = 0; i < ne; i++) {
		if (!env[i]) {
			if (c)
				fputc('\n', ps->out);
			c = 0;
			continue;
		}
		fprintf(ps->out, "%s%c", !c && i ? "     " : "", env[i]);
		c++;
		d++;
	}
	fprintf(ps->out, "\n%s", d ? "" : "\n");
	free(args);
	free(env);
}

/* -r: crash's names of the limits, RLIMIT_CPU .. RLIMIT_RTTIME. */
static const char *const rlim_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE",
	"RTPRIO", "RTTIME",
};

static void rlimit_value(FILE *out, uint64_t v, const char *end)
{
	char buf[32];
	if (v == UINT64_MAX) {
		fprintf(out, "(unlimited)%s", end);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	centered(out, buf, 11, 0);
	fputs(end, out);
}

static void task_rlimits(struct ps *ps, const struct kd_task_info *t)
{
	uint64_t lim[64][2];
	size_t n;
	struct kd_error *err = kd_task_rlimits(ps->ctx->s, t->task, lim, 64,
					       &n);
	if (err) {
		kd_cmd_fail(ps->ctx, err);
		return;
	}
	int w = 0;
	for (size_t i = 0; i < n && i < KD_ARRAY_SIZE(rlim_names); i++)
		if ((int)strlen(rlim_names[i]) > w)
			w = (int)strlen(rlim_names[i]);
	header(ps, t, 0);
	fprintf(ps->out, "  %*s   ", w, "RLIMIT");
	centered(ps->out, "CURRENT", 11, 1);
	fprintf(ps->out, "   ");
	centered(ps->out, "MAXIMUM", 11, 1);
	fputc('\n', ps->out);
	for (size_t i = 0; i < n; i++) {
		fprintf(ps->out, "  %*s   ", w, i < KD_ARRAY_SIZE(rlim_names) ?
			rlim_names[i] : "(unknown)");
		rlimit_value(ps->out, lim[i][0], "   ");
		rlimit_value(ps->out, lim[i][1], "\n");
	}
	fputc('\n', ps->out);
}

/* crash's translate_nanoseconds(): "D HH:MM:SS.mmm". */
static int nanoseconds(uint64_t ns, char *buf, size_t size)
{
	uint64_t v = ns / 1000000;
	unsigned ms = (unsigned)(v % 1000);
	v /= 1000;
	unsigned sec = (unsigned)(v % 60);
	v /= 60;
	unsigned min = (unsigned)(v % 60);
	v /= 60;
	unsigned hours = (unsigned)(v % 24);
	v /= 24;
	snprintf(buf, size, "%" PRIu64 " %02u:%02u:%02u.%03u", v, hours, min,
		 sec, ms);
	return (int)strcspn(buf, " ");	/* the width of the days */
}

/* -l: "[last_arrival] [ST]  header"; width that of the most recent. */
static void last_run(struct ps *ps, const struct kd_task_info *t)
{
	const struct kd_task_info *first = &ps->tt.v[ps->order[0]];
	char buf[32];
	int w = snprintf(buf, sizeof(buf), ps->radix == 16 ? "%" PRIx64 :
			 "%" PRIu64, first->last_run);
	if (ps->radix == 16)
		fprintf(ps->out, "[%*" PRIx64 "] ", w, t->last_run);
	else
		fprintf(ps->out, "[%*" PRIu64 "] ", w, t->last_run);
	fprintf(ps->out, "[%s]  ", kd_task_state_name(t->state));
	kd_cmd_task_info_header(ps->out, t);
}

/* -m: the time since it last ran, against its CPU's rq clock; padded
 * to the days of that clock when pad. */
static void msecs(struct ps *ps, const struct kd_task_info *t, int pad)
{
	uint64_t clock = 0;
	char buf[64], cbuf[64];
	(void)kd_task_rq_clock(ps->ctx->s, t->cpu, &clock);
	int64_t delta = (int64_t)(clock - t->last_run);
	int days = nanoseconds(delta < 0 ? 0 : (uint64_t)delta, buf,
			       sizeof(buf));
	int max = nanoseconds(clock, cbuf, sizeof(cbuf));
	fprintf(ps->out, "[%*s%s] ", pad && max > days ? max - days : 0, "",
		buf);
	fprintf(ps->out, "[%s]  ", kd_task_state_name(t->state));
	kd_cmd_task_info_header(ps->out, t);
}

/* -t for one task. */
static void times(struct ps *ps, const struct kd_task_info *t)
{
	char buf[64];
	header(ps, t, 0);
	if (!t->times_known) {
		fprintf(ps->out, "    RUN TIME: (unknown)\n\n");
		return;
	}
	uint64_t start = t->start_time / 1000000000ULL * (uint64_t)ps->hz;
	uint64_t run = start > ps->uptime ? 0 : ps->uptime - start;
	fprintf(ps->out, "    RUN TIME: %s\n",
		kd_cmd_convert_time(run, ps->hz, buf, sizeof(buf)));
	fprintf(ps->out, "  START TIME: %" PRIu64 "\n", t->start_time);
	fprintf(ps->out, "       UTIME: %" PRIu64 "\n", t->utime);
	fprintf(ps->out, "       STIME: %" PRIu64 "\n\n", t->stime);
}

/* ------------------------------------------------------------ the loop */

static int filtered(const struct ps *ps, const struct kd_task_info *t)
{
	if ((ps->flags & PS_USER) && t->kthread)
		return 1;
	if ((ps->flags & PS_KERNEL) && !t->kthread)
		return 1;
	if ((ps->flags & PS_POLICY) && (t->policy >= 64 ||
					!(ps->policies & (1ULL << t->policy))))
		return 1;
	return 0;
}

/* crash's show_ps_data(): one task in the display chosen. */
static void show(struct ps *ps, const struct kd_task_info *t, int specified,
		 int show_all)
{
	if (filtered(ps, t))
		return;
	if (ps->flags & PS_GROUP) {
		const struct kd_task_info *l = t;
		if (t->pid != t->tgid) {
			if (!specified || !(l = leader(ps, t)))
				return;
		}
		size_t i = (size_t)(l - ps->tt.v);
		if (ps->shown[i])
			return;
		ps->shown[i] = 1;
		t = l;
	}
	if (ps->flags & PS_PPID)
		parent_list(ps, t);
	else if (ps->flags & PS_CHILD)
		child_list(ps, t);
	else if (ps->flags & PS_LAST_RUN)
		last_run(ps, t);
	else if (ps->flags & PS_MSECS)
		msecs(ps, t, !show_all);
	else if (ps->flags & PS_ARGV)
		task_args(ps, t);
	else if (ps->flags & PS_RLIMIT)
		task_rlimits(ps, t);
	else if (ps->flags & PS_TGID)
		tgid_list(ps, t, specified);
	else if (!(ps->flags & PS_ACTIVE) || !show_all || t->active)
		print_row(ps, t);
}

static const struct kd_task_info *nth(const struct ps *ps, size_t i)
{
	return &ps->tt.v[ps->order[i]];
}

static void summary(struct ps *ps)
{
	const char *names[32];
	size_t counts[32], n = 0;
	for (size_t i = 0; i < ps->tt.n; i++) {
		const char *st = kd_task_state_name(nth(ps, i)->state);
		size_t k;
		for (k = 0; k < n && strcmp(names[k], st); k++)
			;
		if (k == n && n < 32) {
			names[n] = st;
			counts[n++] = 0;
		}
		if (k < n)
			counts[k]++;
	}
	for (size_t k = 0; k < n; k++)
		fprintf(ps->out, "  %s: %zu\n", names[k], counts[k]);
}

/* -C with -l or -m: blocks per CPU. */
static void per_cpu(struct ps *ps)
{
	int ncpus = kd_task_nr_cpus(ps->ctx->s), others = 0;
	for (int c = 0; c < ncpus && c < MAX_CPUS; c++) {
		if (!ps->cpus[c])
			continue;
		fprintf(ps->out, "%sCPU: %d\n", others++ ? "\n" : "", c);
		for (size_t i = 0; i < ps->tt.n; i++) {
			const struct kd_task_info *t = nth(ps, i);
			if (t->cpu != c)
				continue;
			if (ps->flags & PS_LAST_RUN)
				last_run(ps, t);
			else
				msecs(ps, t, 1);
		}
	}
}

/* Stable orders: by last_arrival, most recent first, or by start. */
static const struct kd_task_table *sort_tt;
static int sort_key;

static int by_key(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct kd_task_info *p = &sort_tt->v[x], *q = &sort_tt->v[y];
	if (sort_key == 'l' && p->last_run != q->last_run)
		return p->last_run > q->last_run ? -1 : 1;
	if (sort_key == 't' && p->start_time != q->start_time)
		return p->start_time < q->start_time ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void sort_order(struct ps *ps, int key)
{
	sort_tt = &ps->tt;
	sort_key = key;
	kd_qsort(ps->order, ps->tt.n, sizeof(*ps->order), by_key);
}

static int matches(const struct ps *ps, const struct ps_arg *a,
		   const struct kd_task_info *t)
{
	int leader_only = ps->flags & (PS_TGID | PS_GROUP);
	switch (a->type) {
	case BY_PID:
		return t->pid == a->pid;
	case BY_TASK:
		return t->task == a->task;
	case BY_CMD:
		return !strncmp(t->comm, a->comm, 15) &&
		       (!leader_only || t->pid == t->tgid);
	case BY_REGEX:
		return regexec(&a->re, t->comm, 0, NULL, 0) == 0 &&
		       (!leader_only || t->pid == t->tgid);
	default:
		return 0;
	}
}

static void show_all(struct ps *ps)
{
	if (ps->flags & PS_TIMES) {
		sort_order(ps, 't');
		for (size_t i = 0; i < ps->tt.n; i++) {
			const struct kd_task_info *t = nth(ps, i);
			if ((ps->flags & PS_USER) && t->kthread)
				continue;
			if ((ps->flags & PS_KERNEL) && !t->kthread)
				continue;
			if ((ps->flags & PS_GROUP) && t->pid != t->tgid)
				continue;
			times(ps, t);
		}
		return;
	}
	if (ps->flags & PS_SUMMARY) {
		summary(ps);
		return;
	}
	if (ps->cpus) {
		per_cpu(ps);
		return;
	}
	for (size_t i = 0; i < ps->tt.n; i++)
		show(ps, nth(ps, i), 0, 1);
}

static void show_args(struct ps *ps)
{
	for (size_t i = 0; i < ps->tt.n; i++) {
		const struct kd_task_info *t = nth(ps, i);
		for (int k = 0; k < ps->nargs; k++) {
			if (!matches(ps, &ps->args[k], t))
				continue;
			if (ps->flags & PS_TIMES)
				times(ps, (ps->flags & PS_GROUP) && leader(ps, t)
					  ? leader(ps, t) : t);
			else
				show(ps, t, 1, 0);
		}
	}
}

/* The words after the options: pids, tasks, names, 'regex', \name. */
static int parse_args(struct ps *ps, int argc, char **argv)
{
	int rc = 0;
	ps->args = calloc((size_t)argc + 1, sizeof(*ps->args));
	if (!ps->args)
		return kd_cmd_error(ps->ctx, "out of memory");
	for (int i = optind; i < argc; i++) {
		struct ps_arg *a = &ps->args[ps->nargs];
		const char *w = argv[i];
		const struct kd_task_info *t;
		int hexnum = strspn(w, "0123456789abcdefABCDEFxX") == strlen(w);
		if (kd_cmd_quote(ps->ctx, w) == '\'') {
			if (regcomp(&a->re, w, REG_EXTENDED | REG_NOSUB)) {
				rc = kd_cmd_error(ps->ctx, "invalid regular "
						  "expression: %s", w);
				break;
			}
			a->type = BY_REGEX;
		} else if (*w && hexnum && w[0] != '\\') {
			int kind = kd_cmd_task_number(&ps->tt, w, &t);
			if (kind == KD_CMD_ARG_PID) {
				a->type = BY_PID;
				a->pid = t->pid;
			} else if (kind == KD_CMD_ARG_TASK) {
				a->type = BY_TASK;
				a->task = t->task;
			} else {
				rc = kd_cmd_error(ps->ctx, "invalid task or pid "
						  "value: %s", w);
			}
		} else {
			a->type = BY_CMD;
			snprintf(a->comm, sizeof(a->comm), "%s",
				 w[0] == '\\' ? w + 1 : w);
		}
		ps->nargs++;
	}
	return rc;
}

static void ps_free(struct ps *ps)
{
	for (int i = 0; i < ps->nargs; i++)
		if (ps->args[i].type == BY_REGEX)
			regfree(&ps->args[i].re);
	free(ps->args);
	free(ps->order);
	free(ps->shown);
	free(ps->cpus);
	kd_task_table_free(&ps->tt);
}

static int parse_options(struct ps *ps, int argc, char **argv,
			 const char **cpuspec)
{
	struct kd_cmd_ctx *ctx = ps->ctx;
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "HASgstcpkuGlmarC:y:")) != -1) {
		int rc = 0;
		switch (c) {
		case 'k':
		case 'u':
			if (ps->flags & (c == 'k' ? PS_USER : PS_KERNEL))
				return kd_cmd_error(ctx, "-u and -k are "
						    "mutually exclusive");
			ps->flags |= c == 'k' ? PS_KERNEL : PS_USER;
			break;
		case 'G': ps->flags |= PS_GROUP; break;
		case 's': ps->flags |= PS_KSTACKP; break;
		case 'H': ps->flags |= PS_NO_HEADER; break;
		case 'g': rc = exclusive(ctx, &ps->flags, PS_TGID); break;
		case 'a': rc = exclusive(ctx, &ps->flags, PS_ARGV); break;
		case 't': rc = exclusive(ctx, &ps->flags, PS_TIMES); break;
		case 'c': rc = exclusive(ctx, &ps->flags, PS_CHILD); break;
		case 'p': rc = exclusive(ctx, &ps->flags, PS_PPID); break;
		case 'l': rc = exclusive(ctx, &ps->flags, PS_LAST_RUN); break;
		case 'm': rc = exclusive(ctx, &ps->flags, PS_MSECS); break;
		case 'r': rc = exclusive(ctx, &ps->flags, PS_RLIMIT); break;
		case 'S': rc = exclusive(ctx, &ps->flags, PS_SUMMARY); break;
		case 'A': rc = exclusive(ctx, &ps->flags, PS_ACTIVE); break;
		case 'C': *cpuspec = optarg; break;
		case 'y':
			ps->flags |= PS_POLICY;
			rc = parse_policies(ctx, optarg, &ps->policies);
			break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
		if (rc)
			return rc;
	}
	if ((ps->flags & PS_GROUP) && (ps->flags & (PS_LAST_RUN | PS_MSECS)))
		return kd_cmd_error(ctx, "-G not supported with -%c option",
				    ps->flags & PS_LAST_RUN ? 'l' : 'm');
	if ((ps->flags & PS_SUMMARY) &&
	    (ps->flags & (PS_USER | PS_KERNEL | PS_GROUP)))
		return kd_cmd_error(ctx, "-S option cannot be used with other "
				    "options");
	if (*cpuspec && !(ps->flags & (PS_LAST_RUN | PS_MSECS)))
		return kd_cmd_error(ctx, "-C option is only applicable with -l "
				    "and -m");
	if (optind < argc && (ps->flags & PS_SUMMARY))
		return kd_cmd_error(ctx, "-S option takes no arguments");
	if (optind < argc && *cpuspec)
		return kd_cmd_error(ctx, "-C option is not applicable with "
				    "specified tasks");
	return 0;
}

static int ps_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct ps ps = { .ctx = ctx, .out = ctx->out,
			 .radix = kd_cmd_settings()->radix };
	const char *cpuspec = NULL;
	int rc = parse_options(&ps, argc, argv, &cpuspec);
	if (rc)
		return rc;
	struct kd_error *err = kd_task_table_collect(ctx->s, &ps.tt);
	if (err)
		return kd_cmd_fail(ctx, err);
	ps.order = malloc((ps.tt.n ? ps.tt.n : 1) * sizeof(*ps.order));
	ps.shown = calloc(ps.tt.n ? ps.tt.n : 1, 1);
	if (cpuspec)
		ps.cpus = calloc(MAX_CPUS, 1);
	if (!ps.order || !ps.shown || (cpuspec && !ps.cpus)) {
		ps_free(&ps);
		return kd_cmd_error(ctx, "out of memory");
	}
	for (size_t i = 0; i < ps.tt.n; i++)
		ps.order[i] = i;
	if (cpuspec && (rc = parse_cpus(ctx, cpuspec, ps.cpus, MAX_CPUS))) {
		ps_free(&ps);
		return rc;
	}
	rc = parse_args(&ps, argc, argv);
	int selected = 0;	/* arguments that name something */
	for (int i = 0; i < ps.nargs; i++)
		selected |= ps.args[i].type != BY_NONE;
	if (rc && !selected) {
		/* crash prints the header after the error: an empty
		 * process list a program would take for the answer */
		ps_free(&ps);
		return rc;
	}
	if (ps.flags & (PS_LAST_RUN | PS_MSECS))
		sort_order(&ps, 'l');
	if (ps.flags & PS_TIMES) {
		ps.hz = kd_hz(ctx->s);
		if (!kd_uptime_jiffies(ctx->s, &ps.uptime))
			ps.uptime = 0;
	}
	if (!(ps.flags & ((PS_EXCLUSIVE & ~PS_ACTIVE) | PS_NO_HEADER))) {
		fprintf(ps.out, "      PID    PPID  CPU ");
		centered(ps.out, ps.flags & PS_KSTACKP ? "KSTACKP" : "TASK", 16,
			 ps.flags & PS_KSTACKP);
		fprintf(ps.out, "  ST  %%MEM      VSZ      RSS  COMM\n");
	}
	if (optind == argc)
		show_all(&ps);
	else
		show_args(&ps);
	/* Each unreadable task is in the problem log; the count says here
	 * that the rows above hold zeros for what could not be read. */
	if (ps.tt.unreadable)
		rc = kd_cmd_error(ctx, "%zu task%s could not be read in full: "
				  "fields that could not be read show as 0",
				  ps.tt.unreadable,
				  ps.tt.unreadable == 1 ? "" : "s");
	if (ps.tt.problem)
		rc = kd_cmd_error(ctx, "task list incomplete: %s",
				  ps.tt.problem);
	if (!ps.tt.total_pages)	/* every %MEM above reads 0.0 */
		rc = kd_cmd_error(ctx, "%%MEM unknown: the memory size "
				  "cannot be read");
	ps_free(&ps);
	return rc;
}

const struct kd_command kd_cmd_ps = {
	.name = "ps",
	.summary = "display process status information",
	.usage =
	"SYNOPSIS\n"
	"  ps [-k|-u|-G|-y policy] [-s] [-p|-c|-t|-[l|m][-C cpu]|-a|-g|-r|-S|-A|-H]\n"
	"     [pid | task | command] ...\n"
	"\n"
	"DESCRIPTION\n"
	"  The process list, or the tasks named by pid, task_struct address\n"
	"  or command name ('regex' in single quotes: a POSIX extended\n"
	"  regular expression; \\name: a name that looks like a number).\n"
	"\n"
	"        -k  kernel threads only;  -u  user tasks only.\n"
	"        -G  thread group leaders only.\n"
	" -y policy  tasks with these scheduling policies (comma-separated\n"
	"            numbers or names: NORMAL FIFO RR BATCH ISO IDLE DEADLINE).\n"
	"        -s  the kernel stack pointer (KSTACKP) instead of TASK.\n"
	"        -p  the parental hierarchy;  -c  the children.\n"
	"        -t  run time, start time, user and system times.\n"
	"        -l  the last-run timestamp (sched_info.last_arrival), most\n"
	"            recent first;  -m  the same as days, hours, minutes,\n"
	"            seconds and milliseconds since.\n"
	"   -C cpus  with -l or -m: by CPU (\"1,3,5-7\", \"all\").\n"
	"        -a  the arguments and environment of user tasks.\n"
	"        -g  tasks by thread group;  -r  resource limits.\n"
	"        -S  the number of tasks in each state.\n"
	"        -A  only the active task on each CPU.\n"
	"        -H  no header line.\n",
	.run = ps_run,
	.needs_vmlinux = 1,
};
