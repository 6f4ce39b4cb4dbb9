// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log [-Ttdmasc]: the kernel message buffer as crash 8.0.6 prints it:
 *
 *   [    4.613324] Kernel panic - not syncing: sysrq triggered crash
 *
 * -T prints the time as a date ("[Thu Nov 26 16:37:33 UTC 2026] "),
 * computed as crash does from the boot date (crash date less the whole
 * seconds of uptime) plus the record's whole seconds; -t prints no time;
 * -c adds who called printk ("[    T1] " a thread, "[    C0] " a CPU,
 * as wide as pid_max's digits + 1); -m adds the level ("<4>"); -d adds
 * dev_printk()'s properties ("SUBSYSTEM=pci", "DEVICE=+pci:0000:00:1f.0")
 * each on a line of its own.  A newline inside a record continues on a
 * line indented under the text; bytes that are not printable ASCII
 * print as '.'.  Records without text print as empty lines.
 *
 * -a prints the audit records still queued in the kernel ("type=N
 * text"); -s printk's per-CPU safe buffers (4.11 - 5.14; none later,
 * nothing printed), each CPU's under a header:
 *
 *   PRINTK_SAFE_SEQ_BUF: nmi_print_seq
 *   CPU: 0  ADDR: ffff8c71cf620260 LEN: 0  MESSAGE_LOST: 0
 *     (empty)
 *
 * and log alone prints their unflushed text after the log, each line
 * tagged "[nmi_print_seq] " (not with -t), as crash does.  In a buffer a
 * message starts with SOH (0x01) and its level character.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/clock.h>
#include <pykdump/highlevel.h>
#include <pykdump/printk.h>
#include <pykdump/session.h>

#include "cmd_util.h"

#define LOG_CTIME	0x1	/* -T */
#define LOG_LEVEL	0x2	/* -m */
#define LOG_NO_TIME	0x4	/* -t */
#define LOG_DICT	0x8	/* -d */
#define LOG_CALLER	0x10	/* -c */
#define LOG_AUDIT	0x20	/* -a */
#define LOG_SAFE	0x40	/* -s */

struct log_print {
	FILE *out;
	unsigned flags;
	int64_t boot_date;
	int caller_width;
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
	if (lp->flags & LOG_NO_TIME) {
		/* nothing */
	} else if (lp->flags & LOG_CTIME) {
		char buf[64];
		kd_cmd_ctime_tz(lp->boot_date + (int64_t)sec, buf, sizeof(buf));
		indent += fprintf(out, "[%s] ", buf);
	} else {
		indent += fprintf(out, "[%5llu.%06lu] ",
				  (unsigned long long)sec, usec);
	}
	if ((lp->flags & LOG_CALLER) && r->has_caller) {
		char id[16];
		snprintf(id, sizeof(id), "%c%u",
			 (r->caller_id & 0x80000000u) ? 'C' : 'T',
			 r->caller_id & ~0x80000000u);
		indent += fprintf(out, "[%*s] ", lp->caller_width, id);
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
	if (lp->flags & LOG_DICT) {
		for (size_t i = 0; i < r->dict_len;) {
			size_t n = strnlen(r->dict + i, r->dict_len - i);
			if (n)
				fprintf(out, "\n%*s%.*s", indent, "", (int)n,
					r->dict + i);
			i += n + 1;
		}
	}
	fputc('\n', out);
	return 0;
}

static int print_audit(void *arg, unsigned type, const char *text,
		       size_t len)
{
	struct log_print *lp = arg;
	fprintf(lp->out, "type=%u %.*s\n", type, (int)len, text);
	return 0;
}

static int audit(struct kd_cmd_ctx *ctx, struct log_print *lp)
{
	size_t n;
	struct kd_error *err = kd_audit_walk(ctx->s, print_audit, lp, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	/* an answer, not a failure (a script asking gets exit status 0):
	 * on the output, in crash's words */
	if (!n)
		fprintf(ctx->out, "%s: kernel audit log is empty\n", ctx->name);
	return 0;
}

/* ---- the safe buffers ---- */

struct safe_print {
	struct log_print *lp;
	int header;		/* -s */
	const char *last;	/* the buffer whose header is out */
};

static void safe_text(FILE *out, unsigned flags, int header,
		      const char *name, const uint8_t *p, size_t n)
{
	int ilen = header ? 2 : (flags & LOG_NO_TIME) ? 0
						      : (int)strlen(name) + 3;
	int sol = 1;
	if (flags & LOG_LEVEL)
		ilen += 3;
	for (size_t i = 0; i < n; i++) {
		int was_sol = sol;
		sol = 0;
		if (p[i] == 0x1) {	/* SOH: a message, its level next */
			i++;
			if (!was_sol)
				fputc('\n', out);
			if (header)
				fputs("  ", out);
			else if (!(flags & LOG_NO_TIME))
				fprintf(out, "[%s] ", name);
			if ((flags & LOG_LEVEL) && i < n &&
			    ((p[i] >= '0' && p[i] <= '7') || p[i] == 'c'))
				fprintf(out, "<%c>", p[i]);
			continue;
		}
		if (was_sol)
			fprintf(out, "%*s", ilen, "");
		if (p[i] < 0x80 && (isprint(p[i]) || isspace(p[i]))) {
			fputc(p[i], out);
			sol = p[i] == '\n';
		} else {
			fputc('.', out);
		}
	}
	if (!sol)
		fputc('\n', out);
}

static int print_safe(void *arg, const char *name, unsigned cpu,
		      uint64_t addr, int len, int message_lost,
		      const uint8_t *bytes, size_t n)
{
	struct safe_print *sp = arg;
	FILE *out = sp->lp->out;
	if (sp->header) {
		if (sp->last != name)
			fprintf(out, "PRINTK_SAFE_SEQ_BUF: %s\n", name);
		sp->last = name;
		fprintf(out, "CPU: %u  ADDR: %" PRIx64 " LEN: %d  "
			"MESSAGE_LOST: %d\n", cpu, addr, len, message_lost);
	}
	if (len > 0) {
		safe_text(out, sp->lp->flags, sp->header, name, bytes, n);
		if (sp->header)
			fputc('\n', out);
	} else if (sp->header) {
		fputs("  (empty)\n\n", out);
	}
	return 0;
}

static int safe_buffers(struct kd_cmd_ctx *ctx, struct log_print *lp,
			int header)
{
	struct safe_print sp = { lp, header, NULL };
	if (!kd_printk_has_safe_buffers(ctx->s))
		return 0;	/* none in this kernel (5.15+): nothing */
	struct kd_error *err = kd_printk_safe_walk(ctx->s, print_safe, &sp);
	return err ? kd_cmd_fail_what(ctx, "printk safe buffers", err) : 0;
}

/* crash's width of the caller column: pid_max's digits and the T/C. */
static int caller_width(struct kd_session *s)
{
	uint64_t pid_max = 0;
	if (!kd_global_uint(s, "pid_max", 4, &pid_max))
		return 8;
	return pid_max <= 99999 ? 6 : pid_max <= 999999 ? 7 : 8;
}

static int log_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct log_print lp = { .out = ctx->out };
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "Ttdmasc")) != -1) {
		switch (c) {
		case 'T': lp.flags |= LOG_CTIME; break;
		case 't': lp.flags |= LOG_NO_TIME; break;
		case 'd': lp.flags |= LOG_DICT; break;
		case 'm': lp.flags |= LOG_LEVEL; break;
		case 'a': lp.flags |= LOG_AUDIT; break;
		case 's': lp.flags |= LOG_SAFE; break;
		case 'c': lp.flags |= LOG_CALLER; break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (optind < argc) {	/* crash ignores it */
		kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
		return kd_cmd_usage(ctx);
	}
	if (lp.flags & LOG_AUDIT)
		return audit(ctx, &lp);
	if (lp.flags & LOG_SAFE)
		return safe_buffers(ctx, &lp, 1);
	if (lp.flags & LOG_CTIME)
		lp.boot_date = kd_boot_date(ctx->s);
	if (lp.flags & LOG_CALLER)
		lp.caller_width = caller_width(ctx->s);
	struct kd_error *err = kd_printk_walk(ctx->s, print_record, &lp);
	if (err)
		return kd_cmd_fail(ctx, err);
	return safe_buffers(ctx, &lp, 0);	/* their unflushed text */
}

const struct kd_command kd_cmd_log = {
	.name = "log",
	.summary = "dump system message buffer",
	.usage = "SYNOPSIS\n"
		 "  log [-Ttdmasc]\n\n"
		 "  -T  timestamps as dates (crash's boot date + seconds)\n"
		 "  -t  no timestamps\n"
		 "  -d  dev_printk()'s properties (SUBSYSTEM=, DEVICE=) under\n"
		 "      each message that has them\n"
		 "  -m  show each message's log level (<N>)\n"
		 "  -a  the audit records still queued in the kernel\n"
		 "  -s  printk's per-CPU safe buffers (none since 5.15)\n"
		 "  -c  who called printk: [Tpid] a thread, [Ccpu] a CPU\n",
	.run = log_run,
	.needs_vmlinux = 1,
};
