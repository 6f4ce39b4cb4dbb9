// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eval [-b][-l] (expression) | value      (crash's eval, tools.c)
 *
 * The value in crash's four radixes, with crash's spacing:
 *
 *   hexadecimal: 8000000  (128MB)
 *       decimal: 134217728
 *         octal: 1000000000
 *        binary: 0000...1000000000000000000000000000   (64 digits)
 *      bits set: 27                                     (-b)
 *
 * Numbers are crash's: decimal when they have only digits, else
 * hexadecimal (0x optional), with an optional k/m/g factor; a symbol
 * is its address; ~ complements.  crash takes one operator (x op y);
 * here the whole expression is evaluated with C's precedence, in
 * unsigned 64-bit arithmetic, so every expression crash accepts gives
 * its answer and "1 + 2 + 3" gives 6 where crash says "invalid".
 * -l (64-bit values) changes nothing on a 64-bit kernel, as in crash.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/expr.h>

#include "cmd_util.h"

#define BITS_HDR "   bits set: "

static void print_size(FILE *out, uint64_t v)
{
	if (v < 1024)
		return;
	if (v % (1ULL << 30) == 0)
		fprintf(out, "(%" PRIu64 "GB)", v >> 30);
	else if (v % (1ULL << 20) == 0)
		fprintf(out, "(%" PRIu64 "MB)", v >> 20);
	else if (v % (1ULL << 10) == 0)
		fprintf(out, "(%" PRIu64 "KB)", v >> 10);
}

static void print_bits(FILE *out, uint64_t v)
{
	size_t col = strlen(BITS_HDR);
	fputs(BITS_HDR, out);
	for (int i = 63; i >= 0; i--) {
		if (!(v >> i & 1))
			continue;
		col += (size_t)fprintf(out, "%d ", i);
		if (col >= 77) {
			fprintf(out, "\n%*s", (int)strlen(BITS_HDR), "");
			col = strlen(BITS_HDR);
		}
	}
	fputc('\n', out);
}

static void print_number(FILE *out, uint64_t v, int bits)
{
	fprintf(out, "hexadecimal: %" PRIx64 "  ", v);
	print_size(out, v);
	fprintf(out, "\n    decimal: %" PRIu64 "  ", v);
	if ((int64_t)v < 0)
		fprintf(out, "(%" PRId64 ")", (int64_t)v);
	fprintf(out, "\n      octal: %" PRIo64 "\n     binary: ", v);
	for (int i = 63; i >= 0; i--)
		fputc(v >> i & 1 ? '1' : '0', out);
	fputc('\n', out);
	if (bits)
		print_bits(out, v);
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int bits = 0, i = 1;
	/* not getopt: "-1" is a value (crash does the same) */
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-b"))
			bits = 1;
		else if (!strcmp(argv[i], "-lb") || !strcmp(argv[i], "-bl"))
			bits = 1;
		else if (strcmp(argv[i], "-l"))
			break;
	}
	if (i >= argc)
		return kd_cmd_error(ctx, "an expression or value is missing; "
				    "usage: eval [-b][-l] (expression) | value");
	size_t len = 1;
	for (int k = i; k < argc; k++)
		len += strlen(argv[k]) + 1;
	char *expr = calloc(1, len);
	if (!expr)
		return kd_cmd_error(ctx, "out of memory");
	for (int k = i; k < argc; k++) {
		if (k > i)
			strcat(expr, " ");
		strcat(expr, argv[k]);
	}
	struct kd_expr_options opts = { .flags = KD_EXPR_CRASH_EVAL };
	struct kd_value v;
	uint64_t n = 0;
	struct kd_error *err = kd_expr_eval(ctx->s, expr, &opts, &v);
	if (!err)
		err = kd_value_as_u64(ctx->s, &v, &n);
	kd_value_release(&v);
	free(expr);
	if (err)
		return kd_cmd_fail(ctx, err);
	print_number(ctx->out, n, bits);
	return 0;
}

const struct kd_command kd_cmd_eval = {
	.name = "eval",
	.summary = "evaluate",
	.usage =
	"eval [-b][-l] (expression) | value\n"
	"  Evaluate an expression or value and show it in hexadecimal,\n"
	"  decimal, octal and binary.  Numbers are decimal when they have\n"
	"  only digits, else hexadecimal, and may end in k, m or g; a symbol\n"
	"  is its address.  Operators: + - * / % & | ^ << >> ~ and ( ).\n"
	"    -b  list the bits that are set\n"
	"    -l  64-bit values (always, on a 64-bit kernel)\n",
	.run = run,
	.needs_vmlinux = 1,
};
