// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * p [-x|-d] EXPRESSION | SYMBOL[:cpuspec]     (crash's print)
 * p/FMT EXPRESSION                             (gdb's print/FMT)
 *
 * The expression is gdb's C (include/pykdump/expr.h); its value prints
 * as gdb prints it inside crash, "$N = value", N counting the values
 * this session printed (the history $N, $, $$ refers to).  Crash's own
 * rules on top (symbols.c cmd_p, process_gdb_output):
 *   - when the first word of the expression is a symbol, the line starts
 *     with "NAME = " (crash tests only the first word: "p jiffies + 1"
 *     gets it too), and a first line holding a "{" that does not end it
 *     is broken before the "{" ("schedule = $1 = \n {void (void)} ...");
 *   - a per-CPU symbol alone prints its type and each CPU's address;
 *     SYMBOL:cpuspec (":" the current CPU, "a", "1,3", "0-1") prints
 *     "per_cpu(SYMBOL, CPU) = $N = value" for each CPU named;
 *   - -x / -d print integers in hex / decimal (output radix), /FMT is
 *     gdb's format letter (x d u o t z c a s).
 * Where crash goes wrong, this answers: "p -5 / 2" is an expression (crash
 * takes -5 for an option and prints its usage), and a lone "-" in
 * "p a - b" is kept (crash drops it).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/expr.h>
#include <pykdump/highlevel.h>
#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define USAGE "p [-x|-d] [expression | symbol[:cpuspec]]"

static void history_destroy(void *h)
{
	kd_value_history_destroy(h);
}

static struct kd_value_history *history(struct kd_cmd_ctx *ctx)
{
	struct kd_value_history *h = kd_session_slot(ctx->s,
						     KD_SLOT_VALUE_HISTORY);
	if (!h) {
		struct kd_error *err = kd_value_history_create(&h);
		if (err) {
			kd_cmd_fail(ctx, err);
			return NULL;
		}
		kd_session_set_slot(ctx->s, KD_SLOT_VALUE_HISTORY, h,
				    history_destroy);
	}
	return h;
}

/* A vmlinux or module symbol of that name (crash's symbol_search). */
static int is_symbol(struct kd_session *s, const char *name, uint64_t *addr)
{
	struct kd_ksym ks;
	uint64_t a;
	if (kd_symbol_try_addr(s, name, addr ? addr : &a))
		return 1;
	struct kd_error *err = kd_ksym_by_name(s, name, &ks);
	kd_error_destroy(err);
	if (!err && addr)
		*addr = ks.value;
	return !err;
}

static int is_percpu_symbol(struct kd_session *s, const char *name)
{
	struct kd_symtab *st = kd_session_symtab(s);
	struct kd_symbol sym;
	struct kd_error *err = st ? kd_symtab_lookup(st, name, &sym) : NULL;
	if (!st || err) {
		kd_error_destroy(err);
		return 0;
	}
	return (sym.flags & KD_SYM_PERCPU) != 0;
}

/*
 * "$N = text": crash breaks a first line holding a "{" that does not end
 * the line (only when it prints a leader; its process_gdb_output).
 */
static void emit(struct kd_cmd_ctx *ctx, const char *leader, unsigned num,
		 const char *text)
{
	if (*leader) {
		const char *nl = strchr(text, '\n');
		const char *brace = strchr(text, '{');
		if (brace && (!nl || brace < nl) && brace[1] != '\n') {
			fprintf(ctx->out, "%s$%u = %.*s\n {%s\n", leader, num,
				(int)(brace - text), text, brace + 1);
			return;
		}
	}
	fprintf(ctx->out, "%s$%u = %s\n", leader, num, text);
}

/* Prints v (already evaluated) after leader and records it as $N. */
static int print_value(struct kd_cmd_ctx *ctx, const char *leader,
		       struct kd_value *v, unsigned vflags)
{
	struct kd_value_history *h = history(ctx);
	char *text = NULL;
	size_t len = 0;
	unsigned num;
	if (!h)
		return 1;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return kd_cmd_error(ctx, "out of memory");
	struct kd_error *err = kd_value_format(ctx->s, v->type, v->addr,
					       (v->flags & KD_VALUE_BYTES) ?
					       v->bytes : NULL,
					       vflags | KD_VF_TOPLEVEL, 0, mem);
	fclose(mem);
	if (!err)
		err = kd_value_history_add(h, v, &num);
	if (err) {
		free(text);
		return kd_cmd_fail(ctx, err);
	}
	emit(ctx, leader, num, text);
	free(text);
	return 0;
}

static int eval_print(struct kd_cmd_ctx *ctx, const char *leader,
		      const char *expr, unsigned vflags)
{
	struct kd_expr_options opts = { .history = history(ctx) };
	struct kd_value v;
	if (!opts.history)
		return 1;
	struct kd_error *err = kd_expr_eval(ctx->s, expr, &opts, &v);
	if (err)
		return kd_cmd_fail(ctx, err);
	int rc = print_value(ctx, leader, &v, vflags);
	kd_value_release(&v);
	return rc;
}

/* ---- per-CPU symbols ---- */

static int percpu_addresses(struct kd_cmd_ctx *ctx, const char *name,
			    uint64_t off)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_types *types = kd_cmd_types(ctx);
	struct kd_variable var;
	char *decl = NULL;
	if (!types)
		return 1;
	struct kd_error *err = kd_types_find_variable(types, name, &var);
	if (!err)
		err = kd_type_format(var.type, name, &decl);
	if (err) {
		kd_error_destroy(err);
		decl = NULL;
	}
	fprintf(ctx->out, "PER-CPU DATA TYPE:\n  ");
	if (decl)
		fprintf(ctx->out, "%s;\n", decl);
	else
		fprintf(ctx->out, "[undetermined type] %s;\n", name);
	free(decl);
	fprintf(ctx->out, "PER-CPU ADDRESSES:\n");
	if ((err = kd_percpu_offsets(ctx->s, &offs, &n)))
		return kd_cmd_fail(ctx, err);
	for (unsigned cpu = 0; cpu < n; cpu++)
		fprintf(ctx->out, "  [%u]: %" PRIx64 "\n", cpu, offs[cpu] + off);
	return 0;
}

static int percpu_values(struct kd_cmd_ctx *ctx, const char *name,
			 uint64_t off, const char *cpuspec, unsigned vflags)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_types *types = kd_cmd_types(ctx);
	struct kd_variable var;
	if (!types)
		return 1;
	struct kd_error *err = kd_percpu_offsets(ctx->s, &offs, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	unsigned char *mask = calloc(n ? n : 1, 1);
	if (!mask)
		return kd_cmd_error(ctx, "out of memory");
	if (!*cpuspec)
		mask[(unsigned)kd_cmd_current_cpu(ctx) < n ?
		     kd_cmd_current_cpu(ctx) : 0] = 1;
	else if (kd_cmd_cpuspec(ctx, cpuspec, (int)n, mask) < 0) {
		free(mask);
		return 1;
	}
	err = kd_types_find_variable(types, name, &var);
	struct kd_type *voidp = NULL;
	if (err) {	/* no type: crash shows each address as a void * */
		kd_error_destroy(err);
		err = kd_types_pointer_to(types, NULL, &voidp);
		if (err) {
			free(mask);
			return kd_cmd_fail(ctx, err);
		}
	}
	int rc = 0;
	for (unsigned cpu = 0; cpu < n && !rc; cpu++) {
		char leader[300];
		uint64_t a = offs[cpu] + off;
		if (!mask[cpu])
			continue;
		if (voidp) {
			struct kd_value pv = { .type = voidp,
					       .flags = KD_VALUE_BYTES,
					       .bytes = (uint8_t *)&a };
			snprintf(leader, sizeof(leader), "&per_cpu(%s, %u) = ",
				 name, cpu);
			rc = print_value(ctx, leader, &pv, vflags);
			continue;
		}
		/* the object there, as crash asks gdb for *(TYPE *)ADDR */
		struct kd_value v = { .type = var.type, .flags = KD_VALUE_LVAL,
				      .addr = a }, val;
		snprintf(leader, sizeof(leader), "per_cpu(%s, %u) = ", name, cpu);
		struct kd_error *e = kd_value_read(ctx->s, &v, &val);
		if (e) {
			rc = kd_cmd_fail(ctx, e);
			break;
		}
		rc = print_value(ctx, leader, &val, vflags);
		kd_value_release(&val);
	}
	kd_error_destroy(err);
	free(mask);
	return rc;
}

/* ---- options ---- */

struct popts {
	unsigned vflags;
	int fmt;
	int hex, dec;
};

/* crash's options are -x -d -h -u; a word such as "-5" or "-(" starts
 * the expression.  Returns the index of the first expression word, or
 * -1 after reporting a bad option. */
static int parse_options(struct kd_cmd_ctx *ctx, int argc, char **argv,
			 struct popts *o)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || !isalpha((unsigned char)a[1]))
			break;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'x' || *p == 'h')
				o->hex = 1;
			else if (*p == 'd')
				o->dec = 1;
			else if (*p == 'u')
				return kd_cmd_error(ctx, "-u (a user-space "
						    "address) is not supported"),
				       -1;
			else
				return kd_cmd_bad_option(ctx, *p), -1;
		}
	}
	if (o->hex && o->dec)
		return kd_cmd_error(ctx, "-d and -x are mutually exclusive"), -1;
	if (o->hex)
		o->vflags |= KD_VF_HEX;
	return i;
}

static int format_letter(struct kd_cmd_ctx *ctx, const char *name, int *fmt)
{
	const char *slash = strchr(name, '/');
	*fmt = 0;
	if (!slash)
		return 0;
	if (strlen(slash + 1) != 1 || !strchr("xduotzcas", slash[1]))
		return kd_cmd_error(ctx, "undefined output format \"%s\" (the "
				    "letters are x d u o t z c a s)", slash + 1);
	*fmt = slash[1];
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct popts o = { 0 };
	if (format_letter(ctx, argv[0], &o.fmt))
		return 1;
	int first = parse_options(ctx, argc, argv, &o);
	if (first < 0)
		return 1;
	if (first >= argc)
		return kd_cmd_error(ctx, "an expression is missing; usage: "
				    USAGE);
	if (o.fmt)
		o.vflags |= KD_VF_FORMAT(o.fmt);
	/* the first word decides the leader and the per-CPU forms */
	char word[256];
	snprintf(word, sizeof(word), "%s", argv[first]);
	char *colon = strrchr(word, ':');
	const char *cpuspec = NULL;
	if (colon) {
		*colon = '\0';
		cpuspec = colon + 1;
	}
	uint64_t addr;
	int sym = is_symbol(ctx->s, word, &addr);
	if (sym && is_percpu_symbol(ctx->s, word) &&
	    (cpuspec || first + 1 == argc) && !o.fmt) {
		if (!cpuspec)
			return percpu_addresses(ctx, word, addr);
		return percpu_values(ctx, word, addr, cpuspec, o.vflags);
	}
	if (cpuspec && sym)
		return kd_cmd_error(ctx, "%s is not a per-CPU symbol: no cpu "
				    "specification applies", word);
	/* gdb sees the rest of the line as one expression */
	size_t len = 1;
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *expr = calloc(1, len);
	if (!expr)
		return kd_cmd_error(ctx, "out of memory");
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(expr, " ");
		strcat(expr, argv[i]);
	}
	char leader[300] = "";
	if (sym && !o.fmt && !colon)
		snprintf(leader, sizeof(leader), "%s = ", word);
	int rc = eval_print(ctx, leader, expr, o.vflags);
	free(expr);
	return rc;
}

const struct kd_command kd_cmd_p = {
	.name = "p",
	.summary = "print the value of an expression",
	.usage =
	USAGE "\n"
	"p/FMT expression\n"
	"  Print the value of a C expression as gdb does inside crash: kernel\n"
	"  globals, casts, -> and . chains, [N], & and *, sizeof, arithmetic\n"
	"  and comparisons, {TYPE} ADDR, ARRAY@COUNT, the history $N $ $$.\n"
	"    -x  integers in hexadecimal;  -d  in decimal\n"
	"    /FMT  gdb's format letter: x d u o t z c a s\n"
	"    symbol:cpuspec  a per-CPU symbol on the CPUs named: \":\" the\n"
	"          current CPU, \"a\" all, \"1,3\", \"0-1\"\n",
	.run = run,
	.needs_vmlinux = 1,
	.takes_format = 1,
};
