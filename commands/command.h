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
	int takes_format;	/* NAME/FMT runs it too (gdb's p/x) */
};

/* NULL-terminated table of every built-in command, sorted by name. */
extern const struct kd_command *const kd_commands[];

/* A built-in command, else one registered at run time; "p/x" finds a
 * command that takes a format letter. */
const struct kd_command *kd_command_find(const char *name);

/*
 * Commands added at run time (PyKdump programs registered by name, as
 * the original registers crashinfo, xportshow ...).  The caller keeps
 * cmd alive until kd_command_unregister.  A built-in's name is refused
 * (returns 1); registering a name again replaces the earlier entry
 * (which the caller then owns again: *old, may be NULL).  -1: no memory.
 */
int kd_command_register(const struct kd_command *cmd,
			const struct kd_command **old);
/* Remove name's entry; returns it (the caller frees it) or NULL. */
const struct kd_command *kd_command_unregister(const char *name);
/* NULL-terminated, sorted by name; valid until the next (un)register. */
const struct kd_command *const *kd_commands_registered(void);

/*
 * Run one command line: split into words (quotes honoured), look the
 * command up and run it with output to out.  Returns the command's
 * status; an unknown command prints crash's message and returns 1.
 */
int kd_command_exec(struct kd_session *s, const char *line, FILE *out);

#endif /* PYKDUMP_COMMAND_H */
