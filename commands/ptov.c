// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptov address | offset:cpuspec ...   (crash's ptov)
 *
 * A physical address: its kernel virtual address in the direct map,
 * "VIRTUAL PHYSICAL".  A per-CPU offset with a CPU list after ':' ("" the
 * current context's CPU, "a" or "all", "1,3,5-7"): "PER-CPU OFFSET: off"
 * and the address of that offset in each listed CPU's area
 * (__per_cpu_offset, lib/kernel percpu).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define MAX_CPUS 8192


static int percpu(struct kd_cmd_ctx *ctx, uint64_t off, const char *spec,
		  int others)
{
	const uint64_t *offs;
	unsigned n;
	unsigned char mark[MAX_CPUS];
	struct kd_error *err = kd_percpu_offsets(ctx->s, &offs, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	n = n < MAX_CPUS ? n : MAX_CPUS;
	memset(mark, 0, sizeof(mark));
	if (!*spec) {
		struct kd_task_ref t;
		err = kd_task_get(ctx->s, kd_current_task(ctx->s), &t);
		if (err)
			return kd_cmd_fail(ctx, err);
		if (t.cpu >= 0 && (unsigned)t.cpu < n)
			mark[t.cpu] = 1;
	} else if (kd_cmd_cpuspec(ctx, spec, (int)n, mark) < 0) {
		return 1;
	}
	char buf[32], a[64], b[64];
	snprintf(buf, sizeof(buf), "[%u]", n - 1);
	int len = (int)strlen(buf) + 2;
	fprintf(ctx->out, "%sPER-CPU OFFSET: %" PRIx64 "\n", others ? "\n" : "",
		off);
	fprintf(ctx->out, "  %s  %s\n", kd_cmd_just(a, sizeof(a), "CPU", len,
						     KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), "VIRTUAL", 16, KD_JUST_LEFT));
	for (unsigned c = 0; c < n; c++) {
		if (!mark[c])
			continue;
		snprintf(buf, sizeof(buf), "[%u]", c);
		fprintf(ctx->out, "  %s%" PRIx64 "\n",
			kd_cmd_just(a, sizeof(a), buf, len, KD_JUST_LEFT),
			off + offs[c]);
	}
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int rc = 0, others = 0;
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	if (optind >= argc)
		return kd_cmd_error(ctx, "an address is required");
	for (int i = optind; i < argc; i++, others++) {
		char arg[64];
		snprintf(arg, sizeof(arg), "%s", argv[i]);
		char *spec = strchr(arg, ':');
		if (spec)
			*spec++ = '\0';
		uint64_t pa;
		if (!kd_cmd_parse_hex(arg, &pa)) {
			rc = kd_cmd_error(ctx, "invalid input: \"%s\"", argv[i]);
			continue;
		}
		if (spec) {
			rc |= percpu(ctx, pa, spec, others);
			continue;
		}
		char a[64], b[64];
		fprintf(ctx->out, "%s%-16s  %-16s\n", others ? "\n" : "",
			"VIRTUAL", "PHYSICAL");
		snprintf(a, sizeof(a), "%" PRIx64, kd_ptov(ctx->s, pa));
		snprintf(b, sizeof(b), "%" PRIx64, pa);
		fprintf(ctx->out, "%-16s  %-16s\n", a, b);
	}
	return rc;
}

const struct kd_command kd_cmd_ptov = {
	.name = "ptov",
	.summary = "physical or per-CPU offset to virtual",
	.usage =
	"SYNOPSIS\n"
	"  ptov address | offset:cpuspec ...\n\n"
	"  The kernel virtual address (in the direct map) of a physical\n"
	"  address; or, for a per-CPU offset followed by ':' and a CPU list,\n"
	"  that offset's address in each listed CPU's per-CPU area.  The list:\n"
	"  empty (the current context's CPU), \"a\" or \"all\", or numbers and\n"
	"  ranges, \"1,3,5-7\".\n",
	.run = run,
	.needs_vmlinux = 1,
};
