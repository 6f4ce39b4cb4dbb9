// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * btop address ...   (crash's btop)
 *
 * "ADDRESS: PFN" in hexadecimal: the page frame number of each
 * (hexadecimal) byte address.
 */
#include <getopt.h>
#include <inttypes.h>

#include <pykdump/mm.h>

#include "cmd_util.h"

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int rc = 0;
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	if (optind >= argc)
		return kd_cmd_error(ctx, "an address is required");
	uint64_t page = kd_page_size(ctx->s);
	for (int i = optind; i < argc; i++) {
		uint64_t addr;
		if (!kd_cmd_parse_hex(argv[i], &addr)) {
			rc = kd_cmd_error(ctx, "invalid address: %s", argv[i]);
			continue;
		}
		fprintf(ctx->out, "%" PRIx64 ": %" PRIx64 "\n", addr,
			addr / page);
	}
	return rc;
}

const struct kd_command kd_cmd_btop = {
	.name = "btop",
	.summary = "bytes to page frame number",
	.usage =
	"SYNOPSIS\n"
	"  btop address ...\n\n"
	"  The page frame number of each hexadecimal address, as \"ADDRESS:\n"
	"  PFN\" in hexadecimal.\n",
	.run = run,
	.needs_vmlinux = 1,
};
