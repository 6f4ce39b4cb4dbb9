// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command plumbing (cmd_util.h): errors, options, arguments, partial
 * reads, crash's printing of sizes, times, symbols and type definitions,
 * and list/tree's -s display.
 *
 * Type definitions are printed as gdb's ptype (which crash's `struct`,
 * `union` and `whatis` show): members indented by four per level,
 * anonymous struct/union members expanded in place, named types by
 * name, bitfields as "type name : bits;".  With offsets, each member
 * line starts with "[byte offset]" right-aligned in a column two wider
 * than "[SIZE]" (crash's layout), and expanded members are indented by
 * four per level after one blank.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pykdump/ksyms.h>
#include <pykdump/log.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

/* ---------------------------------------------------------------- errors */

/* "NAME: msg" (bare: "msg", as crash words some errors): printed
 * (print) and kept in the problem log, as an error when printed, else as
 * a warning.  Only the static nomem error can come back from the log:
 * nothing to free. */
static int vreport(struct kd_cmd_ctx *ctx, int print, int bare,
		   const char *fmt, va_list ap)
{
	/* whole on the stream (a name of a million characters, as crash
	 * prints it); the log keeps the first kilobyte */
	char msg[1024];
	va_list ap2;
	va_copy(ap2, ap);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	char *whole = NULL;
	if (print && strlen(msg) == sizeof(msg) - 1 &&
	    vasprintf(&whole, fmt, ap2) < 0)
		whole = NULL;
	va_end(ap2);
	if (print) {
		fflush(ctx->out);	/* in order on a shared terminal */
		fprintf(kd_cmd_errfile(ctx), "%s%s%s\n", bare ? "" : ctx->name,
			bare ? "" : ": ", whole ? whole : msg);
		free(whole);
		if (ctx->s)	/* no session: commands of the dump layer */
			(void)kd_log_error(kd_session_log(ctx->s), "%s: %s",
					   ctx->name, msg);
	} else if (ctx->s) {
		(void)kd_log_warning(kd_session_log(ctx->s), "%s: %s",
				     ctx->name, msg);
	}
	return 1;
}

int kd_cmd_error(struct kd_cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vreport(ctx, 1, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int kd_cmd_error_bare(struct kd_cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vreport(ctx, 1, 1, fmt, ap);
	va_end(ap);
	return rc;
}

void kd_cmd_note(struct kd_cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(ctx, 0, 0, fmt, ap);
	va_end(ap);
}

int kd_cmd_fail(struct kd_cmd_ctx *ctx, struct kd_error *err)
{
	int rc = kd_cmd_error(ctx, "%s", err ? err->message : "failed");
	kd_error_destroy(err);
	return rc;
}

int kd_cmd_fail_what(struct kd_cmd_ctx *ctx, const char *what,
		     struct kd_error *err)
{
	int rc = kd_cmd_error(ctx, "%s: %s", what,
			      err ? err->message : "failed");
	kd_error_destroy(err);
	return rc;
}

/* ------------------------------------------------- options and arguments */

FILE *kd_cmd_errfile(const struct kd_cmd_ctx *ctx)
{
	return ctx->err ? ctx->err : ctx->out;
}

int kd_cmd_usage(struct kd_cmd_ctx *ctx)
{
	const struct kd_command *c = kd_command_find(ctx->name);
	FILE *err = kd_cmd_errfile(ctx);
	const char *syn = c && c->usage ? strstr(c->usage, "SYNOPSIS\n")
					: NULL;
	fflush(ctx->out);
	if (syn) {
		/* every line up to the blank one after the synopsis */
		const char *end = strstr(syn + 9, "\n\n");
		int n = end ? (int)(end - (syn + 9)) : (int)strlen(syn + 9);
		while (n > 0 && syn[9 + n - 1] == '\n')
			n--;
		fprintf(err, "Usage:\n%.*s\n", n, syn + 9);
	}
	fprintf(err, "Enter \"help %s\" for details.\n", ctx->name);
	return 1;
}

int kd_cmd_bad_option(struct kd_cmd_ctx *ctx, int opt)
{
	fflush(ctx->out);
	/* crash's getopt says this on stderr, then the usage */
	fprintf(kd_cmd_errfile(ctx), "%s: invalid option -- '%c'\n",
		ctx->name, opt);
	return kd_cmd_usage(ctx);
}

int kd_cmd_no_options(struct kd_cmd_ctx *ctx, int argc, char **argv,
		      int no_args)
{
	opterr = 0;
	int c = getopt(argc, argv, "");
	if (c != -1)
		return kd_cmd_bad_option(ctx, optopt ? optopt : c);
	if (no_args && optind < argc)
		return kd_cmd_error(ctx, "arguments are not supported: %s",
				    argv[optind]);
	return 0;
}

int kd_cmd_parse_hex(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p || strlen(p) > 16)
		return 0;
	for (const char *q = p; *q; q++)
		if (!isxdigit((unsigned char)*q))
			return 0;
	*ret = strtoull(p, NULL, 16);
	return 1;
}

int kd_cmd_parse_addr(struct kd_session *s, const char *arg, uint64_t *ret)
{
	if (kd_cmd_parse_hex(arg, ret))
		return 1;
	char name[256];
	const char *plus = strchr(arg, '+');
	size_t n = plus ? (size_t)(plus - arg) : strlen(arg);
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, arg, n);
	name[n] = '\0';
	uint64_t off = 0;
	if (plus) {
		char *end;
		off = strtoull(plus + 1, &end, 0);
		if (end == plus + 1 || *end)
			return 0;
	}
	if (!kd_symbol_try_addr(s, name, ret))
		return 0;
	*ret += off;
	return 1;
}

static int cpu_number(const char *s, int *ret)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > 1 << 20)
		return 0;
	*ret = (int)v;
	return 1;
}

int kd_cmd_cpuspec(struct kd_cmd_ctx *ctx, const char *spec, int ncpus,
		   unsigned char *mask)
{
	char buf[256];
	if (strlen(spec) >= sizeof(buf) || !*spec)
		goto bad;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save, *p = strtok_r(buf, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		int start, end;
		char *dash = strchr(p, '-');
		if (!strcmp(p, "a") || !strcmp(p, "all")) {
			start = 0;
			end = ncpus - 1;
		} else {
			if (dash)
				*dash = '\0';
			if (!cpu_number(p, &start) ||
			    (dash && !cpu_number(dash + 1, &end)))
				goto bad;
			if (!dash)
				end = start;
		}
		if (start >= ncpus || end >= ncpus || start > end)
			goto bad;
		for (int c = start; c <= end; c++)
			mask[c] = 1;
	}
	return 0;
bad:
	kd_cmd_error(ctx, "invalid cpu specification: %s", spec);
	return -1;
}

int kd_cmd_current_cpu(struct kd_cmd_ctx *ctx)
{
	int cpu = kd_panic_cpu(ctx->s);
	return cpu >= 0 ? cpu : 0;
}

struct kd_types *kd_cmd_types(struct kd_cmd_ctx *ctx)
{
	struct kd_types *types;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (err) {
		kd_cmd_fail(ctx, err);
		return NULL;
	}
	return types;
}

/* ----------------------------------------------------------------- tasks */

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

int kd_cmd_find_tasks(struct kd_cmd_ctx *ctx, const char *arg,
		      struct kd_task_ref **ret, size_t *nret)
{
	int pid;
	uint64_t addr;
	*ret = NULL;
	*nret = 0;
	if (parse_task_arg(arg, &pid, &addr) < 0) {
		kd_cmd_error(ctx, "invalid task or pid value: %s", arg);
		return -1;
	}
	struct kd_task_ref *v;
	size_t n, found = 0;
	struct kd_error *err = kd_task_list(ctx->s, &v, &n);
	if (err) {
		kd_cmd_fail_what(ctx, "cannot read the task list", err);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((pid >= 0 && v[i].pid == pid) || (addr && v[i].task == addr))
			v[found++] = v[i];
	if (!found) {
		free(v);
		kd_cmd_error(ctx, "invalid task or pid value: %s", arg);
		return -1;
	}
	*ret = v;
	*nret = found;
	return pid >= 0 ? 1 : 0;
}

static int all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

int kd_cmd_task_number(const struct kd_task_table *tt, const char *arg,
		       const struct kd_task_info **ret)
{
	const struct kd_task_info *t;
	const char *hex = arg;
	if (all_of(arg, "0123456789")) {
		unsigned long long v = strtoull(arg, NULL, 10);
		if (v < (1u << 31) && (t = kd_task_table_pid(tt, (int)v))) {
			*ret = t;
			return KD_CMD_ARG_PID;
		}
	}
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	if (!all_of(hex, "0123456789abcdefABCDEF") || strlen(hex) > 16)
		return 0;
	uint64_t v = strtoull(hex, NULL, 16);
	if ((t = kd_task_table_addr(tt, v))) {
		*ret = t;
		return KD_CMD_ARG_TASK;
	}
	/* crash then takes a hexadecimal pid: "ps 24" shows pid 36 when
	 * there is no pid 24.  A number that names no task is an error. */
	return 0;
}

void kd_cmd_task_info_header(FILE *out, const struct kd_task_info *t)
{
	fprintf(out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  COMMAND: \"%s\"\n",
		t->pid, t->task, t->cpu, t->comm);
}

void kd_cmd_task_header(FILE *out, const struct kd_task_ref *t)
{
	fprintf(out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  COMMAND: \"%s\"\n",
		t->pid, t->task, t->cpu, t->comm);
}

/* ------------------------------------------------------------- reads */

/* Values the running command could not read (memory not in the dump or
 * not mapped) and showed as 0 or blank: counted, the first one's message
 * kept, for kd_cmd_partial_end.  One process runs one command at a time
 * (a nested one saves and restores these). */
static struct kd_cmd_partial unread;

/* 0, or -1 (the error dropped; a read fault counted). */
static int done(struct kd_error *err)
{
	if (err && kd_error_is_fault(err) && unread.n++ == 0)
		snprintf(unread.first, sizeof(unread.first), "%s",
			 err->message);
	kd_error_destroy(err);
	return err ? -1 : 0;
}

int kd_cmd_lost(struct kd_error *err)
{
	if (err && unread.n++ == 0)
		snprintf(unread.first, sizeof(unread.first), "%s",
			 err->message);
	kd_error_destroy(err);
	return err ? -1 : 0;
}

void kd_cmd_partial_begin(struct kd_cmd_partial *saved)
{
	*saved = unread;
	unread.n = 0;
	unread.first[0] = '\0';
}

int kd_cmd_partial_end(struct kd_cmd_ctx *ctx,
		       const struct kd_cmd_partial *saved, int rc)
{
	if (unread.n)
		rc = kd_cmd_error(ctx, "the output is partial: %u read%s "
				  "failed, shown as 0, blank, none or invalid "
				  "(the first: %s)", unread.n,
				  unread.n == 1 ? "" : "s", unread.first);
	unread = *saved;
	return rc;
}

int kd_cmd_ptr(struct kd_session *s, uint64_t base, uint64_t off,
	       uint64_t *v)
{
	*v = 0;
	return done(kd_field_ptr(s, base, off, v));
}

int kd_cmd_u32(struct kd_session *s, uint64_t base, uint64_t off,
	       uint32_t *v)
{
	*v = 0;
	if (done(kd_field_u32(s, base, off, v)) < 0) {
		*v = 0;
		return -1;
	}
	return 0;
}

int kd_cmd_u64(struct kd_session *s, uint64_t base, uint64_t off,
	       uint64_t *v)
{
	*v = 0;
	if (done(kd_field_u64(s, base, off, v)) < 0) {
		*v = 0;
		return -1;
	}
	return 0;
}

void kd_cmd_str(struct kd_session *s, uint64_t base, uint64_t off,
		char *buf, size_t size)
{
	if (done(kd_field_string(s, base, off, buf, size)) < 0 && size)
		buf[0] = '\0';
}

void kd_cmd_str_at(struct kd_session *s, uint64_t base, uint64_t off,
		   char *buf, size_t size)
{
	if (done(kd_field_string_at(s, base, off, buf, size)) < 0 && size)
		buf[0] = '\0';
}

/* ---------------------------------------------------- crash's printing */

const char *kd_cmd_symbol_name(struct kd_session *s, uint64_t addr,
			       char *buf, size_t size, int exact)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol sym;
	const char *name;
	uint64_t off;
	if (!st || !addr)
		return NULL;
	if (kd_symtab_by_addr(st, addr, &sym, &off))
		name = sym.name;
	else if (!kd_ksym_lookup_addr(s, addr, &name, &off, NULL))
		return NULL;
	if (exact && off)
		return NULL;
	if (off)
		snprintf(buf, size, "%s+%" PRIu64, name, off);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

int kd_cmd_symbol_at(const struct kd_symtab *st, uint64_t addr,
		     struct kd_symbol *sym, uint64_t *offset)
{
	if (!st || !kd_symtab_by_addr(st, addr, sym, offset))
		return 0;
	struct kd_symbol next;
	while (*offset && kd_symtab_get(st, sym->index + 1, &next) &&
	       next.value == sym->value)
		*sym = next;
	return 1;
}

char *kd_cmd_just(char *buf, size_t size, const char *text, int width,
		  unsigned flags)
{
	int len = (int)strlen(text), extra = width - len, left = 0;
	if (extra > 0 && (flags & KD_JUST_CENTER))
		left = extra % 2 && (flags & KD_JUST_RIGHT) ? extra / 2 + 1 :
							      extra / 2;
	else if (extra > 0 && (flags & KD_JUST_RIGHT))
		left = extra;
	if (extra < 0)
		extra = 0;
	snprintf(buf, size, "%*s%s%*s", left, "", text, extra - left, "");
	return buf;
}

char *kd_cmd_pages_to_size(uint64_t pages, uint64_t page_size, char *buf,
			   size_t size)
{
	const double kb = 1024.0, mb = kb * 1024, gb = mb * 1024;
	double total = (double)pages * (double)page_size;
	if (!pages)
		snprintf(buf, size, "0");
	else if (total >= gb)
		snprintf(buf, size, "%.1f GB", total / gb);
	else if (total >= mb)
		snprintf(buf, size, "%.1f MB", total / mb);
	else
		snprintf(buf, size, "%lu KB", (unsigned long)(total / kb));
	/* crash drops a ".0": "6.0 MB" is printed "6 MB" */
	char *p = strstr(buf, ".0 ");
	if (p)
		memmove(p, p + 2, strlen(p + 2) + 1);
	return buf;
}

char *kd_cmd_ctime_tz(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) ||
	    !strftime(buf, size, "%a %b %e %T %Z %Y", &tm))
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

char *kd_cmd_convert_time(uint64_t jiffies, int hz, char *buf, size_t size)
{
	if (!hz) {
		snprintf(buf, size, "(cannot calculate: unknown HZ value)");
		return buf;
	}
	uint64_t total = jiffies / (uint64_t)hz;
	uint64_t days = total / 86400;
	total %= 86400;
	size_t n = 0;
	buf[0] = '\0';
	if (days)
		n = (size_t)snprintf(buf, size, "%llu days, ",
				     (unsigned long long)days);
	if (n < size)
		snprintf(buf + n, size - n, "%02llu:%02llu:%02llu",
			 (unsigned long long)(total / 3600),
			 (unsigned long long)(total % 3600 / 60),
			 (unsigned long long)(total % 60));
	return buf;
}

/* ---------------------------------------------------------------- ptype */

struct layout {
	FILE *out;
	const struct kd_def_opts *o;
	struct kd_type *top;	/* the type printed */
	int width;	/* of the "  [offset]" column: strlen(SIZE) + 4 */
	int printed;	/* member lines printed (for o->member) */
};

/* crash shows the offset it finds by looking the member's name up in
 * the outer type (through anonymous members): members of a named
 * member of anonymous type ("} d_u;") get none unless their name is
 * reachable that way too. */
static int wanted(const struct kd_def_opts *o, const char *name)
{
	for (size_t i = 0; name && i < o->nmembers; i++)
		if (!strcmp(o->members[i], name))
			return 1;
	return 0;
}

static int64_t lookup_offset(struct layout *l, const char *name)
{
	struct kd_member m;
	if (!name)
		return -1;
	struct kd_error *err = kd_type_find_member(l->top, name, &m);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	return (int64_t)(m.bit_offset / 8);
}

/* crash's show_member_offset: "  [offset]" (or "  [address]" with an
 * address) right-aligned in the column, then gdb's indentation. */
static void lead(struct layout *l, int level, int64_t off)
{
	const struct kd_def_opts *o = l->o;
	if (!o->offsets) {
		fprintf(l->out, "%*s", 4 * (level + 1), "");
		return;
	}
	char col[48] = "";
	if (off >= 0 && o->has_vaddr)
		snprintf(col, sizeof(col), "  [%" PRIx64 "]", o->vaddr + (uint64_t)off);
	else if (off >= 0)
		snprintf(col, sizeof(col), o->hex ? "  [0x%" PRIx64 "]" :
			 "  [%" PRIu64 "]", (uint64_t)off);
	fprintf(l->out, "%*s %*s", l->width, col, 4 * level, "");
}

static int is_anonymous_aggregate(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_QUAL);
	enum kd_type_kind k = kd_type_kind(t);
	return (k == KD_TYPE_STRUCT || k == KD_TYPE_UNION) && !kd_type_name(t);
}

static struct kd_error *print_members(struct layout *l, struct kd_type *t,
				      uint64_t base, int level);

/* gdb spells an anonymous enum out: "enum {A, B} name". */
static struct kd_error *member_decl(const struct kd_member *m, char **ret)
{
	struct kd_type *st = kd_type_strip(m->type, KD_STRIP_QUAL);
	const struct kd_enumerator *e;
	size_t n;
	if (kd_type_kind(st) != KD_TYPE_ENUM || kd_type_name(st))
		return kd_type_format(m->type, m->name, ret);
	struct kd_error *err = kd_type_enumerators(st, &e, &n);
	if (err)
		return err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return &kd_error_nomem;
	fputs("enum {", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", e[i].name);
	fprintf(f, "} %s", m->name ? m->name : "");
	fclose(f);
	*ret = buf;
	return buf ? NULL : &kd_error_nomem;
}

/* With a member filter, crash prints only the line naming that member
 * (with its offset); for a top-level named member of anonymous type it
 * prints the opening "struct {" indented past the column, then the
 * "} name;" line (its show_member_offset end_of_block case). */
static struct kd_error *print_anonymous(struct layout *l,
					const struct kd_member *m,
					uint64_t off, int level)
{
	struct kd_type *st = kd_type_strip(m->type, KD_STRIP_QUAL);
	const char *kw = kd_type_kind(st) == KD_TYPE_UNION ? "union" : "struct";
	if (l->o->nmembers) {
		struct kd_error *err = print_members(l, st, off, level + 1);
		if (err || !wanted(l->o, m->name))
			return err;
		int64_t moff = lookup_offset(l, m->name);
		if (moff < 0)
			return NULL;
		if (level == 0)
			fprintf(l->out, "%*s%s {\n", l->width + 1, "", kw);
		lead(l, level, moff);
		fprintf(l->out, "} %s;\n", m->name);
		l->printed++;
		return NULL;
	}
	lead(l, level, -1);
	fprintf(l->out, "%s {\n", kw);
	struct kd_error *err = print_members(l, st, off, level + 1);
	if (err)
		return err;
	lead(l, level, lookup_offset(l, m->name));
	fprintf(l->out, "}%s%s;\n", m->name ? " " : "",
		m->name ? m->name : "");
	return NULL;
}

/* An unnamed member of a named struct or union type (C11 with
 * -fms-extensions, which the kernel builds with since 6.18: struct slab
 * holds "struct freelist_counters;"): its members are the outer type's,
 * as an anonymous struct's are. */
static int is_unnamed_tagged_aggregate(const struct kd_member *m)
{
	struct kd_type *t = kd_type_strip(m->type, KD_STRIP_QUAL);
	enum kd_type_kind k = kd_type_kind(t);
	return !m->name && (k == KD_TYPE_STRUCT || k == KD_TYPE_UNION) &&
	       kd_type_name(t);
}

static struct kd_error *print_member(struct layout *l, const struct kd_member *m,
				     uint64_t base, int level)
{
	uint64_t off = base + m->bit_offset;
	if (is_anonymous_aggregate(m->type))
		return print_anonymous(l, m, off, level);
	if (is_unnamed_tagged_aggregate(m)) {
		/* a member filter looks inside it; the whole type shows
		 * the line with its offset, as gdb's ptype does */
		if (l->o->nmembers)
			return print_members(l, kd_type_strip(m->type,
							      KD_STRIP_ALL),
					     off, level + 1);
		char *decl;
		struct kd_error *err = kd_type_format(m->type, NULL, &decl);
		if (err)
			return err;
		lead(l, level, (int64_t)(off / 8));
		fprintf(l->out, "%s;\n", decl);
		free(decl);
		l->printed++;
		return NULL;
	}
	int64_t moff = lookup_offset(l, m->name);
	if (l->o->nmembers && (!wanted(l->o, m->name) || moff < 0))
		return NULL;
	char *decl;
	struct kd_error *err = member_decl(m, &decl);
	if (err)
		return err;
	lead(l, level, moff);
	if (m->bit_size)
		fprintf(l->out, "%s : %u;\n", decl, m->bit_size);
	else
		fprintf(l->out, "%s;\n", decl);
	free(decl);
	l->printed++;
	return NULL;
}

static struct kd_error *print_members(struct layout *l, struct kd_type *t,
				      uint64_t base, int level)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	for (size_t i = 0; !err && i < n; i++)
		err = print_member(l, &m[i], base, level);
	return err;
}

static struct kd_error *print_enum(FILE *out, struct kd_type *t)
{
	const struct kd_enumerator *e;
	size_t n;
	struct kd_error *err = kd_type_enumerators(t, &e, &n);
	if (err)
		return err;
	fprintf(out, "enum %s {\n", kd_type_name(t) ? kd_type_name(t) : "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %s = %" PRId64 "\n", e[i].name, e[i].value);
	fprintf(out, "};\n");
	return NULL;
}

static void print_size(FILE *out, struct kd_type *t, int hex)
{
	fprintf(out, hex ? "SIZE: 0x%" PRIx64 "\n" : "SIZE: %" PRIu64 "\n",
		kd_type_size(t));
}

struct kd_error *kd_cmd_print_definition(FILE *out, struct kd_type *t,
					 int offsets)
{
	struct kd_def_opts o = { .offsets = offsets };
	return kd_cmd_print_definition_opts(out, t, &o);
}

struct kd_error *kd_cmd_print_definition_opts(FILE *out, struct kd_type *t,
					      const struct kd_def_opts *o)
{
	const char *tdname = NULL;
	if (kd_type_kind(t) == KD_TYPE_TYPEDEF) {
		tdname = kd_type_name(t);
		t = kd_type_strip(t, KD_STRIP_TYPEDEF);
	}
	enum kd_type_kind k = kd_type_kind(t);
	if (k == KD_TYPE_ENUM && !tdname)
		return print_enum(out, t);
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION) {
		if (tdname) {
			char *decl;
			struct kd_error *err = kd_type_format(t, tdname, &decl);
			if (err)
				return err;
			fprintf(out, "typedef %s;\n", decl);
			free(decl);
		}
		print_size(out, t, o->hex);
		return NULL;
	}
	char sz[32];
	struct kd_def_opts oo = *o;
	if (oo.nmembers || oo.has_vaddr)
		oo.offsets = 1;
	struct layout l = { .out = out, .o = &oo, .top = t,
			    .width = snprintf(sz, sizeof(sz), o->hex ?
					      "0x%" PRIx64 : "%" PRIu64,
					      kd_type_size(t)) + 4 };
	const char *kw = k == KD_TYPE_UNION ? "union" : "struct";
	const char *name = kd_type_name(t);
	fprintf(out, "%s%s%s%s {\n", tdname ? "typedef " : "", kw,
		name ? " " : "", name ? name : "");
	struct kd_error *err = print_members(&l, t, 0, 0);
	if (err)
		return err;
	if (tdname)
		fprintf(out, "} %s;\n", tdname);
	else	/* crash prints a plain struct's "}" without ';' */
		fprintf(out, "}\n");
	if (!o->nmembers)
		print_size(out, t, o->hex);
	return NULL;
}

/* ------------------------------------------------- list and tree: -s */

/* 1 when name is the last member of the (possibly anonymous) struct or
 * union holding it inside t; 0 when not last; -1 when not found here. */
static int last_in(struct kd_type *t, const char *name)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].name && !strcmp(m[i].name, name))
			return i + 1 == n;
		if (!m[i].name) {
			int r = last_in(kd_type_strip(m[i].type, KD_STRIP_ALL),
					name);
			if (r >= 0)
				return r;
		}
	}
	return -1;
}

static int member_is_last(struct kd_reader *r, const char *path)
{
	const char *dot = strrchr(path, '.');
	struct kd_type *container = kd_reader_type(r);
	if (dot) {
		char *prefix = strndup(path, (size_t)(dot - path));
		const struct kd_rmember *pm;
		struct kd_error *err = prefix ? kd_reader_member(r, prefix, &pm)
					      : &kd_error_nomem;
		free(prefix);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		container = kd_type_strip(pm->type, KD_STRIP_ALL);
		if (kd_type_kind(container) == KD_TYPE_POINTER)
			container = kd_type_strip(kd_type_target(container),
						  KD_STRIP_ALL);
	}
	return last_in(container, dot ? dot + 1 : path) == 1;
}

/* A member crash cannot show (unknown, or through a pointer) is kept
 * with m NULL: list reports it at each entry, tree refuses it. */
static int add_member(struct kd_cmd_ctx *ctx, struct kd_show_spec *spec,
		      const char *path)
{
	struct kd_show_member *sm = &spec->members[spec->nmembers];
	if (spec->nmembers == KD_SHOW_MAX_MEMBERS) {
		kd_cmd_error(ctx, "too many members");
		return -1;
	}
	sm->path = strdup(path);
	if (!sm->path)
		return -1;
	spec->nmembers++;
	struct kd_error *err = kd_reader_member(spec->reader, path, &sm->m);
	if (err || sm->m->nhops) {
		kd_error_destroy(err);
		sm->m = NULL;
		return 0;
	}
	sm->last = member_is_last(spec->reader, path);
	return 0;
}

/* "task_struct" -> the reader; tries struct then union like crash. */
static int find_reader(struct kd_cmd_ctx *ctx, struct kd_show_spec *spec,
		       const char *name, int quiet)
{
	static const char *const tags[] = { "struct ", "union ", "" };
	for (size_t i = 0; i < KD_ARRAY_SIZE(tags); i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s%s", tags[i], name);
		struct kd_error *err = kd_reader_get(ctx->s, full,
						     &spec->reader);
		if (!err) {
			spec->type = kd_reader_type(spec->reader);
			spec->type_name = strdup(kd_reader_name(spec->reader));
			return spec->type_name ? 0 : -1;
		}
		kd_error_destroy(err);
	}
	if (!quiet)
		spec->bad_struct = strdup(name);
	return -1;
}

int kd_show_parse(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_show_spec *ret)
{
	memset(ret, 0, sizeof(*ret));
	char *copy = strdup(arg);
	if (!copy)
		return -1;
	char *dot = strchr(copy, '.');
	if (dot)
		*dot = '\0';
	int rc = find_reader(ctx, ret, copy, 0);
	if (rc && ret->bad_struct) {
		free(copy);
		return 0;	/* reported when printing, as crash does */
	}
	char *save = NULL;
	for (char *tok = dot ? strtok_r(dot + 1, ",", &save) : NULL;
	     tok && rc == 0; tok = strtok_r(NULL, ",", &save))
		rc = add_member(ctx, ret, tok);
	free(copy);
	if (rc)
		kd_show_free(ret);
	return rc;
}

void kd_show_free(struct kd_show_spec *spec)
{
	for (size_t i = 0; i < spec->nmembers; i++)
		free(spec->members[i].path);
	free(spec->type_name);
	free(spec->bad_struct);
	memset(spec, 0, sizeof(*spec));
}

static void show_bitfield(struct kd_cmd_ctx *ctx, const struct kd_rmember *m,
			   uint64_t addr, unsigned vf_flags)
{
	struct kd_value v;
	struct kd_error *err = kd_member_read(ctx->s, m, addr, &v);
	if (err) {
		fprintf(ctx->out, "<error: %s>", err->message);
		kd_error_destroy(err);
	} else if (vf_flags & KD_VF_HEX) {
		fprintf(ctx->out, "0x%" PRIx64, m->is_signed ? v.u & m->mask
							     : v.u);
	} else if (m->is_signed) {
		fprintf(ctx->out, "%" PRId64, v.i);
	} else {
		fprintf(ctx->out, "%" PRIu64, v.u);
	}
}

static int show_member(struct kd_cmd_ctx *ctx, const struct kd_show_member *sm,
			uint64_t addr, unsigned vf_flags)
{
	uint64_t maddr;
	if (!sm->m) {
		kd_cmd_error(ctx, "invalid data structure member reference: %s",
			     sm->path);
		return 0;
	}
	struct kd_error *err = kd_member_addr(ctx->s, sm->m, addr, &maddr);
	fprintf(ctx->out, "  %s = ", sm->path);
	if (!err && sm->m->kind == KD_RK_BITFIELD)
		show_bitfield(ctx, sm->m, addr, vf_flags);
	else if (!err)
		err = kd_value_format(ctx->s, sm->m->type, maddr, NULL,
				      vf_flags, 1, ctx->out);
	if (err) {
		fprintf(ctx->out, "<error: %s>\n", err->message);
		kd_error_destroy(err);
		return -1;
	}
	fputs(sm->last ? "\n" : ",\n", ctx->out);
	return 0;
}

int kd_show_check(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec)
{
	if (spec->bad_struct) {
		kd_cmd_error(ctx, "invalid structure name: %s",
			     spec->bad_struct);
		return -1;
	}
	for (size_t i = 0; i < spec->nmembers; i++) {
		if (spec->members[i].m)
			continue;
		const char *sp = strchr(spec->type_name, ' ');
		kd_cmd_error(ctx, "Can't get offset of '%s.%s'",
			     sp ? sp + 1 : spec->type_name,
			     spec->members[i].path);
		return -1;
	}
	return 0;
}

int kd_show_print(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec,
		  uint64_t addr, unsigned vf_flags)
{
	if (spec->bad_struct) {
		kd_cmd_error(ctx, "invalid structure name: %s",
			     spec->bad_struct);
		return -1;
	}
	if (spec->nmembers == 0) {
		fprintf(ctx->out, "%s ", spec->type_name);
		struct kd_error *err = kd_value_format(ctx->s, spec->type,
						       addr, NULL, vf_flags,
						       0, ctx->out);
		if (err) {
			fprintf(ctx->out, "<error: %s>\n", err->message);
			kd_error_destroy(err);
			return -1;
		}
		fputc('\n', ctx->out);
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; i < spec->nmembers; i++)
		rc |= show_member(ctx, &spec->members[i], addr, vf_flags);
	return rc;
}

static int parse_hex(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	char *end;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!isxdigit((unsigned char)*p))
		return 0;
	*ret = strtoull(p, &end, 16);
	return *end == '\0';
}

int kd_show_parse_addr(struct kd_cmd_ctx *ctx, const char *arg,
		       uint64_t *ret)
{
	if (parse_hex(arg, ret))
		return 1;
	return kd_symbol_try_addr(ctx->s, arg, ret);
}

int kd_show_parse_offset(struct kd_cmd_ctx *ctx, const char *arg,
			 uint64_t *ret)
{
	char *end;
	if (isdigit((unsigned char)*arg)) {
		*ret = strtoull(arg, &end, 0);
		if (*end == '\0')
			return 0;
	}
	const char *dot = strchr(arg, '.');
	if (dot) {
		struct kd_show_spec spec;
		char *type = strndup(arg, (size_t)(dot - arg));
		int rc = type ? find_reader(ctx, &spec, type, 1) : -1;
		free(type);
		if (rc == 0) {
			const struct kd_rmember *m;
			struct kd_error *err = kd_reader_member(spec.reader,
								dot + 1, &m);
			free(spec.type_name);
			if (!err && !m->nhops) {
				*ret = m->offset;
				return 0;
			}
			kd_error_destroy(err);
		}
	}
	kd_cmd_error(ctx, "invalid offset: %s", arg);
	return -1;
}

int kd_cmd_symbol_not_found(struct kd_cmd_ctx *ctx, const char *name)
{
	/* crash prints it as its answer; it is an error: on the error
	 * stream, after the output so far */
	fflush(ctx->out);
	FILE *out = kd_cmd_errfile(ctx);
	char cmd[600], *buf = NULL;
	size_t size = 0;
	kd_cmd_error_bare(ctx, "symbol not found: %s", name);
	fprintf(out, "possible alternatives:\n");
	FILE *mem = open_memstream(&buf, &size);
	snprintf(cmd, sizeof(cmd), "sym -q %s", name);
	if (mem) {
		kd_command_exec(ctx->s, cmd, mem, mem);
		fclose(mem);
	}
	int any = 0;
	for (char *p = buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		fprintf(out, "  %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		any = 1;
	}
	free(buf);
	if (!any)
		fprintf(out, "  (none found)\n");
	return 1;
}
