// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sig [-g] [pid | task] ... | -l | -s sigset   (crash's sig)
 *
 * Each task's signal handling (lib/kernel signal.h), as crash prints it:
 * the signal_struct and its thread count, one line per signal with its
 * k_sigaction, handler (SIG_DFL, SIG_IGN or the address), mask and
 * flags ("(SA_RESTORER|SA_RESTART)"), then whether a signal is pending,
 * the blocked set, the task's pending set and queued signals, and the
 * thread group's.  -g shows the group level once, then each thread of
 * the group indented.  -l lists the signal names, -s the names of the
 * signals in a 64-bit set.  Without a task: the current context.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/signal.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define SIGRTMIN	32
#define SIGRTMAX	64

/* crash's table: the first names, and the other name some have. */
static const char *const signames[SIGRTMIN][2] = {
	[1] = { "SIGHUP", NULL }, [2] = { "SIGINT", NULL },
	[3] = { "SIGQUIT", NULL }, [4] = { "SIGILL", NULL },
	[5] = { "SIGTRAP", NULL }, [6] = { "SIGABRT", "SIGIOT" },
	[7] = { "SIGBUS", NULL }, [8] = { "SIGFPE", NULL },
	[9] = { "SIGKILL", NULL }, [10] = { "SIGUSR1", NULL },
	[11] = { "SIGSEGV", NULL }, [12] = { "SIGUSR2", NULL },
	[13] = { "SIGPIPE", NULL }, [14] = { "SIGALRM", NULL },
	[15] = { "SIGTERM", NULL }, [16] = { "SIGSTKFLT", NULL },
	[17] = { "SIGCHLD", "SIGCLD" }, [18] = { "SIGCONT", NULL },
	[19] = { "SIGSTOP", NULL }, [20] = { "SIGTSTP", NULL },
	[21] = { "SIGTTIN", NULL }, [22] = { "SIGTTOU", NULL },
	[23] = { "SIGURG", NULL }, [24] = { "SIGXCPU", NULL },
	[25] = { "SIGXFSZ", NULL }, [26] = { "SIGVTALRM", NULL },
	[27] = { "SIGPROF", NULL }, [28] = { "SIGWINCH", NULL },
	[29] = { "SIGIO", "SIGPOLL" }, [30] = { "SIGPWR", NULL },
	[31] = { "SIGSYS", "SIGUNUSED" },
};

/* "SIGRTMIN", "SIGRTMIN+n" for the first half of the rest, then
 * "SIGRTMAX-n" and "SIGRTMAX". */
static void signame(int sig, char *buf, size_t size)
{
	int min = (SIGRTMAX - SIGRTMIN - 1) - (SIGRTMAX - SIGRTMIN - 1) / 2;
	if (sig < SIGRTMIN)
		snprintf(buf, size, "%s", signames[sig][0]);
	else if (sig == SIGRTMIN)
		snprintf(buf, size, "SIGRTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, size, "SIGRTMAX");
	else if (sig - SIGRTMIN <= min)
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, size, "SIGRTMAX-%d", SIGRTMAX - sig);
}

static void list_names(FILE *out)
{
	for (int i = 1; i <= SIGRTMAX; i++) {
		char name[32];
		signame(i, name, sizeof(name));
		fprintf(out, "%s[%d] %s", i < 10 ? " " : "", i, name);
		if (i < SIGRTMIN && signames[i][1])
			fprintf(out, "/%s", signames[i][1]);
		fputc('\n', out);
	}
}

/* -s: the names of the set's signals, lines kept within 80 columns. */
static void translate_set(FILE *out, uint64_t set)
{
	size_t len = 0;
	int c = 0;
	if (!set) {
		fprintf(out, "(none)\n");
		return;
	}
	for (int i = 1; i <= SIGRTMAX; i++, set >>= 1) {
		char name[32], buf[40];
		if (!(set & 1))
			continue;
		signame(i, name, sizeof(name));
		snprintf(buf, sizeof(buf), "%s%s", c++ ? " " : "", name);
		const char *p = buf;
		if (len + strlen(buf) > 80) {
			p = buf + 1;
			fputc('\n', out);
			len = 0;
		}
		len += strlen(p);
		fputs(p, out);
	}
	fputc('\n', out);
}

static void sa_flags(FILE *out, uint64_t flags)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ 0x00000001, "SA_NOCLDSTOP" }, { 0x04000000, "SA_RESTORER" },
		{ 0x00000002, "SA_NOCLDWAIT" }, { 0x00000004, "SA_SIGINFO" },
		{ 0x08000000, "SA_ONSTACK" }, { 0x10000000, "SA_RESTART" },
		{ 0x40000000, "SA_NODEFER" }, { 0x80000000, "SA_RESETHAND" },
	};
	int n = 0;
	for (size_t i = 0; i < KD_ARRAY_SIZE(bits); i++)
		if (flags & bits[i].bit)
			fprintf(out, "%s%s", n++ ? "|" : "(", bits[i].name);
	if (n)
		fputc(')', out);
}

static void queue(FILE *out, const char *indent,
		  const struct kd_sigqueue_entry *q, size_t n)
{
	if (!n) {
		fprintf(out, "%s  SIGQUEUE: (empty)\n", indent);
		return;
	}
	fprintf(out, "%s  SIGQUEUE:  SIG      SIGINFO     \n", indent);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "             %3d  %" PRIx64 "\n", q[i].signo,
			q[i].info);
}

static void group_level(FILE *out, const struct kd_task_signals *sg)
{
	fprintf(out, "SIGNAL_STRUCT: %" PRIx64 "  ", sg->signal_struct);
	if (!sg->signal_struct) {
		fputc('\n', out);
		return;
	}
	if (sg->nr_threads >= 0)
		fprintf(out, "NR_THREADS: %d\n", sg->nr_threads);
	else
		fputc('\n', out);
	fprintf(out, " SIG    SIGACTION        HANDLER       MASK       FLAGS"
		"           \n");
	for (int i = 0; sg->have_actions && i < SIGRTMAX; i++) {
		const struct kd_sigaction *a = &sg->action[i];
		char h[32];
		if (a->handler == 0)
			snprintf(h, sizeof(h), "SIG_DFL");
		else if (a->handler == 1)
			snprintf(h, sizeof(h), "SIG_IGN");
		else if (a->handler == UINT64_MAX)
			snprintf(h, sizeof(h), "SIG_ERR");
		else
			snprintf(h, sizeof(h), "%" PRIx64, a->handler);
		fprintf(out, "%s[%d] %-10" PRIx64 " %10s %016" PRIx64 " %"
			PRIx64 " ", i + 1 < 10 ? " " : "", i + 1, a->addr, h,
			a->mask, a->flags);
		sa_flags(out, a->flags);
		fputc('\n', out);
	}
}

static void task_level(FILE *out, const struct kd_task_signals *sg,
		       const char *indent)
{
	fprintf(out, "%sSIGPENDING: %s\n", indent, sg->sigpending ? "yes" : "no");
	fprintf(out, "%s   BLOCKED: %016" PRIx64 "\n", indent, sg->blocked);
	if (sg->has_shared)
		fprintf(out, "%sPRIVATE_PENDING\n", indent);
	fprintf(out, "%s    SIGNAL: %016" PRIx64 "\n", indent, sg->pending);
	queue(out, indent, sg->private_queue, sg->nprivate);
}

static void shared_level(FILE *out, const struct kd_task_signals *sg)
{
	if (!sg->has_shared || !sg->signal_struct)
		return;
	fprintf(out, "SHARED_PENDING\n");
	fprintf(out, "    SIGNAL: %016" PRIx64 "\n", sg->shared);
	queue(out, "", sg->shared_queue, sg->nshared);
}

static int read_signals(struct kd_cmd_ctx *ctx, uint64_t task,
			struct kd_task_signals *sg)
{
	struct kd_error *err = kd_task_signals(ctx->s, task, sg);
	if (!err)
		return 0;
	/* a broken queue: the rest is shown; anything else would print
	 * a state we could not read */
	int fatal = !sg->queues_only;
	kd_cmd_fail(ctx, err);
	return fatal ? -1 : 1;
}

static int sig_task(struct kd_cmd_ctx *ctx, const struct kd_task_ref *t)
{
	struct kd_task_signals sg;
	kd_cmd_task_header(ctx->out, t);
	int rc = read_signals(ctx, t->task, &sg);
	if (rc >= 0) {
		group_level(ctx->out, &sg);
		task_level(ctx->out, &sg, "");
		shared_level(ctx->out, &sg);
	}
	kd_task_signals_free(&sg);
	fputc('\n', ctx->out);
	return rc != 0;
}

/* -g: the group's leader, its group level, then each thread.  The idle
 * tasks (pid and tgid 0) are one group, shown once (*idle_shown). */
static int sig_group(struct kd_cmd_ctx *ctx, const struct kd_task_ref *t,
		     const struct kd_task_ref *all, size_t nall,
		     int *idle_shown)
{
	int tgid, rc = 0;
	struct kd_task_signals sg;
	struct kd_error *err = kd_task_tgid(ctx->s, t->task, &tgid);
	if (err)
		return kd_cmd_fail(ctx, err);
	const struct kd_task_ref *leader = t;
	for (size_t i = 0; t->pid != tgid && i < nall; i++)
		if (all[i].pid == tgid)
			leader = &all[i];
	if (leader->pid != tgid || (!tgid && (*idle_shown)++))
		return 0;
	kd_cmd_task_header(ctx->out, leader);
	int got = read_signals(ctx, leader->task, &sg);
	rc |= got != 0;
	if (got >= 0) {
		group_level(ctx->out, &sg);
		shared_level(ctx->out, &sg);
		fprintf(ctx->out, "\n  ");
		kd_cmd_task_header(ctx->out, leader);
		task_level(ctx->out, &sg, "  ");
	}
	kd_task_signals_free(&sg);
	for (size_t i = 0; i < nall; i++) {
		int g;
		if (all[i].task == leader->task)
			continue;
		if ((err = kd_task_tgid(ctx->s, all[i].task, &g))) {
			kd_cmd_lost(err);	/* maybe one of the group */
			continue;
		}
		if (g != tgid)
			continue;
		fprintf(ctx->out, "\n  ");
		kd_cmd_task_header(ctx->out, &all[i]);
		got = read_signals(ctx, all[i].task, &sg);
		rc |= got != 0;
		if (got >= 0)
			task_level(ctx->out, &sg, "  ");
		kd_task_signals_free(&sg);
	}
	fputc('\n', ctx->out);
	return rc;
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

/*
 * Every task, as kd_task_list gives them, from the session's task table
 * (made once: foreach sig asks once per task, and a walk of 3,000 tasks
 * for each took minutes).  A list the table could only partly walk is
 * the walk's own error, as before.
 */
static struct kd_error *task_refs(struct kd_session *s,
				  struct kd_task_ref **ret, size_t *n)
{
	const struct kd_task_table *t;
	struct kd_error *err = kd_task_table_shared(s, &t);
	if (err)
		return err;
	if (t->problem)
		return kd_task_list(s, ret, n);
	*ret = calloc(t->n ? t->n : 1, sizeof(**ret));
	if (!*ret)
		return &kd_error_nomem;
	for (size_t i = 0; i < t->n; i++) {
		struct kd_task_ref *r = &(*ret)[i];
		r->task = t->v[i].task;
		r->pid = t->v[i].pid;
		r->cpu = t->v[i].cpu;
		r->active = t->v[i].active;
		memcpy(r->comm, t->v[i].comm, sizeof(r->comm));
	}
	*n = t->n;
	return NULL;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, group = 0, rc = 0, idle_shown = 0, only = 0;
	uint64_t set = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "lR:s:g")) != -1) {
		switch (c) {
		case 'l':	/* -l and -s: the first given, alone */
			only = only ? only : c;
			break;
		case 's':
			if (!kd_cmd_parse_hex(optarg, &set))
				return kd_cmd_error(ctx, "invalid sigset: %s",
						    optarg);
			only = only ? only : c;
			break;
		case 'g': group = 1; break;
		case 'R':
			return kd_cmd_error(ctx, "-R not supported yet");
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (only && optind < argc)	/* crash ignores it */
		return kd_cmd_error(ctx, "unexpected argument: %s",
				    argv[optind]);
	if (only == 'l')
		list_names(ctx->out);
	if (only == 's')
		translate_set(ctx->out, set);
	if (only)
		return 0;
	struct kd_task_ref *all = NULL;
	size_t nall = 0;
	struct kd_error *err = task_refs(ctx->s, &all, &nall);
	if (err)
		return kd_cmd_fail_what(ctx, "cannot read the task list", err);
	if (optind >= argc) {
		struct kd_task_ref t;
		err = kd_task_get(ctx->s, kd_current_task(ctx->s), &t);
		if (err)
			rc = kd_cmd_fail_what(ctx, "no current task", err);
		else
			rc = group ? sig_group(ctx, &t, all, nall, &idle_shown)
				   : sig_task(ctx, &t);
	}
	for (int i = optind; i < argc; i++) {
		struct kd_task_ref *tasks;
		size_t n;
		if (!is_number(argv[i])) {
			rc = kd_cmd_error(ctx, "invalid task or pid value: %s",
					  argv[i]);
			continue;
		}
		if (kd_cmd_find_tasks(ctx, argv[i], &tasks, &n) < 0) {
			rc = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			rc |= group ? sig_group(ctx, &tasks[k], all, nall,
						&idle_shown)
				    : sig_task(ctx, &tasks[k]);
		free(tasks);
	}
	free(all);
	return rc;
}

const struct kd_command kd_cmd_sig = {
	.name = "sig",
	.summary = "task signal handling",
	.usage =
	"SYNOPSIS\n"
	"  sig [-g] [pid | task] ... | -l | -s sigset\n\n"
	"  A task's signal handling: its thread group's signal_struct and\n"
	"  thread count, each signal's k_sigaction, handler, mask and flags,\n"
	"  then whether a signal is pending, the blocked set, the pending set\n"
	"  and queued signals of the task and of its thread group.  Without a\n"
	"  task: the current context.\n"
	"    -g        the thread group once, then each of its threads\n"
	"    -l        the signal numbers and names\n"
	"    -s sigset the names of the signals in a hexadecimal set\n"
	"  Not supported: -R.\n",
	.run = run,
	.needs_vmlinux = 1,
};
