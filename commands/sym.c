// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sym [-l] [-m module] [-q string] [symbol | vaddr] ...   (crash's sym)
 *
 *   sym NAME      every symbol of that name: "ADDR (T) NAME", text ones
 *                 followed by their source file and line from the DWARF
 *                 line tables (" path: line")
 *   sym VADDR     the symbol at or below it: "VADDR (T) NAME+OFF" (+line)
 *   sym -l        every symbol in address order (per-CPU ones first),
 *                 then each module's (by base address) between
 *                 "ADDR MODULE START: name" and "ADDR MODULE END: name"
 *   sym -m NAME   that module's part of sym -l
 *   sym -q STR    every symbol whose name contains STR, module ones
 *                 followed by " [module]"
 * Addresses print as "%lx" (per-CPU offsets are small numbers).  Module
 * symbols come from the modules' kallsyms (ksyms.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/dlkm.h>
#include <pykdump/ksyms.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/unwind.h>

#include "cmd_util.h"


extern const struct kd_command kd_cmd_sym;

/* Whether a symbol name contains what -q (or a name not found) asks for,
 * its length measured once: strstr measured it again for each of the
 * ~100,000 symbols, so that a 64,000-character name took seconds (ten
 * on the sanitized build).  A name shorter than it cannot contain it. */
struct needle {
	const char *s;
	size_t len;
};

static struct needle needle_of(const char *s)
{
	return (struct needle){ s, s ? strlen(s) : 0 };
}

static int contains(const char *name, const struct needle *nd)
{
	size_t len = strlen(name);
	return len >= nd->len && memmem(name, len, nd->s, nd->len);
}

static int is_text(const struct kd_symbol *sym)
{
	return sym->type == 'T' || sym->type == 't' ||
	       ((sym->type == 'W' || sym->type == 'w') &&
		(sym->flags & KD_SYM_FUNC));
}

static void show(struct kd_cmd_ctx *ctx, const struct kd_symbol *sym,
		 uint64_t off, int lines)
{
	fprintf(ctx->out, "%" PRIx64 " (%c) %s", sym->value + off, sym->type,
		sym->name);
	if (off)
		fprintf(ctx->out, "+%" PRIu64, off);
	char file[1024];
	int line;
	if (lines && is_text(sym) && !(sym->flags & KD_SYM_PERCPU) &&
	    kd_unwind_srcline(ctx->s, sym->value + off, file, sizeof(file),
			      &line))
		fprintf(ctx->out, " %s: %d", file, line);
	fputc('\n', ctx->out);
}

static void show_module(struct kd_cmd_ctx *ctx, const struct kd_ksym *ks,
			uint64_t off)
{
	fprintf(ctx->out, "%" PRIx64 " (%c) %s", ks->value + off, ks->type,
		ks->name);
	if (off)
		fprintf(ctx->out, "+%" PRIu64, off);
	fprintf(ctx->out, " [%s] ", ks->module);
	char file[1024];
	int line;
	if ((ks->type == 't' || ks->type == 'T') &&
	    kd_unwind_srcline(ctx->s, ks->value + off, file, sizeof(file),
			      &line))
		fprintf(ctx->out, "%s: %d", file, line);
	fputc('\n', ctx->out);
}

struct mod_ref {
	size_t index;
	struct kd_module_info info;
};

static int by_base(const void *a, const void *b)
{
	const struct mod_ref *x = a, *y = b;
	return (x->info.base > y->info.base) - (x->info.base < y->info.base);
}

/* The modules in crash's order (by base address); NULL when none. */
static struct mod_ref *modules_by_base(struct kd_session *s, size_t *n)
{
	struct kd_error *err = kd_modules_count(s, n);
	struct mod_ref *m = NULL;
	if (!err && *n && !(m = calloc(*n, sizeof(*m))))
		err = &kd_error_nomem;
	for (size_t i = 0; !err && i < *n; i++) {
		m[i].index = i;
		err = kd_modules_get(s, i, &m[i].info);
	}
	if (err) {	/* no module list: vmlinux symbols only */
		kd_error_destroy(err);
		free(m);
		*n = 0;
		return NULL;
	}
	kd_qsort(m, *n, sizeof(*m), by_base);
	return m;
}

/* One module's symbols: all of them framed by MODULE START / END lines,
 * or (substr) those whose name contains it, tagged with the module.  A
 * module whose kallsyms could not be read is a partial answer: said on
 * the error stream and in the problem log, *bad set. */
/* A 6.4+ region symbol ("_MODULE_RO_AFTER_INIT_END_dummy", type 'm') as
 * crash lists it: "ADDR MODULE RO_AFTER_INIT END: dummy", an end at the
 * byte past the region.  0 when ks is none. */
static int region_line(struct kd_cmd_ctx *ctx, const struct kd_ksym *ks,
		       const char *module)
{
	const char *p = ks->name;
	size_t ml = strlen(module), pl = strlen(p);
	if (ks->type != 'm' || strncmp(p, "_MODULE_", 8) || pl < 8 + ml + 1 ||
	    strcmp(p + pl - ml, module) || p[pl - ml - 1] != '_')
		return 0;
	/* "TEXT_START", "RO_AFTER_INIT_END" ... between the two */
	int len = (int)(pl - ml - 1 - 8);
	const char *tag = p + 8;
	int end = len > 4 && !strncmp(tag + len - 4, "_END", 4);
	int tl = len - (end ? 4 : 6);
	if (tl <= 0)
		return 0;
	fprintf(ctx->out, "%" PRIx64 " MODULE %.*s %s: %s\n",
		ks->value + (end ? 1 : 0), tl, tag, end ? "END" : "START",
		module);
	return 1;
}

static size_t list_module(struct kd_cmd_ctx *ctx, const struct mod_ref *m,
			  const char *substr, int *bad)
{
	size_t shown = 0;
	const char *name = m->info.name;
	struct kd_ksym ks;
	size_t n = kd_ksym_module_count(ctx->s, m->index);
	/* 6.4+: its regions frame their symbols (region symbols); before,
	 * the module as a whole */
	int regions = n && kd_ksym_module_get(ctx->s, m->index, 0, &ks) &&
		      ks.type == 'm';
	if (!substr && !regions)
		fprintf(ctx->out, "%" PRIx64 " MODULE START: %s\n",
			m->info.base, name);
	struct needle nd = needle_of(substr);
	for (size_t i = 0; i < n; i++) {
		if (!kd_ksym_module_get(ctx->s, m->index, i, &ks))
			continue;
		if (ks.type == 'm') {	/* crash's -q does not find them */
			if (!substr)
				region_line(ctx, &ks, name);
			continue;
		}
		if (substr && !contains(ks.name, &nd))
			continue;
		fprintf(ctx->out, "%" PRIx64 " (%c) %s", ks.value, ks.type,
			ks.name);
		fprintf(ctx->out, substr ? " [%s]\n" : "\n", name);
		shown++;
	}
	if (!substr && !regions)
		fprintf(ctx->out, "%" PRIx64 " MODULE END: %s\n",
			m->info.base + m->info.size, name);
	if (m->info.symbols_note) {
		kd_cmd_error(ctx, "%s: symbols missing: %s", name,
			     m->info.symbols_note);
		*bad = 1;
	}
	return shown;
}

/* only: one module's listing (sym -m), nothing when there is none.
 * Returns the number of symbols shown. */
static size_t list_modules(struct kd_cmd_ctx *ctx, const char *substr,
			   const char *only, int *bad)
{
	size_t n, want = 0, shown = 0;
	if (only) {
		struct kd_error *err = kd_modules_find(ctx->s, only, &want);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
	}
	struct mod_ref *m = modules_by_base(ctx->s, &n);
	for (size_t i = 0; i < n; i++) {
		struct kd_error *err = kd_cancel_check();
		if (err) {
			kd_cmd_fail(ctx, err);
			break;
		}
		if (!only || m[i].index == want)
			shown += list_module(ctx, &m[i], substr, bad);
	}
	free(m);
	return shown;
}

/* 1 when a module's symbols are missing from the list */
static int list_all(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		    const char *substr)
{
	int bad = 0;
	struct kd_symbol sym;
	size_t shown = 0;
	struct needle nd = needle_of(substr);
	for (size_t i = 0; kd_symtab_get(st, i, &sym); i++)
		if (!substr || contains(sym.name, &nd)) {
			show(ctx, &sym, 0, 0);
			shown++;
		}
	shown += list_modules(ctx, substr, NULL, &bad);
	if (substr && !shown)
		fprintf(ctx->out, "(none found)\n");
	return bad;
}

static int by_name(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		   const char *name)
{
	/* every symbol of the name, as crash (5.10 has 106 get_order) */
	struct kd_symbol *syms;
	size_t n;
	struct kd_error *err = kd_symtab_lookup_every(st, name, &syms, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	for (size_t i = 0; i < n; i++)
		show(ctx, &syms[i], 0, 1);
	free(syms);
	if (n)
		return 0;
	struct kd_ksym ks;
	err = kd_ksym_by_name(ctx->s, name, &ks);
	if (!err) {
		show_module(ctx, &ks, 0);
		return 0;
	}
	kd_error_destroy(err);
	/* crash's answer, but it is an error: on the error stream, the
	 * alternatives too (they are no answer to the question asked) */
	struct kd_cmd_ctx ectx = *ctx;
	ectx.out = kd_cmd_errfile(ctx);
	fflush(ctx->out);
	kd_cmd_error_bare(ctx, "symbol not found: %s", name);
	fprintf(ectx.out, "possible alternatives:\n");
	struct kd_symbol sym;
	size_t found = 0;
	struct needle nd = needle_of(name);
	for (size_t i = 0; kd_symtab_get(st, i, &sym); i++)
		if (contains(sym.name, &nd)) {
			fputs("  ", ectx.out);
			show(&ectx, &sym, 0, 0);
			found++;
		}
	if (!found)
		fprintf(ectx.out, "  (none found)\n");
	return 1;
}

static int by_addr(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		   const char *arg, uint64_t addr)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_ksym ks;
	if (!kd_cmd_symbol_at(st, addr, &sym, &off)) {
		if (kd_ksym_by_addr(ctx->s, addr, &ks, &off) && ks.module) {
			show_module(ctx, &ks, off);
			return 0;
		}
		kd_cmd_error(ctx, "invalid address: %s", arg);
		return 1;
	}
	show(ctx, &sym, off, 1);
	return 0;
}

int kd_cmd_show_symbol(struct kd_cmd_ctx *ctx, uint64_t addr)
{
	struct kd_symtab *st = kd_session_symtab(ctx->s);
	struct kd_symbol sym;
	struct kd_ksym ks;
	uint64_t off;
	if (st && kd_cmd_symbol_at(st, addr, &sym, &off)) {
		show(ctx, &sym, off, 1);
		return 1;
	}
	if (kd_ksym_by_addr(ctx->s, addr, &ks, &off) && ks.module) {
		show_module(ctx, &ks, off);
		return 1;
	}
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct kd_symtab *st = kd_session_symtab(ctx->s);
	int c, rc = 0;
	if (!st) {
		kd_cmd_error(ctx, "no symbols (no vmlinux)");
		return 1;
	}
	opterr = 0;	/* the error below, on the command's error stream */
	while ((c = getopt(argc, argv, "lm:q:")) != -1) {
		switch (c) {
		case 'l':
			return list_all(ctx, st, NULL);
		case 'm': {
			/* crash prints nothing for a module that is not
			 * loaded: an error here, not an empty answer */
			size_t i;
			struct kd_error *err = kd_modules_find(ctx->s, optarg,
							       &i);
			if (err)
				return kd_cmd_fail(ctx, err);
			int bad = 0;
			list_modules(ctx, NULL, optarg, &bad);
			return bad;
		}
		case 'q':
			return list_all(ctx, st, optarg);
		default:
			fflush(ctx->out);
			fprintf(kd_cmd_errfile(ctx), "sym: invalid option -- "
				"'%c'\nUsage: %s\n", optopt ? optopt : c,
				kd_cmd_sym.usage);
			return 1;
		}
	}
	for (int i = optind; i < argc; i++) {
		uint64_t addr;
		struct kd_symbol sym;
		struct kd_ksym ks;
		struct kd_error *err = kd_symtab_lookup(st, argv[i], &sym);
		if (err) {
			kd_error_destroy(err);
			err = kd_ksym_by_name(ctx->s, argv[i], &ks);
		}
		int is_name = !err;
		kd_error_destroy(err);
		if (!is_name && kd_cmd_parse_hex(argv[i], &addr))
			rc |= by_addr(ctx, st, argv[i], addr);
		else
			rc |= by_name(ctx, st, argv[i]);
	}
	return rc;
}

const struct kd_command kd_cmd_sym = {
	.name = "sym",
	.summary = "translate a symbol to its virtual address, or vice-versa",
	.usage = "sym [-l] | [-m module] | [-q string] | [symbol | vaddr]...",
	.run = run,
	.needs_vmlinux = 1,
};
