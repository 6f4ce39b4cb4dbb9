// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * swap   (crash's swap)
 *
 * One line per swap area in use (lib/kernel vma.h, kd_swap_infos):
 * "SWAP_INFO_STRUCT TYPE SIZE USED PCT PRI FILENAME", sizes in KB,
 * TYPE PARTITION or FILE.  No area: the header alone.
 */
#include <inttypes.h>
#include <stdlib.h>

#include <pykdump/mm.h>
#include <pykdump/vma.h>

#include "cmd_util.h"

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct kd_swap_info *v;
	size_t n;
	if (kd_cmd_no_options(ctx, argc, argv, 1))
		return 1;
	struct kd_error *err = kd_swap_infos(ctx->s, &v, &n);
	if (err && !n) {
		free(v);
		return kd_cmd_fail(ctx, err);
	}
	uint64_t kb = kd_page_size(ctx->s) / 1024;
	fprintf(ctx->out, "SWAP_INFO_STRUCT    TYPE       SIZE       USED"
		"     PCT  PRI  FILENAME\n");
	for (size_t i = 0; i < n; i++) {
		char a[32], b[32], c[32], d[32], e[32], t[32];
		uint64_t size = v[i].pages * kb, used = v[i].inuse_pages * kb;
		snprintf(t, sizeof(t), "%" PRIx64, v[i].addr);
		kd_cmd_just(a, sizeof(a), t, 16, KD_JUST_CENTER | KD_JUST_LEFT);
		snprintf(t, sizeof(t), "%" PRIu64 "k", size);
		kd_cmd_just(b, sizeof(b), t, 10, KD_JUST_CENTER | KD_JUST_RIGHT);
		snprintf(t, sizeof(t), "%" PRIu64 "k", used);
		kd_cmd_just(c, sizeof(c), t, 10, KD_JUST_CENTER | KD_JUST_RIGHT);
		snprintf(t, sizeof(t), "%2" PRIu64 "%%",
			 size ? used * 100 / size : 0);
		kd_cmd_just(d, sizeof(d), t, 4, KD_JUST_CENTER | KD_JUST_RIGHT);
		snprintf(t, sizeof(t), "%d", v[i].prio);
		kd_cmd_just(e, sizeof(e), t, 4, KD_JUST_RIGHT);
		fprintf(ctx->out, "%s  %s %s %s %s %s  %s\n", a,
			v[i].is_device ? "PARTITION" : "  FILE   ", b, c, d, e,
			v[i].path);
	}
	free(v);
	if (err)
		return kd_cmd_fail(ctx, err);
	return 0;
}

const struct kd_command kd_cmd_swap = {
	.name = "swap",
	.summary = "swap device information",
	.usage =
	"SYNOPSIS\n"
	"  swap\n\n"
	"  Each swap area in use: its swap_info_struct, whether it is a\n"
	"  partition or a file, its size and the space used (KB), the\n"
	"  percentage used, its priority and its path.\n",
	.run = run,
	.needs_vmlinux = 1,
};
