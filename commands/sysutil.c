// SPDX-License-Identifier: GPL-2.0-or-later
/* Readers shared by the system commands: see sysutil.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/kmodules.h>
#include <pykdump/log.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>
#include <pykdump/unwind.h>

#include "sysutil.h"

static struct kd_type *find_type(struct kd_session *s, const char *type)
{
	struct kd_types *types;
	struct kd_type *t = NULL;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, type, &t);
	kd_error_destroy(err);
	return err ? NULL : t;
}

uint64_t su_off(struct kd_session *s, const char *type, const char *path)
{
	struct kd_type *t = find_type(s, type);
	struct kd_member_path mp;
	if (!t)
		return SU_NONE;
	struct kd_error *err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return SU_NONE;
	}
	if (mp.stopped_at_pointer && mp.rest)
		return SU_NONE;
	return mp.bit_offset / 8;
}

uint64_t su_sizeof(struct kd_session *s, const char *type)
{
	struct kd_type *t = find_type(s, type);
	return t ? kd_type_size(t) : 0;
}

int su_has(struct kd_session *s, const char *type, const char *path)
{
	return su_off(s, type, path) != SU_NONE;
}

static int done(struct kd_error *err)
{
	kd_error_destroy(err);
	return err ? -1 : 0;
}

int su_ptr(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	*v = 0;
	return done(kd_read_ptr(s, addr, v));
}

int su_u32(struct kd_session *s, uint64_t addr, uint32_t *v)
{
	*v = 0;
	return done(kd_read_u32(s, addr, v));
}

int su_u64(struct kd_session *s, uint64_t addr, uint64_t *v)
{
	*v = 0;
	return done(kd_read_u64(s, addr, v));
}

void su_str(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	buf[0] = '\0';
	if (done(kd_read_cstring(s, addr, buf, size, NULL)) < 0)
		buf[0] = '\0';
}

void su_str_at_ptr(struct kd_session *s, uint64_t addr, char *buf,
		   size_t size)
{
	uint64_t p;
	buf[0] = '\0';
	if (su_ptr(s, addr, &p) == 0 && p)
		su_str(s, p, buf, size);
}

const char *su_symbol(struct kd_session *s, uint64_t addr, char *buf,
		      size_t size, int exact)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol sym;
	char modsym[256];
	const char *name;
	uint64_t off;
	if (!st || !addr)
		return NULL;
	if (kd_symtab_by_addr(st, addr, &sym, &off))
		name = sym.name;
	else if (kd_kmodules_symbol(s, addr, modsym, sizeof(modsym), &off,
				    NULL, 0))
		name = modsym;
	else
		return NULL;
	if (exact && off)
		return NULL;
	if (off)
		snprintf(buf, size, "%s+%" PRIu64, name, off);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

int su_ncpus(struct kd_session *s)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return (int)m->nr_cpu_ids;
}

int su_percpu_offset(struct kd_session *s, int cpu, uint64_t *off)
{
	uint64_t base;
	*off = 0;
	if (cpu < 0 || cpu >= su_ncpus(s) ||
	    !kd_symbol_try_addr(s, "__per_cpu_offset", &base))
		return -1;
	return su_u64(s, base + 8 * (uint64_t)cpu, off);
}

uint64_t su_percpu_symbol(struct kd_session *s, const char *name, int cpu)
{
	uint64_t addr, off;
	if (!kd_symbol_try_addr(s, name, &addr) ||
	    su_percpu_offset(s, cpu, &off) < 0)
		return 0;
	return addr + off;
}

/* Brent's cycle detection: the tortoise jumps to the hare at powers of
 * two, so a cycle not through head is found within twice its length. */
struct kd_error *su_list_walk(struct kd_session *s, uint64_t head,
			      su_list_fn *fn, void *arg)
{
	uint64_t node, tortoise = head;
	size_t power = 1, lam = 0, count = 0;
	struct kd_error *err = kd_read_ptr(s, head, &node);
	while (!err && node != head) {
		if (node == tortoise)
			return kd_error_create(KD_ERR_CYCLE,
					       "list at %" PRIx64 " loops at %"
					       PRIx64, head, node);
		if (++count > SU_LIST_MAX)
			return kd_error_create(KD_ERR_LIMIT,
					       "list at %" PRIx64 " longer than %u",
					       head, SU_LIST_MAX);
		if ((err = kd_cancel_check()) != NULL)
			return err;
		if (fn(arg, node))
			return NULL;
		if (++lam == power) {
			tortoise = node;
			power *= 2;
			lam = 0;
		}
		err = kd_read_ptr(s, node, &node);
	}
	return err;
}

int su_error(struct kd_cmd_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(ctx->out, "%s: %s\n", ctx->name, msg);
	struct kd_error *e = kd_log_warning(kd_session_log(ctx->s), "%s: %s",
					    ctx->name, msg);
	(void)e;	/* only the static nomem error: nothing to free */
	return 1;
}

int su_error_value(struct kd_cmd_ctx *ctx, const char *what,
		   struct kd_error *err)
{
	int rc = su_error(ctx, "%s%s%s", what ? what : "", what ? ": " : "",
			  err ? err->message : "failed");
	kd_error_destroy(err);
	return rc;
}

int su_bad_option(struct kd_cmd_ctx *ctx, int opt)
{
	const struct kd_command *c = kd_command_find(ctx->name);
	/* crash's getopt says this on stderr, the usage on the output */
	fprintf(stderr, "%s: invalid option -- '%c'\n", ctx->name, opt);
	if (c && c->usage) {
		const char *syn = strstr(c->usage, "SYNOPSIS\n");
		if (syn) {
			syn += 9;
			fprintf(ctx->out, "Usage:\n%.*s\n",
				(int)strcspn(syn, "\n"), syn);
		}
	}
	fprintf(ctx->out, "Enter \"help %s\" for details.\n", ctx->name);
	return 1;
}

uint64_t su_current_task(struct kd_session *s)
{
	int cpu = kd_unwind_panic_cpu(s);
	uint64_t t = cpu >= 0 ? kd_unwind_active_task(s, cpu) : 0;
	if (!t && !kd_symbol_try_addr(s, "init_task", &t))
		t = 0;
	return t;
}

static int parse_task_arg(const char *arg, int *pid, uint64_t *addr)
{
	char *end;
	*pid = -1;
	*addr = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (*arg && !*end && v < (1u << 31)) {
		*pid = (int)v;
		return 0;
	}
	v = strtoull(arg, &end, 16);
	if (*arg && !*end && v) {
		*addr = v;
		return 0;
	}
	return -1;
}

int su_find_tasks(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_task_ref **ret, size_t *nret)
{
	int pid;
	uint64_t addr;
	*ret = NULL;
	*nret = 0;
	if (parse_task_arg(arg, &pid, &addr) < 0) {
		fprintf(ctx->out, "%s: invalid task or pid value: %s\n",
			ctx->name, arg);
		return -1;
	}
	struct kd_task_ref *v;
	size_t n, found = 0;
	struct kd_error *err = kd_unwind_tasks(ctx->s, &v, &n);
	if (err) {
		su_error_value(ctx, "cannot read the task list", err);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((pid >= 0 && v[i].pid == pid) || (addr && v[i].task == addr))
			v[found++] = v[i];
	if (!found) {
		free(v);
		fprintf(ctx->out, "%s: invalid task or pid value: %s\n",
			ctx->name, arg);
		return -1;
	}
	*ret = v;
	*nret = found;
	return pid >= 0 ? 1 : 0;
}

void su_task_header(FILE *out, const struct kd_task_ref *t)
{
	fprintf(out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  COMMAND: \"%s\"\n",
		t->pid, t->task, t->cpu, t->comm);
}

int su_no_options(struct kd_cmd_ctx *ctx, int argc, char **argv, int no_args)
{
	opterr = 0;
	int c = getopt(argc, argv, "");
	if (c != -1)
		return su_bad_option(ctx, optopt ? optopt : c);
	if (no_args && optind < argc)
		return su_error(ctx, "arguments are not supported: %s",
				argv[optind]);
	return 0;
}
