// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Architecture-independent translation: a small TLB of kernel pages in
 * front of the architecture's fast paths and page-table walk, and reads
 * of virtual memory split at page boundaries.
 */
#include <string.h>

#include <pykdump/cancel.h>

#include "arch_internal.h"

void kd_arch_init_common(struct kd_arch *a, const struct kd_arch_ops *ops,
			 kd_read_phys_fn *read, void *arg, uint64_t page_size)
{
	a->ops = ops;
	a->read = read;
	a->read_arg = arg;
	a->page_size = page_size;
	kd_arch_flush(a);
}

void kd_arch_destroy(struct kd_arch *a)
{
	if (a)
		a->ops->destroy(a);
}

void kd_arch_flush(struct kd_arch *a)
{
	for (size_t i = 0; i < KD_TLB_SIZE; i++)
		a->tlb[i].vpage = UINT64_MAX;
	if (a->ops->flush)
		a->ops->flush(a);
}

const char *kd_pt_level_name(enum kd_pt_level l)
{
	static const char *const names[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	return (unsigned)l < KD_PT_NR_LEVELS ? names[l] : "?";
}

struct kd_error *kd_arch_walk(struct kd_arch *a, uint64_t root_paddr,
			      uint64_t vaddr, uint64_t *paddr,
			      struct kd_vtop_trace *trace)
{
	struct kd_vtop_trace local;
	struct kd_vtop_trace *t = trace ? trace : &local;
	memset(t, 0, sizeof(*t));
	struct kd_error *err = a->ops->walk(a, root_paddr, vaddr, t, 0);
	if (!err && paddr)
		*paddr = t->paddr;
	return err;
}

struct kd_error *kd_arch_kvtop(struct kd_arch *a, uint64_t vaddr,
			       uint64_t *paddr)
{
	if (a->ops->fast_kvtop(a, vaddr, paddr))
		return NULL;
	uint64_t vpage = vaddr >> 12;
	struct kd_tlb_entry *e = &a->tlb[vpage % KD_TLB_SIZE];
	if (e->vpage == vpage) {
		*paddr = e->ppage | (vaddr & 0xfff);
		return NULL;
	}
	struct kd_vtop_trace t;
	memset(&t, 0, sizeof(t));
	struct kd_error *err = a->ops->walk(a, 0, vaddr, &t, 1);
	if (err)
		return err;
	e->vpage = vpage;
	e->ppage = t.paddr & ~(uint64_t)0xfff;
	*paddr = t.paddr;
	return NULL;
}

typedef struct kd_error *translate_fn(struct kd_arch *a, uint64_t root,
				      uint64_t vaddr, uint64_t *paddr);

static struct kd_error *translate_kernel(struct kd_arch *a, uint64_t root,
					 uint64_t vaddr, uint64_t *paddr)
{
	(void)root;
	return kd_arch_kvtop(a, vaddr, paddr);
}

static struct kd_error *translate_user(struct kd_arch *a, uint64_t root,
				       uint64_t vaddr, uint64_t *paddr)
{
	return kd_arch_walk(a, root, vaddr, paddr, NULL);
}

static struct kd_error *read_virt(struct kd_arch *a, translate_fn *translate,
				  uint64_t root, uint64_t vaddr, void *buf,
				  size_t len)
{
	unsigned char *p = buf;
	while (len) {
		size_t chunk = 4096 - (vaddr & 4095);
		if (chunk > len)
			chunk = len;
		uint64_t paddr;
		struct kd_error *err = translate(a, root, vaddr, &paddr);
		if (!err)
			err = a->read(a->read_arg, paddr, p, chunk);
		if (err) {
			/* Report the virtual address the caller used. */
			if (kd_error_is_fault(err) && err->addr != vaddr) {
				err = kd_error_prefix(err, "%s address %#llx",
						      translate == translate_kernel
						      ? "kernel virtual" : "user virtual",
						      (unsigned long long)vaddr);
				err->addr = vaddr;
			}
			return err;
		}
		p += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return NULL;
}

struct kd_error *kd_arch_read_kvirt(struct kd_arch *a, uint64_t vaddr,
				    void *buf, size_t len)
{
	return read_virt(a, translate_kernel, 0, vaddr, buf, len);
}

struct kd_error *kd_arch_read_uvirt(struct kd_arch *a, uint64_t root_paddr,
				    uint64_t vaddr, void *buf, size_t len)
{
	if (!root_paddr)
		return kd_error_create(KD_ERR_INVALID,
				       "no page table root for user address %#llx",
				       (unsigned long long)vaddr);
	return read_virt(a, translate_user, root_paddr, vaddr, buf, len);
}

int kd_arch_is_kvaddr(const struct kd_arch *a, uint64_t vaddr)
{
	return a->ops->is_kvaddr(a, vaddr);
}

uint64_t kd_arch_ptov(const struct kd_arch *a, uint64_t paddr)
{
	return a->ops->ptov(a, paddr);
}

uint64_t kd_arch_page_size(const struct kd_arch *a)
{
	return a->page_size;
}
