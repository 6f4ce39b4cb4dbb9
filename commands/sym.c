// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sym [-l] [-q string] [symbol | vaddr] ...   (crash's sym)
 *
 *   sym NAME      every symbol of that name: "ADDR (T) NAME", text ones
 *                 followed by their source file and line from the DWARF
 *                 line tables (" path: line")
 *   sym VADDR     the symbol at or below it: "VADDR (T) NAME+OFF" (+line)
 *   sym -l        every symbol in address order (per-CPU ones first)
 *   sym -q STR    every symbol whose name contains STR
 * Addresses print as "%lx" (per-CPU offsets are small numbers).  Module
 * symbols are not listed here (module symbol tables are another layer).
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/unwind.h>

#include "cmdutil.h"
#include "command.h"

#define MAX_SAME_NAME 64

extern const struct kd_command kd_cmd_sym;

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

static void list_all(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		     const char *substr)
{
	struct kd_symbol sym;
	for (size_t i = 0; kd_symtab_get(st, i, &sym); i++)
		if (!substr || strstr(sym.name, substr))
			show(ctx, &sym, 0, 0);
}

static int by_name(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		   const char *name)
{
	struct kd_symbol syms[MAX_SAME_NAME];
	size_t n = kd_symtab_lookup_all(st, name, syms, MAX_SAME_NAME);
	for (size_t i = 0; i < n && i < MAX_SAME_NAME; i++)
		show(ctx, &syms[i], 0, 1);
	if (n)
		return 0;
	fprintf(ctx->out, "symbol not found: %s\npossible alternatives:\n", name);
	struct kd_symbol sym;
	size_t found = 0;
	for (size_t i = 0; kd_symtab_get(st, i, &sym); i++)
		if (strstr(sym.name, name)) {
			fputs("  ", ctx->out);
			show(ctx, &sym, 0, 0);
			found++;
		}
	if (!found)
		fprintf(ctx->out, "  (none found)\n");
	return 1;
}

static int by_addr(struct kd_cmd_ctx *ctx, const struct kd_symtab *st,
		   const char *arg, uint64_t addr)
{
	struct kd_symbol sym;
	uint64_t off;
	if (!kd_cmd_symbol_at(st, addr, &sym, &off)) {
		fprintf(ctx->out, "%s: invalid address: %s\n", ctx->name, arg);
		return 1;
	}
	show(ctx, &sym, off, 1);
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct kd_symtab *st = kd_session_symtab(ctx->s);
	int c, rc = 0;
	if (!st) {
		fprintf(ctx->out, "%s: no symbols (no vmlinux)\n", ctx->name);
		return 1;
	}
	while ((c = getopt(argc, argv, "lq:")) != -1) {
		switch (c) {
		case 'l':
			list_all(ctx, st, NULL);
			return 0;
		case 'q':
			list_all(ctx, st, optarg);
			return 0;
		default:
			fprintf(ctx->out, "Usage: %s\n", kd_cmd_sym.usage);
			return 1;
		}
	}
	for (int i = optind; i < argc; i++) {
		uint64_t addr;
		struct kd_symbol sym;
		struct kd_error *err = kd_symtab_lookup(st, argv[i], &sym);
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
	.usage = "sym [-l] | [-q string] | [symbol | vaddr]...",
	.run = run,
	.needs_vmlinux = 1,
};
