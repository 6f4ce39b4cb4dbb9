// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmem -v [ADDR]: the vmalloc areas as crash 8.0.6 prints them,
 *
 *      VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE
 *   ffff8b9e4104dd80  ffff8b9e41152180  ffffcbd240000000 - ffffcbd240005000    20480
 *
 * areas without a vm_struct (vm_map_ram) left out.  With a virtual
 * address, the area holding it; with a physical one, the areas mapping
 * that frame (every page of every area is translated).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/session.h>
#include <pykdump/vmalloc.h>

#include "cmd_util.h"
#include "kmem.h"

static void header(struct kd_cmd_ctx *ctx)
{
	char b1[32], b2[32], b3[48];
	if (kmem_header_printed)
		return;
	kmem_header_printed = 1;
	fprintf(ctx->out, "%s  %s  %s     SIZE\n",
		kmem_just(b1, sizeof(b1), 16, KJ_CENTER, "VMAP_AREA"),
		kmem_just(b2, sizeof(b2), 16, KJ_CENTER, "VM_STRUCT"),
		kmem_just(b3, sizeof(b3), 35, KJ_CENTER, "ADDRESS RANGE"));
}

static void row(struct kd_cmd_ctx *ctx, const struct kd_vmap_area *v)
{
	char b1[32], b2[32], n1[24], n2[24];
	snprintf(n1, sizeof(n1), "%" PRIx64, v->va);
	snprintf(n2, sizeof(n2), "%" PRIx64, v->vm);
	fprintf(ctx->out, "%s  %s  %16" PRIx64 " - %-16" PRIx64 "  %7" PRIu64
		"\n", kmem_just(b1, sizeof(b1), 16, KJ_CENTER, n1),
		kmem_just(b2, sizeof(b2), 16, KJ_CENTER, n2), v->start, v->end,
		v->end - v->start);
}

static int areas(struct kd_cmd_ctx *ctx, struct kd_vmap_area **v, size_t *n)
{
	struct kd_error *err = kd_vmap_areas(ctx->s, v, n);
	if (err && !*n) {
		free(*v);
		return kd_cmd_fail_what(ctx, "vmalloc areas", err);
	}
	if (err) {	/* a broken list: the areas before the break */
		kd_cmd_error(ctx, "invalid/corrupt vmap_area_list: %s",
			     err->message);
		kd_error_destroy(err);
	}
	return 0;
}

/* The first virtual address of area v mapping the frame of paddr
 * (paddr's offset in the page added); 0 when none. */
static struct kd_error *maps_phys(struct kd_session *s,
				  const struct kd_vmap_area *v,
				  uint64_t paddr, uint64_t *vaddr)
{
	uint64_t psz = kd_page_size(s), pa;
	*vaddr = 0;
	for (uint64_t a = v->start; a < v->end; a += psz) {
		if (((a - v->start) / psz) % 4096 == 0) {
			struct kd_error *err = kd_cancel_check();
			if (err)
				return err;
		}
		struct kd_error *err = kd_kvtop(s, a, &pa);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (paddr >= pa && paddr < pa + psz) {
			*vaddr = a + paddr % psz;
			return NULL;
		}
	}
	return NULL;
}

int kmem_vmalloc(struct kd_cmd_ctx *ctx, const struct kmem_addr *a)
{
	struct kd_vmap_area *v = NULL;
	size_t n = 0;
	int rc = areas(ctx, &v, &n);
	if (rc)
		return rc;
	header(ctx);
	for (size_t i = 0; i < n; i++) {
		uint64_t va;
		if (!v[i].vm)
			continue;
		if (!a) {
			row(ctx, &v[i]);
		} else if (!a->phys) {
			if (a->value >= v[i].start && a->value < v[i].end)
				row(ctx, &v[i]);
		} else {
			struct kd_error *err = maps_phys(ctx->s, &v[i],
							 a->value, &va);
			if (err) {
				rc = kd_cmd_fail(ctx, err);
				break;
			}
			if (va)
				row(ctx, &v[i]);
		}
	}
	free(v);
	return rc;
}

int kmem_vmalloc_show_addr(struct kd_cmd_ctx *ctx, uint64_t vaddr)
{
	struct kd_vmap_area *v = NULL;
	size_t n = 0;
	int found = 0;
	if (areas(ctx, &v, &n))
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		if (!v[i].vm || vaddr < v[i].start || vaddr >= v[i].end)
			continue;
		header(ctx);
		row(ctx, &v[i]);
		found = 1;
	}
	free(v);
	return found;
}

int kmem_vmalloc_of_phys(struct kd_cmd_ctx *ctx, uint64_t paddr,
			 uint64_t *vaddr)
{
	struct kd_vmap_area *v = NULL;
	size_t n = 0;
	*vaddr = 0;
	if (areas(ctx, &v, &n))
		return 0;
	for (size_t i = 0; i < n && !*vaddr; i++) {
		if (!v[i].vm)
			continue;
		struct kd_error *err = maps_phys(ctx->s, &v[i], paddr, vaddr);
		if (err) {
			kd_cmd_fail(ctx, err);
			break;
		}
	}
	free(v);
	return *vaddr != 0;
}
