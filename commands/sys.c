// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sys: the system summary as crash 8.0.6 prints it:
 *
 *       KERNEL: vmlinux
 *     DUMPFILE: vmcore.kdump  [PARTIAL DUMP]
 *         CPUS: 2 [OFFLINE: 1]
 *         DATE: Thu Nov 26 16:37:33 UTC 2026
 *       UPTIME: 00:00:04
 * LOAD AVERAGE: 0.00, 0.00, 0.00
 *        TASKS: 60
 *     NODENAME: (none)
 *      RELEASE: 6.1.0-56-cloud-amd64
 *      VERSION: #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)
 *      MACHINE: x86_64  (2594 Mhz)
 *       MEMORY: 255.5 MB
 *        PANIC: "Kernel panic - not syncing: sysrq triggered crash"
 *
 * Where each comes from: KERNEL/DUMPFILE the paths as given ([TAINTED]
 * when tainted_mask is set, [PARTIAL DUMP] for a filtered dump); CPUS the
 * present CPUs and those not online; DATE and UPTIME see clock.h; LOAD
 * AVERAGE avenrun[] (sched.h: rounded to hundredths as the kernel and
 * crash print it); TASKS the task table
 * (idle tasks included); utsname from memory;
 * MHz cpu_khz / 1000; MEMORY the nodes' present pages (rounded up to the
 * next GB when within 64 MB of it, as crash does); PANIC crash's panic message
 * (panic.h: the first log line holding the first of its patterns).
 *
 * sys -t: "TAINTED_MASK: <hex>  <letters>" (the taint flags' letters as
 * crash picks them); sys -i: the DMI strings, names right-aligned.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/clock.h>
#include <pykdump/dump.h>
#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/panic.h>
#include <pykdump/sched.h>
#include <pykdump/session.h>
#include <pykdump/sysinfo.h>
#include <pykdump/tasks.h>
#include <pykdump/vector.h>

#include "cmd_util.h"

static void print_loadavg(struct kd_cmd_ctx *ctx)
{
	uint64_t v[3] = { 0 };
	char buf[32];
	if (!kd_loadavg(ctx->s, v))	/* shown as 0.00: partial */
		kd_cmd_lost(kd_error_create(KD_ERR_NOT_FOUND, "no load "
					    "averages (avenrun)"));
	fprintf(ctx->out, "LOAD AVERAGE: ");
	for (int i = 0; i < 3; i++) {
		kd_loadavg_format(v[i], buf, sizeof(buf));
		fprintf(ctx->out, "%s%s", i ? ", " : "", buf);
	}
	fputc('\n', ctx->out);
}

static void print_memory(struct kd_cmd_ctx *ctx)
{
	uint64_t spanned, present;
	uint64_t ps = kd_page_size(ctx->s);
	const uint64_t gb = 1ULL << 30, mb64 = 64ULL << 20;
	char buf[64];
	if (!kd_mm_node_pages(ctx->s, &spanned, &present)) {
		fprintf(ctx->out, "      MEMORY: (unknown)\n");
		return;
	}
	uint64_t total = present * ps;
	uint64_t next_gig = (total + gb - 1) / gb * gb;
	if (next_gig - total <= mb64)
		total = next_gig;
	fprintf(ctx->out, "      MEMORY: %s\n",
		kd_cmd_pages_to_size(total / ps, ps, buf, sizeof(buf)));
}

/* ---------------------------------------------------------------- panic */

/* crash's get_panicmsg() (kd_panic_message); an Oops is shown with a
 * hint to read the log, as crash does. */
static int print_panic(struct kd_cmd_ctx *ctx)
{
	char *line = NULL;
	struct kd_error *err = kd_panic_message(ctx->s, &line);
	int rc = 0;
	if (err)	/* an empty PANIC would read as "no panic" */
		rc = kd_cmd_fail_what(ctx, "no panic message", err);
	fprintf(ctx->out, "       PANIC: \"%s\"%s\n", line ? line : "",
		line && strstr(line, "Oops: ") ? " (check log for details)"
					       : "");
	free(line);
	return rc;
}

/* ------------------------------------------------------------- the rest */

static void print_files(struct kd_cmd_ctx *ctx, const struct kd_machine *m)
{
	uint64_t tainted = 0;
	kd_global_uint(ctx->s, "tainted_mask", 8, &tainted);
	fprintf(ctx->out, "      KERNEL: %s%s\n",
		m->vmlinux_path ? m->vmlinux_path : "(none)",
		tainted ? "  [TAINTED]" : "");
	fprintf(ctx->out, "    DUMPFILE: %s%s\n", m->dump_path,
		kd_dump_level(kd_session_dump(ctx->s)) > 0 ?
		"  [PARTIAL DUMP]" : "");
	unsigned cpus = m->cpus_present ? m->cpus_present : m->cpus_possible;
	fprintf(ctx->out, "        CPUS: %u", cpus);
	if (m->cpus_online && m->cpus_online < cpus)
		fprintf(ctx->out, " [OFFLINE: %u]", cpus - m->cpus_online);
	fputc('\n', ctx->out);
}

static int print_times(struct kd_cmd_ctx *ctx)
{
	char buf[128];
	uint64_t j;
	int64_t date = kd_crash_date(ctx->s);
	fprintf(ctx->out, "        DATE: %s\n",
		kd_cmd_ctime_tz(date, buf, sizeof(buf)));
	/* no crash time in VMCOREINFO, the timekeeper nor the dump header:
	 * the date shown is the epoch, not an answer */
	int rc = date > 0 ? 0 : kd_cmd_error(ctx, "the crash date cannot be "
					       "read (VMCOREINFO CRASHTIME, "
					       "the timekeeper, the dump "
					       "header)");
	if (kd_uptime_jiffies(ctx->s, &j))
		kd_cmd_convert_time(j, kd_hz(ctx->s), buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "(unknown)");
	fprintf(ctx->out, "      UPTIME: %s\n", buf);
	return rc;
}

/* crash's RUNNING_TASKS: every task, the per-CPU idle tasks included. */
static int print_tasks(struct kd_cmd_ctx *ctx)
{
	struct kd_task_table tt;
	struct kd_error *err = kd_task_table_collect(ctx->s, &tt);
	if (err) {
		fprintf(ctx->out, "       TASKS: (unknown)\n");
		return kd_cmd_fail_what(ctx, "TASKS", err);
	}
	fprintf(ctx->out, "       TASKS: %zu\n", tt.n);
	int rc = 0;
	if (tt.problem)	/* a count from a damaged list: say so */
		rc = kd_cmd_error(ctx, "task list incomplete: %s", tt.problem);
	kd_task_table_free(&tt);
	return rc;
}

static int taints(struct kd_cmd_ctx *ctx)
{
	uint64_t mask;
	char letters[128];
	int old;
	struct kd_error *err = kd_kernel_taints(ctx->s, &mask, letters,
						sizeof(letters), &old);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (old)
		fprintf(ctx->out, "TAINTED: %" PRIx64 "\n", mask);
	else
		fprintf(ctx->out, "TAINTED_MASK: %" PRIx64 "  %s\n", mask,
			letters);
	return 0;
}

struct dmi {
	char **names, **values;
	size_t n, names_cap, values_cap;
	int failed;
};

static int collect_dmi(void *arg, const char *field, const char *value)
{
	struct dmi *d = arg;
	if (kd_array_reserve(&d->names, &d->names_cap, d->n + 1) ||
	    kd_array_reserve(&d->values, &d->values_cap, d->n + 1) ||
	    !(d->names[d->n] = strdup(field))) {
		d->failed = 1;
		return 1;
	}
	if (!(d->values[d->n] = strdup(value))) {
		free(d->names[d->n]);
		d->failed = 1;
		return 1;
	}
	d->n++;
	return 0;
}

static int dmi(struct kd_cmd_ctx *ctx)
{
	struct dmi d = { 0 };
	int width = 0, rc = 0;
	struct kd_error *err = kd_dmi_strings(ctx->s, collect_dmi, &d);
	for (size_t i = 0; i < d.n; i++)
		if ((int)strlen(d.names[i]) > width)
			width = (int)strlen(d.names[i]);
	for (size_t i = 0; i < d.n; i++)
		fprintf(ctx->out, "  %*s: %s\n", width, d.names[i],
			d.values[i]);
	if (err)
		rc = kd_cmd_fail(ctx, err);
	else if (d.failed)
		rc = kd_cmd_error(ctx, "out of memory");
	for (size_t i = 0; i < d.n; i++) {
		free(d.names[i]);
		free(d.values[i]);
	}
	free(d.names);
	free(d.values);
	return rc;
}

static int sys_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	const struct kd_machine *m;
	int c, only = 0;	/* -t or -i: the first given */
	opterr = 0;
	while ((c = getopt(argc, argv, "tic")) != -1) {
		switch (c) {
		case 't':
		case 'i':
			only = only ? only : c;
			break;
		case 'c':
			return kd_cmd_error(ctx, "-c (the system call table) is "
					    "not supported yet");
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (only && optind < argc)	/* crash ignores it */
		return kd_cmd_error(ctx, "unexpected argument: %s",
				    argv[optind]);
	if (only)
		return only == 't' ? taints(ctx) : dmi(ctx);
	if (optind < argc && !strcmp(argv[optind], "config"))
		return kd_cmd_error(ctx, "config: the kernel's configuration "
				    "(CONFIG_IKCONFIG) is not read yet");
	if (optind < argc) {	/* crash shows only the usage: say why */
		kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
		return kd_cmd_usage(ctx);
	}
	struct kd_error *err = kd_session_machine(ctx->s, &m);
	if (err)
		return kd_cmd_fail(ctx, err);
	print_files(ctx, m);
	int rc = print_times(ctx);
	print_loadavg(ctx);
	rc |= print_tasks(ctx);
	fprintf(ctx->out, "    NODENAME: %s\n", m->nodename);
	fprintf(ctx->out, "     RELEASE: %s\n", m->release);
	fprintf(ctx->out, "     VERSION: %s\n", m->version);
	uint64_t khz = 0;
	fprintf(ctx->out, "     MACHINE: %s  ", m->machine);
	if (kd_global_uint(ctx->s, "cpu_khz", 4, &khz) && khz >= 1000)
		fprintf(ctx->out, "(%llu Mhz)\n", (unsigned long long)khz / 1000);
	else
		fprintf(ctx->out, "(unknown Mhz)\n");
	print_memory(ctx);
	rc |= print_panic(ctx);
	return rc;
}

const struct kd_command kd_cmd_sys = {
	.name = "sys",
	.summary = "system data",
	.usage = "SYNOPSIS\n  sys [-t] [-i]\n\n"
		 "  -t  the kernel's taint mask and flags\n"
		 "  -i  the DMI strings\n\n"
		 "  Kernel, dump file, CPUs, crash date, uptime, load average,\n"
		 "  task count, utsname, processor speed, memory size and the\n"
		 "  panic message.\n",
	.run = sys_run,
	.needs_vmlinux = 1,
};
