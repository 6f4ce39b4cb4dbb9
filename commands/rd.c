// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rd [-adDsSupxNR] [-SS] [-8|-16|-32|-64] [-o offs] [-e addr] [-r file]
 *    [address | symbol | (expression)] [count]            (crash's rd)
 *
 * count entries of 8, 16, 32 or 64 bits (default 64, one), one line
 * per 16 bytes: "ADDR:  entries   ascii", the address right-aligned in
 * 16 columns.  -s shows values that point into the kernel as
 * symbol+offset (no ASCII column), -x drops the ASCII column, -d/-D
 * print signed/unsigned decimal (crash's widths: 15/20 columns for 64
 * bits, 12 for 32, 5 for 16, 3 for 8; values narrower than 32 bits are
 * shown unsigned either way, as crash does), -N shows 16/32-bit values
 * in network byte order, -a prints the string at the address, 60
 * characters a line (without a count, up to the first unprintable
 * character).  Addresses: kernel virtual; below the kernel's half (or
 * with -u) a user address of the current context; -p physical.  -o adds
 * an offset, -e ends before an address instead of a count, -R shows the
 * count entries that end at the address, -r writes the raw bytes to a
 * file.  A read that fails ends the dump with crash's "invalid ...
 * address" (no translation) or "read error" (not in the dump) line.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/log.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/slab.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>
#include <pykdump/vma.h>

#include "cmd_util.h"

#define ASCII_LINE	60
#define ASCII_MAX	(1u << 20)
#define USER_TOP	0x0000800000000000ULL	/* x86_64, 4-level */
#define RAW_CHUNK	4096

enum rd_fmt { RD_HEX, RD_SYM, RD_DEC, RD_UDEC };
enum rd_mem { RD_KVADDR, RD_UVADDR, RD_PHYS };

struct rd {
	struct kd_cmd_ctx *ctx;
	int bits;		/* 0: -a */
	enum rd_mem mem;
	int ascii_col;
	int net_endian;
	int reverse;
	enum rd_fmt fmt;
	int slab;		/* -S: 1, -SS: 2 */
	uint64_t pgd;		/* RD_UVADDR: the current context's mm->pgd */
	const char *end_arg, *offset_arg, *raw_file;
};

static struct kd_error *rd_read(struct rd *r, uint64_t addr, void *buf,
				size_t len)
{
	switch (r->mem) {
	case RD_PHYS: return kd_read_paddr(r->ctx->s, addr, buf, len);
	case RD_UVADDR: return kd_read_uvaddr(r->ctx->s, r->pgd, addr, buf,
					      len);
	default: return kd_read_kvaddr(r->ctx->s, addr, buf, len);
	}
}

/* crash: "invalid" when the address does not translate, "read error"
 * when its page is not in the dump. */
static void read_error(struct rd *r, struct kd_error *err, uint64_t addr,
		       const char *type)
{
	static const char *const space[] = { "kernel virtual", "user virtual",
					     "physical" };
	int invalid = r->mem != RD_PHYS && err->code == KD_ERR_FAULT;
	fflush(r->ctx->out);	/* the rows so far, then the error */
	fprintf(kd_cmd_errfile(r->ctx), "%s: %s %s address: %" PRIx64
		"  type: \"%s\"\n",
		r->ctx->name, invalid ? "invalid" : "read error:",
		space[r->mem], addr, type);
	kd_log_error(kd_session_log(r->ctx->s), "%s: %s", r->ctx->name,
		     err->message);
	kd_error_destroy(err);
}

/* -S/-SS: a value pointing into a slab page of a known cache, as crash
 * shows it: "[cache]" or "[value:cache]".  Only the page matters (a
 * value past the slab's last object still names the cache); a free
 * list found corrupt on the way does not change the cache. */
static int slab_name(struct rd *r, uint64_t v, char *buf, size_t size)
{
	struct kd_slab_addr a;
	struct kd_slab_cache c;
	int found = 0;
	kd_error_destroy(kd_slab_find(r->ctx->s, v, &a, &found));
	if (!found)
		return 0;
	struct kd_error *err = kd_slab_cache_read(r->ctx->s, a.cache, &c);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (r->slab > 1)
		snprintf(buf, size, "[%" PRIx64 ":%s]", v, c.name);
	else
		snprintf(buf, size, "[%s]", c.name);
	return 1;
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
		return;
	}
	if (r->fmt == RD_SYM && r->bits == 64 && r->slab && slab_name(r, v, sym,
								 sizeof(sym))) {
		fprintf(out, "%-16s ", sym);
		return;
	}
	if (r->net_endian && r->bits == 32)
		v = __builtin_bswap32((uint32_t)v);
	else if (r->net_endian && r->bits == 16)
		v = __builtin_bswap16((uint16_t)v);
	if (r->fmt == RD_DEC && r->bits == 64)
		fprintf(out, "%15" PRId64 " ", (int64_t)v);
	else if (r->fmt == RD_DEC && r->bits == 32)
		fprintf(out, "%12" PRId32 " ", (int32_t)v);
	else if (r->fmt == RD_UDEC && r->bits == 64)
		fprintf(out, "%20" PRIu64 " ", v);
	else if (r->fmt == RD_DEC || r->fmt == RD_UDEC)
		fprintf(out, "%*" PRIu64 " ", r->bits == 32 ? 12 :
			r->bits == 16 ? 5 : 3, v);
	else
		fprintf(out, "%0*" PRIx64 " ", w, v);
}

static void put_ascii(FILE *out, const uint8_t *b, size_t n, size_t pad)
{
	fprintf(out, "%*s  ", (int)pad, "");
	for (size_t i = 0; i < n; i++)
		fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', out);
}

static const char *type_name(struct rd *r, char *buf, size_t size)
{
	static const char *const mem[] = { "KVADDR", "UVADDR", "PHYSADDR" };
	if (!r->bits)
		snprintf(buf, size, "ascii");
	else
		snprintf(buf, size, "%d-bit %s", r->bits, mem[r->mem]);
	return buf;
}

static int dump_words(struct rd *r, uint64_t addr, uint64_t count)
{
	size_t esize = r->bits / 8, per_line = 16 / esize;
	FILE *out = r->ctx->out;
	char type[32];
	type_name(r, type, sizeof(type));
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
			/* crash's ASCII column shows the swapped value */
			if (r->net_endian && (esize == 2 || esize == 4)) {
				uint32_t w = esize == 4 ? __builtin_bswap32(
					(uint32_t)v) : __builtin_bswap16(
					(uint16_t)v);
				memcpy(line + i * esize, &w, esize);
			}
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

/* -a, crash's way: the printable characters, 60 a line, each run of
 * them on a new line after an unprintable one; without a count, up to
 * the first unprintable character. */
static int dump_ascii(struct rd *r, uint64_t addr, uint64_t count)
{
	FILE *out = r->ctx->out;
	int unlimited = !count;
	uint64_t limit = unlimited ? ASCII_MAX : count, a = 0, shown = 0;
	uint8_t buf[ASCII_LINE];
	for (uint64_t done = 0; done < limit;) {
		size_t n = limit - done < ASCII_LINE ? limit - done : ASCII_LINE;
		struct kd_error *err = rd_read(r, addr + done, buf, n);
		if (err) {
			if (shown)
				fputc('\n', out);
			read_error(r, err, addr + done, "ascii");
			return 1;
		}
		for (size_t i = 0; i < n; i++, done++) {
			if (!isprint(buf[i])) {
				if (unlimited) {
					if (shown)
						fputc('\n', out);
					return 0;
				}
				a = 0;
				continue;
			}
			if (a++ % ASCII_LINE == 0)
				fprintf(out, "%s%16" PRIx64 ":  ",
					shown ? "\n" : "", addr + done);
			fputc(buf[i], out);
			shown++;
		}
	}
	if (shown)
		fputc('\n', out);
	if (unlimited)
		return kd_cmd_error(r->ctx, "no end of the string in %u bytes",
				    ASCII_MAX);
	return 0;
}

/* -r: count bytes to the file. */
static int dump_raw(struct rd *r, uint64_t addr, uint64_t count)
{
	FILE *f = fopen(r->raw_file, "w");
	uint8_t buf[RAW_CHUNK];
	if (!f)
		return kd_cmd_error(r->ctx, "cannot open output file: %s: %s",
				    r->raw_file, strerror(errno));
	for (uint64_t done = 0; done < count;) {
		size_t n = count - done < RAW_CHUNK ? count - done : RAW_CHUNK;
		struct kd_error *err = kd_cancel_check();
		if (!err)
			err = rd_read(r, addr + done, buf, n);
		if (err) {
			fclose(f);
			read_error(r, err, addr + done, "raw dump to file");
			return 1;
		}
		if (fwrite(buf, 1, n, f) != n) {
			fclose(f);
			return kd_cmd_error(r->ctx, "cannot write to: %s",
					    r->raw_file);
		}
		done += n;
	}
	if (fclose(f) != 0)
		return kd_cmd_error(r->ctx, "cannot write to: %s", r->raw_file);
	fprintf(r->ctx->out, "%" PRIu64 " bytes copied from 0x%" PRIx64
		" to %s\n", count, addr, r->raw_file);
	return 0;
}

/* ---- arguments ---- */

/* crash's stol(): hexadecimal with 0x or a-f digits, else decimal. */
static int parse_number(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (hex)
		p += 2;
	if (!*p)
		return 0;
	for (const char *q = p; *q; q++) {
		if (!isxdigit((unsigned char)*q))
			return 0;
		hex |= !isdigit((unsigned char)*q);
	}
	char *end;
	errno = 0;
	*ret = strtoull(p, &end, hex ? 16 : 10);
	return !*end && errno != ERANGE;
}

static int parse_opts(struct rd *r, int argc, char **argv)
{
	int c, sym_opt = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "dDsSpxauNRe:o:r:mf")) != -1) {
		switch (c) {
		case 'd': r->fmt = RD_DEC; break;
		case 'D': r->fmt = RD_UDEC; break;
		case 's': case 'S':
			r->fmt = RD_SYM;
			r->ascii_col = 0;
			sym_opt = c;
			if (c == 'S')
				r->slab++;
			break;
		case 'p': r->mem = RD_PHYS; break;
		case 'u': r->mem = RD_UVADDR; break;
		case 'x': r->ascii_col = 0; break;
		case 'a': r->bits = 0; break;
		case 'N': r->net_endian = 1; break;
		case 'R': r->reverse = 1; break;
		case 'e': r->end_arg = optarg; break;
		case 'o': r->offset_arg = optarg; break;
		case 'r': r->raw_file = optarg; break;
		case 'm': case 'f':
			kd_cmd_error(r->ctx, "option -%c is not supported", c);
			return -1;
		default:
			kd_cmd_bad_option(r->ctx, optopt ? optopt : c);
			return -1;
		}
	}
	if (r->fmt == RD_SYM && r->bits != 64) {
		kd_cmd_error(r->ctx, "-%c option is only allowed with 64-bit "
			     "display", sym_opt);
		return -1;
	}
	if (optind >= argc) {
		kd_cmd_error(r->ctx, "an address or symbol is required");
		return -1;
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

static int parse_address(struct rd *r, const char *arg, uint64_t *addr)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *p = buf;
	int expr = *p == '(' && p[strlen(p) - 1] == ')';
	if (expr) {
		p[strlen(p) - 1] = '\0';
		p++;
	}
	if (kd_cmd_parse_hex(p, addr))
		return 0;
	if (r->mem != RD_PHYS && kd_cmd_parse_addr(r->ctx->s, p, addr))
		return 0;
	if (expr || strpbrk(p, "+-"))
		return kd_cmd_error(r->ctx, "invalid input: \"%s\"", arg);
	return kd_cmd_symbol_not_found(r->ctx, p);
}

/* The current context's page tables, for user addresses. */
static int user_space(struct rd *r)
{
	uint64_t mm = 0;
	struct kd_error *err = kd_task_mm(r->ctx->s,
					  kd_current_task(r->ctx->s), &mm);
	if (!err && !mm)
		return kd_cmd_error(r->ctx, "the current context has no user "
				    "address space");
	if (!err)
		err = kd_mm_pgd(r->ctx->s, mm, &r->pgd);
	return err ? kd_cmd_fail(r->ctx, err) : 0;
}

/* The count from the argument or -e ("0": none given). */
static int get_count(struct rd *r, int argc, char **argv, uint64_t addr,
		     uint64_t *count)
{
	unsigned esize = r->bits ? r->bits / 8 : 1;
	*count = 0;
	if (optind + 1 < argc) {
		if (optind + 2 < argc)
			return kd_cmd_error(r->ctx, "too many arguments: %s",
					    argv[optind + 2]);
		if (!parse_number(argv[optind + 1], count))
			return kd_cmd_error(r->ctx, "invalid count request: %s",
					    argv[optind + 1]);
		if (!*count)
			return kd_cmd_error(r->ctx, "invalid count request: 0");
		if (r->end_arg) {	/* a warning: not part of the dump */
			fflush(r->ctx->out);
			fprintf(kd_cmd_errfile(r->ctx), "WARNING: ending "
				"address ignored when count is specified\n");
		}
		return 0;
	}
	if (r->end_arg) {
		uint64_t end;
		if (!kd_cmd_parse_hex(r->end_arg, &end))
			return kd_cmd_error(r->ctx, "invalid input: \"%s\"",
					    r->end_arg);
		if (end <= addr)
			return kd_cmd_error(r->ctx, "invalid ending address: "
					    "%" PRIx64, end);
		*count = (end - addr) / esize;
		if (!*count)
			*count = 1;
		return 0;
	}
	if (r->raw_file)
		return kd_cmd_error(r->ctx, "-r option requires either a count "
				    "argument or the -e option");
	*count = r->bits ? 1 : 0;	/* -a: up to the string's end */
	return 0;
}

static int rd_main(struct rd *r, int argc, char **argv)
{
	uint64_t addr, count, off = 0;
	if (parse_opts(r, argc, argv) < 0)
		return 1;
	if (parse_address(r, argv[optind], &addr))
		return 1;
	if (r->offset_arg) {
		if (!parse_number(r->offset_arg, &off))
			return kd_cmd_error(r->ctx, "invalid offset: %s",
					    r->offset_arg);
		addr += off;
	}
	if (get_count(r, argc, argv, addr, &count))
		return 1;
	if (r->mem == RD_KVADDR && addr < USER_TOP)
		r->mem = RD_UVADDR;	/* x86_64: the spaces do not overlap */
	if (r->mem == RD_UVADDR && user_space(r))
		return 1;
	if (r->raw_file)
		return dump_raw(r, addr, count);
	if (r->reverse) {
		uint64_t esize = r->bits ? r->bits / 8 : 1;
		uint64_t n = count ? count : 1;
		if (n > 1)
			addr -= (n - 1) * esize;
	}
	if (!r->bits)
		return dump_ascii(r, addr, count);
	return dump_words(r, addr, count);
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct rd r = { .ctx = ctx, .bits = 64, .ascii_col = 1, .fmt = RD_HEX };
	char **av = calloc(argc + 1, sizeof(*av));
	if (!av)
		return 1;
	int rc = rd_main(&r, take_sizes(&r, argc, argv, av), av);
	free(av);
	return rc;
}

const struct kd_command kd_cmd_rd = {
	.name = "rd",
	.summary = "read memory",
	.usage =
	"SYNOPSIS\n"
	"  rd [-adDsSupxNR] [-SS] [-8|-16|-32|-64] [-o offs] [-e addr] [-r file]\n"
	"     [address | symbol | (symbol+offset)] [count]\n\n"
	"  Memory as 8, 16, 32 or 64-bit values (default 64), four to sixteen\n"
	"  a line with their ASCII, from a kernel virtual address (a user one\n"
	"  of the current context below the kernel's half), count of them\n"
	"  (default 1).\n"
	"    -p      the address is physical\n"
	"    -u      the address is a user virtual address\n"
	"    -d, -D  signed / unsigned decimal\n"
	"    -s      show values that are kernel addresses as symbol+offset\n"
	"            (64-bit display only)\n"
	"    -S      -s, and values in a slab page as [cache]\n"
	"    -SS     -s, and values in a slab page as [value:cache]\n"
	"    -x      no ASCII column\n"
	"    -a      the string at the address (without a count: up to its\n"
	"            end), 60 characters a line\n"
	"    -N      16 and 32-bit values in network byte order\n"
	"    -R      the count values ending at the address\n"
	"    -o offs add offs to the address\n"
	"    -e addr read up to this address instead of a count\n"
	"    -r file write the bytes (count of them, or up to -e) to file\n"
	"  Not supported: -m (Xen), -f (dump file offsets).\n",
	.run = run,
	.needs_vmlinux = 1,
};
