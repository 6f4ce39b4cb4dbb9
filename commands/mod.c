// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mod: the loaded modules (lib/kernel/kmodules.c) as crash 8.0.6 lists them
 * when no module debuginfo is loaded:
 *
 *      MODULE       NAME         BASE         SIZE  OBJECT FILE
 *   ffffffffc04b2100  dummy  ffffffffc04b0000  16384  (not loaded)  [CONFIG_KALLSYMS]
 *
 * NAME is as wide as the longest module name; MODULE and BASE headers
 * are centred in 16 columns.  A module whose debuginfo is loaded shows
 * its file ("... 32768  /path/loop.ko ").
 *
 * mod -s NAME [FILE]   load a module's debuginfo (FILE, else searched:
 *                      lib/dlkm/search.c), then show its row;
 * mod -S [DIR]         load every module's debuginfo found in DIR (else
 *                      the search path), then show the table;
 * mod -d NAME, mod -D  unload one / all (no output, as crash).
 * mod -t               the tainted modules and their taint letters.
 * On kernels that keep module memory in mem[] regions (6.4+) the BASE
 * column is the text region's and crash labels it TEXT_BASE; SIZE is
 * then the sum of the core regions (text, data, rodata, ro_after_init).
 * crash's messages: an unknown module or a missing argument print the
 * usage; a file that is not an ELF object "mod: FILE: not an ELF format
 * object file".  Beyond crash, a file that is not that module's (its
 * build-id or .modinfo name differ) is refused with the reason.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <pykdump/cancel.h>
#include <pykdump/dlkm.h>
#include <pykdump/inputfile.h>
#include <pykdump/kmodules.h>
#include <pykdump/panic.h>

#include "cmd_util.h"

/* The loaded debuginfo file of module name, or NULL. */
static const char *objfile(struct kd_session *s, const char *name)
{
	size_t i;
	struct kd_module_info mi;
	struct kd_error *err = kd_modules_find(s, name, &i);
	if (!err)
		err = kd_modules_get(s, i, &mi);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return mi.debuginfo;
}

/* crash's mkstring(CENTER|LJUST): centred in width, the odd space on
 * the right. */
static void centred(FILE *out, const char *s, int width)
{
	int len = (int)strlen(s), left = len < width ? (width - len) / 2 : 0;
	fprintf(out, "%*s%-*s", left, "", width - left, s);
}

/* "BASE", or "TEXT_BASE" when modules keep their memory in mem[]
 * regions (6.4+), as crash 8.0.6 labels the column then. */
static void print_header(FILE *out, int namew, int sizew, int mem)
{
	centred(out, "MODULE", 16);
	fprintf(out, "  %-*s  ", namew, "NAME");
	centred(out, mem ? "TEXT_BASE" : "BASE", 16);
	fprintf(out, "  %*s  OBJECT FILE\n", sizew, "SIZE");
}

static int mod_list(struct kd_cmd_ctx *ctx, const char *only)
{
	struct kd_kmodule *m;
	size_t n;
	int truncated;
	struct kd_error *err = kd_kmodules_list(ctx->s, &m, &n, &truncated);
	if (err)
		return kd_cmd_fail_what(ctx, "cannot read the module list", err);
	int namew = 4, sizew = 4, mem = 0;
	for (size_t i = 0; i < n; i++) {
		char sz[32];
		int len = (int)strlen(m[i].name);
		int slen = snprintf(sz, sizeof(sz), "%" PRIu64, m[i].size);
		namew = len > namew ? len : namew;
		sizew = slen > sizew ? slen : sizew;
		mem |= (m[i].flags & KD_KMODULE_MEM) != 0;
	}
	print_header(ctx->out, namew, sizew, mem);
	for (size_t i = 0; i < n; i++) {
		const char *obj = objfile(ctx->s, m[i].name);
		if (only && strcmp(only, m[i].name) != 0)
			continue;
		fprintf(ctx->out, "%016" PRIx64 "  %-*s  %016" PRIx64
			"  %*" PRIu64 "  ", m[i].addr, namew, m[i].name,
			m[i].base, sizew, m[i].size);
		if (obj)
			fprintf(ctx->out, "%s \n", obj);
		else
			fprintf(ctx->out, "(not loaded)%s\n", m[i].kallsyms ?
				"  [CONFIG_KALLSYMS]" : "");
	}
	free(m);
	if (truncated && kd_cancel_pending())
		return 1;	/* stopped: the shell says why */
	if (truncated)
		return kd_cmd_error(ctx, "module list is broken: %zu modules "
				    "shown", n);
	return 0;
}

/* -t: the modules with taint bits set, and their letters.  crash keeps
 * only the flags taint_flag.module marks; module.taints only ever gets
 * those (add_taint_module), and newer kernels (7.x) dropped that member,
 * so every bit set is shown. */
static int mod_taints(struct kd_cmd_ctx *ctx)
{
	const struct kd_kmodule *m;
	size_t n;
	int namew = 0, found = 0;
	struct kd_error *err = kd_kmodules_get(ctx->s, &m, &n, NULL);
	if (err)
		return kd_cmd_fail_what(ctx, "cannot read the module list", err);
	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(m[i].name);
		if (!m[i].taints)
			continue;
		found++;
		namew = len > namew ? len : namew;
	}
	if (!found) {
		fprintf(ctx->out, "no tainted modules\n");
		return 0;
	}
	fprintf(ctx->out, "%-*s  TAINTS\n", namew, "NAME");
	for (size_t i = 0; i < n; i++) {
		char letters[80];
		if (!m[i].taints)
			continue;
		kd_taint_letters(ctx->s, m[i].taints, letters,
				 sizeof(letters));
		fprintf(ctx->out, "%-*s  %s\n", namew, m[i].name, letters);
	}
	return 0;
}

/* ---- -s/-S/-d/-D: module debuginfo ---- */

/* Prints mod's table (every module, or only the one named). */
typedef int mod_table_fn(struct kd_cmd_ctx *ctx, const char *only);

static const char usage[] =
	"Usage:\n"
	"  mod -s module [objfile] | -d module | -S [directory] "
	"[-D|-t|-r|-R|-o|-g]\n"
	"Enter \"help mod\" for details.\n";

static int print_usage(struct kd_cmd_ctx *ctx)
{
	fflush(ctx->out);
	fputs(usage, kd_cmd_errfile(ctx));
	return 1;
}


/* A file that is no usable object: crash's line and usage, with our
 * reason between them. */
static int bad_object(struct kd_cmd_ctx *ctx, const char *file,
		      struct kd_error *err, int why)
{
	kd_cmd_error(ctx, "%s: not an ELF format object file", file);
	if (why)
		kd_cmd_fail(ctx, err);
	else
		kd_error_destroy(err);
	return print_usage(ctx);
}

/* crash's wording for a file that is no ELF object. */
static struct kd_error *check_elf_file(const char *file)
{
	int fd;
	struct kd_error *err = kd_open_input(file, "module", &fd);
	if (err && err->code == KD_ERR_OS) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOT_FOUND, "%s: cannot open", file);
	}
	if (err)
		return err;	/* a FIFO ...: never read */
	unsigned char magic[4] = { 0 };
	ssize_t n = read(fd, magic, 4);
	close(fd);
	int zst = strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".zst");
	int xz = strlen(file) > 3 && !strcmp(file + strlen(file) - 3, ".xz");
	if (!zst && !xz && (n != 4 || memcmp(magic, "\177ELF", 4) != 0))
		return kd_error_create(KD_ERR_FORMAT, "%s: no ELF magic", file);
	return NULL;
}

static int load_one(struct kd_cmd_ctx *ctx, int argc, char **argv,
		    mod_table_fn *table)
{
	size_t i;
	if (argc < 1 || argc > 2)
		return print_usage(ctx);
	struct kd_error *err = kd_modules_find(ctx->s, argv[0], &i);
	if (err) {	/* crash shows only the usage: say why */
		kd_cmd_fail(ctx, err);
		return print_usage(ctx);
	}
	if (argc == 2 && (err = check_elf_file(argv[1])))
		return err->code == KD_ERR_FORMAT ?
			bad_object(ctx, argv[1], err, 0) : kd_cmd_fail(ctx, err);
	err = kd_modules_load_debuginfo(ctx->s, argv[0],
					argc == 2 ? argv[1] : NULL);
	if (err && argc == 2 && (err->code == KD_ERR_TRUNCATED ||
				 err->code == KD_ERR_CORRUPT ||
				 err->code == KD_ERR_FORMAT))
		return bad_object(ctx, argv[1], err, 1);
	if (err)
		return kd_cmd_fail(ctx, err);
	return table(ctx, argv[0]);
}

static void report(void *arg, const char *module, const struct kd_error *err)
{
	struct kd_cmd_ctx *ctx = arg;
	kd_cmd_error(ctx, "%s%s%s", module ? module : "", module ? ": " : "",
		     err->message);
}

static int load_all(struct kd_cmd_ctx *ctx, int argc, char **argv,
		    mod_table_fn *table)
{
	struct stat st;
	if (argc > 1)
		return print_usage(ctx);
	if (argc == 1 && (stat(argv[0], &st) != 0 || !S_ISDIR(st.st_mode))) {
		kd_cmd_error(ctx, "%s is not a directory", argv[0]);
		return print_usage(ctx);
	}
	kd_modules_load_all(ctx->s, argc ? argv[0] : NULL, report, ctx);
	return table(ctx, NULL);
}

/* mod -s NAME [FILE] | -S [DIR] | -d NAME | -D, as crash runs them; op
 * is the option letter, argv the remaining arguments. */
static int load_run(struct kd_cmd_ctx *ctx, int op, int argc, char **argv,
		    mod_table_fn *table)
{
	struct kd_error *err;
	switch (op) {
	case 's':
		return load_one(ctx, argc, argv, table);
	case 'S':
		return load_all(ctx, argc, argv, table);
	case 'd':
		if (argc != 1)
			return print_usage(ctx);
		size_t i;	/* crash is silent about a module not loaded */
		if ((err = kd_modules_find(ctx->s, argv[0], &i)))
			return kd_cmd_fail(ctx, err);
		err = kd_modules_unload_debuginfo(ctx->s, argv[0]);
		if (err && err->code == KD_ERR_NOT_FOUND) {
			kd_error_destroy(err);	/* crash: silent */
			return 0;
		}
		return err ? kd_cmd_fail(ctx, err) : 0;
	case 'D':
		if (argc)
			return print_usage(ctx);
		kd_modules_unload_all(ctx->s);
		return 0;
	default:
		return print_usage(ctx);
	}
}

static int mod_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "+sSdDtrRog")) != -1) {
		if (c == '?')
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		if (c == 't')
			return optind < argc ?
			       kd_cmd_error(ctx, "unexpected argument: %s",
					    argv[optind]) : mod_taints(ctx);
		if (c == 'r' || c == 'R' || c == 'o' || c == 'g')
			return kd_cmd_error(ctx, "-%c is not supported (%s)", c,
					    c == 'r' ? "gdb's -readnow" :
					    c == 'R' ? "a live system" :
					    c == 'o' ? "crash's old loader" :
					    "section symbols");
		return load_run(ctx, c, argc - optind, argv + optind,
				mod_list);
	}
	if (optind < argc)
		return kd_cmd_error(ctx, "unexpected argument: %s",
				    argv[optind]);
	return mod_list(ctx, NULL);
}

const struct kd_command kd_cmd_mod = {
	.name = "mod",
	.summary = "module information",
	.usage =
		"SYNOPSIS\n"
		"  mod [-s module [objfile] | -d module | -S [directory] | -D | -t]\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the loaded kernel modules: the address of each struct\n"
		"  module, its name, the base address and size of its core\n"
		"  memory, and the object file whose debuginfo is loaded for it\n"
		"  (\"(not loaded)\" until module debuginfo is loaded).\n"
		"  [CONFIG_KALLSYMS] marks modules carrying their own symbol\n"
		"  table.  Modules are listed by base address.\n"
		"    -s module [objfile]  load the module's debuginfo (objfile,\n"
		"                         else searched: the dump's directory,\n"
		"                         $PYKDUMP_DEBUGDIR, --debug-dir,\n"
		"                         /usr/lib/debug/lib/modules/<release>,\n"
		"                         /lib/modules/<release>)\n"
		"    -S [directory]       load every module's debuginfo found\n"
		"    -d module, -D        unload one module's / all debuginfo\n"
		"    -t                   the tainted modules' taint letters\n",
	.run = mod_run,
	.needs_vmlinux = 1,
};
