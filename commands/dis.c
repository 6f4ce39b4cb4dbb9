// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dis [-r | -f | -s] [-l] [-u] [-x | -d] ADDR | SYMBOL[+OFF] [count]
 *                                                          (crash's dis)
 *
 * The code at an address, read from the dump's memory (as the kernel
 * patched it) and decoded by lib/disasm (libopcodes, gdb's decoder), one
 * line per instruction as crash prints it:
 *
 *   0xffffffffa74114f0 <schedule>:	nopl   0x0(%rax,%rax,1) [FTRACE NOP]
 *   0xffffffffa7411505 <schedule+21>:	je     0xffffffffa7411533 <schedule+67>
 *
 * What is disassembled (crash's rules):
 *   - a text symbol (or an address at a text symbol's start) without a
 *     count: the whole function, to the end of its symbol's size (else
 *     the next symbol);
 *   - otherwise count instructions (default 1);
 *   - -r: from the function's start up to and including the address
 *     (with a count: the last count of those); -f: from the address to
 *     the function's end (a count makes it an ordinary count);
 *   - -u: a user address of the current context, gdb's plain lines.
 * Names: the address of each line is named after the kernel or module
 * symbol at or below it (decimal offsets, hex with -x).  An address
 * operand gets " <name>" when gdb would name it (a vmlinux symbol whose
 * extent covers it) or, as crash adds, when it is the target of a jump
 * (j*) or "callq"; crash then renames it with its own symbol tables.
 * "[FTRACE NOP]" marks the 5-byte nop at a function's start.
 * -l prints "file: line" (DWARF line tables, comp_dir prefixed) before
 * each instruction whose line differs from the one before; -s prints
 * the function's source lines (FILE:, LINE:, then the lines, the
 * address's marked "*") when the source file can be found.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/disasm.h>
#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>
#include <pykdump/vma.h>

#include "cmd_util.h"

#define MAX_REVERSE	100000	/* -r with a count: instructions kept */
#define SOURCE_CONTEXT	5	/* gdb's "list" centres on the line */

struct dis {
	struct kd_cmd_ctx *ctx;
	int reverse, forward, lines, source, user, hex;
	const char *arg;
	uint64_t addr;		/* where disassembly starts */
	uint64_t target;	/* -r/-f: the address named */
	uint64_t end;		/* 0: no end (count decides) */
	uint64_t count;		/* 0: none given */
	int function_only;	/* a whole function */
	struct kd_disasm *d;
	uint64_t image_start, image_end;
};

/* ---- names ---- */

/* crash's value_search() on an exact hit skips what only marks where
 * something starts: a ".text." section symbol, the "SyS_" and
 * "compat_SyS_" syscall aliases, and the "*_text_start" delimiters of
 * vmlinux.lds.S, for the next symbol at the same address. */
static const char *exact_name(struct dis *ds, uint64_t addr, const char *name)
{
	struct kd_symtab *st = kd_session_symtab(ds->ctx->s);
	struct kd_symbol sym, next;
	uint64_t off;
	if (!st || !kd_symtab_by_addr(st, addr, &sym, &off) || off ||
	    strcmp(sym.name, name) != 0)
		return name;
	for (int i = 0; i < 4; i++) {
		int skip = !strncmp(sym.name, ".text.", 6) ||
			   !strncmp(sym.name, "SyS_", 4) ||
			   !strncmp(sym.name, "compat_SyS_", 11) ||
			   strstr(sym.name, "_text_start");
		if (!skip || !kd_symtab_get(st, sym.index + 1, &next) ||
		    next.value != addr)
			break;
		sym = next;
	}
	return sym.name;
}

/* crash's value_to_symstr(): "name", "name+off" (decimal, or 0x.. with
 * -x); vmlinux symbols, then module symbols. */
static int symstr(struct dis *ds, uint64_t addr, char *buf, size_t size)
{
	const char *name;
	uint64_t off;
	if (!kd_ksym_lookup_addr(ds->ctx->s, addr, &name, &off, NULL))
		return 0;
	if (!off)
		snprintf(buf, size, "%s", exact_name(ds, addr, name));
	else if (ds->hex)
		snprintf(buf, size, "%s+0x%" PRIx64, name, off);
	else
		snprintf(buf, size, "%s+%" PRIu64, name, off);
	return 1;
}

/* Would gdb name addr?  It knows the vmlinux symbols only, and names an
 * address inside the kernel image by the symbol below it unless that
 * symbol's size ends before the address. */
static int gdb_names(struct dis *ds, uint64_t addr)
{
	struct kd_symtab *st = kd_session_symtab(ds->ctx->s);
	struct kd_symbol sym;
	uint64_t off;
	if (!st || addr < ds->image_start || addr >= ds->image_end ||
	    !kd_symtab_by_addr(st, addr, &sym, &off))
		return 0;
	return !sym.size || off < sym.size;
}

/* The mnemonic is a jump ("jmp", "je" ...) or the old "callq": crash
 * names their targets even when gdb did not. */
static int names_target(const char *text)
{
	size_t n = strcspn(text, " ");
	return text[0] == 'j' || (n == 5 && !strncmp(text, "callq", 5));
}

static int symbolize(void *arg, uint64_t addr, const char *text, char *buf,
		     size_t size)
{
	struct dis *ds = arg;
	if (gdb_names(ds, addr))
		return symstr(ds, addr, buf, size) || (buf[0] = '\0', 1);
	return names_target(text) && symstr(ds, addr, buf, size);
}

/* ---- one line ---- */

static int ftrace_nop(struct dis *ds, const struct kd_insn *in)
{
	const char *name;
	uint64_t off;
	return kd_ksym_lookup_addr(ds->ctx->s, in->addr, &name, &off, NULL) &&
	       !off && (strstr(in->text, "nopl   0x0(%rax,%rax,1)") ||
			strstr(in->text, "data32 data32 data32 xchg %ax,%ax"));
}

static void print_insn(struct dis *ds, const struct kd_insn *in)
{
	char name[512];
	FILE *out = ds->ctx->out;
	if (ds->user || !symstr(ds, in->addr, name, sizeof(name))) {
		fprintf(out, "   0x%" PRIx64 ":\t%s\n", in->addr, in->text);
		return;
	}
	fprintf(out, "0x%" PRIx64 " <%s>:\t%s%s\n", in->addr, name, in->text,
		ftrace_nop(ds, in) ? " [FTRACE NOP]" : "");
}

/* -l: "file: line" when it changes (nothing where there is none). */
static void print_srcline(struct dis *ds, uint64_t addr, char *last,
			  size_t size)
{
	char file[1024], now[1100] = "";
	int line;
	if (kd_unwind_srcline(ds->ctx->s, addr, file, sizeof(file), &line))
		snprintf(now, sizeof(now), "%s: %d", file, line);
	/* crash's get_line_number() makes "a//b" "a/b" */
	for (char *p; (p = strstr(now, "//"));)
		memmove(p, p + 1, strlen(p));
	if (strcmp(now, last) != 0) {
		if (now[0])
			fprintf(ds->ctx->out, "%s\n", now);
		snprintf(last, size, "%s", now);
	}
}

static struct kd_error *decode(struct dis *ds, uint64_t addr,
			       struct kd_insn *in)
{
	struct kd_error *err = kd_disasm_insn(ds->d, addr, in);
	if (err && !kd_error_is_fault(err))
		return err;
	if (err)
		return kd_error_prefix(err, "cannot disassemble %s address "
				       "%" PRIx64, ds->user ? "user virtual" :
				       "kernel virtual", addr);
	return NULL;
}

/* ---- the ranges ---- */

/* Where the function holding addr ends, as crash finds it: a vmlinux
 * function's size (gdb's function range), else the next symbol (module
 * functions of 5.0+ kernels, whose kallsyms sizes crash does not use:
 * the alignment padding after a module function is shown with it). */
static uint64_t function_end(struct dis *ds, uint64_t addr)
{
	struct kd_ksym sym, next;
	uint64_t off;
	if (!kd_ksym_by_addr(ds->ctx->s, addr, &sym, &off))
		return 0;
	if (sym.size && !sym.module)
		return sym.value + sym.size;
	return kd_ksym_next(ds->ctx->s, addr, &next) ? next.value : 0;
}

static int run_forward(struct dis *ds)
{
	struct kd_insn in;
	char last[1100] = "";
	uint64_t n = 0;
	for (uint64_t addr = ds->addr;; addr += in.len) {
		struct kd_error *err = (n & 4095) ? NULL : kd_cancel_check();
		if (!err && ds->end && addr >= ds->end)
			break;
		if (!err)
			err = decode(ds, addr, &in);
		if (err)
			return kd_cmd_fail(ds->ctx, err);
		if (ds->forward && addr < ds->target)
			continue;
		if (ds->lines)
			print_srcline(ds, addr, last, sizeof(last));
		print_insn(ds, &in);
		if (ds->reverse && addr >= ds->target)
			break;
		if (ds->count && ++n == ds->count)
			break;
		if (!ds->count)
			n++;
	}
	return 0;
}

/* -r with a count: the last count instructions up to the target. */
static int run_reverse_count(struct dis *ds)
{
	uint64_t keep = ds->count < MAX_REVERSE ? ds->count : MAX_REVERSE;
	uint64_t *ring = calloc(keep, sizeof(*ring));
	uint64_t n = 0;
	struct kd_insn in;
	if (!ring)
		return kd_cmd_fail(ds->ctx, &kd_error_nomem);
	for (uint64_t addr = ds->addr;; addr += in.len) {
		struct kd_error *err = decode(ds, addr, &in);
		if (err) {
			free(ring);
			return kd_cmd_fail(ds->ctx, err);
		}
		ring[n++ % keep] = addr;
		if (addr >= ds->target)
			break;
	}
	char last[1100] = "";
	for (uint64_t i = n > keep ? n - keep : 0; i < n; i++) {
		struct kd_error *err = decode(ds, ring[i % keep], &in);
		if (err) {
			free(ring);
			return kd_cmd_fail(ds->ctx, err);
		}
		if (ds->lines)
			print_srcline(ds, in.addr, last, sizeof(last));
		print_insn(ds, &in);
	}
	free(ring);
	return 0;
}

/* ---- -s: the source ---- */

/* The source file of a unit as gdb names it in "list": the line
 * table's name, without the compilation directory. */
static const char *short_name(const char *file, const char *comp_dir)
{
	size_t n = strlen(comp_dir);
	if (n && !strncmp(file, comp_dir, n) && file[n] == '/')
		return file + n + 1;
	return file;
}

static int list_source(struct dis *ds)
{
	struct kd_ksym sym;
	uint64_t off;
	char path[1024], comp_dir[1024] = "";
	int line;
	FILE *out = ds->ctx->out;
	if (!kd_ksym_by_addr(ds->ctx->s, ds->addr, &sym, &off) ||
	    (sym.type != 't' && sym.type != 'T'))
		return kd_cmd_error(ds->ctx, "%" PRIx64 ": not a kernel text "
				    "address", ds->addr);
	if (!kd_unwind_srcline(ds->ctx->s, ds->addr, path, sizeof(path),
			       &line)) {
		if (sym.module)
			return kd_cmd_error(ds->ctx, "%s: module source code "
					    "is not available", sym.module);
		fprintf(out, "FILE: (unknown)\nLINE: (unknown)\n\n");
		return kd_cmd_error(ds->ctx, "%s: source code is not "
				    "available\n", ds->arg);
	}
	kd_unwind_comp_dir(ds->ctx->s, ds->addr, comp_dir, sizeof(comp_dir));
	fprintf(out, "FILE: %s\nLINE: %d\n\n", short_name(path, comp_dir),
		line);
	FILE *src = fopen(path, "r");
	if (!src)
		return kd_cmd_error(ds->ctx, "%s: source code is not "
				    "available\n", ds->arg);
	/* gdb's list around the line, then on to the function's closing
	 * brace (or count lines past the line) */
	char buf[4096];
	int first = line > SOURCE_CONTEXT ? line - SOURCE_CONTEXT : 1;
	uint64_t after = 0;
	for (int n = 1; fgets(buf, sizeof(buf), src); n++) {
		if (n < first)
			continue;
		if (ds->count && n > line && after++ >= ds->count)
			break;
		fprintf(out, "%s%d\t%s", n == line ? "* " : "  ", n, buf);
		if (!ds->count && n > line && !strcmp(buf, "}\n"))
			break;
	}
	fclose(src);
	fputc('\n', out);
	return 0;
}

/* ---- arguments ---- */

static int is_text_type(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* crash refuses a name several text symbols share: it lists them
 * ("ADDR (t) NAME file: line") and disassembles nothing.  1 when it
 * did; else *ret is the one text symbol of that name (if any). */
static int duplicates(struct dis *ds, const char *arg, const char *name,
		      struct kd_symbol *ret)
{
	struct kd_symtab *st = kd_session_symtab(ds->ctx->s);
	struct kd_symbol *syms = NULL;
	size_t n = 0, text = 0;
	struct kd_error *e = st ? kd_symtab_lookup_every(st, name, &syms, &n)
				: NULL;
	if (e) {
		kd_cmd_fail(ds->ctx, e);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (is_text_type(syms[i].type) && !text++)
			*ret = syms[i];
	if (text <= 1) {
		free(syms);
		return 0;
	}
	kd_cmd_error(ds->ctx, "%s: duplicate text symbols found:", arg);
	FILE *err = kd_cmd_errfile(ds->ctx);	/* the error's own lines */
	for (size_t i = 0; i < n; i++) {
		char file[1024];
		int line;
		if (!is_text_type(syms[i].type))
			continue;
		fprintf(err, "%" PRIx64 " (%c) %s", syms[i].value,
			syms[i].type, syms[i].name);
		if (kd_unwind_srcline(ds->ctx->s, syms[i].value, file,
				      sizeof(file), &line))
			fprintf(err, " %s: %d", file, line);
		fputc('\n', err);
	}
	free(syms);
	return 1;
}

/* SYMBOL, SYMBOL+OFF, (SYMBOL+OFF) or a hex address. */
static int resolve(struct dis *ds, const char *arg)
{
	char buf[512];
	struct kd_ksym sym;
	uint64_t off;
	snprintf(buf, sizeof(buf), "%s", arg);
	char *p = buf;
	if (*p == '(' && p[strlen(p) - 1] == ')') {
		p[strlen(p) - 1] = '\0';
		p++;
	}
	char *op = strpbrk(p, "+-");
	struct kd_symbol text;
	memset(&text, 0, sizeof(text));
	if (op && op != p) {	/* an expression: one instruction */
		char name[512];
		snprintf(name, sizeof(name), "%.*s", (int)(op - p), p);
		if (duplicates(ds, arg, name, &text))
			return 1;
		struct kd_error *err = kd_ksym_by_name(ds->ctx->s, name, &sym);
		if (!err && text.name)
			sym.value = text.value;	/* the text one of the name */
		char *end;
		uint64_t v = strtoull(op + 1, &end, 0);
		if (err || end == op + 1 || *end) {
			kd_error_destroy(err);
			return kd_cmd_error(ds->ctx, "invalid expression: %s",
					    arg);
		}
		ds->addr = *op == '+' ? sym.value + v : sym.value - v;
		struct kd_ksym at;
		if (is_text_type(sym.type) &&
		    kd_ksym_by_addr(ds->ctx->s, ds->addr, &at, &off) &&
		    strcmp(at.name, sym.name) != 0)
			return kd_cmd_error(ds->ctx, "invalid expression: %s "
					    "evaluates to: %s+%" PRIx64, arg,
					    at.name, off);
		return 0;
	}
	if (duplicates(ds, arg, p, &text))
		return 1;
	struct kd_error *err = kd_ksym_by_name(ds->ctx->s, p, &sym);
	if (!err) {
		ds->addr = text.name ? text.value : sym.value;
		ds->function_only = text.name || is_text_type(sym.type);
		return 0;
	}
	kd_error_destroy(err);
	if (!kd_cmd_parse_hex(p, &ds->addr))
		return kd_cmd_symbol_not_found(ds->ctx, p);
	if (kd_ksym_by_addr(ds->ctx->s, ds->addr, &sym, &off))
		ds->function_only = !off && is_text_type(sym.type);
	else if (!ds->user) {	/* a warning: not part of the listing */
		fflush(ds->ctx->out);
		fprintf(kd_cmd_errfile(ds->ctx), "WARNING: %" PRIx64 ": no "
			"associated kernel symbol found\n", ds->addr);
	}
	return 0;
}

static int parse_opts(struct dis *ds, int argc, char **argv)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "rflsuxdhb:B:U")) != -1) {
		switch (c) {
		case 'r': ds->reverse = 1; break;
		case 'f': ds->forward = 1; break;
		case 'l': ds->lines = 1; break;
		case 's': ds->source = 1; break;
		case 'u': ds->user = 1; break;
		case 'x': case 'h': ds->hex = 16; break;
		case 'd': ds->hex = ds->hex == 16 ? -1 : 10; break;
		case 'b': case 'B': case 'U':
			kd_cmd_error(ds->ctx, "option -%c is not supported", c);
			return -1;
		default:
			kd_cmd_bad_option(ds->ctx, optopt ? optopt : c);
			return -1;
		}
	}
	const char *bad = ds->hex == -1 ? "-d and -x are mutually exclusive" :
		ds->reverse && ds->forward ? "-r and -f are mutually exclusive" :
		ds->source && (ds->reverse || ds->forward) ?
			"-s cannot be used with -r or -f" :
		ds->source && ds->user ?
			"-s can only be used with kernel addresses" : NULL;
	if (bad) {
		kd_cmd_error(ds->ctx, "%s", bad);
		return -1;
	}
	ds->hex = ds->hex == 16;
	if (optind >= argc) {
		kd_cmd_error(ds->ctx, "an address or symbol is required");
		return -1;
	}
	return 0;
}

static int parse_count(struct dis *ds, const char *arg)
{
	char *end;
	ds->count = strtoull(arg, &end, 0);
	if (*arg == '-' || *end || end == arg || ds->count > (1ULL << 62))
		return kd_cmd_error(ds->ctx, "invalid count argument: %s", arg);
	if (!ds->count)
		return kd_cmd_error(ds->ctx, "invalid count argument: 0");
	return 0;
}

static struct kd_error *open_disasm(struct dis *ds)
{
	struct kd_disasm_options o = { .symbolize = symbolize,
				       .symbolize_arg = ds };
	if (ds->user) {
		uint64_t mm = 0;
		struct kd_error *err = kd_task_mm(ds->ctx->s,
						  kd_current_task(ds->ctx->s),
						  &mm);
		if (!err && !mm)
			err = kd_error_create(KD_ERR_INVALID, "the current "
					      "context has no user address "
					      "space");
		if (!err)
			err = kd_mm_pgd(ds->ctx->s, mm, &o.pgd);
		if (err)
			return err;
		o.symbolize = NULL;
	}
	return kd_disasm_create(ds->ctx->s, &o, &ds->d);
}

static int dis_main(struct dis *ds, int argc, char **argv)
{
	ds->arg = argv[optind];
	if (resolve(ds, argv[optind]))
		return 1;
	if (optind + 1 < argc) {
		if (optind + 2 < argc)
			return kd_cmd_error(ds->ctx, "too many arguments: %s",
					    argv[optind + 2]);
		if (parse_count(ds, argv[optind + 1]))
			return 1;
		ds->forward = 0;
		ds->function_only = 0;
	}
	if (ds->source)
		return list_source(ds);
	if (ds->user) {
		ds->reverse = ds->forward = ds->lines = 0;
		ds->function_only = 0;
	}
	if (ds->reverse || ds->forward || ds->function_only) {
		struct kd_ksym sym;
		uint64_t off;
		ds->end = function_end(ds, ds->addr);
		if (!ds->end || !kd_ksym_by_addr(ds->ctx->s, ds->addr, &sym,
						 &off))
			return kd_cmd_error(ds->ctx, "cannot determine the "
					    "function holding %" PRIx64,
					    ds->addr);
		ds->target = ds->addr;
		if (ds->reverse || ds->forward)
			ds->addr = sym.value;
	}
	if (!ds->function_only && !ds->forward && !ds->reverse && !ds->count)
		ds->count = 1;
	if (ds->reverse && ds->count)
		return run_reverse_count(ds);
	if (ds->reverse || (ds->count && !ds->function_only))
		ds->end = 0;
	return run_forward(ds);
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct dis ds = { .ctx = ctx };
	if (parse_opts(&ds, argc, argv) < 0)
		return 1;
	struct kd_symtab *st = kd_session_symtab(ctx->s);
	if (st)
		kd_symtab_image_range(st, &ds.image_start, &ds.image_end);
	struct kd_error *err = open_disasm(&ds);
	if (err)
		return kd_cmd_fail(ctx, err);
	int rc = dis_main(&ds, argc, argv);
	kd_disasm_destroy(ds.d);
	return rc;
}

const struct kd_command kd_cmd_dis = {
	.name = "dis",
	.summary = "disassemble",
	.usage =
	"SYNOPSIS\n"
	"  dis [-r | -f | -s] [-l] [-u] [-x | -d] address | symbol[+offset] "
	"[count]\n\n"
	"  The instructions at a text address, read from the dump's memory\n"
	"  (as the kernel patched them at boot), in AT&T syntax.  A text\n"
	"  symbol without a count: the whole function; else count\n"
	"  instructions (default 1).\n"
	"    -r      from the start of the function up to and including the\n"
	"            address (with a count: the last count of them)\n"
	"    -f      from the address to the end of the function\n"
	"    -l      print the source file and line before the instructions\n"
	"            of each line\n"
	"    -s      print the source lines of the function (when the source\n"
	"            file is on this machine), the address's line marked *;\n"
	"            a count: that many lines after it\n"
	"    -u      the address is a user virtual address of the current\n"
	"            context\n"
	"    -x, -d  offsets in hexadecimal or decimal (the default)\n"
	"  Not supported: -b, -B, -U.\n",
	.run = run,
	.needs_vmlinux = 1,
};
