// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epython [--timeout=N --maxel=N ...] PROG[.py] [ARGS]: run a PyKdump
 * program on the open dump.  The work is done by the runner the
 * Python-embedding program installs (cli/epython.c); this file keeps the
 * command in the table for every build.
 */
#include "epython.h"

static kd_epython_fn *runner;

void kd_epython_set_runner(kd_epython_fn *fn)
{
	runner = fn;
}

static int epython_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (!runner) {
		fprintf(ctx->out, "%s: Python support was not built into this "
			"pykdump (configure with -Dpython=enabled)\n",
			ctx->name);
		return 1;
	}
	if (argc < 2) {
		fprintf(ctx->out, "Usage: %s [options] program[.py] [args]\n",
			ctx->name);
		return 1;
	}
	return runner(ctx, argc, argv);
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
