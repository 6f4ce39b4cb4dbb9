/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command plumbing shared by the built-in commands: the one error path,
 * options, crash's argument forms, reads that let a command print what
 * it has, crash's ways of printing sizes, times, symbols, task headers
 * and type definitions, and list/tree's -s display.  What the kernel's
 * structures mean is in lib/kernel (include/pykdump/), not here.
 */
#ifndef PYKDUMP_CMD_UTIL_H
#define PYKDUMP_CMD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

#include "command.h"

struct kd_session;
struct kd_types;
struct kd_type;
struct kd_symtab;
struct kd_symbol;
struct kd_task_ref;

/* ---- errors: one path ---- */

/*
 * Every error a command reports goes through these: printed as crash
 * does ("NAME: message") on the error stream (kd_cmd_errfile: the
 * shell's standard error, after the output so far is flushed) and kept
 * in the session's problem log as an error.  Each returns 1, the
 * command's failure status.
 */
int kd_cmd_error(struct kd_cmd_ctx *ctx, const char *fmt, ...)
	KD_PRINTF(2, 3);
/* The same without "NAME: ", for the errors crash words so ("invalid
 * id or address: 99", "symbol not found: x"); still an error. */
int kd_cmd_error_bare(struct kd_cmd_ctx *ctx, const char *fmt, ...)
	KD_PRINTF(2, 3);
/* An error value (destroyed): "NAME: message". */
int kd_cmd_fail(struct kd_cmd_ctx *ctx, struct kd_error *err);
/* The same with what went wrong first: "NAME: what: message". */
int kd_cmd_fail_what(struct kd_cmd_ctx *ctx, const char *what,
		     struct kd_error *err);

/* A problem the output shows in its own way ("TASKS: (unknown)"): kept
 * in the problem log as a warning ("NAME: message"), not printed. */
void kd_cmd_note(struct kd_cmd_ctx *ctx, const char *fmt, ...)
	KD_PRINTF(2, 3);

/* Where errors go: ctx->err, else ctx->out. */
FILE *kd_cmd_errfile(const struct kd_cmd_ctx *ctx);

/* ---- options and arguments ---- */

/* crash's cmd_usage(): "Usage:", the synopsis lines of the command's
 * help and 'Enter "help NAME" for details.' on the error stream;
 * returns 1. */
int kd_cmd_usage(struct kd_cmd_ctx *ctx);
/* An unknown option as getopt saw it: "cmd: invalid option -- 'x'" and
 * the usage, on the error stream; returns 1. */
int kd_cmd_bad_option(struct kd_cmd_ctx *ctx, int opt);
/* For commands that take no options: 0 when argv holds none, else
 * kd_cmd_bad_option()'s report and 1.  With no_args, extra words are
 * refused too ("arguments are not supported: X"). */
int kd_cmd_no_options(struct kd_cmd_ctx *ctx, int argc, char **argv,
		      int no_args);
/* crash's address arguments: hex with or without 0x, else a symbol
 * name, optionally "+offset" (hex with 0x, else decimal).  1 on success. */
int kd_cmd_parse_addr(struct kd_session *s, const char *arg, uint64_t *ret);
/* Only a hexadecimal number ("ffff...", "0x1000"). */
int kd_cmd_parse_hex(const char *arg, uint64_t *ret);
/* crash's cpu specifications ("3", "1,3,5-7", "a"/"all", make_cpumask):
 * mask[cpu] set for each CPU named, cpu < ncpus.  -1 with crash's
 * "invalid cpu specification: SPEC" reported. */
int kd_cmd_cpuspec(struct kd_cmd_ctx *ctx, const char *spec, int ncpus,
		   unsigned char *mask);
/* The CPU of the current context's task (crash's ":" cpuspec): the
 * panic task's CPU, CPU 0 when it is unknown. */
int kd_cmd_current_cpu(struct kd_cmd_ctx *ctx);
/* crash's "symbol not found: NAME" answer of rd and dis, with the
 * symbols containing the name (sym -q) as "possible alternatives", on
 * the error stream (crash prints it as an answer); noted in the problem
 * log.  Returns the command's failure status. */
int kd_cmd_symbol_not_found(struct kd_cmd_ctx *ctx, const char *name);
/* The session's types; reports the error and returns NULL without. */
struct kd_types *kd_cmd_types(struct kd_cmd_ctx *ctx);

/* ---- tasks ---- */

/* The tasks a PID (decimal: every thread of that pid, e.g. the idle
 * tasks for 0) or a task_struct address (hex) names; *ret malloc'd.
 * Returns 1 for a PID, 0 for an address, -1 and crash's message on the
 * error stream when there is none. */
int kd_cmd_find_tasks(struct kd_cmd_ctx *ctx, const char *arg,
		      struct kd_task_ref **ret, size_t *n);
/* crash's str_to_context(): arg as the decimal pid of a task (the
 * first with it), else the hexadecimal address of a task (crash then
 * tries a hexadecimal pid: not here).  1: a pid, 2: a task address (*ret
 * set); 0: neither. */
#define KD_CMD_ARG_PID	1
#define KD_CMD_ARG_TASK	2
struct kd_task_table;
struct kd_task_info;
int kd_cmd_task_number(const struct kd_task_table *tt, const char *arg,
		       const struct kd_task_info **ret);
/* The header line of a task of the task table. */
void kd_cmd_task_info_header(FILE *out, const struct kd_task_info *t);
/* "PID: 1        TASK: ffff...  CPU: 1    COMMAND: "init"" */
void kd_cmd_task_header(FILE *out, const struct kd_task_ref *t);
/* crash's show_context(): the task's PID, COMMAND, TASK, CPU and STATE
 * lines, as `set` prints them (set.c). */
int kd_cmd_show_context(struct kd_cmd_ctx *ctx, uint64_t task);

/* ---- reads for partial output ---- */

/* The member at base + off, for output that goes on when a value cannot
 * be read: 0, or -1 with the value 0 (the error dropped).  An absent
 * member (KD_ABSENT) is never read.  A value that could not be read
 * (a fault: not in the dump, not mapped) is counted for the running
 * command: when it ends, kd_command_exec says how many on the error
 * stream and in the problem log, and the command fails (its output is
 * partial, not an answer). */
int kd_cmd_ptr(struct kd_session *s, uint64_t base, uint64_t off,
	       uint64_t *v);
int kd_cmd_u32(struct kd_session *s, uint64_t base, uint64_t off,
	       uint32_t *v);
int kd_cmd_u64(struct kd_session *s, uint64_t base, uint64_t off,
	       uint64_t *v);
/* The count of the running command's unreadable values, around one
 * command (kd_command_exec; a nested command saves its caller's):
 * begin saves and clears it; end reports it (an error, rc 1) and
 * restores the saved one.  Returns rc, or 1 when values were lost. */
struct kd_cmd_partial {
	unsigned n;
	char first[256];
};
void kd_cmd_partial_begin(struct kd_cmd_partial *saved);
/* A value the output lacks for err (any error: a fault, a cycle, a
 * limit), counted as the reads above count theirs; err destroyed.
 * -1 when err, else 0. */
int kd_cmd_lost(struct kd_error *err);
int kd_cmd_partial_end(struct kd_cmd_ctx *ctx,
		       const struct kd_cmd_partial *saved, int rc);
/* A char array member, "" when unreadable. */
void kd_cmd_str(struct kd_session *s, uint64_t base, uint64_t off,
		char *buf, size_t size);
/* The string a char * member points to, "" when unreadable. */
void kd_cmd_str_at(struct kd_session *s, uint64_t base, uint64_t off,
		   char *buf, size_t size);

/* ---- crash's ways of printing ---- */

/* A kernel or module symbol for addr ("name" or "name+off"), into buf;
 * with exact, only one at addr itself.  NULL (buf untouched) when none. */
const char *kd_cmd_symbol_name(struct kd_session *s, uint64_t addr,
			       char *buf, size_t size, int exact);
/* What `sym ADDR` prints for addr (vmlinux or module symbol, with its
 * source line): 1 when printed, 0 when there is no symbol (sym.c). */
int kd_cmd_show_symbol(struct kd_cmd_ctx *ctx, uint64_t addr);
/* crash's value_search(): the symbol at or below addr; of several at
 * the same address the first for an exact hit, the last otherwise. */
int kd_cmd_symbol_at(const struct kd_symtab *st, uint64_t addr,
		     struct kd_symbol *sym, uint64_t *offset);
/* crash's mkstring(): text in width columns, as is when longer.
 * KD_JUST_CENTER splits the padding, the odd blank on the right
 * (with KD_JUST_RIGHT: on the left); else KD_JUST_LEFT pads on the
 * right, KD_JUST_RIGHT on the left. */
#define KD_JUST_LEFT	0x1
#define KD_JUST_RIGHT	0x2
#define KD_JUST_CENTER	0x4
char *kd_cmd_just(char *buf, size_t size, const char *text, int width,
		  unsigned flags);
/* crash's pages_to_size(): "0", "512 KB", "6 MB", "218.2 MB", "1.5 GB". */
char *kd_cmd_pages_to_size(uint64_t pages, uint64_t page_size, char *buf,
			   size_t size);
/* crash's ctime_tz(): "Thu Nov 26 16:37:33 UTC 2026", local time. */
char *kd_cmd_ctime_tz(int64_t t, char *buf, size_t size);
/* crash's convert_time(): "[N days, ]HH:MM:SS" for jiffies at hz. */
char *kd_cmd_convert_time(uint64_t jiffies, int hz, char *buf, size_t size);
/* A struct/union/enum/typedef definition as crash's `struct NAME` and
 * `whatis NAME` print it (gdb ptype), with "[offset]" columns when
 * offsets is set, then "SIZE: n" (not for enums). */
struct kd_error *kd_cmd_print_definition(FILE *out, struct kd_type *t,
					 int offsets);
/* The same with crash's struct options: -o offsets; with an address the
 * column shows each member's address; members: only the lines of these
 * (direct, or reachable through anonymous members) members, with their
 * offsets and no SIZE line ("struct task_struct.pid"); hex: offsets and
 * SIZE in hexadecimal (radix 16). */
struct kd_def_opts {
	int offsets;
	int has_vaddr;
	uint64_t vaddr;
	const char *const *members;
	size_t nmembers;
	int hex;
};
struct kd_error *kd_cmd_print_definition_opts(FILE *out, struct kd_type *t,
					      const struct kd_def_opts *o);

/* crash's shortcut: "task_struct.pid ADDR" runs struct when argv[0]
 * (up to a '.') names a struct or union type; -1 (nothing printed)
 * when it does not. */
int kd_cmd_struct_shortcut(struct kd_cmd_ctx *ctx, int argc, char **argv);

/* ---- list and tree: -s struct[.member[,member...]] ---- */

/*
 * Each entry printed as crash prints it, through gdb's value format:
 *
 *   struct module_layout {          (-s struct: the whole struct)
 *     base = 0x0,
 *     ...
 *   }
 *   pid = 0,                        (-s struct.member: one line each,
 *   comm = "swapper/0\000...",       "," unless the member is the last
 *   core_layout.size = 32768,        of the struct or union holding it)
 */
#define KD_SHOW_MAX_MEMBERS 64

struct kd_show_member {
	char *path;		/* "core_layout.size" */
	const struct kd_rmember *m;	/* NULL: not showable */
	int last;		/* last member of its container: no comma */
};

struct kd_show_spec {
	char *type_name;	/* "struct module" */
	char *bad_struct;	/* a struct name not found (crash reports it
				   at the first entry) */
	struct kd_type *type;
	struct kd_reader *reader;
	struct kd_show_member members[KD_SHOW_MAX_MEMBERS];
	size_t nmembers;	/* 0: the whole struct */
};

/* Parse "module.core_layout.size,taints" (or "module").  Unknown names
 * are recorded for kd_show_print / kd_show_check to report. */
int kd_show_parse(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_show_spec *ret);
void kd_show_free(struct kd_show_spec *spec);
/* tree's up-front check: crash refuses an unknown struct or member
 * before walking.  -1 (message printed) when one is bad. */
int kd_show_check(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec);
/* Print the entry at addr; vf_flags KD_VF_HEX for -x.  -1 when it could
 * not be read (message printed). */
int kd_show_print(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec,
		  uint64_t addr, unsigned vf_flags);
/* A start/offset argument: hex number or symbol.  1 ok, 0 not one. */
int kd_show_parse_addr(struct kd_cmd_ctx *ctx, const char *arg,
		       uint64_t *ret);
/* "-o" style offset: a number of bytes or "struct.member".  -1 on error
 * (message printed). */
int kd_show_parse_offset(struct kd_cmd_ctx *ctx, const char *arg,
			 uint64_t *ret);

#endif /* PYKDUMP_CMD_UTIL_H */
