// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vtop [-k] ADDRESS...     (crash's vtop, kernel virtual addresses)
 *
 * The translation, then the kernel page-table walk as crash prints it on
 * x86_64: "PGD DIRECTORY:" (the kernel root table's virtual address),
 * "PAGE DIRECTORY:" (the top-level entry), then "   LEVEL: where =>
 * entry" for each lower level, "  PAGE: frame" ("(2MB)"/"(1GB)" for
 * large pages), the last entry decoded (PTE PHYSICAL FLAGS), and the
 * struct page of the frame (its vmemmap address, mapping, index,
 * reference count and flags named after the kernel's pageflag_names).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "cmd_util.h"

#define PAGE_MASK_4K		0x000ffffffffff000ULL
#define USER_TOP		0x0000800000000000ULL
#define MAX_PAGEFLAG_NAMES	64

/* _PAGE_* bits of arch/x86/include/asm/pgtable_types.h, crash's order. */
static const struct { uint64_t bit; const char *name; } pte_bits[] = {
	{ 1ULL << 0, "PRESENT" }, { 1ULL << 1, "RW" }, { 1ULL << 2, "USER" },
	{ 1ULL << 3, "PWT" }, { 1ULL << 4, "PCD" }, { 1ULL << 5, "ACCESSED" },
	{ 1ULL << 6, "DIRTY" }, { 1ULL << 7, "PSE" }, { 1ULL << 8, "PROTNONE" },
	{ 1ULL << 8, "GLOBAL" }, { 1ULL << 63, "NX" },
};

/* crash's mkstring(CENTER): the extra blank goes to the right. */
static void centered(FILE *out, const char *s, int width)
{
	int len = (int)strlen(s), left = width > len ? (width - len) / 2 : 0;
	fprintf(out, "%*s%s%*s", left, "", s, width > len ? width - len - left : 0,
		"");
}

static void pte_flags(FILE *out, uint64_t pte)
{
	int others = 0;
	fputc('(', out);
	if (!pte)
		fputs("no mapping", out);
	for (size_t i = 0; pte && i < sizeof(pte_bits) / sizeof(pte_bits[0]); i++) {
		uint64_t b = pte_bits[i].bit;
		int present = pte & 1;
		if (!(pte & b))
			continue;
		if ((!strcmp(pte_bits[i].name, "PSE") && !present) ||
		    (!strcmp(pte_bits[i].name, "PROTNONE") && present))
			continue;
		fprintf(out, "%s%s", others++ ? "|" : "", pte_bits[i].name);
	}
	fputs(")\n", out);
}

static void translate_pte(FILE *out, uint64_t pte)
{
	char ptebuf[32], physbuf[32];
	int l1 = snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, pte);
	int l2 = snprintf(physbuf, sizeof(physbuf), "%" PRIx64, (uint64_t)(pte & PAGE_MASK_4K));
	l1 = l1 > 3 ? l1 : 3;
	l2 = l2 > 8 ? l2 : 8;
	centered(out, "PTE", l1);
	fputs("  ", out);
	centered(out, "PHYSICAL", l2);
	fputs("  FLAGS\n", out);
	fprintf(out, "%*s  %*s  ", l1, ptebuf, l2, physbuf);
	pte_flags(out, pte);
}

struct page_layout {
	uint64_t size, flags, flags_size, mapping, index, index_size;
	uint64_t count, count_size;
};

#define PL struct page_layout
#define P "struct page"
static const struct kd_layout_field page_fields[] = {
	KD_LF(PL, size, P, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(PL, flags, P, "flags", 0),
	KD_LF(PL, flags_size, P, "flags", KD_LF_SIZE),
	KD_LF(PL, mapping, P, "mapping", 0),
	KD_LF(PL, index, P, "index", 0),
	KD_LF(PL, index_size, P, "index", KD_LF_SIZE),
	/* _count before 4.6 */
	KD_LF(PL, count, P, "_refcount|_count", 0),
	KD_LF(PL, count_size, P, "_refcount|_count", KD_LF_SIZE),
};
#undef PL
#undef P

/* A member of the page's bytes: its own size, at most 8 bytes. */
static uint64_t field(const uint8_t *buf, uint64_t size, uint64_t off,
		      uint64_t len)
{
	return kd_field_get(buf, size, off,
			    !kd_present(len) || len > 8 ? 8 : (unsigned)len);
}

/* Names of the set flags from the kernel's pageflag_names[] ({mask,
 * name} pairs ending with a NULL name; mm/debug.c). */
static void page_flag_names(struct kd_cmd_ctx *ctx, uint64_t flags)
{
	uint64_t tbl;
	int others = 0;
	if (!kd_symbol_try_addr(ctx->s, "pageflag_names", &tbl))
		return;
	for (int i = 0; i < MAX_PAGEFLAG_NAMES; i++) {
		uint64_t ent[2];
		char name[64];
		struct kd_error *err = kd_read_kvaddr(ctx->s, tbl + 16ULL * i,
						      ent, sizeof(ent));
		if (!err && ent[1])
			err = kd_read_cstring(ctx->s, ent[1], name, sizeof(name),
					      NULL);
		if (err || !ent[1]) {
			kd_error_destroy(err);
			return;
		}
		if (flags & ent[0])
			fprintf(ctx->out, "%s%s", others++ ? "," : "", name);
	}
}

static void show_page(struct kd_cmd_ctx *ctx, uint64_t paddr)
{
	const struct kd_machine *m;
	struct page_layout l;
	struct kd_error *err = kd_session_machine(ctx->s, &m);
	if (!err)
		err = kd_layout_fill(ctx->s, page_fields,
				     KD_ARRAY_SIZE(page_fields), &l);
	uint64_t size = err ? 0 : l.size;
	uint8_t buf[256];
	uint64_t pp = err ? 0 : m->vmemmap_base + (paddr >> m->page_shift) * size;
	if (!err && size > sizeof(buf))
		err = kd_error_create(KD_ERR_UNSUPPORTED, "struct page too large");
	if (!err)
		err = kd_read_kvaddr(ctx->s, pp, buf, size);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	uint64_t flags = field(buf, size, l.flags, l.flags_size);
	fprintf(ctx->out, "\n      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n");
	fprintf(ctx->out, "%-16" PRIx64 " %8" PRIx64 " %16" PRIx64 " %8" PRIx64
		" %2d %" PRIx64 " ", pp, paddr & ~(m->page_size - 1),
		field(buf, size, l.mapping, 8), field(buf, size, l.index,
						      l.index_size),
		(int)(int32_t)field(buf, size, l.count, l.count_size), flags);
	page_flag_names(ctx, flags);
	fputc('\n', ctx->out);
}

static void walk_lines(struct kd_cmd_ctx *ctx, const struct kd_vtop_trace *t)
{
	uint64_t pgd;
	if (!kd_symbol_try_addr(ctx->s, "init_top_pgt", &pgd) &&
	    !kd_symbol_try_addr(ctx->s, "init_level4_pgt", &pgd))
		pgd = kd_ptov(ctx->s, t->root);
	fprintf(ctx->out, "PGD DIRECTORY: %" PRIx64 "\n", pgd);
	for (int i = 0; i < t->nlevels; i++) {
		if (i == 0)
			fprintf(ctx->out, "PAGE DIRECTORY: %" PRIx64 "\n", t->entry[0]);
		else
			fprintf(ctx->out, "   %s: %" PRIx64 " => %" PRIx64 "\n",
				kd_pt_level_name(t->level[i]), t->entry_paddr[i],
				t->entry[i]);
	}
}

static int vtop_one(struct kd_cmd_ctx *ctx, const char *arg)
{
	uint64_t vaddr, paddr = 0;
	FILE *out = ctx->out;
	if (!kd_cmd_parse_hex(arg, &vaddr)) {
		return kd_cmd_error(ctx, "invalid input: \"%s\"", arg);
	}
	if (vaddr < USER_TOP)
		return kd_cmd_error(ctx, "%s: user virtual addresses need a "
				    "task context (not supported)", arg);
	struct kd_arch *a = kd_session_arch(ctx->s);
	struct kd_vtop_trace t;
	memset(&t, 0, sizeof(t));
	struct kd_error *err = a ? kd_arch_walk(a, 0, vaddr, &paddr, &t) :
		kd_error_create(KD_ERR_INVALID, "no page tables (no vmlinux)");
	fprintf(out, "VIRTUAL           PHYSICAL        \n");
	if (err)
		fprintf(out, "%-16" PRIx64 "  (not mapped)\n\n", vaddr);
	else
		fprintf(out, "%-16" PRIx64 "  %-16" PRIx64 "\n\n", vaddr, paddr);
	walk_lines(ctx, &t);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	fprintf(out, "  PAGE: %" PRIx64 "%s\n\n", paddr & ~(t.page_size - 1),
		t.page_size == 1ULL << 30 ? "  (1GB)" :
		t.page_size == 1ULL << 21 ? "  (2MB)" : "");
	translate_pte(out, t.entry[t.nlevels - 1]);
	show_page(ctx, paddr);
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, rc = 0;
	while ((c = getopt(argc, argv, "kuc:")) != -1) {
		if (c == '?') {
			fprintf(ctx->out, "Usage: vtop [-c [pid | taskp]] [-u|-k] address ...\n");
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(ctx->out, "Usage: vtop [-c [pid | taskp]] [-u|-k] address ...\n");
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			fputc('\n', ctx->out);
		rc |= vtop_one(ctx, argv[i]);
	}
	return rc;
}

const struct kd_command kd_cmd_vtop = {
	.name = "vtop",
	.summary = "virtual to physical",
	.usage = "vtop [-k] address ...",
	.run = run,
	.needs_vmlinux = 1,
};
