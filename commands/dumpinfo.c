// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dumpinfo [--pages]: what the dump file is and what its notes say.
 *
 * The common facts first (one "KEY: value" line each, stable names that
 * tests and scripts grep), then the format's own details from
 * kd_dump_describe() (lower-case keys), then warnings and page counts.
 */
#include <elf.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <pykdump/dump.h>
#include <pykdump/session.h>
#include <pykdump/vmcoreinfo.h>

#include "cmd_util.h"

static void print_time(FILE *out, int64_t t)
{
	if (!t) {
		fprintf(out, "CRASH TIME: unknown\n");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	if (gmtime_r(&tt, &tm) &&
	    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y UTC", &tm))
		fprintf(out, "CRASH TIME: %s (%" PRId64 ")\n", buf, t);
	else
		fprintf(out, "CRASH TIME: %" PRId64 "\n", t);
}

static void print_cpus(FILE *out, const struct kd_dump *d)
{
	unsigned n = kd_dump_nr_cpu_states(d);
	fprintf(out, "CPUS: %u\n", kd_dump_nr_cpus(d));
	fprintf(out, "CPU NOTES: %u\n", n);
	int panic = kd_dump_panic_cpu(d);
	if (panic >= 0)
		fprintf(out, "PANIC CPU: %d\n", panic);
	else
		fprintf(out, "PANIC CPU: not recorded in the dump\n");
	for (unsigned i = 0; i < n; i++) {
		const struct kd_cpu_state *c = kd_dump_cpu_state(d, i);
		fprintf(out, "CPU %u: pid %u", i, c->pid);
		if (kd_dump_machine(d) == EM_X86_64 &&
		    c->nr_regs >= KD_NR_X86_64_REGS)
			fprintf(out, " rip 0x%" PRIx64 " rsp 0x%" PRIx64,
				c->regs[KD_RIP], c->regs[KD_RSP]);
		if (c->has_cr3)
			fprintf(out, " cr3 0x%" PRIx64, c->cr3);
		fprintf(out, "\n");
	}
}

static void print_facts(FILE *out, const struct kd_dump *d)
{
	fprintf(out, "FORMAT: %s\n", kd_dump_format_name(d));
	fprintf(out, "COMPRESSION: %s\n", kd_dump_compression(d));
	fprintf(out, "ARCHITECTURE: %s (%s-endian, %d-bit)\n",
		kd_dump_arch_name(d), kd_dump_big_endian(d) ? "big" : "little",
		8 * kd_dump_ptr_size(d));
	const char *rel = kd_dump_release(d);
	fprintf(out, "RELEASE: %s\n", rel ? rel : "unknown");
	fprintf(out, "PAGE SIZE: %u\n", kd_dump_page_size(d));
	fprintf(out, "MAX PFN: 0x%" PRIx64 "\n", kd_dump_max_pfn(d));
	print_time(out, kd_dump_crash_time(d));
	int level = kd_dump_level(d);
	if (level >= 0)
		fprintf(out, "DUMP LEVEL: %d\n", level);
	else
		fprintf(out, "DUMP LEVEL: none (not filtered)\n");
	size_t vlen;
	const char *vi = kd_dump_vmcoreinfo(d, &vlen);
	if (vi)
		fprintf(out, "VMCOREINFO: %zu bytes, %zu keys\n", vlen,
			kd_vmcoreinfo_count(kd_dump_vmcoreinfo_table(d)));
	else
		fprintf(out, "VMCOREINFO: none\n");
	const struct kd_utsname *u = kd_dump_utsname(d);
	if (u)
		fprintf(out, "UTSNAME: %s %s %s %s %s\n", u->sysname,
			u->nodename, u->release, u->version, u->machine);
	print_cpus(out, d);
}

static int dumpinfo_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pages", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int pages = 0, c;
	opterr = 0;	/* reported below, on the command's error stream */
	while ((c = getopt_long(argc, argv, "p", longopts, NULL)) != -1) {
		if (c == 'p') {
			pages = 1;
			continue;
		}
		if (optopt)
			return kd_cmd_bad_option(ctx, optopt);
		kd_cmd_error(ctx, "unrecognized option: %s", argv[optind - 1]);
		return kd_cmd_usage(ctx);
	}
	if (optind < argc)	/* not ignored, as other commands do */
		return kd_cmd_error(ctx, "unexpected argument: %s",
				    argv[optind]);
	struct kd_dump *d = kd_session_dump(ctx->s);
	FILE *out = ctx->out;
	fprintf(out, "DUMPFILE: %s\n", kd_session_dump_path(ctx->s));
	print_facts(out, d);
	struct kd_error *err = kd_dump_describe(d, out, pages);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

const struct kd_command kd_cmd_dumpinfo = {
	.name = "dumpinfo",
	.summary = "describe the dump file: format, compression, notes",
	.usage = "SYNOPSIS\n  dumpinfo [--pages]\n\n"
		 "  Prints the dump's format, compression, architecture, release,\n"
		 "  CPUs and their registers, page size, crash time, dump level\n"
		 "  and the format's own details (header version, block size,\n"
		 "  bitmaps, segments, flattened records ...).  --pages also\n"
		 "  counts present, dumped, excluded, lost and corrupt pages.\n",
	.run = dumpinfo_run,
};
