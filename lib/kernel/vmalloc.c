// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmalloc areas: see include/pykdump/vmalloc.h.  The lists are
 * walked with the kernel layer's list walker (bounded by MAX_AREAS,
 * cycle-checked); 6.9+ per-node lists are merged by address.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/vmalloc.h>

#include "kernel_internal.h"

#define MAX_AREAS (1u << 22)
#define MAX_VMAP_NODES 4096

struct va_layout {
	uint64_t size, start, end, list, vm;
};

#define VA "struct vmap_area"
static const struct kd_layout_field va_fields[] = {
	KD_LF(struct va_layout, size, VA, NULL, KD_LF_SIZE),
	KD_LF(struct va_layout, start, VA, "va_start", KD_LF_REQUIRED),
	KD_LF(struct va_layout, end, VA, "va_end", KD_LF_REQUIRED),
	KD_LF(struct va_layout, list, VA, "list", KD_LF_REQUIRED),
	KD_LF(struct va_layout, vm, VA, "vm", KD_LF_REQUIRED),
};

/* The vmap_area addresses of every busy list. */
static struct kd_error *busy_lists(struct kd_session *s,
				   const struct va_layout *l,
				   struct kd_addr_list *ret)
{
	uint64_t head, nodes;
	memset(ret, 0, sizeof(*ret));
	if (kd_symbol_try_addr(s, "vmap_area_list", &head))
		return kd_list_walk(s, head, l->list, 0, MAX_AREAS, ret);
	uint64_t nr = 0;
	uint64_t node_size = kd_sizeof(s, "struct vmap_node");
	uint64_t busy = kd_off_add(kd_offsetof(s, "struct vmap_node", "busy"),
				   kd_offsetof(s, "struct rb_list", "head"));
	struct kd_error *err = kd_global_read_u64(s, "vmap_nodes", &nodes);
	if (!err && !kd_global_uint(s, "nr_vmap_nodes", 4, &nr))
		err = kd_error_create(KD_ERR_NOT_FOUND, "nr_vmap_nodes");
	if (err)
		return kd_error_prefix(err, "neither vmap_area_list nor "
				       "vmap_nodes");
	if (!node_size || !kd_present(busy) || nr > MAX_VMAP_NODES)
		return kd_error_create(KD_ERR_NOT_FOUND, "struct vmap_node "
				       "unusable (%llu nodes)",
				       (unsigned long long)nr);
	for (uint64_t i = 0; !err && i < nr; i++) {
		struct kd_addr_list one;
		err = kd_list_walk(s, nodes + i * node_size + busy, l->list, 0,
				   MAX_AREAS, &one);
		for (size_t j = 0; j < one.n; j++) {
			struct kd_error *e2 = kd_addr_list_push(ret,
								one.addrs[j]);
			if (e2) {
				kd_error_destroy(err);
				err = e2;
				break;
			}
		}
		kd_addr_list_free(&one);
	}
	return err;
}

static int by_start(const void *a, const void *b)
{
	const struct kd_vmap_area *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Before 2.6.28: the vm_struct chain vmlist. */
static struct kd_error *from_vmlist(struct kd_session *s,
				    struct kd_vmap_area **ret, size_t *n)
{
	uint64_t first;
	uint64_t next = kd_offsetof(s, "struct vm_struct", "next");
	struct kd_addr_list vms;
	struct kd_error *err = kd_global_read_u64(s, "vmlist", &first);
	if (err)
		return kd_error_prefix(err, "no vmalloc area list");
	if (!kd_present(next))
		return kd_error_create(KD_ERR_NOT_FOUND, "vm_struct.next");
	err = kd_chain_walk(s, first, next, 0, KD_WALK_INCHEAD, MAX_AREAS,
			    &vms);
	struct kd_vmap_area *v = calloc(vms.n ? vms.n : 1, sizeof(*v));
	if (!v) {
		kd_error_destroy(err);
		kd_addr_list_free(&vms);
		return &kd_error_nomem;
	}
	for (size_t i = 0; i < vms.n; i++) {
		struct kd_vm_struct vm;
		struct kd_error *e2 = kd_vm_struct_read(s, vms.addrs[i], &vm);
		if (e2) {
			kd_error_destroy(err);
			err = e2;
			break;
		}
		v[(*n)++] = (struct kd_vmap_area){ 0, vms.addrs[i], vm.addr,
						   vm.addr + vm.size };
	}
	kd_addr_list_free(&vms);
	*ret = v;
	return err;
}

struct kd_error *kd_vmap_areas(struct kd_session *s, struct kd_vmap_area **ret,
			       size_t *n)
{
	struct va_layout l;
	struct kd_addr_list vas;
	*ret = NULL;
	*n = 0;
	if (kd_sizeof(s, VA) == 0)
		return from_vmlist(s, ret, n);
	struct kd_error *err = kd_layout_fill(s, va_fields,
					      KD_ARRAY_SIZE(va_fields), &l);
	if (err)
		return err;
	err = busy_lists(s, &l, &vas);
	struct kd_vmap_area *v = calloc(vas.n ? vas.n : 1, sizeof(*v));
	if (!v) {
		kd_error_destroy(err);
		kd_addr_list_free(&vas);
		return &kd_error_nomem;
	}
	uint8_t buf[256];
	size_t len = l.size < sizeof(buf) ? l.size : sizeof(buf);
	for (size_t i = 0; i < vas.n; i++) {
		struct kd_error *e2 = kd_read_kvaddr(s, vas.addrs[i], buf, len);
		if (e2) {
			kd_error_destroy(err);
			err = kd_error_prefix(e2, "vmap_area %llx",
					      (unsigned long long)vas.addrs[i]);
			break;
		}
		v[(*n)++] = (struct kd_vmap_area){
			vas.addrs[i], kd_field_get(buf, len, l.vm, 8),
			kd_field_get(buf, len, l.start, 8),
			kd_field_get(buf, len, l.end, 8) };
	}
	kd_addr_list_free(&vas);
	qsort(v, *n, sizeof(*v), by_start);
	*ret = v;
	return err;
}

struct kd_error *kd_vm_struct_read(struct kd_session *s, uint64_t vm,
				   struct kd_vm_struct *ret)
{
	static const char *const names[] = { "addr", "size", "flags", "pages",
					     "nr_pages", "phys_addr",
					     "caller" };
	uint64_t *dst[] = { &ret->addr, &ret->size, &ret->flags, &ret->pages,
			    &ret->nr_pages, &ret->phys_addr, &ret->caller };
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < KD_ARRAY_SIZE(names); i++) {
		struct kd_error *err = kd_read_member_u64(s, vm, "vm_struct",
							  names[i], dst[i]);
		if (err && i < 2)	/* addr and size are needed */
			return kd_error_prefix(err, "vm_struct %llx",
					       (unsigned long long)vm);
		kd_error_destroy(err);
	}
	return NULL;
}
