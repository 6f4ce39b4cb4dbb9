/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Built-in commands.  Each is a C function writing crash-compatible text
 * to a stream, so the shell prints it and the Python API captures it
 * (exec_crash_command).  A command returns 0 on success, non-zero when
 * it failed; it reports its own errors on ctx->out in crash's style
 * ("sys: invalid option -- 'x'").
 */
#ifndef PYKDUMP_COMMAND_H
#define PYKDUMP_COMMAND_H

#include <stdio.h>

struct kd_session;

struct kd_cmd_ctx {
	struct kd_session *s;
	FILE *out;
	const char *name;	/* the command's name as invoked */
};

struct kd_command {
	const char *name;
	const char *summary;	/* one line, for "help" */
	const char *usage;	/* full help text, for "help NAME" */
	int (*run)(struct kd_cmd_ctx *ctx, int argc, char **argv);
	int needs_vmlinux;	/* 0: works on the dump layer alone */
};

/* NULL-terminated table of every built-in command, sorted by name. */
extern const struct kd_command *const kd_commands[];

const struct kd_command *kd_command_find(const char *name);

/*
 * Run one command line: split into words (quotes honoured), look the
 * command up and run it with output to out.  Returns the command's
 * status; an unknown command prints crash's message and returns 1.
 */
int kd_command_exec(struct kd_session *s, const char *line, FILE *out);

#endif /* PYKDUMP_COMMAND_H */
