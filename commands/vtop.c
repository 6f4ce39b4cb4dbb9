// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vtop [-c [pid | task]] [-u | -k] ADDRESS...     (crash's vtop)
 *
 * A kernel address: the translation, then the kernel page-table walk as
 * crash prints it on
 * x86_64: "PGD DIRECTORY:" (the kernel root table's virtual address),
 * "PAGE DIRECTORY:" (the top-level entry), then "   LEVEL: where =>
 * entry" for each lower level, "  PAGE: frame" ("(2MB)"/"(1GB)" for
 * large pages), the last entry decoded (PTE PHYSICAL FLAGS), and the
 * struct page of the frame (its vmemmap address, mapping, index,
 * reference count and flags named after the kernel's pageflag_names).
 *
 * A user address (below the kernel's half, or with -u) is translated
 * through the page tables of the current context, or of the task -c
 * names: "   PGD: where => entry" for each level, the page, the PTE
 * decoded (a swap entry as "PTE SWAP OFFSET"), the VM area holding the
 * address (lib/kernel vma.h), where a page that is not present is
 * ("SWAP: dev  OFFSET: n", "FILE: path  OFFSET: off"), and the struct
 * page.  An address outside every VM area is "(not accessible)".
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
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/vma.h>

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

/* A swap entry: "PTE SWAP OFFSET" with the swap area's path. */
static void translate_swap_pte(struct kd_cmd_ctx *ctx, const struct kd_upage *pg)
{
	char ptebuf[32], dev[1024], off[32], a[1100], b[1100], c[64];
	FILE *out = ctx->out;
	snprintf(ptebuf, sizeof(ptebuf), "%" PRIx64, pg->pte);
	kd_swap_type_path(ctx->s, pg->swap_type, dev, sizeof(dev));
	snprintf(off, sizeof(off), "%" PRIu64, pg->swap_offset);
	int l1 = strlen(ptebuf) > 3 ? (int)strlen(ptebuf) : 3;
	int l2 = strlen(dev) > 4 ? (int)strlen(dev) : 4;
	int l3 = strlen(off) > 6 ? (int)strlen(off) : 6;
	fprintf(out, "%s  ", kd_cmd_just(a, sizeof(a), "PTE", l1,
					 KD_JUST_CENTER | KD_JUST_LEFT));
	fprintf(out, "%s  %s\n", kd_cmd_just(b, sizeof(b), "SWAP", l2,
					     KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(c, sizeof(c), "OFFSET", l3,
			    KD_JUST_CENTER | KD_JUST_LEFT));
	fprintf(out, "%s  ", kd_cmd_just(a, sizeof(a), ptebuf, l1,
					 KD_JUST_CENTER | KD_JUST_RIGHT));
	fprintf(out, "%s  %s\n", kd_cmd_just(b, sizeof(b), dev, l2,
					     KD_JUST_CENTER | KD_JUST_RIGHT),
		kd_cmd_just(c, sizeof(c), off, l3,
			    KD_JUST_CENTER | KD_JUST_RIGHT));
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

static int vtop_kernel(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	uint64_t paddr = 0;
	FILE *out = ctx->out;
	struct kd_arch *a = kd_session_arch(ctx->s);
	struct kd_vtop_trace t;
	memset(&t, 0, sizeof(t));
	struct kd_error *err = a ? kd_arch_walk(a, 0, vaddr, &paddr, &t) :
		kd_error_create(KD_ERR_INVALID, "no page tables (no vmlinux)");
	/* a fault is the answer: an entry not present, a non-canonical
	 * address; a page table that cannot be read (not in the dump) is
	 * no "not mapped" */
	if (err && err->code != KD_ERR_FAULT)
		return kd_cmd_fail(ctx, err);
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

/* The VM area holding vaddr, as `vm` prints it ("(not found)" when
 * none); *ret (may be NULL) gets it. */
static int show_vma(struct kd_cmd_ctx *ctx, uint64_t mm, uint64_t vaddr,
		    struct kd_vma *ret, char *path, size_t size)
{
	struct kd_vma *v;
	size_t n;
	int found = 0;
	struct kd_error *err = kd_mm_vma_array(ctx->s, mm, &v, &n);
	kd_error_destroy(err);	/* the areas before a break still count */
	path[0] = '\0';
	fprintf(ctx->out, "      VMA           START       END     FLAGS "
		"FILE\n");
	for (size_t i = 0; i < n && !found; i++) {
		if (vaddr < v[i].start || vaddr >= v[i].end)
			continue;
		found = 1;
		kd_vma_file_path(ctx->s, &v[i], path, size);
		fprintf(ctx->out, "%-16" PRIx64 " %10" PRIx64 " %10" PRIx64
			" %6" PRIx64 " %s\n", v[i].addr, v[i].start, v[i].end,
			v[i].flags, path);
		if (ret)
			*ret = v[i];
	}
	if (!found)
		fprintf(ctx->out, "(not found)\n");
	free(v);
	return found;
}

/* Whether vaddr is in one of mm's VM areas.  A broken VM area tree is
 * an error unless the areas read before the break hold vaddr: "not
 * accessible" must not stand for "could not look". */
static struct kd_error *in_some_vma(struct kd_session *s, uint64_t mm,
				    uint64_t vaddr, int *in)
{
	struct kd_vma *v;
	size_t n;
	*in = 0;
	struct kd_error *err = kd_mm_vma_array(s, mm, &v, &n);
	for (size_t i = 0; i < n && !*in; i++)
		*in = vaddr >= v[i].start && vaddr < v[i].end;
	free(v);
	if (*in) {
		kd_error_destroy(err);
		return NULL;
	}
	return err;
}

static int vtop_user(struct kd_cmd_ctx *ctx, uint64_t task, uint64_t vaddr)
{
	FILE *out = ctx->out;
	uint64_t mm = 0, pgd = 0, root = 0, paddr = 0;
	struct kd_error *err = kd_task_mm(ctx->s, task, &mm);
	if (!err && mm)
		err = kd_mm_pgd(ctx->s, mm, &pgd);
	if (err)
		return kd_cmd_fail_what(ctx, "cannot read the task's mm", err);
	int in = 0;
	if (mm && (err = in_some_vma(ctx->s, mm, vaddr, &in)))
		return kd_cmd_fail_what(ctx, "cannot read the VM areas", err);
	fprintf(out, "VIRTUAL     PHYSICAL        \n");
	if (!in) {
		fprintf(out, "%-10" PRIx64 "  (not accessible)\n\n", vaddr);
		return 0;
	}
	struct kd_upage pg;
	if (!(err = kd_kvtop(ctx->s, pgd, &root)))
		err = kd_uvaddr_page(ctx->s, pgd, vaddr, &pg);
	if (err)
		return kd_cmd_fail(ctx, err);
	struct kd_vtop_trace t;
	memset(&t, 0, sizeof(t));
	err = kd_arch_walk(kd_session_arch(ctx->s), root, vaddr, &paddr, &t);
	kd_error_destroy(err);
	int present = pg.state == KD_UPAGE_MAPPED;
	if (present)
		fprintf(out, "%-10" PRIx64 "  %-16" PRIx64 "\n\n", vaddr,
			pg.paddr);
	else
		fprintf(out, "%-10" PRIx64 "  (not mapped)\n\n", vaddr);
	for (int i = 0; i < t.nlevels; i++)
		fprintf(out, "   %s: %" PRIx64 " => %" PRIx64 "\n",
			kd_pt_level_name(t.level[i]), t.entry_paddr[i],
			t.entry[i]);
	if (present) {
		fprintf(out, "  PAGE: %" PRIx64 "  %s\n\n",
			pg.paddr & ~(t.page_size - 1),
			t.page_size == 1ULL << 30 ? "(1GB)" :
			t.page_size == 1ULL << 21 ? "(2MB)" : "");
		translate_pte(out, t.entry[t.nlevels - 1]);
	} else if (pg.state == KD_UPAGE_SWAP) {
		fputc('\n', out);
		translate_swap_pte(ctx, &pg);
	}
	fputc('\n', out);
	struct kd_vma v;
	char path[4096];
	memset(&v, 0, sizeof(v));
	int have_vma = show_vma(ctx, mm, vaddr, &v, path, sizeof(path));
	if (pg.state == KD_UPAGE_SWAP) {
		char dev[1024];
		kd_swap_type_path(ctx->s, pg.swap_type, dev, sizeof(dev));
		fprintf(out, "\nSWAP: %s  OFFSET: %" PRIu64 "\n", dev,
			pg.swap_offset);
	} else if (!present && have_vma && v.file && path[0]) {
		uint64_t page = 4096;
		fprintf(out, "\nFILE: %s  OFFSET: %" PRIx64 "\n", path,
			((vaddr - v.start) / page + v.pgoff) * page);
	}
	if (present)
		show_page(ctx, pg.paddr);
	else
		fputc('\n', out);
	return 0;
}

static int vtop_one(struct kd_cmd_ctx *ctx, const char *arg, uint64_t task,
		    int force)
{
	uint64_t vaddr;
	if (!kd_cmd_parse_hex(arg, &vaddr))
		return kd_cmd_error(ctx, "invalid input: \"%s\"", arg);
	int user = force ? force == 'u' : vaddr < USER_TOP;
	if (user && vaddr >= USER_TOP)
		return kd_cmd_error(ctx, "%" PRIx64 ": not a user virtual "
				    "address", vaddr);
	if (!user && vaddr < USER_TOP) {
		fprintf(ctx->out, "VIRTUAL           PHYSICAL        \n");
		fprintf(ctx->out, "%-8" PRIx64 "  (not a kernel virtual "
			"address)\n\n", vaddr);
		return 0;
	}
	return user ? vtop_user(ctx, task, vaddr) : vtop_kernel(ctx, vaddr);
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c, rc = 0, force = 0;
	const char *who = NULL;
	opterr = 0;
	while ((c = getopt(argc, argv, "kuc:")) != -1) {
		switch (c) {
		case 'k': case 'u':
			if (force && force != c)
				return kd_cmd_error(ctx, "-u and -k options are "
						    "mutually exclusive");
			force = c;
			break;
		case 'c': who = optarg; break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	if (optind >= argc)
		return kd_cmd_error(ctx, "an address is required");
	uint64_t task = kd_current_task(ctx->s);
	if (who) {
		struct kd_task_ref *tasks;
		size_t n;
		if (kd_cmd_find_tasks(ctx, who, &tasks, &n) < 0)
			return 1;
		task = tasks[0].task;
		free(tasks);
	}
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			fputc('\n', ctx->out);
		rc |= vtop_one(ctx, argv[i], task, force);
	}
	return rc;
}

const struct kd_command kd_cmd_vtop = {
	.name = "vtop",
	.summary = "virtual to physical",
	.usage =
	"SYNOPSIS\n"
	"  vtop [-c [pid | task]] [-u | -k] address ...\n\n"
	"  The physical address of a virtual one, the page-table entries that\n"
	"  lead to it, the last entry decoded and the page's struct page.  A\n"
	"  user address also shows the VM area that holds it and, when the\n"
	"  page is not in memory, its swap location or file offset.\n"
	"    -c pid|task  user addresses of that task (default: the current\n"
	"                 context)\n"
	"    -u, -k       the address is a user / kernel address (else its\n"
	"                 value decides)\n",
	.run = run,
	.needs_vmlinux = 1,
};
