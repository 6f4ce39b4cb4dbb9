// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem -i: the memory summary as crash 8.0.6 prints it.
 *
 *                  PAGES        TOTAL      PERCENTAGE
 *     TOTAL MEM    55847     218.2 MB         ----
 *          FREE    47741     186.5 MB   85% of TOTAL MEM
 *
 * Kernel facts relied on:
 *   TOTAL MEM   _totalram_pages (atomic_long_t, 5.0+) or totalram_pages
 *   FREE        vmstat NR_FREE_PAGES; USED = TOTAL - FREE
 *   SHARED      pages of the memory map with a reference count > 1,
 *               not reserved (crash scans the mem_map too)
 *   BUFFERS     nr_blockdev_pages(): the page-cache pages of every block
 *               device inode (blockdev_superblock->s_inodes)
 *   CACHED      NR_FILE_PAGES - swap cache (NR_SWAPCACHE) - BUFFERS
 *   SLAB        NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B (5.9+;
 *               without _B before)
 *   HUGE        hstates[0 .. hugetlb_max_hstate): nr_huge_pages and
 *               free_huge_pages, each << order
 *   SWAP        total_swap_pages; nr_swap_pages free
 *   COMMIT      sysctl_overcommit_kbytes, else (TOTAL - huge) *
 *               sysctl_overcommit_ratio / 100, plus swap; committed is
 *               the percpu_counter vm_committed_as
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>

#include "cmd_util.h"
#include "kmem.h"

#define MAX_INODES (1u << 24)

struct kmem_row {
	const char *name;
	uint64_t pages;
	uint64_t base;		/* for the percentage; 0: "----" */
	const char *of;		/* "TOTAL MEM" ... */
};

static void print_row(FILE *out, uint64_t ps, const struct kmem_row *r)
{
	char size[64];
	kd_cmd_pages_to_size(r->pages, ps, size, sizeof(size));
	fprintf(out, "%13s  %7" PRIu64 "  %11s  ", r->name, r->pages, size);
	if (!r->of)
		fprintf(out, "       ----\n");
	else
		fprintf(out, "%3" PRIu64 "%% of %s\n",
			r->base ? r->pages * 100 / r->base : 0, r->of);
}

static uint64_t sym_u64(struct kd_session *s, const char *name)
{
	uint64_t v = 0;
	kd_global_uint(s, name, 8, &v);
	return (int64_t)v < 0 ? 0 : v;
}

static uint64_t vmstat(struct kd_session *s, const char *item,
		       const char *old_item)
{
	uint64_t v = 0;
	if (!kd_vmstat(s, item, &v) && old_item)
		kd_vmstat(s, old_item, &v);
	return v;
}

/* Page-cache pages of block device inodes (nr_blockdev_pages()). */
static uint64_t blockdev_pages(struct kd_cmd_ctx *ctx)
{
	struct kd_session *s = ctx->s;
	uint64_t sb, total = 0;
	uint64_t off_list = kd_offsetof(s, "super_block", "s_inodes");
	uint64_t off_node = kd_offsetof(s, "inode", "i_sb_list");
	uint64_t off_map = kd_offsetof(s, "inode", "i_mapping");
	struct kd_addr_list inodes;
	if (!kd_global_uint(s, "blockdev_superblock", 8, &sb) || !sb ||
	    !kd_present(off_list) || !kd_present(off_node) ||
	    !kd_present(off_map))
		return 0;
	struct kd_error *err = kd_list_walk(s, sb + off_list, off_node,
					    KD_WALK_NOLOG, MAX_INODES, &inodes);
	for (size_t i = 0; !err && i < inodes.n; i++) {
		uint64_t mapping = 0;
		if ((i % 4096 == 0 && (err = kd_cancel_check())) ||
		    (err = kd_field_u64(s, inodes.addrs[i], off_map, &mapping)))
			break;
		if (mapping)
			total += kd_read_member_or0(s, mapping, "address_space",
						    "nrpages");
	}
	kd_addr_list_free(&inodes);
	if (err)	/* BUFFERS counts the inodes found: partial */
		kd_cmd_lost(kd_error_prefix(err, "block device inodes"));
	return total;
}

/*
 * SHARED as crash counts it: pages of the mem_map whose reference count
 * is above one, reserved pages left out.  struct page array at
 * vmemmap_base (SPARSEMEM_VMEMMAP, x86_64), read a section's worth at a
 * time; ranges that cannot be read (holes) are skipped.  1 on success.
 */
#define SCAN_PAGES 4096

static int shared_pages(struct kd_session *s, uint64_t *ret)
{
	const struct kd_machine *m;
	uint64_t max_pfn, psz = kd_sizeof(s, "struct page");
	uint64_t ref = kd_offsetof(s, "page", "_refcount|_count");
	uint64_t flags = kd_offsetof(s, "page", "flags");
	int64_t reserved = -1;
	struct kd_error *err = kd_session_machine(s, &m);
	if (!err)
		err = kd_enum_value(s, "PG_reserved", &reserved);
	kd_error_destroy(err);
	if (err || !m->vmemmap_base || !psz || psz > 1024 ||
	    !kd_present(ref) || !kd_present(flags) ||
	    !kd_global_uint(s, "max_pfn", 8, &max_pfn) ||
	    reserved < 0 || reserved > 63)
		return 0;
	uint8_t *buf = malloc(SCAN_PAGES * psz);
	if (!buf)
		return 0;
	uint64_t shared = 0;
	for (uint64_t pfn = 0; pfn < max_pfn; pfn += SCAN_PAGES) {
		uint64_t n = max_pfn - pfn < SCAN_PAGES ? max_pfn - pfn : SCAN_PAGES;
		if ((err = kd_cancel_check()))
			break;
		err = kd_read_kvaddr(s, m->vmemmap_base + pfn * psz, buf, n * psz);
		if (err) {	/* a hole in the memory map */
			kd_error_destroy(err);
			err = NULL;
			continue;
		}
		for (uint64_t i = 0; i < n; i++) {
			const uint8_t *p = buf + i * psz;
			uint64_t fl;
			int32_t count;
			memcpy(&fl, p + flags, 8);
			memcpy(&count, p + ref, 4);
			if (!((fl >> reserved) & 1) && count > 1)
				shared++;
		}
	}
	free(buf);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = shared;
	return 1;
}

static void huge_pages(struct kd_session *s, uint64_t *total, uint64_t *free)
{
	uint64_t arr, n = 0;
	uint64_t size = kd_sizeof(s, "struct hstate");
	*total = *free = 0;
	if (!size || !kd_symbol_try_addr(s, "hstates", &arr) ||
	    !kd_global_uint(s, "hugetlb_max_hstate", 4, &n) || n > 64)
		return;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t h = arr + i * size;
		uint64_t order = kd_read_member_or0(s, h, "hstate", "order");
		if (order > 40)
			continue;
		*total += kd_read_member_or0(s, h, "hstate", "nr_huge_pages")
			  << order;
		*free += kd_read_member_or0(s, h, "hstate", "free_huge_pages")
			 << order;
	}
}

static uint64_t commit_limit(struct kd_session *s, uint64_t totalram,
			     uint64_t huge, uint64_t swap, uint64_t ps)
{
	uint64_t kbytes = 0, ratio = 50;
	kd_global_uint(s, "sysctl_overcommit_kbytes", 8, &kbytes);
	if (kbytes)
		return kbytes / (ps / 1024) + swap;
	kd_global_uint(s, "sysctl_overcommit_ratio", 4, &ratio);
	return (totalram - (huge < totalram ? huge : totalram)) * ratio / 100 +
	       swap;
}

int kmem_info(struct kd_cmd_ctx *ctx)
{
	struct kd_session *s = ctx->s;
	uint64_t ps = kd_page_size(s);
	uint64_t total = sym_u64(s, "_totalram_pages");
	if (!total)
		total = sym_u64(s, "totalram_pages");
	if (!total) {
		return kd_cmd_error(ctx, "cannot determine the total RAM pages "
				    "(_totalram_pages / totalram_pages)");
	}
	uint64_t freep = vmstat(s, "NR_FREE_PAGES", NULL);
	uint64_t buffers = blockdev_pages(ctx);
	uint64_t file = vmstat(s, "NR_FILE_PAGES", NULL);
	uint64_t swapcache = vmstat(s, "NR_SWAPCACHE", NULL);
	uint64_t cached = file > swapcache + buffers ?
			  file - swapcache - buffers : 0;
	uint64_t slab = vmstat(s, "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_RECLAIMABLE") +
			vmstat(s, "NR_SLAB_UNRECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE");
	uint64_t htotal, hfree;
	huge_pages(s, &htotal, &hfree);
	uint64_t swap = sym_u64(s, "total_swap_pages");
	uint64_t swap_free = sym_u64(s, "nr_swap_pages");
	uint64_t limit = commit_limit(s, total, htotal, swap, ps);
	uint64_t committed = 0, vca;
	/* the counter's global count, as crash reads it (and as
	 * percpu_counter_read_positive() does) */
	if (kd_symbol_try_addr(s, "vm_committed_as", &vca)) {
		committed = kd_read_member_or0(s, vca, "percpu_counter",
					       "count");
		committed = (int64_t)committed < 0 ? 0 : committed;
	}
	uint64_t shared;
	if (!shared_pages(s, &shared)) {
		kd_cmd_note(ctx, "-i: the memory map cannot be scanned; "
			    "SHARED is NR_SHMEM");
		shared = vmstat(s, "NR_SHMEM", NULL);
	}
	const struct kmem_row rows[] = {
		{ "TOTAL MEM", total, 0, NULL },
		{ "FREE", freep, total, "TOTAL MEM" },
		{ "USED", total > freep ? total - freep : 0, total, "TOTAL MEM" },
		{ "SHARED", shared, total, "TOTAL MEM" },
		{ "BUFFERS", buffers, total, "TOTAL MEM" },
		{ "CACHED", cached, total, "TOTAL MEM" },
		{ "SLAB", slab, total, "TOTAL MEM" },
		{ NULL, 0, 0, NULL },
		{ "TOTAL HUGE", htotal, 0, NULL },
		{ "HUGE FREE", hfree, htotal, "TOTAL HUGE" },
		{ NULL, 0, 0, NULL },
		{ "TOTAL SWAP", swap, 0, NULL },
		{ "SWAP USED", swap > swap_free ? swap - swap_free : 0, swap,
		  "TOTAL SWAP" },
		{ "SWAP FREE", swap_free, swap, "TOTAL SWAP" },
		{ NULL, 0, 0, NULL },
		{ "COMMIT LIMIT", limit, 0, NULL },
		{ "COMMITTED", committed, limit, "TOTAL LIMIT" },
	};
	fprintf(ctx->out, "                 PAGES        TOTAL      PERCENTAGE\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].name)
			print_row(ctx->out, ps, &rows[i]);
		else
			fputc('\n', ctx->out);
	}
	return 0;
}
