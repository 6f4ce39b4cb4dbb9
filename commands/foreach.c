// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * foreach [pid | taskp | name | 'regex' | \name | state | kernel | user |
 *          gleader | active] ... command [flags] [arguments]:
 * run a per-task command for every task, or for the tasks selected, in
 * crash's task order (idle tasks by CPU, then by pid).
 *
 * The commands are crash's foreach set, found in the command registry
 * by name, so that each works here once it exists as a command:
 *   bt, vm, task, files, net, sig  run in the task's context (the
 *        session's current task, swapped for the run): they print the
 *        task's header themselves, as they do when given no task;
 *   set, vtop                      foreach prints the header, then runs
 *        them in the task's context;
 *   ps                             runs once, with the selected tasks as
 *        its arguments (one header, a line or block per task).
 * Consecutive tasks are separated by a blank line (crash's header),
 * except with -R (a search: the command says what it found).  Flags may
 * come before the command (crash's getopt takes them anywhere); they are
 * passed on.
 *
 * Selectors: a pid or task address of a task, a command name, \NAME (a
 * name that looks like something else), 'REGEX' (POSIX extended, on the
 * command name), a state (RU IN UN ST ZO TR DE SW NE PA ID WA), kernel
 * threads, user tasks, gleader (user thread-group leaders), active (the
 * task on each CPU).  A word that is none of these is an error ("unknown
 * argument"), as is a command not in the set, or a missing one; the
 * tasks that the other selectors name are still run, and the status is
 * a failure.  Contradicting selectors (user and kernel, two states) and
 * a bad expression stop it before anything runs, as in crash.
 * Selectors that match no task give no output.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/tasks.h>
#include <pykdump/vector.h>

#include "cmd_util.h"

#define FE_CONTEXT	0x1	/* the command prints the task header */
#define FE_HEADER	0x2	/* foreach prints it */
#define FE_ARGS		0x4	/* once, the tasks as arguments */

static const struct {
	const char *name;
	unsigned how;
} keywords[] = {
	{ "bt", FE_CONTEXT }, { "vm", FE_CONTEXT }, { "task", FE_CONTEXT },
	{ "files", FE_CONTEXT }, { "net", FE_CONTEXT }, { "set", FE_HEADER },
	{ "ps", FE_ARGS }, { "sig", FE_CONTEXT }, { "vtop", FE_HEADER },
};

static int keyword(const char *w)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(keywords); i++)
		if (!strcmp(w, keywords[i].name))
			return (int)i;
	return -1;
}

struct foreach {
	struct kd_task_match *m;
	struct kd_task_table tt;
	int kw;			/* index in keywords[], -1: none yet */
	char **args;		/* for the command: its name, flags, args */
	int nargs;
	size_t args_cap;
	int failed;
	int fatal;		/* a selector error that stops it (crash's
				   FATAL): nothing is run */
	int reference;		/* -R given */
};

static int add_arg(struct foreach *fe, char *a)
{
	if (kd_array_reserve(&fe->args, &fe->args_cap, (size_t)fe->nargs + 2))
		return -1;
	fe->args[fe->nargs++] = a;
	fe->args[fe->nargs] = NULL;
	if (!strcmp(a, "-R"))
		fe->reference = 1;
	return 0;
}

static int fail(struct kd_cmd_ctx *ctx, struct foreach *fe,
		struct kd_error *err)
{
	fe->failed = 1;
	return kd_cmd_fail(ctx, err);
}

/* One word before the command: a selector, else an error. */
static void selector(struct kd_cmd_ctx *ctx, struct foreach *fe, char *w)
{
	const struct kd_task_info *t;
	struct kd_error *err = NULL;
	if (kd_cmd_quote(ctx, w) == '\'') {
		err = kd_task_match_regex(fe->m, w);
	} else if (w[0] == '\\' && w[1]) {
		/* \DE is the state, \name a name that looks like more */
		if (kd_task_state_known(w + 1))
			err = kd_task_match_state(fe->m, w + 1);
		else
			err = kd_task_match_name(fe->m, w + 1);
	} else if (kd_cmd_task_number(&fe->tt, w, &t) == KD_CMD_ARG_PID) {
		err = kd_task_match_pid(fe->m, t->pid);
	} else if (kd_cmd_task_number(&fe->tt, w, &t) == KD_CMD_ARG_TASK) {
		err = kd_task_match_task(fe->m, t->task);
	} else if (!strcmp(w, "kernel")) {
		err = kd_task_match_kind(fe->m, KD_TM_KERNEL);
	} else if (!strcmp(w, "user")) {
		err = kd_task_match_kind(fe->m, KD_TM_USER);
	} else if (!strcmp(w, "gleader")) {
		err = kd_task_match_kind(fe->m, KD_TM_USER | KD_TM_GLEADER);
	} else if (!strcmp(w, "active")) {
		err = kd_task_match_kind(fe->m, KD_TM_ACTIVE);
	} else if (kd_task_state_known(w)) {
		if (!kd_task_state_in_kernel(ctx->s, w)) {
			fe->failed = 1;
			kd_cmd_error(ctx, "invalid task state for this kernel: "
				     "%s", w);
			err = kd_task_match_pid(fe->m, -1);
		} else {
			err = kd_task_match_state(fe->m, w);
		}
	} else {
		int named = 0;
		for (size_t i = 0; i < fe->tt.n && !named; i++)
			named = !strncmp(fe->tt.v[i].comm, w, 15);
		if (named) {
			err = kd_task_match_name(fe->m, w);
		} else {
			fe->failed = 1;
			kd_cmd_error(ctx, "unknown argument: \"%s\"", w);
			/* no task is taken for every task by mistake */
			err = kd_task_match_pid(fe->m, -1);
		}
	}
	if (err) {
		fe->fatal = 1;
		fail(ctx, fe, err);
	}
}

/* crash's getopt takes foreach's flags anywhere: those before the
 * command go to it; -R and -y take the next word. */
static int parse(struct kd_cmd_ctx *ctx, struct foreach *fe, int argc,
		 char **argv)
{
	char **flags = calloc((size_t)argc + 1, sizeof(*flags));
	int nflags = 0;
	if (!flags || add_arg(fe, "") < 0) {
		free(flags);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		char *w = argv[i];
		if (fe->kw >= 0) {
			if (add_arg(fe, w) < 0)
				goto nomem;
		} else if (w[0] == '-' && w[1] && !kd_cmd_quote(ctx, w)) {
			flags[nflags++] = w;
			if ((!strcmp(w, "-R") || !strcmp(w, "-y")) &&
			    i + 1 < argc)
				flags[nflags++] = argv[++i];
		} else if (fe->fatal) {
			break;
		} else if ((fe->kw = keyword(w)) >= 0) {
			fe->args[0] = w;
			for (int k = 0; k < nflags; k++)
				if (add_arg(fe, flags[k]) < 0)
					goto nomem;
		} else {
			selector(ctx, fe, w);
		}
	}
	free(flags);
	return 0;
nomem:
	free(flags);
	return -1;
}

/* A stream over out that counts what goes through. */
struct counted {
	FILE *out;
	size_t n;
};

static ssize_t counted_write(void *cookie, const char *buf, size_t size)
{
	struct counted *c = cookie;
	size_t w = fwrite(buf, 1, size, c->out);
	c->n += w;
	/* through to the real output: an error written next (on the error
	 * stream) must come after what the command printed before it */
	fflush(c->out);
	return w ? (ssize_t)w : -1;
}

static int run_in_context(struct kd_cmd_ctx *ctx, struct foreach *fe,
			  const struct kd_command *cmd,
			  const struct kd_task_info *t, size_t *printed)
{
	struct counted c = { .out = ctx->out };
	FILE *out = fopencookie(&c, "w", (cookie_io_functions_t){
		.write = counted_write });
	char **v = malloc(((size_t)fe->nargs + 1) * sizeof(*v));
	*printed = 0;
	if (!out || !v) {
		if (out)
			fclose(out);
		free(v);
		return kd_cmd_error(ctx, "out of memory");
	}
	/* getopt permutes the words: each run gets them in order */
	memcpy(v, fe->args, ((size_t)fe->nargs + 1) * sizeof(*v));
	struct kd_cmd_ctx sub = *ctx;
	sub.out = out;
	sub.err = kd_cmd_errfile(ctx);
	sub.name = fe->args[0];
	if (keywords[fe->kw].how & FE_HEADER)
		kd_cmd_task_info_header(out, t);
	uint64_t old = kd_swap_current_task(ctx->s, t->task);
	optind = 0;
	int rc = cmd->run(&sub, fe->nargs, v);
	kd_swap_current_task(ctx->s, old);
	fclose(out);
	free(v);
	*printed = c.n;
	return rc;
}

/* ps: once, with the selected tasks' addresses. */
static int run_with_args(struct kd_cmd_ctx *ctx, struct foreach *fe,
			 const struct kd_command *cmd, const size_t *sel,
			 size_t nsel)
{
	char (*addrs)[24] = calloc(nsel ? nsel : 1, sizeof(*addrs));
	if (!addrs)
		return kd_cmd_error(ctx, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < nsel && !rc; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "0x%" PRIx64,
			 fe->tt.v[sel[i]].task);
		rc = add_arg(fe, addrs[i]);
	}
	if (rc)
		rc = kd_cmd_error(ctx, "out of memory");
	else if (nsel) {
		struct kd_cmd_ctx sub = *ctx;
		sub.name = fe->args[0];
		optind = 0;
		rc = cmd->run(&sub, fe->nargs, fe->args);
	}
	free(addrs);
	return rc;
}

static int run_tasks(struct kd_cmd_ctx *ctx, struct foreach *fe,
		     const struct kd_command *cmd)
{
	size_t *sel = malloc((fe->tt.n ? fe->tt.n : 1) * sizeof(*sel));
	size_t nsel = 0;
	int rc = 0;
	if (!sel)
		return kd_cmd_error(ctx, "out of memory");
	for (size_t i = 0; i < fe->tt.n; i++)
		if (kd_task_match_test(fe->m, &fe->tt.v[i]))
			sel[nsel++] = i;
	if (keywords[fe->kw].how & FE_ARGS) {
		rc = run_with_args(ctx, fe, cmd, sel, nsel);
		free(sel);
		return rc;
	}
	for (size_t i = 0; i < nsel && !kd_cancel_pending(); i++) {
		size_t printed = 0;
		if (i && !fe->reference)
			fputc('\n', ctx->out);
		int r = run_in_context(ctx, fe, cmd, &fe->tt.v[sel[i]],
				       &printed);
		rc |= r;
		if (r && !printed)	/* its flags are wrong: said once */
			break;
	}
	free(sel);
	return rc;
}

/* crash's checks of the flags of some commands. */
static int check_flags(struct kd_cmd_ctx *ctx, struct foreach *fe)
{
	const char *name = fe->args[0];
	int s_flag = 0;
	for (int i = 1; i < fe->nargs; i++) {
		const char *a = fe->args[i];
		if (a[0] != '-')
			continue;
		if (!strcmp(name, "bt") && strchr(a, 'g'))
			return kd_cmd_error(ctx, "bt -g option is not supported "
					    "when issued from foreach");
		if (strpbrk(a + 1, "sS"))
			s_flag = 1;
	}
	if (!strcmp(name, "net") && !s_flag) {
		/* crash warns, then shows the sockets */
		fflush(ctx->out);
		fprintf(kd_cmd_errfile(ctx), "WARNING: net command requires -s "
			"or -S option\n\n");
		if (add_arg(fe, "-s") < 0)
			return kd_cmd_error(ctx, "out of memory");
	}
	return 0;
}

static int run_foreach(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct foreach fe = { .kw = -1 };
	int rc = 0;
	if (argc < 2)
		return kd_cmd_usage(ctx);
	struct kd_error *err = kd_task_match_new(&fe.m);
	if (!err)
		err = kd_task_table_collect(ctx->s, &fe.tt);
	if (err) {
		kd_task_match_free(fe.m);
		return kd_cmd_fail(ctx, err);
	}
	if (parse(ctx, &fe, argc, argv) < 0) {
		rc = kd_cmd_error(ctx, "out of memory");
		goto out;
	}
	if (fe.fatal)
		goto out;
	if (fe.kw < 0) {
		rc = kd_cmd_error(ctx, "no keywords specified");
		goto out;
	}
	const struct kd_command *cmd = kd_command_find(fe.args[0]);
	if (!cmd) {
		rc = kd_cmd_error(ctx, "%s: this command is not available "
				  "yet", fe.args[0]);
		goto out;
	}
	if ((rc = check_flags(ctx, &fe)))
		goto out;
	rc = run_tasks(ctx, &fe, cmd);
	if (fe.tt.problem)
		rc = kd_cmd_error(ctx, "task list incomplete: %s",
				  fe.tt.problem);
out:
	kd_task_table_free(&fe.tt);
	kd_task_match_free(fe.m);
	free(fe.args);
	return rc || fe.failed;
}

const struct kd_command kd_cmd_foreach = {
	.name = "foreach",
	.summary = "display command data for multiple tasks",
	.usage =
	"SYNOPSIS\n"
	"  foreach [[pid | taskp | name | state | [kernel | user | gleader]] ...]\n"
	"          command [flag] [argument]\n"
	"\n"
	"DESCRIPTION\n"
	"  Runs a per-task command for every task, or for the tasks selected.\n"
	"\n"
	"      pid  this PID.\n"
	"    taskp  the task_struct at this hexadecimal address.\n"
	"     name  tasks with this command name; \\name when the name could\n"
	"           be taken for something else; 'regex' (in single quotes)\n"
	"           a POSIX extended regular expression on the names.\n"
	"     user  user tasks;  kernel  kernel threads;\n"
	"  gleader  user thread group leaders;  active  the task on each CPU.\n"
	"    state  tasks in this state: RU, IN, UN, ST, ZO, TR, SW, DE, WA,\n"
	"           PA, ID or NE.\n"
	"\n"
	"  command  one of bt, vm, task, files, net, set, ps, sig, vtop, with\n"
	"           its flags and arguments (flags may also come before it).\n"
	"\n"
	"  A header with each task's PID, task address, CPU and command\n"
	"  precedes its output.  A word that selects nothing known is an\n"
	"  error (\"unknown argument\").\n",
	.run = run_foreach,
	.needs_vmlinux = 1,
};
