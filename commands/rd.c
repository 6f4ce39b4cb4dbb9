// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rd [-dDsSpxa8] [-16|-32|-64] [address | symbol] [count]   (crash's rd)
 *
 * count entries of 8, 16, 32 or 64 bits (default 64), one line per 16
 * bytes: "ADDR:  entries   ascii", the address right-aligned in 16
 * columns.  -s shows values that point into the kernel as symbol+offset
 * (no ASCII column), -x drops the ASCII column, -d/-D print signed/
 * unsigned decimal, -p reads physical memory, -a prints the string at
 * the address, 60 characters a line.  A read that fails ends the dump
 * with crash's "read error" line.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>

#include "cmd_util.h"

#define ASCII_LINE	60
#define ASCII_MAX	(1u << 20)

enum rd_fmt { RD_HEX, RD_SYM, RD_DEC, RD_UDEC };

struct rd {
	struct kd_cmd_ctx *ctx;
	int bits;
	int phys;
	int ascii_col;
	enum rd_fmt fmt;
};

static struct kd_error *rd_read(struct rd *r, uint64_t addr, void *buf,
				size_t len)
{
	return r->phys ? kd_read_paddr(r->ctx->s, addr, buf, len)
		       : kd_read_kvaddr(r->ctx->s, addr, buf, len);
}

/* crash: "invalid" when the address does not translate, "read error"
 * when its page is not in the dump. */
static void read_error(struct rd *r, struct kd_error *err, uint64_t addr,
		       const char *type)
{
	int invalid = !r->phys && err->code == KD_ERR_FAULT;
	fprintf(r->ctx->out, "%s: %s %s address: %" PRIx64 "  type: \"%s\"\n",
		r->ctx->name, invalid ? "invalid" : "read error:",
		r->phys ? "physical" : "kernel virtual", addr, type);
	kd_error_destroy(err);
}

static void put_entry(struct rd *r, uint64_t v)
{
	FILE *out = r->ctx->out;
	int w = r->bits / 4;
	char sym[256];
	struct kd_symbol s;
	uint64_t off;
	if (r->fmt == RD_SYM && r->bits == 64 &&
	    kd_cmd_symbol_at(kd_session_symtab(r->ctx->s), v, &s, &off)) {
		if (off)
			snprintf(sym, sizeof(sym), "%s+%" PRIu64, s.name, off);
		else
			snprintf(sym, sizeof(sym), "%s", s.name);
		fprintf(out, "%-16s ", sym);
	} else if (r->fmt == RD_DEC) {
		int64_t sv = r->bits == 64 ? (int64_t)v : r->bits == 32 ?
			     (int32_t)v : r->bits == 16 ? (int16_t)v : (int8_t)v;
		fprintf(out, "%*" PRId64 " ", w + 4, sv);
	} else if (r->fmt == RD_UDEC) {
		fprintf(out, "%*" PRIu64 " ", w + 4, v);
	} else {
		fprintf(out, "%0*" PRIx64 " ", w, v);
	}
}

static void put_ascii(FILE *out, const uint8_t *b, size_t n, size_t pad)
{
	fprintf(out, "%*s  ", (int)pad, "");
	for (size_t i = 0; i < n; i++)
		fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', out);
}

static int dump_words(struct rd *r, uint64_t addr, uint64_t count)
{
	static const char *const type_names[] = { [1] = "8-bit", [2] = "16-bit",
						  [4] = "32-bit", [8] = "64-bit" };
	size_t esize = r->bits / 8, per_line = 16 / esize;
	FILE *out = r->ctx->out;
	char type[32];
	snprintf(type, sizeof(type), "%s %s", type_names[esize],
		 r->phys ? "PHYSADDR" : "KVADDR");
	for (uint64_t done = 0; done < count;) {
		uint8_t line[16];
		size_t n = count - done < per_line ? count - done : per_line;
		struct kd_error *err = kd_cancel_check();
		if (!err)
			err = rd_read(r, addr, line, n * esize);
		if (err) {
			read_error(r, err, addr, type);
			return 1;
		}
		fprintf(out, "%16" PRIx64 ":  ", addr);
		for (size_t i = 0; i < n; i++) {
			uint64_t v = 0;
			memcpy(&v, line + i * esize, esize);
			put_entry(r, v);
		}
		if (r->ascii_col && r->fmt == RD_HEX)
			put_ascii(out, line, n * esize,
				  (per_line - n) * (r->bits / 4 + 1));
		fputc('\n', out);
		done += n;
		addr += n * esize;
	}
	return 0;
}

static int dump_ascii(struct rd *r, uint64_t addr, uint64_t count)
{
	FILE *out = r->ctx->out;
	uint64_t limit = count ? count : ASCII_MAX;
	for (uint64_t done = 0; done < limit;) {
		uint8_t buf[ASCII_LINE];
		size_t n = limit - done < ASCII_LINE ? limit - done : ASCII_LINE;
		size_t len = 0;
		struct kd_error *err = rd_read(r, addr, buf, n);
		if (err) {
			read_error(r, err, addr, "ascii");
			return 1;
		}
		while (len < n && buf[len])
			len++;
		int shown = (int)len;
		if (len < n && shown && buf[shown - 1] == '\n')
			shown--;	/* the string's own newline ends the line */
		if (len)
			fprintf(out, "%16" PRIx64 ":  %.*s\n", addr, shown, buf);
		if (len < n)
			break;
		done += n;
		addr += n;
	}
	return 0;
}

static int parse_opts(struct rd *r, int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "dDsSpxau")) != -1) {
		switch (c) {
		case 'd': r->fmt = RD_DEC; break;
		case 'D': r->fmt = RD_UDEC; break;
		case 's': case 'S': r->fmt = RD_SYM; r->ascii_col = 0; break;
		case 'p': r->phys = 1; break;
		case 'x': r->ascii_col = 0; break;
		case 'a': r->bits = 0; break;
		case 'u': break;
		default: return -1;
		}
	}
	return 0;
}

/* -8, -16, -32, -64 are words getopt cannot take: remove them first. */
static int take_sizes(struct rd *r, int argc, char **argv, char **av)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-8") || !strcmp(a, "-16") || !strcmp(a, "-32") ||
		    !strcmp(a, "-64"))
			r->bits = atoi(a + 1);
		else
			av[n++] = argv[i];
	}
	av[n] = NULL;
	return n;
}

static int rd_main(struct kd_cmd_ctx *ctx, int argc, char **argv,
		   struct rd *rp);

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct rd r = { .ctx = ctx, .bits = 64, .ascii_col = 1, .fmt = RD_HEX };
	char **av = calloc(argc + 1, sizeof(*av));
	if (!av)
		return 1;
	int rc = rd_main(ctx, take_sizes(&r, argc, argv, av), av, &r);
	free(av);
	return rc;
}

static int rd_main(struct kd_cmd_ctx *ctx, int argc, char **argv,
		   struct rd *rp)
{
	struct rd r = *rp;
	uint64_t addr, count = 0;
	if (parse_opts(&r, argc, argv) < 0 || optind >= argc) {
		fprintf(ctx->out, "Usage: rd [-dDsSupxmf][-8|-16|-32|-64][-o offs]"
			"[-e addr][-r file] [address|symbol] [count]\n");
		return 1;
	}
	if (!(r.phys ? kd_cmd_parse_hex(argv[optind], &addr)
		     : kd_cmd_parse_addr(ctx->s, argv[optind], &addr))) {
		return kd_cmd_error(ctx, "invalid input: \"%s\"",
				    argv[optind]);
	}
	if (optind + 1 < argc) {
		char *end;
		count = strtoull(argv[optind + 1], &end, 10);
		if (*end || !count) {
			return kd_cmd_error(ctx, "invalid count: %s",
					    argv[optind + 1]);
		}
	}
	if (!r.bits)
		return dump_ascii(&r, addr, count);
	return dump_words(&r, addr, count ? count : 1);
}

const struct kd_command kd_cmd_rd = {
	.name = "rd",
	.summary = "read memory",
	.usage = "rd [-dDsSpxa8] [-16|-32|-64] [address | symbol] [count]",
	.run = run,
	.needs_vmlinux = 1,
};
