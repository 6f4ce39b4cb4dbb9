/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small readers shared by the system commands (mod, files, mount, net,
 * dev, runq, timer): member offsets by name, pointer/integer reads that
 * answer 0 on failure, bounded list walks, per-CPU offsets, symbol names
 * and dentry paths.  A failed read is reported by the caller, which then
 * prints what it has (crash-style partial output).
 */
#ifndef PYKDUMP_CMD_SYSUTIL_H
#define PYKDUMP_CMD_SYSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

#include "command.h"

struct kd_session;

#define SU_NONE UINT64_MAX	/* no such member / type */
#define SU_LIST_MAX (1u << 20)

/* Byte offset of a member path ("se.run_node", "mem[0].base") in a type
 * ("struct rq"), SU_NONE when the type or member does not exist. */
uint64_t su_off(struct kd_session *s, const char *type, const char *path);
/* Byte size of a type, 0 when unknown. */
uint64_t su_sizeof(struct kd_session *s, const char *type);
/* 1 when the member exists. */
int su_has(struct kd_session *s, const char *type, const char *path);

/* Reads that return 0 on success and -1 (error destroyed) on failure. */
int su_ptr(struct kd_session *s, uint64_t addr, uint64_t *v);
int su_u32(struct kd_session *s, uint64_t addr, uint32_t *v);
int su_u64(struct kd_session *s, uint64_t addr, uint64_t *v);
/* The string a char * at addr points to ("" when unreadable). */
void su_str_at_ptr(struct kd_session *s, uint64_t addr, char *buf,
		   size_t size);
/* A char array at addr. */
void su_str(struct kd_session *s, uint64_t addr, char *buf, size_t size);

/* The symbol at exactly addr, or at addr+off in the kernel image; NULL
 * (buf untouched) when none. */
const char *su_symbol(struct kd_session *s, uint64_t addr, char *buf,
		      size_t size, int exact);

/* Per-CPU: number of possible CPU slots and the offset of one. */
int su_ncpus(struct kd_session *s);
int su_percpu_offset(struct kd_session *s, int cpu, uint64_t *off);
/* A per-CPU symbol's address on cpu; 0 on failure. */
uint64_t su_percpu_symbol(struct kd_session *s, const char *name, int cpu);

/* Walk a circular list_head: fn(arg, node) for every node after head,
 * stopping when fn returns non-zero.  Errors: unreadable node, a cycle
 * not through head, more than SU_LIST_MAX nodes, cancellation. */
typedef int su_list_fn(void *arg, uint64_t node);
struct kd_error *su_list_walk(struct kd_session *s, uint64_t head,
			      su_list_fn *fn, void *arg) KD_WARN_UNUSED;

/* Print "cmd: msg" as crash does, log it as a problem; returns 1. */
int su_error(struct kd_cmd_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for an error value (destroyed). */
int su_error_value(struct kd_cmd_ctx *ctx, const char *what,
		   struct kd_error *err);

/* An unknown option as getopt saw it: "cmd: invalid option -- 'x'" and
 * the usage line; returns 1. */
int su_bad_option(struct kd_cmd_ctx *ctx, int opt);

/* For commands that take no options: 0 when argv holds none, else
 * su_bad_option()'s report and 1.  With no_args, extra words are refused
 * too ("arguments are not supported: X"). */
int su_no_options(struct kd_cmd_ctx *ctx, int argc, char **argv, int no_args);


/* Tasks (lib/unwind's task list). */
struct kd_task_ref;
/* The task crash's commands default to: the one active on the panic CPU,
 * else init_task.  0 when none can be found. */
uint64_t su_current_task(struct kd_session *s);
/* The tasks a PID (decimal: every thread of that pid, e.g. the idle
 * tasks for 0) or a task_struct address (hex) names; *ret malloc'd.
 * Returns 1 for a PID, 0 for an address, -1 and a crash-style message
 * on ctx->out when there is none. */
int su_find_tasks(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_task_ref **ret, size_t *n);
/* "PID: 1        TASK: ffff...  CPU: 1    COMMAND: "init"" */
void su_task_header(FILE *out, const struct kd_task_ref *t);

#endif /* PYKDUMP_CMD_SYSUTIL_H */
