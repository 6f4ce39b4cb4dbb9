// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irq [index ... | -u | -a | -b | -s [-c cpus]]   (crash's irq)
 *
 *   irq         every IRQ below nr_irqs: "IRQ IRQ_DESC/_DATA IRQACTION
 *               NAME", "(unused)" where there is no descriptor or
 *               action; shared IRQs list each action on its own line
 *   irq N ...   those IRQs; -u only those with a descriptor
 *   irq -a      IRQs with an action: their names and CPU affinity
 *               ("0-1", "0,6,18")
 *   irq -s      per-CPU counts of the IRQs with an action, the chip and
 *               flow ("IO-APIC-edge") and the action names; -c limits it
 *               to a CPU list ("1,3,5-7", "a")
 *   irq -b      the softirq vector: each handler and its symbol
 * The descriptors come from lib/kernel (irq.h).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/irq.h>
#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>

#include "cmd_util.h"

#define MAX_CPUS	8192
#define COL		16	/* VADDR_PRLEN, wide enough for IRQ_DESC/_DATA */

struct irqcmd {
	struct kd_cmd_ctx *ctx;
	uint64_t *descs;
	unsigned nr;
	int header_done;
	int in_use;
};

static void header(struct irqcmd *ic)
{
	char a[32], b[32];
	if (ic->header_done++)
		return;
	fprintf(ic->ctx->out, " IRQ  %s  %s  NAME\n",
		kd_cmd_just(a, sizeof(a), "IRQ_DESC/_DATA", COL, KD_JUST_CENTER),
		kd_cmd_just(b, sizeof(b), "IRQACTION", COL, KD_JUST_CENTER));
}

static int dump_irq(struct irqcmd *ic, unsigned irq)
{
	FILE *out = ic->ctx->out;
	uint64_t desc = irq < ic->nr ? ic->descs[irq] : 0;
	struct kd_irq_desc d;
	struct kd_irq_action *acts = NULL;
	size_t nacts = 0;
	char a[32], b[32], t[32];
	header(ic);
	if (!desc && ic->in_use)
		return 0;
	struct kd_error *err = desc ? kd_irq_desc_read(ic->ctx->s, desc, &d)
				    : NULL;
	if (!err && desc)
		err = kd_irq_actions(ic->ctx->s, d.action, &acts, &nacts);
	snprintf(t, sizeof(t), "%u", irq);
	fprintf(out, "%s  ", kd_cmd_just(a, sizeof(a), t, 4,
					 KD_JUST_CENTER | KD_JUST_RIGHT));
	snprintf(t, sizeof(t), "%" PRIx64, desc);
	fprintf(out, "%s  ", kd_cmd_just(a, sizeof(a), desc ? t : "(unused)",
					 COL, KD_JUST_CENTER));
	if (!nacts)
		fprintf(out, "%s  ", kd_cmd_just(b, sizeof(b), "(unused)", COL,
						 KD_JUST_CENTER));
	for (size_t i = 0; i < nacts; i++) {
		if (i)
			fprintf(out, "\n%*s", 4 + 2 + COL + 2, "");
		snprintf(t, sizeof(t), "%" PRIx64, acts[i].addr);
		fprintf(out, "%s  ", kd_cmd_just(b, sizeof(b), t, COL,
						 KD_JUST_CENTER));
		if (acts[i].name[0])
			fprintf(out, "\"%s\"", acts[i].name);
	}
	fputc('\n', out);
	free(acts);
	if (err)
		return kd_cmd_fail_what(ic->ctx, "cannot read the IRQ", err);
	return 0;
}

/* crash's display_cpu_affinity(): "0-1", "0,6,18", "0-5,12-17". */
static void put_affinity(FILE *out, const uint64_t *mask, unsigned ncpus)
{
	int count = 0;
	for (unsigned cpu = 0; cpu < ncpus;) {
		if (!(mask[cpu / 64] >> (cpu % 64) & 1)) {
			cpu++;
			continue;
		}
		unsigned start = cpu;
		while (cpu < ncpus && (mask[cpu / 64] >> (cpu % 64) & 1))
			cpu++;
		fprintf(out, "%s", count++ ? "," : "");
		if (start == cpu - 1)
			fprintf(out, "%u", start);
		else
			fprintf(out, "%u-%u", start, cpu - 1);
	}
}

/* "name1,name2" of the actions. */
static void action_names(const struct kd_irq_action *acts, size_t n,
			 char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		if (!acts[i].name[0])
			continue;
		len += snprintf(buf + len, size - len, "%s%s", len ? "," : "",
				acts[i].name);
	}
}

static int with_actions(struct irqcmd *ic, unsigned irq, struct kd_irq_desc *d,
			struct kd_irq_action **acts, size_t *n)
{
	*acts = NULL;
	*n = 0;
	if (irq >= ic->nr || !ic->descs[irq])
		return 0;
	struct kd_error *err = kd_irq_desc_read(ic->ctx->s, ic->descs[irq], d);
	if (!err && d->action)
		err = kd_irq_actions(ic->ctx->s, d->action, acts, n);
	if (err) {
		free(*acts);
		*acts = NULL;
		kd_cmd_fail_what(ic->ctx, "cannot read the IRQ", err);
		return -1;
	}
	return *n > 0;
}

static int affinity(struct irqcmd *ic)
{
	unsigned ncpus = kd_percpu_count(ic->ctx->s);
	int rc = 0;
	fprintf(ic->ctx->out, "IRQ NAME                 AFFINITY\n");
	for (unsigned irq = 0; irq < ic->nr; irq++) {
		struct kd_irq_desc d;
		struct kd_irq_action *acts;
		size_t n;
		uint64_t mask[MAX_CPUS / 64];
		char names[1024];
		int r = with_actions(ic, irq, &d, &acts, &n);
		if (r <= 0) {
			rc |= r < 0;
			continue;
		}
		struct kd_error *err = kd_irq_affinity(ic->ctx->s, &d, mask,
						       MAX_CPUS / 64);
		if (err) {
			free(acts);
			rc |= kd_cmd_fail(ic->ctx, err);
			continue;
		}
		action_names(acts, n, names, sizeof(names));
		fprintf(ic->ctx->out, "%3u %-20s ", irq, names);
		put_affinity(ic->ctx->out, mask, ncpus < MAX_CPUS ? ncpus : MAX_CPUS);
		fputc('\n', ic->ctx->out);
		free(acts);
	}
	return rc;
}


static int stats(struct irqcmd *ic, const char *cpuspec)
{
	unsigned ncpus = kd_percpu_count(ic->ctx->s);
	unsigned char mark[MAX_CPUS];
	FILE *out = ic->ctx->out;
	int rc = 0;
	ncpus = ncpus < MAX_CPUS ? ncpus : MAX_CPUS;
	memset(mark, !cpuspec, sizeof(mark));
	if (cpuspec && kd_cmd_cpuspec(ic->ctx, cpuspec, (int)ncpus, mark) < 0)
		return 1;
	fprintf(out, "     ");
	for (unsigned c = 0; c < ncpus; c++) {
		char name[32];
		snprintf(name, sizeof(name), "CPU%u", c);
		if (mark[c])
			fprintf(out, "%10s ", name);
	}
	fputc('\n', out);
	for (unsigned irq = 0; irq < ic->nr; irq++) {
		struct kd_irq_desc d;
		struct kd_irq_action *acts;
		size_t n;
		char names[1024];
		int r = with_actions(ic, irq, &d, &acts, &n);
		if (r <= 0) {
			rc |= r < 0;
			continue;
		}
		fprintf(out, "%3u: ", irq);
		for (unsigned c = 0; c < ncpus; c++) {
			uint64_t count = 0;
			if (!mark[c])
				continue;
			struct kd_error *err = kd_irq_cpu_count(ic->ctx->s, &d,
								c, &count);
			kd_cmd_lost(err);	/* shown as 0: partial */
			fprintf(out, "%10" PRIu64 " ", count);
		}
		if (d.chip_name[0])
			fprintf(out, "%8s", d.chip_name);
		if (d.flow_name[0])
			fprintf(out, "-%-8s", d.flow_name);
		action_names(acts, n, names, sizeof(names));
		fprintf(out, " %s\n", names);
		free(acts);
	}
	return rc;
}

static int softirqs(struct irqcmd *ic)
{
	uint64_t *v;
	size_t n;
	char a[32];
	struct kd_error *err = kd_softirq_actions(ic->ctx->s, &v, &n);
	if (err && !v)
		return kd_cmd_fail(ic->ctx, err);
	fprintf(ic->ctx->out, "SOFTIRQ_VEC %s\n",
		kd_cmd_just(a, sizeof(a), "ACTION", COL,
			    KD_JUST_CENTER | KD_JUST_RIGHT));
	for (size_t i = 0; i < n; i++) {
		struct kd_ksym sym;
		uint64_t off;
		char t[32];
		if (!v[i])
			continue;
		snprintf(t, sizeof(t), "%" PRIx64, v[i]);
		int named = kd_ksym_by_addr(ic->ctx->s, v[i], &sym, &off) &&
			    !off;
		fprintf(ic->ctx->out, "    [%zu]%*s %s  <%s>", i,
			i < 10 ? 4 : 3, "", kd_cmd_just(a, sizeof(a), t, COL,
							KD_JUST_CENTER |
							KD_JUST_RIGHT),
			named ? sym.name : "");
		if (named && sym.module)
			fprintf(ic->ctx->out, "  [%s]", sym.module);
		fputc('\n', ic->ctx->out);
	}
	free(v);
	return err ? kd_cmd_fail(ic->ctx, err) : 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct irqcmd ic = { .ctx = ctx };
	int c, mode = 0, rc = 0;
	const char *cpuspec = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "dbuasc:")) != -1) {
		switch (c) {
		case 'b': case 'a': case 's': mode = c; break;
		case 'u': ic.in_use = 1; break;
		case 'c':
			if (cpuspec)
				return kd_cmd_error(ctx, "only one -c option "
						    "allowed");
			cpuspec = optarg;
			break;
		case 'd':
			return kd_cmd_error(ctx, "option -d (the interrupt "
					    "descriptor table) is not supported");
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (cpuspec && mode != 's')
		return kd_cmd_error(ctx, "-c is only usable with -s");
	if (mode == 'b')
		return softirqs(&ic);
	struct kd_error *err = kd_irq_descs(ctx->s, &ic.descs, &ic.nr);
	if (err && !ic.descs)
		return kd_cmd_fail(ctx, err);
	if (err)	/* a tree broken part-way: what was found, and why */
		rc = kd_cmd_fail(ctx, err);
	if (mode == 'a')
		rc |= affinity(&ic);
	else if (mode == 's')
		rc |= stats(&ic, cpuspec);
	else if (optind >= argc)
		for (unsigned i = 0; i < ic.nr; i++) {
			if (i % 1024 == 0 && (err = kd_cancel_check())) {
				rc = kd_cmd_fail(ctx, err);
				break;
			}
			rc |= dump_irq(&ic, i);
		}
	ic.in_use = 0;
	for (int i = optind; mode != 'a' && mode != 's' && i < argc; i++) {
		char *end;
		unsigned long irq = strtoul(argv[i], &end, 10);
		if (*end || end == argv[i]) {
			rc = kd_cmd_error(ctx, "invalid IRQ value: %s", argv[i]);
			continue;
		}
		if (irq >= ic.nr) {
			rc = kd_cmd_error(ctx, "invalid IRQ value: %lu  (%u max)",
					  irq, ic.nr - 1);
			continue;
		}
		rc |= dump_irq(&ic, (unsigned)irq);
	}
	free(ic.descs);
	return rc;
}

const struct kd_command kd_cmd_irq = {
	.name = "irq",
	.summary = "interrupt request data",
	.usage =
	"SYNOPSIS\n"
	"  irq [index ... | -u | -a | -b | -s [-c cpus]]\n\n"
	"  Each IRQ's descriptor (struct irq_desc), its actions (struct\n"
	"  irqaction) and their names; \"(unused)\" where there is none.\n"
	"    index   only these IRQs\n"
	"    -u      only the IRQs that have a descriptor\n"
	"    -a      the CPU affinity of the IRQs that have an action\n"
	"    -s      how often each CPU took each IRQ that has an action,\n"
	"            with its chip and flow handler and action names\n"
	"    -c cpus with -s: only these CPUs (\"1,3,5-7\", \"a\" or \"all\")\n"
	"    -b      the softirq vector: each handler\n"
	"  Not supported: -d (the interrupt descriptor table).\n",
	.run = run,
	.needs_vmlinux = 1,
};
