// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem's zone and node views, as crash 8.0.6 prints them:
 *   -f / -F [ADDR]  the buddy free lists of every zone (per order and
 *                   migrate type: blocks and pages; -F the first struct
 *                   page of each block), "nr_free_pages: N (verified)"
 *                   when the zones' NR_FREE_PAGES add up to the pages on
 *                   the lists; with ADDR the block holding it;
 *   -z              each zone: size, watermarks, vm_stat[];
 *   -n              the nodes and their zones, the memory sections, the
 *                   memory block devices;
 *   -V              vm_zone_stat[], vm_node_stat[], vm_event_states;
 *   -o              the per-CPU offsets;
 *   -h              the huge page sizes.
 * Two of crash's START_MAPNR columns differ on purpose: -f counts from
 * the node's mem_map (its first present page), -n gives the zone's
 * first pfn.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/zone.h>

#include "cmd_util.h"
#include "kmem.h"

static const char zone_hdr[] = "ZONE  NAME        SIZE    FREE";
static const char area_hdr3[] = "AREA    SIZE  FREE_AREA_STRUCT\n";
static const char area_hdr4[] = "AREA    SIZE  FREE_AREA_STRUCT  BLOCKS  PAGES\n";

struct nodes {
	struct kd_node *v;
	size_t n;
};

static int get_nodes(struct kd_cmd_ctx *ctx, struct nodes *nd)
{
	nd->v = NULL;
	nd->n = 0;
	struct kd_error *err = kd_mm_nodes(ctx->s, &nd->v, &nd->n);
	if (err)
		return kd_cmd_fail_what(ctx, "memory nodes", err);
	return 0;
}

/* vm_stat[] of a zone: the value of NR_FREE_PAGES. */
static uint64_t zone_free_pages(struct kd_session *s, const struct kd_zone *z)
{
	int64_t item;
	uint64_t v = 0;
	struct kd_error *err = kd_enum_value(s, "NR_FREE_PAGES", &item);
	if (!err && kd_present(z->vm_stat) && item >= 0)
		err = kd_read_u64(s, z->vm_stat + 8 * (uint64_t)item, &v);
	kd_error_destroy(err);
	return v;
}

/* crash's ordinal(): the last digit picks the suffix (11st, 12nd). */
static const char *ordinal(uint64_t n, char *buf, size_t size)
{
	static const char *const suf[] = { "th", "st", "nd", "rd" };
	unsigned d = (unsigned)(n % 10);
	snprintf(buf, size, "%" PRIu64 "%s", n, suf[d >= 1 && d <= 3 ? d : 0]);
	return buf;
}

static void dashes(struct kd_cmd_ctx *ctx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc('-', ctx->out);
}

/* ---- -f / -F ---- */

struct search {
	uint64_t pfn;		/* the frame looked for */
	int found;
	/* the context printed with the block */
	char zone_line[256];
	char area_line[128];
	uint64_t block_page, block_pfn;
	unsigned order;
};

static void zone_row(struct kd_cmd_ctx *ctx, const struct kd_node *nd,
		     const struct kd_zone *z, uint64_t free, char *buf,
		     size_t size)
{
	char b1[32], b2[32], b3[32], num[32];
	uint64_t mem_map = 0, mapnr = 0, psz = kd_page_size(ctx->s);
	if (z->spanned) {
		struct kd_error *err = kd_pfn_to_page(ctx->s, z->start_pfn,
						      &mem_map);
		kd_error_destroy(err);
		if (err)
			mem_map = 0;
	}
	uint64_t page_size = kd_sizeof(ctx->s, "struct page");
	if (mem_map && nd->mem_map && page_size)
		mapnr = (mem_map - nd->mem_map) / page_size;
	snprintf(num, sizeof(num), "%" PRIx64, mem_map);
	kmem_just(b1, sizeof(b1), 16, KJ_CENTER, num);
	snprintf(num, sizeof(num), "%" PRIx64, z->start_pfn * psz);
	kmem_just(b2, sizeof(b2), 11, KJ_CENTER_R, num);
	snprintf(num, sizeof(num), "%" PRIu64, mapnr);
	kmem_just(b3, sizeof(b3), 11, KJ_CENTER_R, num);
	snprintf(buf, size, "%3d   %-9s %6" PRIu64 "  %6" PRIu64 "  %s  %s  %s",
		 z->index, z->name, z->spanned, free, b1, b2, b3);
}

static void area_row(char *buf, size_t size, unsigned order,
		     uint64_t page_size, uint64_t list)
{
	char sz[32], b[32], num[32];
	snprintf(sz, sizeof(sz), "%" PRIu64 "k", (page_size << order) / 1024);
	snprintf(num, sizeof(num), "%" PRIx64, list);
	snprintf(buf, size, "%3u  %7s  %s  ", order, sz,
		 kmem_just(b, sizeof(b), 16, KJ_CENTER, num));
}

/* 1 and the pfn of a struct page, 0 when it is not one. */
static int page_pfn(struct kd_session *s, uint64_t page, uint64_t *pfn)
{
	struct kd_error *err = kd_page_to_pfn(s, page, pfn);
	kd_error_destroy(err);
	return !err;
}

/* One zone's lists: the pages found on them (blocks x block size). */
static uint64_t zone_lists(struct kd_cmd_ctx *ctx, const struct kd_zone *z,
			   const struct kd_free_area_layout *l, int verbose,
			   struct search *sr, int *rc)
{
	uint64_t total = 0, psz = kd_page_size(ctx->s);
	if (!verbose && !sr)
		fputs(area_hdr4, ctx->out);
	for (unsigned o = 0; o < l->orders; o++) {
		for (unsigned t = 0; t < l->types; t++) {
			char row[128];
			struct kd_addr_list pages;
			uint64_t head = kd_free_list_head(l, z, o, t);
			area_row(row, sizeof(row), o, psz, head);
			if (verbose && !sr)
				fprintf(ctx->out, "%s%s\n", area_hdr3, row);
			struct kd_error *err = kd_free_list_pages(
				ctx->s, z, o, t, KD_WALK_NOLOG, 0, &pages);
			if (err) {
				*rc = kd_cmd_error(ctx, "corrupted free list %u "
					"from free_area struct: %" PRIx64 ": %s",
					t, z->free_area + o * l->area_size,
					err->message);
				kd_error_destroy(err);
			}
			for (size_t i = 0; i < pages.n; i++) {
				if (verbose && !sr)
					fprintf(ctx->out, "%" PRIx64 "\n",
						pages.addrs[i]);
				uint64_t first;
				if (!sr || sr->found ||
				    !page_pfn(ctx->s, pages.addrs[i], &first) ||
				    sr->pfn < first ||
				    sr->pfn - first >= (1ULL << o))
					continue;
				sr->found = 1;
				snprintf(sr->area_line, sizeof(sr->area_line),
					 "%s", row);
				sr->block_page = pages.addrs[i];
				sr->block_pfn = first;
				sr->order = o;
			}
			if (!verbose && !sr)
				fprintf(ctx->out, "%s%6zu %6" PRIu64 "\n", row,
					pages.n, (uint64_t)pages.n << o);
			total += (uint64_t)pages.n << o;
			kd_addr_list_free(&pages);
			if (*rc || (sr && sr->found))
				return total;
		}
	}
	return total;
}

static void show_found(struct kd_cmd_ctx *ctx, const struct search *sr,
		       const struct kmem_addr *a)
{
	char b[32], ord[32];
	fprintf(ctx->out, "%s  %s  START_PADDR  START_MAPNR\n%s\n", zone_hdr,
		kmem_just(b, sizeof(b), 16, KJ_CENTER, "MEM_MAP"),
		sr->zone_line);
	fprintf(ctx->out, "%s%s\n", area_hdr3, sr->area_line);
	fprintf(ctx->out, "%" PRIx64 "  ", sr->block_page);
	if (sr->order) {
		uint64_t psz = kd_page_size(ctx->s);
		if (!a->phys)
			fprintf(ctx->out, "(%" PRIx64 " is ", a->value);
		else
			fprintf(ctx->out, "(%" PRIx64 " is %s", a->value,
				a->value % psz ? "in " : "");
		fprintf(ctx->out, "%s of %llu pages)",
			ordinal(sr->pfn - sr->block_pfn + 1, ord, sizeof(ord)),
			1ULL << sr->order);
	}
	fputc('\n', ctx->out);
}

/* The pfn an address argument names (a struct page, a virtual or a
 * physical address): 1; 0 when the address is not mapped; -1 when it is
 * but no struct page covers it (crash's "cannot determine page"). */
static int addr_pfn(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		    uint64_t *pfn)
{
	uint64_t paddr = a->value, page;
	struct kd_error *err = NULL;
	if (!a->phys) {
		if (page_pfn(ctx->s, a->value, pfn))
			return 1;
		err = kd_kvtop(ctx->s, a->value, &paddr);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
	}
	err = kd_pfn_to_page(ctx->s, paddr / kd_page_size(ctx->s), &page);
	kd_error_destroy(err);
	if (err)
		return -1;
	*pfn = paddr / kd_page_size(ctx->s);
	return 1;
}

static int free_lists(struct kd_cmd_ctx *ctx, int verbose,
		      const struct kmem_addr *a, int *found)
{
	struct kd_free_area_layout l;
	struct nodes nd;
	struct search sr = { 0 }, *srp = NULL;
	int rc = 0;
	char b[32];
	uint64_t sum = 0, pages = 0;
	*found = 0;
	if (a) {
		int ok = addr_pfn(ctx, a, &sr.pfn);
		if (ok < 0)
			return kd_cmd_error(ctx, "cannot determine page for %"
					    PRIx64, a->value);
		if (!ok)
			return 0;	/* not mapped: crash shows nothing */
		srp = &sr;
	}
	struct kd_error *err = kd_free_area_layout(ctx->s, &l);
	if (err)
		return kd_cmd_fail_what(ctx, "free lists", err);
	if ((rc = get_nodes(ctx, &nd)))
		return rc;
	for (size_t n = 0; n < nd.n && !rc && !sr.found; n++) {
		struct kd_zone *z;
		size_t nz;
		if ((err = kd_node_zones(ctx->s, &nd.v[n], &z, &nz))) {
			rc = kd_cmd_fail(ctx, err);
			break;
		}
		if (nd.n > 1 && !srp) {
			if (n) {
				fputc('\n', ctx->out);
				dashes(ctx, 74);
				fputc('\n', ctx->out);
			}
			fprintf(ctx->out, "%sNODE\n %2d\n", n ? "\n" : "",
				nd.v[n].id);
		}
		for (size_t i = 0; i < nz && !rc && !sr.found; i++) {
			uint64_t free = zone_free_pages(ctx->s, &z[i]);
			char row[256];
			zone_row(ctx, &nd.v[n], &z[i], free, row, sizeof(row));
			if (!srp)
				fprintf(ctx->out, "%s%s  %s  START_PADDR  "
					"START_MAPNR\n%s\n", i ? "\n" : "",
					zone_hdr, kmem_just(b, sizeof(b), 16,
					KJ_CENTER, "MEM_MAP"), row);
			sum += free;
			if (!free || !kd_present(z[i].free_area))
				continue;
			snprintf(sr.zone_line, sizeof(sr.zone_line), "%s", row);
			if (srp && (sr.pfn < nd.v[n].start_pfn ||
				    sr.pfn >= nd.v[n].start_pfn +
					      nd.v[n].spanned))
				continue;
			pages += zone_lists(ctx, &z[i], &l, verbose, srp, &rc);
		}
		free(z);
	}
	free(nd.v);
	if (srp) {
		if (sr.found)
			show_found(ctx, &sr, a);
		*found = sr.found;
		return rc;
	}
	fprintf(ctx->out, "\nnr_free_pages: %" PRIu64 "  ", sum);
	if (sum == pages)
		fprintf(ctx->out, "(verified)\n");
	else
		fprintf(ctx->out, "(found %" PRIu64 ")\n", pages);
	return rc;
}

int kmem_free(struct kd_cmd_ctx *ctx, int verbose, const struct kmem_addr *a)
{
	int found;
	return free_lists(ctx, verbose, a, &found);
}

int kmem_free_show_addr(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	int found;
	free_lists(ctx, 0, a, &found);
	return found;
}

/* ---- -z / -V ---- */

/* Counters: "%*s: %ld" right-aligned to the longest name. */
static void stat_lines(struct kd_cmd_ctx *ctx, const char *const *names,
		       const uint64_t *v, size_t n, size_t width, int is_signed)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i] ? names[i] : "?";
		if (is_signed)
			fprintf(ctx->out, "%*s: %" PRId64 "\n", (int)width, name,
				(int64_t)v[i]);
		else
			fprintf(ctx->out, "%*s: %" PRIu64 "\n", (int)width, name,
				v[i]);
	}
}

static size_t longest(const char *const *names, size_t n, size_t w)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strlen(names[i]) > w)
			w = strlen(names[i]);
	return w;
}

static int read_stats(struct kd_cmd_ctx *ctx, uint64_t addr, size_t n,
		      uint64_t **ret)
{
	*ret = calloc(n ? n : 1, sizeof(**ret));
	if (!*ret)
		return kd_cmd_fail(ctx, &kd_error_nomem);
	struct kd_error *err = kd_read_kvaddr(ctx->s, addr, *ret, n * 8);
	if (err) {
		free(*ret);
		*ret = NULL;
		return kd_cmd_fail_what(ctx, "vm_stat", err);
	}
	return 0;
}

static int zone_stats(struct kd_cmd_ctx *ctx, const struct kd_zone *z,
		      const char **names, size_t nnames)
{
	uint64_t *v;
	fprintf(ctx->out, "NODE: %d  ZONE: %d  ADDR: %" PRIx64 "  NAME: \"%s\"\n",
		z->node, z->index, z->addr, z->name);
	if (!z->spanned) {
		fprintf(ctx->out, "  [unpopulated]\n\n");
		return 0;
	}
	fprintf(ctx->out, "  SIZE: %" PRIu64, z->spanned);
	if (z->present < z->spanned)
		fprintf(ctx->out, "  PRESENT: %" PRIu64, z->present);
	fprintf(ctx->out, "  MIN/LOW/HIGH: %" PRIu64 "/%" PRIu64 "/%" PRIu64,
		z->wmark_min, z->wmark_low, z->wmark_high);
	if (!kd_present(z->vm_stat) || !names) {
		fprintf(ctx->out, "  FREE: %" PRIu64 "\n\n",
			zone_free_pages(ctx->s, z));
		return 0;
	}
	int rc = read_stats(ctx, z->vm_stat, nnames, &v);
	if (rc)
		return rc;
	fprintf(ctx->out, "\n  VM_STAT:\n");
	stat_lines(ctx, names, v, nnames, longest(names, nnames, 0), 1);
	fprintf(ctx->out, "\n\n");
	free(v);
	return 0;
}

int kmem_zones(struct kd_cmd_ctx *ctx)
{
	struct nodes nd;
	const char **names = NULL;
	size_t nnames = 0;
	int rc = get_nodes(ctx, &nd);
	if (rc)
		return rc;
	struct kd_error *err = kd_enum_names(ctx->s, "enum zone_stat_item",
					     "NR_VM_ZONE_STAT_ITEMS", &names,
					     &nnames);
	if (err) {
		kd_cmd_note(ctx, "-z: %s", err->message);
		kd_error_destroy(err);
	}
	for (size_t n = 0; n < nd.n && !rc; n++) {
		struct kd_zone *z;
		size_t nz;
		if ((err = kd_node_zones(ctx->s, &nd.v[n], &z, &nz))) {
			rc = kd_cmd_fail(ctx, err);
			break;
		}
		for (size_t i = 0; i < nz && !rc; i++)
			rc = zone_stats(ctx, &z[i], names, nnames);
		free(z);
	}
	free(names);
	free(nd.v);
	return rc;
}

struct stat_part {
	const char *title, *type, *end, *array;
	const char **names;
	size_t n;
};

int kmem_vm_stat(struct kd_cmd_ctx *ctx)
{
	/* VM_NUMA_STAT: the vm_numa_stat[] counters of 4.14 .. 5.13 (5.14
	 * made them the per-CPU vm_numa_event, which crash 8.0.6 does not
	 * show); in the same column as the others */
	struct stat_part parts[] = {
		{ "VM_ZONE_STAT", "enum zone_stat_item", "NR_VM_ZONE_STAT_ITEMS",
		  "vm_zone_stat", NULL, 0 },
		{ "VM_NODE_STAT", "enum node_stat_item", "NR_VM_NODE_STAT_ITEMS",
		  "vm_node_stat", NULL, 0 },
		{ "VM_NUMA_STAT", "enum numa_stat_item", "NR_VM_NUMA_STAT_ITEMS",
		  "vm_numa_stat", NULL, 0 },
	};
	size_t width = 0, nparts = 2;
	int rc = 0;
	uint64_t addr;
	if (kd_symbol_try_addr(ctx->s, "vm_numa_stat", &addr))
		nparts = 3;
	for (size_t i = 0; i < nparts && !rc; i++) {
		struct kd_error *err = kd_enum_names(ctx->s, parts[i].type,
						     parts[i].end,
						     &parts[i].names,
						     &parts[i].n);
		if (err)
			rc = kd_cmd_fail_what(ctx, parts[i].title, err);
		width = longest(parts[i].names, parts[i].n, width);
	}
	for (size_t i = 0; i < nparts && !rc; i++) {
		uint64_t *v;
		if (!kd_symbol_try_addr(ctx->s, parts[i].array, &addr)) {
			rc = kd_cmd_error(ctx, "vm_stat not available in this "
					  "kernel (no %s)", parts[i].array);
			break;
		}
		if ((rc = read_stats(ctx, addr, parts[i].n, &v)))
			break;
		fprintf(ctx->out, "%s  %s:\n", i ? "\n" : "", parts[i].title);
		stat_lines(ctx, parts[i].names, v, parts[i].n, width, 1);
		free(v);
	}
	for (size_t i = 0; i < nparts; i++)
		free(parts[i].names);
	if (rc)
		return rc;
	const char **names;
	size_t n, nv;
	uint64_t *events;
	struct kd_error *err = kd_enum_names(ctx->s, "enum vm_event_item",
					     "NR_VM_EVENT_ITEMS", &names, &n);
	if (!err)
		err = kd_vm_events(ctx->s, &events, &nv);
	if (err) {
		free(names);
		return kd_cmd_fail_what(ctx, "vm_event_states", err);
	}
	fprintf(ctx->out, "\n  VM_EVENT_STATES:\n");
	stat_lines(ctx, names, events, nv < n ? nv : n, longest(names, n, 0),
		   0);
	free(names);
	free(events);
	return 0;
}

/* ---- -n ---- */

static size_t node_header(struct kd_cmd_ctx *ctx, const struct kd_node *nd,
			  const struct kd_zone *z, size_t nz, size_t idx)
{
	char b1[32], b2[32], b3[32], b4[32], num[32];
	uint64_t psz = kd_page_size(ctx->s);
	fprintf(ctx->out, "%sNODE  %s  %s  %s  %s\n", idx ? "\n\n" : "",
		kmem_just(b1, sizeof(b1), 8, KJ_CENTER, "SIZE"),
		kmem_just(b2, sizeof(b2), 16, KJ_CENTER, "PGLIST_DATA"),
		kmem_just(b3, sizeof(b3), 16, KJ_CENTER, "BOOTMEM_DATA"),
		kmem_just(b4, sizeof(b4), 16, KJ_CENTER, "NODE_ZONES"));
	snprintf(num, sizeof(num), "%" PRIu64, nd->spanned);
	kmem_just(b1, sizeof(b1), 8, KJ_CENTER, num);
	snprintf(num, sizeof(num), "%" PRIx64, nd->pgdat);
	kmem_just(b2, sizeof(b2), 16, KJ_CENTER, num);
	if (kd_present(nd->bdata))
		snprintf(num, sizeof(num), "%" PRIx64, nd->bdata);
	else
		snprintf(num, sizeof(num), "----");
	kmem_just(b3, sizeof(b3), 16, KJ_CENTER, num);
	snprintf(num, sizeof(num), "%" PRIx64, nz ? z[0].addr : nd->pgdat);
	kmem_just(b4, sizeof(b4), 16, KJ_CENTER, num);
	fprintf(ctx->out, " %2d   %s  %s  %s  %s\n", nd->id, b1, b2, b3, b4);
	size_t indent = 12 + strlen(b1) + strlen(b2) + strlen(b3) +
			strspn(b4, " ");
	for (size_t i = 1; i < nz; i++)
		fprintf(ctx->out, "%*s%" PRIx64 "\n", (int)indent, "", z[i].addr);
	fprintf(ctx->out, "%s     START_PADDR    START_MAPNR\n",
		kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "MEM_MAP"));
	snprintf(num, sizeof(num), "%" PRIx64, nd->mem_map);
	kmem_just(b1, sizeof(b1), 16, KJ_CENTER, num);
	snprintf(num, sizeof(num), "%" PRIx64, nd->start_pfn * psz);
	kmem_just(b2, sizeof(b2), 16, KJ_CENTER_R, num);
	snprintf(num, sizeof(num), "%" PRIu64, nd->start_pfn);
	kmem_just(b3, sizeof(b3), 11, KJ_CENTER_R, num);
	fprintf(ctx->out, "%s  %s  %s\n", b1, b2, b3);
	char hdr[128];
	snprintf(hdr, sizeof(hdr), "ZONE  NAME         SIZE  %s  START_PADDR  "
		 "START_MAPNR", kmem_just(b1, sizeof(b1), 16, KJ_CENTER_R,
					  "MEM_MAP"));
	fprintf(ctx->out, "\n%s\n", hdr);
	for (size_t i = 0; i < nz; i++) {
		uint64_t mem_map = 0, mapnr = 0;
		if (z[i].spanned) {
			struct kd_error *err = kd_pfn_to_page(
				ctx->s, z[i].start_pfn, &mem_map);
			kd_error_destroy(err);
			if (err)
				mem_map = 0;
			mapnr = z[i].start_pfn;
		}
		fprintf(ctx->out, " %2d   %-9s %7" PRIu64 "  %16" PRIx64
			"  %11" PRIx64 "  %11" PRIu64 "\n", z[i].index,
			z[i].name, z[i].spanned, mem_map,
			z[i].start_pfn * psz, mapnr);
	}
	return strlen(hdr);
}

static const char *section_state(const struct kd_section_bits *b,
				 uint64_t raw, char *buf)
{
	const struct { int bit; char c; } st[] = {
		{ b->present, 'P' }, { b->has_mem_map, 'M' },
		{ b->online, 'O' }, { b->early, 'E' }, { b->zone_device, 'D' },
	};
	size_t n = 0;
	for (size_t i = 0; i < KD_ARRAY_SIZE(st); i++)
		if (st[i].bit >= 0 && ((raw >> st[i].bit) & 1))
			buf[n++] = st[i].c;
	buf[n] = '\0';
	return buf;
}

static int sections(struct kd_cmd_ctx *ctx)
{
	const struct kd_memmap *map;
	char b1[32], b2[32], b3[32], b4[32], num[32], state[8];
	struct kd_error *err = kd_memmap_get(ctx->s, &map);
	if (err)
		return kd_cmd_fail_what(ctx, "memory sections", err);
	if (!map->sparse)
		return 0;
	fputc('\n', ctx->out);
	dashes(ctx, 67);
	fprintf(ctx->out, "\n\nNR  %s  %s  %s  %s PFN\n",
		kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "SECTION"),
		kmem_just(b2, sizeof(b2), 16, KJ_CENTER, "CODED_MEM_MAP"),
		kmem_just(b3, sizeof(b3), 16, KJ_CENTER, "MEM_MAP"),
		kmem_just(b4, sizeof(b4), 5, KJ_CENTER, "STATE"));
	for (size_t i = 0; i < map->nsections; i++) {
		const struct kd_mem_section *sec = &map->sections[i];
		uint64_t mm = (sec->raw >> map->bits.has_mem_map) & 1 ?
			      sec->coded + sec->pfn * map->page_struct_size : 0;
		snprintf(num, sizeof(num), "%" PRIu64, sec->pfn);
		fprintf(ctx->out, "%2" PRIu64 "  %16" PRIx64 "  %16" PRIx64
			"  %16" PRIx64 "  %s %s\n", sec->nr, sec->addr,
			sec->coded, mm,
			kmem_just(b4, sizeof(b4), 5, KJ_CENTER,
				  section_state(&map->bits, sec->raw, state)),
			kmem_just(b1, sizeof(b1), 16, KJ_LEFT, num));
	}
	if (map->problem)
		return kd_cmd_error(ctx, "memory sections: %s", map->problem);
	return 0;
}

static const char *block_state(uint64_t state)
{
	switch (state) {
	case 1: return "ONLINE";
	case 2: return "GOING_OFFLINE";
	case 4: return "OFFLINE";
	case 8: return "GOING_ONLINE";
	case 16: return "CANCEL_ONLINE";
	case 32: return "CANCEL_OFFLINE";
	default: return "UNKNOWN";
	}
}

static int memory_blocks(struct kd_cmd_ctx *ctx)
{
	struct kd_memory_block *mb;
	size_t n;
	char b1[64], b2[64], b3[64], b4[64], b5[64], pr[96], num[32];
	struct kd_error *err = kd_memory_blocks(ctx->s, &mb, &n);
	if (err && err->code == KD_ERR_NOT_FOUND) {	/* no hotplug */
		kd_error_destroy(err);
		return 0;
	}
	if (err)
		return kd_cmd_fail_what(ctx, "memory blocks", err);
	const struct kd_memmap *map;
	if ((err = kd_memmap_get(ctx->s, &map))) {
		free(mb);
		return kd_cmd_fail(ctx, err);
	}
	int pw = kmem_paddr_prlen(ctx->s);
	uint64_t probed = 0;
	int have_probed = kd_global_uint(ctx->s, "memory_block_size_probed",
					 8, &probed);
	int range = have_probed || (n && kd_present(mb[0].end_section));
	int nid = n && mb[0].nid >= 0;
	const char *ph = range ? "PHYSICAL RANGE" : "PHYSICAL START";
	kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "MEM_BLOCK");
	kmem_just(b2, sizeof(b2), 10, KJ_CENTER, "NAME");
	if (nid)
		fprintf(ctx->out, "\n%s %s   %s   %s  %-7s %-12s\n", b1, b2,
			kmem_just(b3, sizeof(b3), pw * 2 + 2, KJ_CENTER, ph),
			kmem_just(b4, sizeof(b4), 4, KJ_CENTER, "NODE"),
			"STATE", "START_SECTION_NO");
	else
		fprintf(ctx->out, "\n%s %s   %s    %-7s %-12s\n", b1, b2,
			kmem_just(b3, sizeof(b3), pw * 2, KJ_CENTER, ph),
			"STATE", "START_SECTION_NO");
	for (size_t i = 0; i < n; i++) {
		uint64_t start = mb[i].start_section * map->pages_per_section *
				 map->page_size;
		uint64_t end = UINT64_MAX;
		if (have_probed)
			end = start + probed - 1;
		else if (kd_present(mb[i].end_section))
			end = (mb[i].end_section + 1) * map->pages_per_section *
			      map->page_size - 1;
		if (end == UINT64_MAX) {
			snprintf(num, sizeof(num), "%" PRIx64, start);
			kmem_just(pr, sizeof(pr), pw * 2 + 3, KJ_CENTER, num);
		} else {
			snprintf(pr, sizeof(pr), "%*" PRIx64 " - %*" PRIx64, pw,
				 start, pw, end);
		}
		snprintf(num, sizeof(num), "%" PRIu64, mb[i].start_section);
		kmem_just(b5, sizeof(b5), 12, KJ_LEFT, num);
		snprintf(b1, sizeof(b1), "%-16" PRIx64, mb[i].addr);
		if (nid) {
			snprintf(num, sizeof(num), "%d", mb[i].nid);
			fprintf(ctx->out, " %s %s %s %s  %-7s %s\n", b1,
				kmem_just(b2, sizeof(b2), 12, KJ_CENTER,
					  mb[i].name), pr,
				kmem_just(b4, sizeof(b4), 4, KJ_CENTER, num),
				block_state(mb[i].state), b5);
		} else {
			fprintf(ctx->out, " %s %s %s  %-7s %s\n", b1,
				kmem_just(b2, sizeof(b2), 10, KJ_CENTER,
					  mb[i].name), pr,
				block_state(mb[i].state), b5);
		}
	}
	free(mb);
	return 0;
}

int kmem_nodes(struct kd_cmd_ctx *ctx)
{
	struct nodes nd = { NULL, 0 };
	size_t slen = 0;
	int rc = get_nodes(ctx, &nd);
	for (size_t n = 0; !rc && n < nd.n; n++) {
		struct kd_zone *z;
		size_t nz;
		struct kd_error *err = kd_node_zones(ctx->s, &nd.v[n], &z, &nz);
		if (err) {
			rc = kd_cmd_fail(ctx, err);
			break;
		}
		if (n) {
			fputc('\n', ctx->out);
			dashes(ctx, slen);
		}
		slen = node_header(ctx, &nd.v[n], z, nz, n);
		free(z);
	}
	free(nd.v);
	if (!rc) {
		rc = sections(ctx);
		rc |= memory_blocks(ctx);
	}
	return rc;
}

/* ---- -o / -h ---- */

int kmem_percpu(struct kd_cmd_ctx *ctx)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(ctx->s, &offs, &n);
	if (err)
		return kd_cmd_fail_what(ctx, "per-CPU offsets", err);
	fprintf(ctx->out, "PER-CPU OFFSET VALUES:\n");
	for (unsigned c = 0; c < n; c++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "CPU %u", c);
		/* crash marks offline CPUs only under "set offline hide" */
		fprintf(ctx->out, "%7s: %" PRIx64 "\n", buf, offs[c]);
	}
	return 0;
}

int kmem_hugepages(struct kd_cmd_ctx *ctx)
{
	struct kd_hstate *h;
	size_t n;
	char b[32], size[32];
	struct kd_error *err = kd_hstates(ctx->s, &h, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	fprintf(ctx->out, "%s   SIZE    FREE   TOTAL  NAME\n",
		kmem_just(b, sizeof(b), 16, KJ_CENTER, "HSTATE"));
	for (size_t i = 0; i < n; i++) {
		kd_cmd_pages_to_size(1ULL << h[i].order, kd_page_size(ctx->s),
				     size, sizeof(size));
		char *sp = strchr(size, ' ');	/* "2 MB" -> "2MB" */
		if (sp)
			memmove(sp, sp + 1, strlen(sp));
		fprintf(ctx->out, "%" PRIx64 "  %5s  %6" PRId64 "  %6" PRId64
			"  %s\n", h[i].addr, size, (int64_t)h[i].free_huge_pages,
			(int64_t)h[i].nr_huge_pages, h[i].name);
	}
	free(h);
	return 0;
}
