// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epython [--timeout=N --maxel=N ...] PROG[.py] [ARGS]: run a PyKdump
 * program on the open dump.  The work is done by the runner the
 * Python-embedding program installs (cli/epython.c); this file keeps the
 * command in the table for every build.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "epython.h"

static kd_epython_fn *runner;
static const char *unavailable = "Python support was not built into this "
				 "pykdump (configure with -Dpython=enabled)";

/* A registered program's command; cmd first, so a command is its own
 * prog_cmd. */
struct prog_cmd {
	struct kd_command cmd;
	char *name, *summary, *usage;
};


void kd_epython_set_runner(kd_epython_fn *fn)
{
	runner = fn;
}

void kd_epython_set_unavailable(const char *why)
{
	unavailable = why;
}

static int epython_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (!runner)
		return kd_cmd_error(ctx, "%s", unavailable);
	if (argc < 2) {
		fflush(ctx->out);
		fprintf(kd_cmd_errfile(ctx), "Usage: %s [options] program[.py] "
			"[args]\n", ctx->name);
		return 1;
	}
	return runner(ctx, argc, argv);
}

/* "NAME args" -> the runner with "epython NAME args". */
static int prog_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 2, sizeof(*v));
	if (!v) {
		kd_cmd_error(ctx, "out of memory");
		return 1;
	}
	v[0] = "epython";
	memcpy(v + 1, argv, (size_t)argc * sizeof(*v));
	int rc = epython_run(ctx, argc + 1, v);
	free(v);
	return rc;
}

static void prog_free(struct prog_cmd *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->summary);
	free(p->usage);
	free(p);
}

int kd_epython_register_prog(const char *name, const char *summary,
			     const char *usage)
{
	struct prog_cmd *p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->name = strdup(name);
	p->summary = strdup(summary ? summary : "PyKdump program");
	p->usage = strdup(usage ? usage : "");
	if (!p->name || !p->summary || !p->usage) {
		prog_free(p);
		return -1;
	}
	p->cmd = (struct kd_command){ .name = p->name, .summary = p->summary,
				      .usage = p->usage, .run = prog_run,
				      .needs_vmlinux = 1 };
	const struct kd_command *old;
	int rc = kd_command_register(&p->cmd, &old);
	if (rc != 0) {
		prog_free(p);
		return rc;
	}
	if (old && old->run == prog_run)
		prog_free((struct prog_cmd *)old);
	return 0;
}

void kd_epython_unregister_progs(void)
{
	const struct kd_command *const *r = kd_commands_registered();
	/* collect first: unregistering reshapes the list */
	size_t n = 0;
	while (r[n])
		n++;
	char **names = calloc(n + 1, sizeof(*names));
	for (size_t i = 0; names && i < n; i++)
		names[i] = r[i]->run == prog_run ? strdup(r[i]->name) : NULL;
	for (size_t i = 0; names && i < n; i++) {
		if (names[i])
			prog_free((struct prog_cmd *)
				  kd_command_unregister(names[i]));
		free(names[i]);
	}
	free(names);
}

const struct kd_command kd_cmd_epython = {
	.name = "epython",
	.summary = "run a PyKdump Python program",
	.usage = "SYNOPSIS\n"
		 "  epython [--timeout=N] [--maxel=N] [--debug=N] [--reload]\n"
		 "          [--ofile=FILE] [--experimental] [--usens=PID]\n"
		 "          program[.py] [args ...]\n\n"
		 "  The program is looked for in the current directory, then in\n"
		 "  the directories of $PYKDUMPPATH, then in the shipped progs/.\n"
		 "  The options above are taken by the API, not the program.\n",
	.run = epython_run,
	.needs_vmlinux = 1,
};
