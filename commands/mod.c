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
 * its file ("... 32768  /path/loop.ko ").  -s/-S/-d/-D (loading module
 * debuginfo) are in commands/mod_load.c.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/kmodules.h>

#include "mod_load.h"
#include "sysutil.h"

static void print_header(FILE *out, int namew)
{
	fprintf(out, "     MODULE       %-*s        BASE         SIZE  "
		"OBJECT FILE\n", namew, "NAME");
}

static int mod_list(struct kd_cmd_ctx *ctx, const char *only)
{
	struct kd_kmodule *m;
	size_t n;
	int truncated;
	struct kd_error *err = kd_kmodules_list(ctx->s, &m, &n, &truncated);
	if (err)
		return su_error_value(ctx, "cannot read the module list", err);
	int namew = 4;
	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(m[i].name);
		if (len > namew)
			namew = len;
	}
	print_header(ctx->out, namew);
	for (size_t i = 0; i < n; i++) {
		const char *obj = kd_mod_objfile(ctx->s, m[i].name);
		if (only && strcmp(only, m[i].name) != 0)
			continue;
		fprintf(ctx->out, "%016" PRIx64 "  %-*s  %016" PRIx64
			"  %5" PRIu64 "  ", m[i].addr, namew, m[i].name,
			m[i].base, m[i].size);
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
		return su_error(ctx, "module list is broken: %zu modules shown",
				n);
	return 0;
}

static int mod_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "+sSdD")) != -1) {
		if (c == '?')
			return su_bad_option(ctx, optopt ? optopt : c);
		return kd_mod_load_run(ctx, c, argc - optind, argv + optind,
				       mod_list);
	}
	if (optind < argc)
		return su_error(ctx, "unexpected argument: %s", argv[optind]);
	return mod_list(ctx, NULL);
}

const struct kd_command kd_cmd_mod = {
	.name = "mod",
	.summary = "module information",
	.usage =
		"SYNOPSIS\n"
		"  mod [-s module [objfile] | -d module | -S [directory] | -D]\n"
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
		"    -d module, -D        unload one module's / all debuginfo\n",
	.run = mod_run,
	.needs_vmlinux = 1,
};
