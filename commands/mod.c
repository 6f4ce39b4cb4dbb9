// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mod: the loaded modules (lib/kmodules.c) as crash 8.0.6 lists them
 * when no module debuginfo is loaded:
 *
 *      MODULE       NAME         BASE         SIZE  OBJECT FILE
 *   ffffffffc04b2100  dummy  ffffffffc04b0000  16384  (not loaded)  [CONFIG_KALLSYMS]
 *
 * NAME is as wide as the longest module name; MODULE and BASE headers
 * are centred in 16 columns.  (-s/-S/-d/-D, loading module debuginfo,
 * belong to the module debuginfo layer.)
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/kmodules.h>

#include "sysutil.h"

static void print_header(FILE *out, int namew)
{
	fprintf(out, "     MODULE       %-*s        BASE         SIZE  "
		"OBJECT FILE\n", namew, "NAME");
}

static int mod_list(struct kd_cmd_ctx *ctx)
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
	for (size_t i = 0; i < n; i++)
		fprintf(ctx->out, "%016" PRIx64 "  %-*s  %016" PRIx64
			"  %5" PRIu64 "  (not loaded)%s\n", m[i].addr, namew,
			m[i].name, m[i].base, m[i].size,
			m[i].kallsyms ? "  [CONFIG_KALLSYMS]" : "");
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
	while ((c = getopt(argc, argv, "")) != -1)
		return su_bad_option(ctx, optopt ? optopt : c);
	if (optind < argc)
		return su_error(ctx, "unexpected argument: %s", argv[optind]);
	return mod_list(ctx);
}

const struct kd_command kd_cmd_mod = {
	.name = "mod",
	.summary = "module information",
	.usage =
		"SYNOPSIS\n"
		"  mod\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the loaded kernel modules: the address of each struct\n"
		"  module, its name, the base address and size of its core\n"
		"  memory, and the object file whose debuginfo is loaded for it\n"
		"  (\"(not loaded)\" until module debuginfo is loaded).\n"
		"  [CONFIG_KALLSYMS] marks modules carrying their own symbol\n"
		"  table.  Modules are listed by base address.\n",
	.run = mod_run,
	.needs_vmlinux = 1,
};
