// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * search [-s start] [-k | -K | -V | -u | -p | -t | -T] [-e end | -l length]
 *        [-m mask] [-x count] [-c | -w | -h] value | symbol | (expr) ...
 *                                                       (crash's search)
 *
 * Every place memory holds one of the values: "ADDR: VALUE", followed
 * by "(symbol)" when the value was given as a symbol or an expression
 * (and no mask); with -c, "ADDR: " and up to 56 characters from the
 * match, unprintable ones as '.'.  Longs by default, -w 32-bit and -h
 * 16-bit values; -m ignores the mask's bits.  Kernel virtual memory by
 * default, in crash's ranges (search.h: direct map, vmalloc, vmemmap,
 * kernel image, modules; -K leaves out vmalloc, vmemmap and modules,
 * -V the direct map and the image); -u the current context's user
 * memory, -p physical memory, -t/-T every (active) task's kernel stack,
 * each task's matches after its header.  -x prints count values before
 * and after each match, as rd does.  The scan itself is lib/kernel's
 * (kd_search_*): page by page from the dump's page reads.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/search.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>
#include <pykdump/vma.h>

#include "cmd_util.h"

#define CHARS_CTX	56
#define USER_END	0x0000800000000000ULL	/* x86_64, 4-level */

enum space { SP_KERNEL, SP_USER, SP_PHYS, SP_STACKS };

struct search {
	struct kd_cmd_ctx *ctx;
	enum space space;
	int kflag, vflag, active_only;
	int have_start, have_end;
	uint64_t start, end, len, mask;
	int context;
	struct kd_search_spec spec;
	char *shown[KD_SEARCH_MAX_VALUES];	/* "(symbol)" or NULL */
	/* -t: the task whose stack is searched, its header pending */
	const struct kd_task_ref *task;
	int header_due, tasks_found;
};

static unsigned value_size(const struct search *sr)
{
	return sr->spec.kind == KD_SEARCH_INT ? 4 :
	       sr->spec.kind == KD_SEARCH_SHORT ? 2 : 8;
}

/* -x: count values before and after, as rd shows them. */
static void show_context(struct search *sr, uint64_t addr, uint64_t v,
			 size_t index)
{
	unsigned size = value_size(sr);
	char cmd[160];
	const char *mem = sr->space == SP_PHYS ? " -p" :
			  sr->space == SP_USER ? " -u" : "";
	snprintf(cmd, sizeof(cmd), "rd%s -%u %" PRIx64 " %d", mem, size * 8,
		 addr - (uint64_t)sr->context * size, sr->context);
	kd_command_exec(sr->ctx->s, cmd, sr->ctx->out,
			kd_cmd_errfile(sr->ctx));
	fprintf(sr->ctx->out, "%16" PRIx64 ":  %" PRIx64 " %s\n", addr, v,
		sr->shown[index] ? sr->shown[index] : "");
	snprintf(cmd, sizeof(cmd), "rd%s -%u %" PRIx64 " %d", mem, size * 8,
		 addr + size, sr->context);
	kd_command_exec(sr->ctx->s, cmd, sr->ctx->out,
			kd_cmd_errfile(sr->ctx));
	fputc('\n', sr->ctx->out);
}

static int hit(void *arg, uint64_t addr, size_t index, const uint8_t *data,
	       size_t avail)
{
	struct search *sr = arg;
	FILE *out = sr->ctx->out;
	if (sr->header_due) {
		if (sr->tasks_found++)
			fputc('\n', out);
		kd_cmd_task_header(out, sr->task);
		sr->header_due = 0;
	}
	if (sr->spec.kind == KD_SEARCH_CHARS) {
		size_t n = avail < CHARS_CTX ? avail : CHARS_CTX;
		fprintf(out, "%" PRIx64 ": ", addr);
		for (size_t i = 0; i < n; i++)
			fputc(isprint(data[i]) ? data[i] : '.', out);
		fputc('\n', out);
		return 0;
	}
	uint64_t v = 0;
	memcpy(&v, data, value_size(sr));
	if (sr->context)
		show_context(sr, addr, v, index);
	else
		fprintf(out, "%" PRIx64 ": %" PRIx64 " %s\n", addr, v,
			sr->shown[index] ? sr->shown[index] : "");
	return 0;
}

/* ---- the spaces ---- */

static int search_kernel(struct search *sr)
{
	struct kd_krange r[KD_MAX_KRANGES];
	size_t n;
	int rc = 0;
	struct kd_error *err = kd_kernel_ranges(sr->ctx->s, r, KD_MAX_KRANGES,
						&n);
	for (size_t i = 0; !err && i < n; i++) {
		if (sr->start >= r[i].end || sr->end <= r[i].start)
			continue;
		if (sr->vflag && (r[i].type == KD_KSPACE_DIRECT ||
				  r[i].type == KD_KSPACE_IMAGE))
			continue;
		if (sr->kflag && r[i].type != KD_KSPACE_DIRECT &&
		    r[i].type != KD_KSPACE_IMAGE)
			continue;
		struct kd_krange c = r[i];
		c.start = sr->start > c.start ? sr->start : c.start;
		c.end = sr->end < c.end ? sr->end : c.end;
		err = kd_search_krange(sr->ctx->s, &c, &sr->spec);
		if (err && err->code == KD_ERR_LOST) {
			/* pages of this range not searched: said, and the
			 * other ranges still searched */
			rc = kd_cmd_fail(sr->ctx, err);
			err = NULL;
		}
	}
	return err ? kd_cmd_fail(sr->ctx, err) : rc;
}

static int search_user(struct search *sr)
{
	uint64_t mm = 0, pgd = 0;
	struct kd_error *err = kd_task_mm(sr->ctx->s,
					  kd_current_task(sr->ctx->s), &mm);
	if (!err && !mm)
		return kd_cmd_error(sr->ctx, "current context has no user "
				    "address space");
	if (!err)
		err = kd_mm_pgd(sr->ctx->s, mm, &pgd);
	if (!err)
		err = kd_search_user(sr->ctx->s, pgd, sr->start, sr->end,
				     &sr->spec);
	return err ? kd_cmd_fail(sr->ctx, err) : 0;
}

static int search_stacks(struct search *sr)
{
	struct kd_task_ref *v;
	size_t n;
	struct kd_error *err = kd_task_list(sr->ctx->s, &v, &n);
	int rc = 0;
	if (err)
		return kd_cmd_fail(sr->ctx, err);
	for (size_t i = 0; !err && i < n; i++) {
		uint64_t base, top;
		if (sr->active_only && !v[i].active)
			continue;
		if ((err = kd_unwind_task_stack(sr->ctx->s, v[i].task, &base,
						&top)))
			break;
		sr->task = &v[i];
		sr->header_due = 1;
		struct kd_krange r = { KD_KSPACE_VMALLOC, base, top };
		err = kd_search_krange(sr->ctx->s, &r, &sr->spec);
		if (err && err->code == KD_ERR_LOST) {	/* as search_kernel */
			rc = kd_cmd_fail(sr->ctx, err);
			err = NULL;
		}
	}
	free(v);
	return err ? kd_cmd_fail(sr->ctx, err) : rc;
}

/* ---- arguments ---- */

static int bad_usage(struct search *sr, const char *fmt, const char *what)
{
	kd_cmd_error(sr->ctx, fmt, what);
	return -1;
}

static int set_space(struct search *sr, enum space sp)
{
	if (sr->space != SP_KERNEL && sr->space != sp)
		return bad_usage(sr, "%s", "-k, -K, -V, -u, -p, -t and -T are "
				 "mutually exclusive");
	sr->space = sp;
	return 0;
}

static int parse_where(struct search *sr, const char *arg, uint64_t *ret)
{
	if (sr->space == SP_KERNEL && kd_symbol_try_addr(sr->ctx->s, arg, ret))
		return 0;
	if (kd_cmd_parse_hex(arg, ret))
		return 0;
	return bad_usage(sr, "invalid address or symbol: %s", arg);
}

static int set_kind(struct search *sr, enum kd_search_kind k, int *set)
{
	if (*set && sr->spec.kind != k)
		return bad_usage(sr, "%s", "-c, -w and -h are mutually "
				 "exclusive");
	*set = 1;
	sr->spec.kind = k;
	return 0;
}

static int parse_opts(struct search *sr, int argc, char **argv)
{
	int c, kind_set = 0;
	char *end;
	const char *s_arg = NULL, *e_arg = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "tTl:ukKVps:e:m:hwcx:")) != -1) {
		int rc = 0;
		switch (c) {
		case 'k': rc = set_space(sr, SP_KERNEL); break;
		case 'K': rc = set_space(sr, SP_KERNEL); sr->kflag = 1; break;
		case 'V': rc = set_space(sr, SP_KERNEL); sr->vflag = 1; break;
		case 'u': rc = set_space(sr, SP_USER); break;
		case 'p': rc = set_space(sr, SP_PHYS); break;
		case 't': rc = set_space(sr, SP_STACKS); break;
		case 'T': rc = set_space(sr, SP_STACKS);
			  sr->active_only = 1; break;
		case 's': s_arg = optarg; break;
		case 'e': e_arg = optarg; break;
		case 'l':
			sr->len = strtoull(optarg, &end, 0);
			if (*end || !sr->len)
				rc = bad_usage(sr, "invalid length: %s", optarg);
			break;
		case 'm':
			if (!kd_cmd_parse_hex(optarg, &sr->mask))
				rc = bad_usage(sr, "invalid mask: %s", optarg);
			break;
		case 'x':
			sr->context = (int)strtol(optarg, &end, 10);
			if (*end || sr->context <= 0)
				rc = bad_usage(sr, "invalid count: %s", optarg);
			break;
		case 'c': rc = set_kind(sr, KD_SEARCH_CHARS, &kind_set); break;
		case 'w': rc = set_kind(sr, KD_SEARCH_INT, &kind_set); break;
		case 'h': rc = set_kind(sr, KD_SEARCH_SHORT, &kind_set); break;
		default:
			kd_cmd_bad_option(sr->ctx, optopt ? optopt : c);
			return -1;
		}
		if (rc)
			return -1;
	}
	if (sr->space == SP_STACKS && (s_arg || e_arg || sr->len))
		return bad_usage(sr, "%s", "-t and -T cannot be used with other "
				 "memory-selection options");
	if (e_arg && sr->len)
		return bad_usage(sr, "%s", "-e and -l are mutually exclusive");
	if ((s_arg && parse_where(sr, s_arg, &sr->start)) ||
	    (e_arg && parse_where(sr, e_arg, &sr->end)))
		return -1;
	if (e_arg && !sr->end)
		return bad_usage(sr, "%s", "invalid ending address: 0");
	sr->have_start = s_arg != NULL;
	sr->have_end = e_arg != NULL;
	if (sr->context && sr->spec.kind == KD_SEARCH_CHARS)
		return bad_usage(sr, "%s", "-x option is not allowed with -c");
	if (sr->context > (int)(4096 / value_size(sr))) {
		char max[32];
		snprintf(max, sizeof(max), "%u", 4096 / value_size(sr));
		return bad_usage(sr, "context value too large: maximum is %s",
				 max);
	}
	if (optind >= argc)
		return bad_usage(sr, "%s", "a value to search for is required");
	return 0;
}

/* A value: "(expression)", symbol[+off] or hex; *shown the "(name)"
 * crash prints after matches of a value given by name. */
static int parse_value(struct search *sr, const char *arg, uint64_t *v,
		       char **shown)
{
	*shown = NULL;
	int named = !kd_cmd_parse_hex(arg, v);
	if (named) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", arg);
		char *p = buf;
		if (*p == '(' && p[strlen(p) - 1] == ')') {
			p[strlen(p) - 1] = '\0';
			p++;
		}
		if (!kd_cmd_parse_addr(sr->ctx->s, p, v))
			return bad_usage(sr, "invalid value: %s", arg);
	}
	if (named && !sr->mask) {
		size_t n = strlen(arg) + 3;
		if (!(*shown = malloc(n)))
			return bad_usage(sr, "%s", "out of memory");
		snprintf(*shown, n, arg[0] == '(' ? "%s" : "(%s)", arg);
	}
	unsigned size = value_size(sr);
	if (size < 8 && *v >> (8 * size)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%" PRIx64 " %s", *v,
			 *shown ? *shown : "");
		return bad_usage(sr, size == 4 ? "value too large for -w "
				 "option: %s" : "value too large for -h "
				 "option: %s", msg);
	}
	return 0;
}

static int parse_values(struct search *sr, int argc, char **argv)
{
	for (int i = optind; i < argc; i++) {
		size_t k = sr->spec.nvalues;
		if (k == KD_SEARCH_MAX_VALUES)
			return bad_usage(sr, "too many values: %s", argv[i]);
		if (sr->spec.kind == KD_SEARCH_CHARS) {
			size_t len = strlen(argv[i]);
			if (!len)	/* crash drops empty strings */
				continue;
			if (len > KD_SEARCH_MAX_STRLEN)
				return bad_usage(sr, "string too long: %s",
						 argv[i]);
			sr->spec.strings[k] = argv[i];
			sr->spec.lens[k] = len;
		} else if (parse_value(sr, argv[i], &sr->spec.values[k],
				       &sr->shown[k])) {
			return -1;
		}
		sr->spec.nvalues++;
	}
	if (!sr->spec.nvalues)
		return bad_usage(sr, "%s", "a value to search for is required");
	return 0;
}

/* The default bounds of each space, and crash's checks of the given
 * ones. */
static int set_bounds(struct search *sr)
{
	uint64_t lo = 0, hi = 0;
	if (sr->space == SP_KERNEL) {
		struct kd_krange r[KD_MAX_KRANGES];
		size_t n;
		struct kd_error *err = kd_kernel_ranges(sr->ctx->s, r,
							KD_MAX_KRANGES, &n);
		if (err || !n) {
			if (!err)
				err = kd_error_create(KD_ERR_NOT_FOUND, "no "
						      "kernel ranges");
			kd_cmd_fail(sr->ctx, err);
			return -1;
		}
		lo = r[0].start;
		for (size_t i = 0; i < n; i++)
			hi = r[i].end > hi ? r[i].end : hi;
		if (sr->have_start && sr->start < USER_END)
			return bad_usage(sr, "invalid kernel virtual address: "
					 "%s", "(below the kernel's space)");
	} else if (sr->space == SP_USER) {
		hi = USER_END;
		if (sr->have_start && sr->start >= USER_END)
			return bad_usage(sr, "%s", "invalid user virtual "
					 "address: start is in kernel space");
	} else if (sr->space == SP_PHYS) {
		struct kd_error *err = kd_phys_range(sr->ctx->s, &lo, &hi);
		if (err) {
			kd_cmd_fail(sr->ctx, err);
			return -1;
		}
	}
	if (!sr->have_start)
		sr->start = lo;
	if (sr->len)
		sr->end = sr->start + sr->len;
	else if (!sr->have_end)
		sr->end = hi;
	if (sr->space == SP_USER && sr->end > USER_END)
		return bad_usage(sr, "%s", "ending address is in kernel space");
	if (sr->end < sr->start)
		return bad_usage(sr, "%s", "ending address is below starting "
				 "address");
	if (sr->start & 7) {
		sr->start &= ~7ULL;
		fprintf(sr->ctx->out, "%s: rounding down start address to: "
			"%" PRIx64 "\n", sr->ctx->name, sr->start);
	}
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct search sr = { .ctx = ctx };
	sr.spec.kind = KD_SEARCH_LONG;
	sr.spec.hit = hit;
	sr.spec.arg = &sr;
	int rc = 1;
	if (parse_opts(&sr, argc, argv) == 0 &&
	    parse_values(&sr, argc, argv) == 0 &&
	    (sr.space == SP_STACKS || set_bounds(&sr) == 0)) {
		sr.spec.mask = sr.mask;
		switch (sr.space) {
		case SP_KERNEL: rc = search_kernel(&sr); break;
		case SP_USER: rc = search_user(&sr); break;
		case SP_STACKS: rc = search_stacks(&sr); break;
		case SP_PHYS: {
			struct kd_error *err = kd_search_phys(ctx->s, sr.start,
							      sr.end, &sr.spec);
			rc = err ? kd_cmd_fail(ctx, err) : 0;
			break;
		}
		}
	}
	for (size_t i = 0; i < KD_SEARCH_MAX_VALUES; i++)
		free(sr.shown[i]);
	return rc;
}

const struct kd_command kd_cmd_search = {
	.name = "search",
	.summary = "search memory",
	.usage =
	"SYNOPSIS\n"
	"  search [-s start] [-k | -K | -V | -u | -p | -t | -T]\n"
	"         [-e end | -l length] [-m mask] [-x count] [-c | -w | -h]\n"
	"         value | symbol | (expression) | string ...\n\n"
	"  Every address where memory holds one of the values, as\n"
	"  \"ADDR: VALUE\" (\"(symbol)\" after values given by name).\n"
	"    -k        kernel virtual memory (the default): the direct map,\n"
	"              vmalloc space, the page structs, the kernel image and\n"
	"              the modules, only what is mapped and in the dump\n"
	"    -K        the same without vmalloc space, page structs, modules\n"
	"    -V        the same without the direct map and the kernel image\n"
	"    -u        the current context's user memory\n"
	"    -p        physical memory\n"
	"    -t, -T    the kernel stack of every task (-T: active tasks),\n"
	"              each task's matches after its header\n"
	"    -s start  start there (hexadecimal address, or kernel symbol)\n"
	"    -e end    stop there; -l length: after that many bytes\n"
	"    -m mask   ignore the bits set in mask\n"
	"    -x count  show count values before and after each match\n"
	"    -c        search for strings (quote ones with blanks); each\n"
	"              match is shown with up to 56 characters\n"
	"    -w, -h    32-bit or 16-bit values instead of longs\n",
	.run = run,
	.needs_vmlinux = 1,
};
