/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kmem command's parts (kmem.c dispatches): the memory summary
 * (kmem_info.c), slab caches (kmem_slab.c), the memory map, free lists,
 * zones, nodes and counters (kmem_mem.c), and the search for what an
 * address is (kmem_search.c).  Each prints crash 8.0.6's format; the
 * kernel knowledge is lib/kernel's (slab.h, page.h, zone.h, vmalloc.h,
 * mm.h).
 */
#ifndef PYKDUMP_CMD_KMEM_H
#define PYKDUMP_CMD_KMEM_H

#include <stdint.h>
#include <stdio.h>

#include "command.h"

struct kd_slab_cache;
struct kd_session;

/* crash's mkstring() justification of s in a field of width: */
#define KJ_LEFT		1	/* text, then blanks */
#define KJ_RIGHT	2	/* blanks, then text */
#define KJ_CENTER	3	/* centred, the odd blank on the right */
#define KJ_CENTER_R	4	/* centred, the odd blank on the left */
char *kmem_just(char *buf, size_t size, int width, int how, const char *s);

/* A table header printed once per kmem command (crash's
 * HEADER_PRINTED): -p and -v with several addresses, kmem ADDR. */
extern int kmem_header_printed;

/* An address argument: virtual, or physical (-P, or a number below the
 * kernel's address space). */
struct kmem_addr {
	uint64_t value;
	int phys;
};

int kmem_info(struct kd_cmd_ctx *ctx);
/* crash's PADDR_PRLEN: hex digits of the end of physical memory. */
int kmem_paddr_prlen(struct kd_session *s);

/* -s / -S [NAME | ADDR] [-I a,b]: verbose is -S; cpus (-S=list) a
 * bitmap of the CPUs to show, NULL for all. */
struct kmem_slab_req {
	int verbose;
	const char *name;		/* a cache by name, or NULL */
	const struct kmem_addr *addr;	/* or an address, or NULL */
	const char *ignore;		/* -I list */
	const uint8_t *cpus;
	unsigned ncpus_mask;
};
int kmem_slab(struct kd_cmd_ctx *ctx, const struct kmem_slab_req *r);
int kmem_slab_list(struct kd_cmd_ctx *ctx);
/* kmem ADDR's slab part: the cache, slab and object holding a virtual
 * address (only_object: just its object line; else every object of
 * the slab, for a struct page of a slab).  1 when printed, 0 when not
 * a slab's, -1 when an error was said (what was printed is partial). */
int kmem_slab_show_addr(struct kd_cmd_ctx *ctx, uint64_t vaddr);
int kmem_slab_show_page(struct kd_cmd_ctx *ctx, uint64_t page);

/* -m member,...: the struct page members to show, resolved when the
 * option is read (crash's errors: "invalid page struct member: X").
 * 0 and *ret, or 1 (the error printed). */
struct kmem_members;
int kmem_members_parse(struct kd_cmd_ctx *ctx, const char *list,
		       struct kmem_members **ret);
void kmem_members_free(struct kmem_members *m);

/* -p [ADDR] / -m member,... [ADDR] (members NULL for -p) */
int kmem_mem_map(struct kd_cmd_ctx *ctx, const struct kmem_addr *a,
		 const struct kmem_members *members);
/* One page's line for an address (kmem ADDR): 1 when found. */
int kmem_mem_map_one(struct kd_cmd_ctx *ctx, const struct kmem_addr *a);
/* -f / -F [ADDR] */
int kmem_free(struct kd_cmd_ctx *ctx, int verbose, const struct kmem_addr *a);
/* kmem ADDR's free list part: 1 when the page is free (printed). */
int kmem_free_show_addr(struct kd_cmd_ctx *ctx, const struct kmem_addr *a);
int kmem_zones(struct kd_cmd_ctx *ctx);		/* -z */
int kmem_vm_stat(struct kd_cmd_ctx *ctx);	/* -V */
int kmem_nodes(struct kd_cmd_ctx *ctx);		/* -n */
int kmem_percpu(struct kd_cmd_ctx *ctx);	/* -o */
int kmem_hugepages(struct kd_cmd_ctx *ctx);	/* -h */
int kmem_page_flags(struct kd_cmd_ctx *ctx, uint64_t flags);
/* -v [ADDR] */
int kmem_vmalloc(struct kd_cmd_ctx *ctx, const struct kmem_addr *a);
/* the vmalloc area holding a virtual address, header included: 1 when
 * found */
int kmem_vmalloc_show_addr(struct kd_cmd_ctx *ctx, uint64_t vaddr);
/* the vmalloc address mapping a physical one: 1 and *vaddr */
int kmem_vmalloc_of_phys(struct kd_cmd_ctx *ctx, uint64_t paddr,
			 uint64_t *vaddr);
/* kmem ADDR */
int kmem_search(struct kd_cmd_ctx *ctx, const struct kmem_addr *a);

#endif
