// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptob page_number ...   (crash's ptob)
 *
 * "PFN: ADDRESS" in hexadecimal: the byte address of each page frame.
 * A number is decimal unless it starts with 0x or holds hex digits, as
 * crash reads it.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/mm.h>

#include "cmd_util.h"

/* crash's stoll(): hexadecimal with 0x or with a-f digits, else decimal. */
static int parse_number(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (hex)
		p += 2;
	if (!*p || strlen(p) > 20)
		return 0;
	for (const char *q = p; *q; q++) {
		if (!isxdigit((unsigned char)*q))
			return 0;
		hex |= !isdigit((unsigned char)*q);
	}
	char *end;
	*ret = strtoull(p, &end, hex ? 16 : 10);
	return !*end;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int rc = 0;
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	if (optind >= argc)
		return kd_cmd_error(ctx, "a page number is required");
	uint64_t page = kd_page_size(ctx->s);
	for (int i = optind; i < argc; i++) {
		uint64_t pfn;
		if (!parse_number(argv[i], &pfn) || pfn > UINT64_MAX / page) {
			rc = kd_cmd_error(ctx, "invalid page number: %s",
					  argv[i]);
			continue;
		}
		fprintf(ctx->out, "%" PRIx64 ": %" PRIx64 "\n", pfn, pfn * page);
	}
	return rc;
}

const struct kd_command kd_cmd_ptob = {
	.name = "ptob",
	.summary = "page frame number to bytes",
	.usage =
	"SYNOPSIS\n"
	"  ptob page_number ...\n\n"
	"  The byte address of each page frame number, as \"PFN: ADDRESS\" in\n"
	"  hexadecimal.  A number is decimal unless it starts with 0x or has\n"
	"  hexadecimal digits.\n",
	.run = run,
	.needs_vmlinux = 1,
};
