/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Built-in commands.  Each is a C function writing crash-compatible text
 * to a stream, so the shell prints it and the Python API captures it
 * (exec_crash_command).  A command returns 0 on success, non-zero when
 * it failed; it reports its own errors in crash's style ("sys: invalid
 * option -- 'x'") on ctx->err, through cmd_util.h's error path: the
 * shell's standard error, the captured output for Python (where crash's
 * errors are, in the original API).
 */
#ifndef PYKDUMP_COMMAND_H
#define PYKDUMP_COMMAND_H

#include <stdint.h>
#include <stdio.h>

struct kd_session;

struct kd_cmd_words;

/* What the program's Python module (pykdump-python.so, loaded on the
 * first epython: cli/pymod_loader.c) takes from the program, which
 * exports it.  The _crash extension links the commands statically and
 * keeps them hidden (--exclude-libs). */
#define KD_FOR_PYMOD __attribute__((visibility("default")))

struct kd_cmd_ctx {
	struct kd_session *s;
	FILE *out;
	FILE *err;		/* errors and the usage after them; NULL: out */
	const char *name;	/* the command's name as invoked */
	/* How the line was split (kd_cmd_quote()); NULL when the words
	 * did not come from a command line. */
	const struct kd_cmd_words *words;
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
KD_FOR_PYMOD const struct kd_command *kd_command_find(const char *name);

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
 * Run one command line: "!shell-command" runs it through /bin/sh; else
 * the first word is replaced by its alias (alias.c), the line split into
 * words (quotes honoured) and the command looked up and run with output
 * to out and errors to err (NULL: out).  Returns the command's status;
 * an unknown command prints crash's message on err and returns 1.
 */
KD_FOR_PYMOD int kd_command_exec(struct kd_session *s, const char *line,
				 FILE *out, FILE *err);

/* The quote character (' or ") that enclosed the whole of the word arg
 * (one of the argv strings the command was given) on the command line,
 * else 0.  crash keeps a single-quoted word's quotes: ps and foreach
 * read 'REGEX' as a regular expression. */
int kd_cmd_quote(const struct kd_cmd_ctx *ctx, const char *arg);

/* ---- crash's set variables (set.c) ---- */

struct kd_cmd_settings {
	int radix;		/* 10 or 16: the integers of p, struct, task */
	int scroll;		/* page the shell's output on a terminal */
	const char *pager;	/* the paging command: "less -E -X", $PAGER */
	uint64_t scope;		/* set scope: a text address, 0 when unset */
	const struct kd_session *scope_session;	/* the dump it is in */
};
/* The process's settings (one shell per process, as crash). */
struct kd_cmd_settings *kd_cmd_settings(void);

/* ---- aliases (alias.c) ---- */

/* The command an alias stands for ("ps -l" for "last"), or NULL. */
const char *kd_alias_find(const char *name);

#endif /* PYKDUMP_COMMAND_H */
