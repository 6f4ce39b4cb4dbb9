// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log [-T] [-m]: the kernel message buffer as crash 8.0.6 prints it:
 *
 *   [    4.613324] Kernel panic - not syncing: sysrq triggered crash
 *
 * -T prints the time as a date ("[Thu Nov 26 16:37:33 UTC 2026] "),
 * computed as crash does from the boot date (crash date less the whole
 * seconds of uptime) plus the record's whole seconds; -m adds the
 * level ("<4>").  A newline inside a record continues on a line indented
 * under the text; bytes that are not printable ASCII print as '.'.
 * Records without text print as empty lines.
 */
#include <ctype.h>
#include <getopt.h>
#include <string.h>

#include <pykdump/clock.h>
#include <pykdump/printk.h>
#include <pykdump/session.h>

#include "cmd_util.h"

#define LOG_CTIME	0x1
#define LOG_LEVEL	0x2

struct log_print {
	FILE *out;
	unsigned flags;
	int64_t boot_date;
};

static int print_record(void *arg, const struct kd_printk_rec *r)
{
	struct log_print *lp = arg;
	FILE *out = lp->out;
	int indent = 0;
	if (r->dataless) {
		fputc('\n', out);
		return 0;
	}
	uint64_t sec = r->ts_nsec / 1000000000ULL;
	unsigned long usec = (unsigned long)(r->ts_nsec % 1000000000ULL) / 1000;
	if (lp->flags & LOG_CTIME) {
		char buf[64];
		kd_cmd_ctime_tz(lp->boot_date + (int64_t)sec, buf, sizeof(buf));
		indent += fprintf(out, "[%s] ", buf);
	} else {
		indent += fprintf(out, "[%5llu.%06lu] ",
				  (unsigned long long)sec, usec);
	}
	if (lp->flags & LOG_LEVEL)
		indent += fprintf(out, "<%x>", r->level);
	for (size_t i = 0; i < r->len; i++) {
		unsigned char c = (unsigned char)r->text[i];
		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if (c < 0x80 && (isprint(c) || isspace(c)))
			fputc(c, out);
		else
			fputc('.', out);
	}
	fputc('\n', out);
	return 0;
}

static int log_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct log_print lp = { .out = ctx->out };
	int c;
	while ((c = getopt(argc, argv, "Tm")) != -1) {
		switch (c) {
		case 'T':
			lp.flags |= LOG_CTIME;
			break;
		case 'm':
			lp.flags |= LOG_LEVEL;
			break;
		default:
			fprintf(ctx->out, "Usage: log [-T] [-m]\n");
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(ctx->out, "Usage: log [-T] [-m]\n");
		return 1;
	}
	if (lp.flags & LOG_CTIME)
		lp.boot_date = kd_boot_date(ctx->s);
	struct kd_error *err = kd_printk_walk(ctx->s, print_record, &lp);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

const struct kd_command kd_cmd_log = {
	.name = "log",
	.summary = "dump system message buffer",
	.usage = "SYNOPSIS\n"
		 "  log [-T] [-m]\n\n"
		 "  -T  timestamps as dates (crash's boot date + seconds)\n"
		 "  -m  show each message's log level (<N>)\n",
	.run = log_run,
	.needs_vmlinux = 1,
};
