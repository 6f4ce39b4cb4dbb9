// SPDX-License-Identifier: GPL-2.0-or-later
/* Address spaces, VM areas, user page translation, swap areas:
 * see include/pykdump/vma.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/vfs.h>
#include <pykdump/vma.h>

#define PTE_PRESENT	0x1ULL
#define MAX_SWAPFILES_BOUND 64	/* MAX_SWAPFILES is 32 or less */

struct vma_layout {
	uint64_t start, end, flags, flags_size, pgoff, file, mm;
};

#define VL struct vma_layout
#define VA "struct vm_area_struct"
static const struct kd_layout_field vma_fields[] = {
	KD_LF(VL, start, VA, "vm_start", KD_LF_REQUIRED),
	KD_LF(VL, end, VA, "vm_end", KD_LF_REQUIRED),
	KD_LF(VL, flags, VA, "vm_flags", KD_LF_REQUIRED),
	KD_LF(VL, flags_size, VA, "vm_flags", KD_LF_SIZE),
	KD_LF(VL, pgoff, VA, "vm_pgoff", 0),
	KD_LF(VL, file, VA, "vm_file", 0),
	KD_LF(VL, mm, VA, "vm_mm", 0),
};
#undef VL
#undef VA

struct kd_error *kd_task_mm(struct kd_session *s, uint64_t task, uint64_t *ret)
{
	*ret = 0;
	uint64_t off;
	struct kd_error *err = kd_member_offset(s, "struct task_struct", "mm",
						&off);
	return err ? err : kd_field_ptr(s, task, off, ret);
}

struct kd_error *kd_mm_pgd(struct kd_session *s, uint64_t mm, uint64_t *ret)
{
	*ret = 0;
	uint64_t off;
	struct kd_error *err = kd_member_offset(s, "struct mm_struct", "pgd",
						&off);
	return err ? err : kd_field_ptr(s, mm, off, ret);
}

static struct kd_error *read_vma(struct kd_session *s,
				 const struct vma_layout *l, uint64_t vma,
				 struct kd_vma *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->addr = vma;
	struct kd_error *err = kd_field_u64(s, vma, l->start, &ret->start);
	if (!err)
		err = kd_field_u64(s, vma, l->end, &ret->end);
	if (!err)
		err = kd_field_uint(s, vma, l->flags,
				    kd_present(l->flags_size) &&
				    l->flags_size <= 8 ?
				    (unsigned)l->flags_size : 8, &ret->flags);
	/* the optional ones: 0 when this kernel has none */
	if (!err && kd_present(l->pgoff))
		err = kd_field_u64(s, vma, l->pgoff, &ret->pgoff);
	if (!err && kd_present(l->file))
		err = kd_field_ptr(s, vma, l->file, &ret->file);
	if (!err && kd_present(l->mm))
		err = kd_field_ptr(s, vma, l->mm, &ret->mm);
	if (err)
		return kd_error_prefix(err, "vm_area_struct %" PRIx64, vma);
	return NULL;
}

struct kd_error *kd_vma_read(struct kd_session *s, uint64_t vma,
			     struct kd_vma *ret)
{
	struct vma_layout l;
	struct kd_error *err = kd_layout_fill(s, vma_fields,
					      KD_ARRAY_SIZE(vma_fields), &l);
	return err ? err : read_vma(s, &l, vma, ret);
}

struct kd_error *kd_mm_vma_array(struct kd_session *s, uint64_t mm,
				 struct kd_vma **ret, size_t *n)
{
	struct vma_layout l;
	struct kd_addr_list list;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, vma_fields,
					      KD_ARRAY_SIZE(vma_fields), &l);
	if (err)
		return err;
	struct kd_error *walk = kd_mm_vmas(s, mm, KD_WALK_NOLOG, 0, &list);
	struct kd_vma *v = calloc(list.n ? list.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&list);
		kd_error_destroy(walk);
		return &kd_error_nomem;
	}
	size_t k = 0;
	for (; k < list.n; k++) {
		if ((err = read_vma(s, &l, list.addrs[k], &v[k])))
			break;
	}
	kd_addr_list_free(&list);
	*ret = v;
	*n = k;
	if (err) {
		kd_error_destroy(walk);
		return err;
	}
	return walk;
}

void kd_vma_file_path(struct kd_session *s, const struct kd_vma *v, char *buf,
		      size_t size)
{
	struct kd_vfs_layout l;
	struct kd_file_info fi;
	if (!size)
		return;
	buf[0] = '\0';
	if (!v->file)
		return;
	struct kd_error *err = kd_vfs_layout_get(s, &l);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	kd_file_info(s, &l, v->file, &fi);
	if (fi.dentry)
		kd_vfs_path(s, &l, fi.mnt, fi.dentry, buf, size);
}

/* ---- user pages ---- */

/*
 * x86_64 swap entries (arch/x86/include/asm/pgtable_64.h).  Since the
 * L1TF fixes (4.18, and backports, which define l1tf_mitigation):
 * type in bits 59-63, offset inverted in bits 9-58.  Before: type in
 * bits 1-5, offset from bit 9.
 */
static void swap_entry(struct kd_session *s, uint64_t pte, unsigned *type,
		       uint64_t *offset)
{
	uint64_t dummy;
	if (kd_symbol_try_addr(s, "l1tf_mitigation", &dummy)) {
		*type = (unsigned)(pte >> 59);
		*offset = (~pte << 5) >> 14;
	} else {
		*type = (unsigned)((pte >> 1) & 0x1f);
		*offset = pte >> 9;
	}
}

struct kd_error *kd_uvaddr_page(struct kd_session *s, uint64_t pgd,
				uint64_t vaddr, struct kd_upage *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct kd_arch *a = kd_session_arch(s);
	uint64_t root, paddr;
	struct kd_vtop_trace t;
	if (!a)
		return kd_error_create(KD_ERR_INVALID, "no page tables in "
				       "this session (no vmlinux)");
	struct kd_error *err = kd_kvtop(s, pgd, &root);
	if (err)
		return kd_error_prefix(err, "page table root %" PRIx64, pgd);
	memset(&t, 0, sizeof(t));
	err = kd_arch_walk(a, root, vaddr, &paddr, &t);
	if (t.nlevels)
		ret->pte = t.entry[t.nlevels - 1];
	if (!err) {
		ret->state = KD_UPAGE_MAPPED;
		ret->paddr = paddr;
		return NULL;
	}
	/* A table that could not be read is an error; an entry that is not
	 * present is an answer. */
	if (err->code != KD_ERR_FAULT || !t.nlevels ||
	    (ret->pte & PTE_PRESENT))
		return err;
	kd_error_destroy(err);
	ret->state = KD_UPAGE_NONE;
	if (t.level[t.nlevels - 1] == KD_PT_PTE && ret->pte) {
		ret->state = KD_UPAGE_SWAP;
		swap_entry(s, ret->pte, &ret->swap_type, &ret->swap_offset);
	}
	return NULL;
}

/* ---- swap areas ---- */

struct swap_layout {
	uint64_t flags, flags_size, prio, prio_size, pages, inuse,
		 inuse_size, swap_file, old_block_size;
};

#define SL struct swap_layout
#define SI "struct swap_info_struct"
static const struct kd_layout_field swap_fields[] = {
	KD_LF(SL, flags, SI, "flags", KD_LF_REQUIRED),
	KD_LF(SL, flags_size, SI, "flags", KD_LF_SIZE),
	KD_LF(SL, prio, SI, "prio", 0),
	KD_LF(SL, prio_size, SI, "prio", KD_LF_SIZE),
	KD_LF(SL, pages, SI, "pages", KD_LF_REQUIRED),
	KD_LF(SL, inuse, SI, "inuse_pages", 0),
	KD_LF(SL, inuse_size, SI, "inuse_pages", KD_LF_SIZE),
	KD_LF(SL, swap_file, SI, "swap_file", 0),
	KD_LF(SL, old_block_size, SI, "old_block_size", 0),
};
#undef SL
#undef SI

static unsigned member_size(uint64_t size)
{
	return kd_present(size) && size && size <= 8 ? (unsigned)size : 4;
}

/* The swap file's path, as crash names it: a device node reached
 * through devtmpfs gets its "/dev" prefix back.  *is_blk (may be NULL):
 * whether the file is a block device node. */
static void swap_path(struct kd_session *s, const struct swap_layout *sl,
		      uint64_t si, char *buf, size_t size, int *is_blk)
{
	uint64_t file = 0;
	struct kd_vfs_layout l;
	struct kd_file_info fi;
	snprintf(buf, size, "(unknown)");
	if (!kd_present(sl->swap_file))
		return;
	struct kd_error *err = kd_field_ptr(s, si, sl->swap_file, &file);
	if (!err && file)
		err = kd_vfs_layout_get(s, &l);
	if (err || !file) {
		kd_error_destroy(err);
		return;
	}
	kd_file_info(s, &l, file, &fi);
	if (is_blk)
		*is_blk = (fi.mode & 0170000) == 0060000;	/* S_ISBLK */
	kd_vfs_path(s, &l, fi.mnt, fi.dentry, buf, size);
	char dev[64] = "";
	uint64_t mount = fi.mnt;
	if (fi.mnt && l.has_struct_mount && kd_present(l.mnt_devname))
		mount = fi.mnt - l.mnt_vfs;
	if (kd_present(l.mnt_devname) && mount) {
		err = kd_field_string_at(s, mount, l.mnt_devname, dev,
					 sizeof(dev));
		kd_error_destroy(err);
	}
	if ((!strcmp(dev, "devtmpfs") || !strcmp(dev, "udev")) &&
	    strncmp(buf, "/dev/", 5) != 0) {
		char tmp[1024];
		snprintf(tmp, sizeof(tmp), "/dev%s", buf);
		snprintf(buf, size, "%s", tmp);
	}
}

static struct kd_error *read_swap(struct kd_session *s,
				  const struct swap_layout *l, uint64_t si,
				  struct kd_swap_info *ret)
{
	uint64_t v = 0;
	ret->addr = si;
	struct kd_error *err = kd_field_uint(s, si, l->flags,
					     member_size(l->flags_size),
					     &ret->flags);
	if (!err)
		err = kd_field_uint(s, si, l->pages, 4, &ret->pages);
	if (!err && kd_present(l->prio)) {
		unsigned size = member_size(l->prio_size);
		err = kd_field_uint(s, si, l->prio, size, &v);
		ret->prio = size == 2 ? (int16_t)v : (int32_t)v;
	}
	if (!err && kd_present(l->inuse))
		err = kd_field_uint(s, si, l->inuse,
				    member_size(l->inuse_size),
				    &ret->inuse_pages);
	if (err)
		return kd_error_prefix(err, "swap_info_struct %" PRIx64, si);
	/* A partition has old_block_size set (claim_swapfile(), before
	 * 6.10); later, the swap file is a block device node. */
	int is_blk = 0;
	swap_path(s, l, si, ret->path, sizeof(ret->path), &is_blk);
	ret->is_device = is_blk;
	if (kd_present(l->old_block_size)) {
		err = kd_field_uint(s, si, l->old_block_size, 4, &v);
		ret->is_device = !err && v;
		kd_error_destroy(err);
	}
	return NULL;
}

/* swap_info[] as an array of pointers: its address and length. */
static struct kd_error *swap_array(struct kd_session *s, uint64_t *arr,
				   uint64_t *nr)
{
	uint64_t nfiles;
	if (!kd_symbol_try_addr(s, "swap_info", arr) ||
	    !kd_global_uint(s, "nr_swapfiles", 4, &nfiles))
		return kd_error_create(KD_ERR_NOT_FOUND, "swap_info or "
				       "nr_swapfiles doesn't exist in this "
				       "kernel");
	*nr = nfiles > MAX_SWAPFILES_BOUND ? MAX_SWAPFILES_BOUND : nfiles;
	return NULL;
}

struct kd_error *kd_swap_infos(struct kd_session *s,
			       struct kd_swap_info **ret, size_t *n)
{
	struct swap_layout l;
	uint64_t arr, nr;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = swap_array(s, &arr, &nr);
	if (!err)
		err = kd_layout_fill(s, swap_fields,
				     KD_ARRAY_SIZE(swap_fields), &l);
	if (err)
		return err;
	struct kd_swap_info *v = calloc(nr ? nr : 1, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t si;
		if ((err = kd_read_ptr(s, arr + 8 * i, &si)))
			break;
		if (!si)
			continue;
		struct kd_swap_info *sw = &v[*n];
		memset(sw, 0, sizeof(*sw));
		sw->type = (unsigned)i;
		if ((err = read_swap(s, &l, si, sw)))
			break;
		if (sw->flags & 1)	/* SWP_USED */
			(*n)++;
	}
	*ret = v;
	return err;
}

void kd_swap_type_path(struct kd_session *s, unsigned type, char *buf,
		       size_t size)
{
	struct swap_layout l;
	uint64_t arr, nr, si = 0;
	snprintf(buf, size, "(unknown swap location)");
	struct kd_error *err = swap_array(s, &arr, &nr);
	if (!err)
		err = kd_layout_fill(s, swap_fields,
				     KD_ARRAY_SIZE(swap_fields), &l);
	if (!err && type < MAX_SWAPFILES_BOUND)
		err = kd_read_ptr(s, arr + 8ULL * type, &si);
	if (!err && si)
		swap_path(s, &l, si, buf, size, NULL);
	kd_error_destroy(err);
}
