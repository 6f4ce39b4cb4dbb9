// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem -p [ADDR] (the struct page of each frame) and kmem -g [FLAGS]
 * (the page flag bits), as crash 8.0.6 prints them:
 *
 *       PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS
 *   fffff8df40041040  1041000 ffff8b9e41042100        0  1 fffffc0000200 slab
 *
 *   PAGE-FLAG              BIT  VALUE
 *   PG_locked                0  0000001
 *
 * The PHYSICAL column is as wide as the highest physical address in
 * hex (at least 8); FLAGS is page->flags in hex followed by the names of
 * its bits as pageflag_names[] gives them; CNT is _refcount.  -g lists
 * enum pageflags in declaration order (aliases included), VALUE as wide
 * as the largest bit needs.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/zone.h>

#include "cmd_util.h"
#include "kmem.h"

#define FLAGS_BUF 1024

/* crash's PADDR_PRLEN: hex digits of the larger of max_mapnr pages
 * (FLATMEM) and the nodes' present (else spanned) pages, in bytes. */
int kmem_paddr_prlen(struct kd_session *s)
{
	struct kd_node *nd;
	size_t n;
	uint64_t pages = 0, max_mapnr = 0, psz = kd_page_size(s);
	char buf[32];
	struct kd_error *err = kd_mm_nodes(s, &nd, &n);
	kd_error_destroy(err);
	for (size_t i = 0; !err && i < n; i++)
		pages += nd[i].present ? nd[i].present : nd[i].spanned;
	if (!err)
		free(nd);
	if (kd_global_uint(s, "max_mapnr", 8, &max_mapnr) && max_mapnr > pages)
		pages = max_mapnr;
	snprintf(buf, sizeof(buf), "%" PRIx64, pages * psz);
	return (int)strlen(buf);
}

static void header(struct kd_cmd_ctx *ctx, int pw)
{
	char b1[32], b2[32], b3[32], b4[32];
	if (kmem_header_printed)
		return;
	kmem_header_printed = 1;
	fprintf(ctx->out, "%s %s %s %sCNT FLAGS\n",
		kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "PAGE"),
		kmem_just(b2, sizeof(b2), pw, KJ_RIGHT, "PHYSICAL"),
		kmem_just(b3, sizeof(b3), 16, KJ_CENTER_R, "MAPPING"),
		kmem_just(b4, sizeof(b4), 8, KJ_CENTER_R, "INDEX"));
}

static void line(struct kd_cmd_ctx *ctx, const struct kd_page *p, int pw,
		 uint64_t page_size)
{
	char names[FLAGS_BUF];
	fprintf(ctx->out, "%-16" PRIx64 " %*" PRIx64 " %16" PRIx64 " %8" PRIx64
		" %2d %" PRIx64, p->addr, pw, p->pfn * page_size, p->mapping,
		p->index, p->refcount, p->flags);
	if (p->flags &&
	    *kd_page_flags_string(ctx->s, p->flags, names, sizeof(names)))
		fprintf(ctx->out, " %s", names);
	fputc('\n', ctx->out);
}

struct all_pages {
	struct kd_cmd_ctx *ctx;
	int pw;
	uint64_t page_size;
};

static int one_line(void *arg, const struct kd_page *p, const uint8_t *raw)
{
	struct all_pages *a = arg;
	(void)raw;
	line(a->ctx, p, a->pw, a->page_size);
	return 0;
}

/* The struct page an address names: a struct page itself, a virtual
 * address (translated) or a physical one.  0 when there is none. */
static int page_of(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		   uint64_t *page)
{
	uint64_t paddr = a->value;
	struct kd_error *err;
	if (!a->phys && kd_is_page_ptr(ctx->s, a->value)) {
		*page = a->value;
		return 1;
	}
	if (!a->phys && (err = kd_kvtop(ctx->s, a->value, &paddr))) {
		kd_error_destroy(err);
		return 0;
	}
	err = kd_pfn_to_page(ctx->s, paddr / kd_page_size(ctx->s), page);
	kd_error_destroy(err);
	return !err;
}

int kmem_mem_map_one(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	uint64_t page;
	struct kd_page p;
	if (!page_of(ctx, a, &page))
		return 0;
	struct kd_error *err = kd_page_read(ctx->s, page, &p);
	if (err) {
		kd_cmd_fail_what(ctx, "struct page", err);
		return 0;
	}
	int pw = kmem_paddr_prlen(ctx->s);
	header(ctx, pw < 8 ? 8 : pw);
	line(ctx, &p, pw < 8 ? 8 : pw, kd_page_size(ctx->s));
	return 1;
}

int kmem_mem_map(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		 const char *members)
{
	const struct kd_memmap *map;
	if (members)
		return kd_cmd_error(ctx, "-m: showing struct page members is "
				    "not supported; use -p");
	struct kd_error *err = kd_memmap_get(ctx->s, &map);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (a) {
		if (kmem_mem_map_one(ctx, a))
			return 0;
		return kd_cmd_error(ctx, "%" PRIx64 ": %s address not found in "
				    "mem map", a->value,
				    a->phys ? "physical" : "kernel virtual");
	}
	int pw = kmem_paddr_prlen(ctx->s);
	struct all_pages all = { ctx, pw < 8 ? 8 : pw, map->page_size };
	uint64_t unreadable = 0;
	header(ctx, all.pw);
	err = kd_memmap_scan(ctx->s, 0, UINT64_MAX, one_line, &all,
			     &unreadable);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (unreadable)
		kd_cmd_note(ctx, "-p: %" PRIu64 " struct pages could not be "
			    "read", unreadable);
	if (map->problem)	/* part of the memory map is missing */
		return kd_cmd_error(ctx, "memory map: %s", map->problem);
	return 0;
}

/* ---- -g ---- */

int kmem_page_flags(struct kd_cmd_ctx *ctx, uint64_t flags)
{
	struct kd_types *types;
	struct kd_type *t;
	const struct kd_enumerator *e;
	size_t n, longest = 0;
	int64_t largest = 0;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (!err)
		err = kd_types_find(types, "enum pageflags", &t);
	if (!err)
		err = kd_type_enumerators(t, &e, &n);
	if (err) {
		kd_error_destroy(err);
		return kd_cmd_error(ctx, "enum pageflags does not exist in this "
				    "kernel");
	}
	for (size_t i = 0; i < n; i++) {
		if (strlen(e[i].name) > longest)
			longest = strlen(e[i].name);
		if (strstr(e[i].name, "PG_") && e[i].value > largest)
			largest = e[i].value;
	}
	int width = (int)((largest + 1) / 4 + 1);
	const char *ind = flags ? "  " : "";
	if (flags)
		fprintf(ctx->out, "FLAGS: %" PRIx64 "\n", flags);
	fprintf(ctx->out, "%s%-*s BIT  VALUE\n", ind, (int)longest,
		"PAGE-FLAG");
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (!strstr(e[i].name, "PG_") || e[i].value < 0 ||
		    e[i].value > 63)
			continue;
		uint64_t bit = 1ULL << e[i].value;
		if (flags && !(flags & bit))
			continue;
		found++;
		fprintf(ctx->out, "%s%-*s  %2d  %.*" PRIx64 "\n", ind,
			(int)longest, e[i].name, (int)e[i].value, width, bit);
	}
	if (flags && !found)
		fprintf(ctx->out, "  (none found)\n");
	return 0;
}
