// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * set [pid | taskp | -c cpu | -p] | [variable [value]] | -v: the task
 * context and crash's variables.
 *
 * The context is the session's (kd_current_task, lib/kernel): the task
 * that bt, task, files, vm, sig, net -s ... use when given none, and
 * that Python programs see.  "set PID|TASK" makes a task the context,
 * "set -p" returns to the panic task, "set -c CPU" takes the task
 * active on that CPU (nothing is shown when it already is the
 * context, as crash does); each shows the new context as crash does:
 *
 *       PID: 1
 *   COMMAND: "init"
 *      TASK: ffff8b9e4120b000  [THREAD_INFO: ffff8b9e4120b000]
 *       CPU: 0
 *     STATE: TASK_RUNNING (PANIC)
 *
 * A pid that several tasks share (0: the idle tasks) takes the first
 * and says "(1 of N)".  An active task is marked (PANIC) when it is the
 * panic task, (SYSRQ) when that panic came from sysrq's crash handler
 * (kd_panic_by_sysrq: sysrq_handle_crash on its stack, as crash
 * finds it), else (ACTIVE).
 *
 * Variables: scroll [on|off|less|more] (the interactive shell's pager),
 * radix [10|16] and its aliases hex/dec (the integers of p, struct,
 * task), scope [symbol|address|0] (shown; types are looked up across
 * every compilation unit and module whatever it says), -v lists them.
 * crash's other variables (debug, hash, refresh, print_max, ...) tune
 * crash's internals and are refused by name.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/session.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

struct kd_cmd_settings *kd_cmd_settings(void)
{
	static struct kd_cmd_settings settings = {
		.radix = 10,
		.pager = NULL,
	};
	if (!settings.pager) {
		const char *p = getenv("PAGER");
		settings.pager = p && *p ? p : "less -E -X";
	}
	return &settings;
}

/* ----------------------------------------------------------- context */

int kd_cmd_show_context(struct kd_cmd_ctx *ctx, uint64_t task)
{
	struct kd_task_table tt;
	struct kd_error *err = kd_task_table_collect(ctx->s, &tt);
	if (err)
		return kd_cmd_fail(ctx, err);
	const struct kd_task_info *t = kd_task_table_addr(&tt, task);
	if (!t) {
		kd_task_table_free(&tt);
		return kd_cmd_error(ctx, "task %" PRIx64 " is not on the task "
				    "list", task);
	}
	size_t same = 0;
	for (size_t i = 0; i < tt.n; i++)
		same += tt.v[i].pid == t->pid;
	FILE *out = ctx->out;
	fprintf(out, "    PID: %d\n", t->pid);
	fprintf(out, "COMMAND: \"%s\"\n", t->comm);
	fprintf(out, "   TASK: %" PRIx64 "  ", t->task);
	if (same > 1)
		fprintf(out, "(1 of %zu)  ", same);
	uint64_t ti = kd_task_thread_info(ctx->s, t->task);
	if (ti)
		fprintf(out, "[THREAD_INFO: %" PRIx64 "]", ti);
	fprintf(out, "\n    CPU: %d\n", t->cpu);
	char state[128];
	fprintf(out, "  STATE: %s ", kd_task_state_verbose(t->state, state,
							   sizeof(state)));
	if (t->active) {
		uint64_t panic = kd_panic_task(ctx->s);
		if (t->task != panic)
			fputs("(ACTIVE)", out);
		else
			fputs(kd_panic_by_sysrq(ctx->s) ? "(SYSRQ)" : "(PANIC)",
			      out);
	}
	fputc('\n', out);
	kd_task_table_free(&tt);
	return 0;
}

/* "set PID|TASK": the first task of a decimal pid, else a task_struct
 * address in hex; crash's message when it names none. */
static int set_task(struct kd_cmd_ctx *ctx, const char *arg)
{
	struct kd_task_ref *v;
	size_t n;
	if (kd_cmd_find_tasks(ctx, arg, &v, &n) < 0)
		return 1;
	uint64_t task = v[0].task;
	free(v);
	struct kd_error *err = kd_set_current_task(ctx->s, task);
	if (err)
		return kd_cmd_fail(ctx, err);
	return kd_cmd_show_context(ctx, task);
}

static int set_cpu(struct kd_cmd_ctx *ctx, const char *arg)
{
	char *end;
	long cpu = strtol(arg, &end, 10);
	int ncpus = kd_task_nr_cpus(ctx->s);
	if (!*arg || *end || cpu < 0)
		return kd_cmd_error(ctx, "invalid cpu number: %s", arg);
	if (cpu >= ncpus)
		return kd_cmd_error(ctx, "invalid cpu number: system has only "
				    "%d cpu%s", ncpus, ncpus > 1 ? "s" : "");
	uint64_t task = kd_task_active(ctx->s, (int)cpu);
	if (!task)
		return kd_cmd_error(ctx, "cannot determine active task on "
				    "cpu %ld", cpu);
	if (task == kd_current_task(ctx->s))
		return 0;	/* already the context: crash says nothing */
	struct kd_error *err = kd_set_current_task(ctx->s, task);
	if (err)
		return kd_cmd_fail(ctx, err);
	return kd_cmd_show_context(ctx, task);
}

static int set_panic(struct kd_cmd_ctx *ctx)
{
	uint64_t task = kd_panic_task(ctx->s);
	if (!task)
		return kd_cmd_error(ctx, "no panic task found!");
	struct kd_error *err = kd_set_current_task(ctx->s, 0);
	if (err)
		return kd_cmd_fail(ctx, err);
	return kd_cmd_show_context(ctx, task);
}

/* --------------------------------------------------------- variables */

static int invalid(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	char buf[512] = "invalid command:";
	for (int i = 0; i < argc; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " %s",
			 argv[i]);
	return kd_cmd_error(ctx, "%s", buf);
}

static void show_scroll(struct kd_cmd_ctx *ctx)
{
	const struct kd_cmd_settings *st = kd_cmd_settings();
	/* the shell pages only its own terminal output */
	if (isatty(STDOUT_FILENO))
		fprintf(ctx->out, "scroll: %s (%s)\n", st->scroll ? "on" : "off",
			st->pager);
	else
		fprintf(ctx->out, "scroll: %s (none)\n",
			st->scroll ? "on" : "off");
}

static int var_scroll(struct kd_cmd_ctx *ctx, const char *val, int argc,
		      char **argv)
{
	struct kd_cmd_settings *st = kd_cmd_settings();
	if (!val)
		;
	else if (!strcmp(val, "on") || !strcmp(val, "1"))
		st->scroll = 1;
	else if (!strcmp(val, "off") || !strcmp(val, "0"))
		st->scroll = 0;
	else if (!strcmp(val, "less"))
		st->pager = "/usr/bin/less";
	else if (!strcmp(val, "more"))
		st->pager = "/bin/more";
	else if (!strcmp(val, "CRASHPAGER") && getenv("CRASHPAGER"))
		st->pager = getenv("CRASHPAGER");
	else
		return invalid(ctx, argc, argv);
	show_scroll(ctx);
	return 0;
}

static void show_radix(struct kd_cmd_ctx *ctx)
{
	int r = kd_cmd_settings()->radix;
	fprintf(ctx->out, "output radix: %d (%s)\n", r,
		r == 10 ? "decimal" : "hex");
}

static int var_radix(struct kd_cmd_ctx *ctx, const char *val, int argc,
		     char **argv)
{
	struct kd_cmd_settings *st = kd_cmd_settings();
	if (!val)
		;
	else if (!strcmp(val, "10") || !strncmp(val, "dec", 3) ||
		 !strncmp(val, "ten", 3))
		st->radix = 10;
	else if (!strcmp(val, "16") || !strncmp(val, "hex", 3) ||
		 !strncmp(val, "six", 3))
		st->radix = 16;
	else
		return invalid(ctx, argc, argv);
	show_radix(ctx);
	return 0;
}

static uint64_t current_scope(struct kd_cmd_ctx *ctx)
{
	const struct kd_cmd_settings *st = kd_cmd_settings();
	return st->scope_session == ctx->s ? st->scope : 0;
}

static void show_scope(struct kd_cmd_ctx *ctx, const char *lead)
{
	uint64_t scope = current_scope(ctx);
	char sym[256];
	fprintf(ctx->out, "%sscope: %" PRIx64 " ", lead, scope);
	if (scope && kd_cmd_symbol_name(ctx->s, scope, sym, sizeof(sym), 0))
		fprintf(ctx->out, "(%s)\n", sym);
	else if (scope)
		fprintf(ctx->out, "\n");
	else
		fprintf(ctx->out, "(not set)\n");
}

static int var_scope(struct kd_cmd_ctx *ctx, const char *val, int argc,
		     char **argv)
{
	struct kd_cmd_settings *st = kd_cmd_settings();
	uint64_t addr;
	if (val) {
		/* crash accepts a text symbol with a leading '.' too */
		const char *name = val[0] == '.' && val[1] ? val + 1 : val;
		if (!strcmp(val, "0"))
			addr = 0;
		else if (!kd_cmd_parse_addr(ctx->s, name, &addr))
			return invalid(ctx, argc, argv);
		st->scope = addr;
		st->scope_session = ctx->s;
	}
	show_scope(ctx, "");
	return 0;
}

/* set -v: the variables we have, in crash's layout. */
static int show_options(struct kd_cmd_ctx *ctx)
{
	const struct kd_cmd_settings *st = kd_cmd_settings();
	const struct kd_session_options *o = kd_session_options(ctx->s);
	const char *vml = kd_session_vmlinux_path(ctx->s);
	const char *dump = kd_session_dump_path(ctx->s);
	const char *v = vml ? strrchr(vml, '/') : NULL;
	const char *d = dump ? strrchr(dump, '/') : NULL;
	if (isatty(STDOUT_FILENO))
		fprintf(ctx->out, "        scroll: %s (%s)\n",
			st->scroll ? "on" : "off", st->pager);
	else
		fprintf(ctx->out, "        scroll: %s (none)\n",
			st->scroll ? "on" : "off");
	fprintf(ctx->out, "         radix: %d (%s)\n", st->radix,
		st->radix == 10 ? "decimal" : "hex");
	fprintf(ctx->out, "      namelist: %s\n",
		vml ? (v ? v + 1 : vml) : "(none)");
	fprintf(ctx->out, "      dumpfile: %s\n", d ? d + 1 : dump);
	fprintf(ctx->out, " zero_excluded: %s\n",
		o && o->zero_excluded ? "on" : "off");
	show_scope(ctx, "         ");
	return 0;
}

/* crash variables that tune crash itself: named, refused. */
static const char *const unsupported[] = {
	"debug", "hash", "unwind", "refresh", "gdb", "silent", "console",
	"core", "edit", "vi", "emacs", "print_max", "null-stop",
	"print_array", "namelist", "free", "data_debug", "zero_excluded",
	"offline", "redzone", "error",
};

static int set_variable(struct kd_cmd_ctx *ctx, int argc, char **argv,
			int i, int *done)
{
	const char *name = argv[i];
	const char *val = i + 1 < argc ? argv[i + 1] : NULL;
	*done = 1;
	if (!strcmp(name, "scroll"))
		return var_scroll(ctx, val, argc, argv);
	if (!strcmp(name, "radix"))
		return var_radix(ctx, val, argc, argv);
	if (!strcmp(name, "hex"))
		return var_radix(ctx, "16", argc, argv);
	if (!strcmp(name, "dec"))
		return var_radix(ctx, "10", argc, argv);
	if (!strcmp(name, "scope"))
		return var_scope(ctx, val, argc, argv);
	for (size_t k = 0; k < KD_ARRAY_SIZE(unsupported); k++)
		if (!strcmp(name, unsupported[k]))
			return kd_cmd_error(ctx, "%s: crash's internal variable "
					    "is not supported by pykdump",
					    name);
	*done = 0;
	return 0;
}

static int set_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, only = 0;	/* -p, -v or -c: the first given, alone */
	const char *cpu = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "pvc:a:")) != -1) {
		switch (c) {
		case 'c':
			cpu = cpu ? cpu : optarg;
			/* fall through */
		case 'p':
		case 'v':
			only = only ? only : c;
			break;
		case 'a':
			return kd_cmd_error(ctx, "-a (mark a task active on its "
					    "cpu) is not supported");
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (only && optind < argc)	/* crash ignores it */
		return kd_cmd_error(ctx, "unexpected argument: %s",
				    argv[optind]);
	switch (only) {
	case 'p': return set_panic(ctx);
	case 'v': return show_options(ctx);
	case 'c': return set_cpu(ctx, cpu);
	}
	if (optind == argc)
		return kd_cmd_show_context(ctx, kd_current_task(ctx->s));
	int rc = 0;
	for (int i = optind; i < argc; i++) {
		int done;
		int r = set_variable(ctx, argc, argv, i, &done);
		if (done)	/* a variable takes the rest of the line */
			return r;
		rc |= set_task(ctx, argv[i]);
	}
	return rc;
}

const struct kd_command kd_cmd_set = {
	.name = "set",
	.summary = "set a process context or internal variable",
	.usage =
		"SYNOPSIS\n"
		"  set [[pid | taskp] | [-c cpu] | -p] | [variable [setting]] | -v\n"
		"\n"
		"DESCRIPTION\n"
		"  Sets the task context that bt, task, files, vm, sig, net -s\n"
		"  and the other per-task commands use when given no task (and\n"
		"  that Python programs see), or shows it when given nothing.\n"
		"\n"
		"      pid  a process PID (the first of its tasks).\n"
		"    taskp  a hexadecimal task_struct pointer.\n"
		"   -c cpu  the task active on that cpu.\n"
		"       -p  the panic task (the context at start).\n"
		"       -v  the variables below.\n"
		"\n"
		"  Variables (with no setting, the value is shown):\n"
		"    scroll  on | off | less | more   page the interactive\n"
		"            shell's output ($PAGER, else less -E -X).\n"
		"    radix   10 | 16   integers of p, struct and task; the\n"
		"            aliases hex and dec set it too.\n"
		"    scope   symbol | address | 0   the text scope (shown; types\n"
		"            are found in every unit whatever it says).\n",
	.run = set_run,
	.needs_vmlinux = 1,
};
