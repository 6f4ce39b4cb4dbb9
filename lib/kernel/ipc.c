// SPDX-License-Identifier: GPL-2.0-or-later
/* System V IPC objects: see include/pykdump/ipc.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/ipc.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>

struct ipc_layout {
	uint64_t ns_ids, ids_size, in_use, idr;
	uint64_t key, id, uid, mode, mode_size, deleted;
	uint64_t shm_perm, shm_segsz, shm_nattch, shm_file;
	uint64_t sem_perm, sem_nsems;
	uint64_t msg_perm, msg_cbytes, msg_qnum;
	uint64_t f_inode, f_op, f_private, sfd_file;
	uint64_t i_mapping, i_sb, nrpages, shmem_vfs_inode, shmem_swapped;
	uint64_t sb_fs_info, hsb_hstate, hstate_order;
};

#define L struct ipc_layout
static const struct kd_layout_field ipc_fields[] = {
	KD_LF(L, ns_ids, "struct ipc_namespace", "ids", KD_LF_REQUIRED),
	KD_LF(L, ids_size, "struct ipc_ids", NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(L, in_use, "struct ipc_ids", "in_use", KD_LF_REQUIRED),
	KD_LF(L, idr, "struct ipc_ids", "ipcs_idr", KD_LF_REQUIRED),
	KD_LF(L, key, "struct kern_ipc_perm", "key", KD_LF_REQUIRED),
	KD_LF(L, id, "struct kern_ipc_perm", "id", KD_LF_REQUIRED),
	KD_LF(L, uid, "struct kern_ipc_perm", "uid", 0),
	KD_LF(L, mode, "struct kern_ipc_perm", "mode", 0),
	KD_LF(L, mode_size, "struct kern_ipc_perm", "mode", KD_LF_SIZE),
	KD_LF(L, deleted, "struct kern_ipc_perm", "deleted", 0),
	KD_LF(L, shm_perm, "struct shmid_kernel", "shm_perm", KD_LF_REQUIRED),
	KD_LF(L, shm_segsz, "struct shmid_kernel", "shm_segsz", 0),
	KD_LF(L, shm_nattch, "struct shmid_kernel", "shm_nattch", 0),
	KD_LF(L, shm_file, "struct shmid_kernel", "shm_file", 0),
	KD_LF(L, sem_perm, "struct sem_array", "sem_perm", KD_LF_REQUIRED),
	KD_LF(L, sem_nsems, "struct sem_array", "sem_nsems", 0),
	KD_LF(L, msg_perm, "struct msg_queue", "q_perm", KD_LF_REQUIRED),
	KD_LF(L, msg_cbytes, "struct msg_queue", "q_cbytes", 0),
	KD_LF(L, msg_qnum, "struct msg_queue", "q_qnum", 0),
	KD_LF(L, f_inode, "struct file", "f_inode", 0),
	KD_LF(L, f_op, "struct file", "f_op", 0),
	KD_LF(L, f_private, "struct file", "private_data", 0),
	KD_LF(L, sfd_file, "struct shm_file_data", "file", 0),
	KD_LF(L, i_mapping, "struct inode", "i_mapping", 0),
	KD_LF(L, i_sb, "struct inode", "i_sb", 0),
	KD_LF(L, nrpages, "struct address_space", "nrpages", 0),
	KD_LF(L, shmem_vfs_inode, "struct shmem_inode_info", "vfs_inode", 0),
	KD_LF(L, shmem_swapped, "struct shmem_inode_info", "swapped", 0),
	KD_LF(L, sb_fs_info, "struct super_block", "s_fs_info", 0),
	KD_LF(L, hsb_hstate, "struct hugetlbfs_sb_info", "hstate", 0),
	KD_LF(L, hstate_order, "struct hstate", "order", 0),
};
#undef L

struct kd_error *kd_ipc_namespace(struct kd_session *s, uint64_t task,
				  uint64_t *ret)
{
	uint64_t nsproxy = 0;
	*ret = 0;
	if (!task) {
		if (!kd_symbol_try_addr(s, "init_ipc_ns", ret))
			return kd_error_create(KD_ERR_NOT_FOUND, "init_ipc_ns "
					       "is not in this kernel");
		return NULL;
	}
	uint64_t off_ns = kd_offsetof(s, "struct task_struct", "nsproxy");
	uint64_t off_ipc = kd_offsetof(s, "struct nsproxy", "ipc_ns");
	struct kd_error *err = kd_field_ptr(s, task, off_ns, &nsproxy);
	if (!err && !nsproxy)
		err = kd_error_create(KD_ERR_INVALID, "task %" PRIx64 " has "
				      "no namespaces (exiting)", task);
	if (!err)
		err = kd_field_ptr(s, nsproxy, off_ipc, ret);
	if (err)
		return kd_error_prefix(err, "cannot determine the "
				       "ipc_namespace");
	return NULL;
}

static uint64_t rd_uint(struct kd_session *s, uint64_t base, uint64_t off,
			unsigned size, struct kd_error **err)
{
	uint64_t v = 0;
	if (*err || !kd_present(off))
		return 0;
	*err = kd_field_uint(s, base, off, size, &v);
	return v;
}

/* A file's f_op is hugetlbfs's (directly, or the shm file wrapping one;
 * crash's is_file_hugepages). */
static int is_hugetlb_file(struct kd_session *s, const struct ipc_layout *l,
			   uint64_t file)
{
	uint64_t huge = 0, shm_fops = 0, shm_huge = 0;
	int have_huge = kd_symbol_try_addr(s, "hugetlbfs_file_operations",
					   &huge);
	int have_shm = kd_symbol_try_addr(s, "shm_file_operations", &shm_fops);
	int have_shm_huge = kd_symbol_try_addr(s, "shm_file_operations_huge",
					       &shm_huge);
	for (int depth = 0; depth < 4 && file; depth++) {
		struct kd_error *err = NULL;
		uint64_t fop = rd_uint(s, file, l->f_op, 8, &err);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		if ((have_huge && fop == huge) ||
		    (have_shm_huge && fop == shm_huge))
			return 1;
		if (!have_shm || have_shm_huge || fop != shm_fops)
			return 0;
		uint64_t sfd = rd_uint(s, file, l->f_private, 8, &err);
		file = rd_uint(s, sfd, l->sfd_file, 8, &err);
		kd_error_destroy(err);
	}
	return 0;
}

static struct kd_error *shm_pages(struct kd_session *s,
				  const struct ipc_layout *l, uint64_t file,
				  struct kd_ipc_object *o)
{
	struct kd_error *err = NULL;
	o->inode = rd_uint(s, file, l->f_inode, 8, &err);
	uint64_t mapping = rd_uint(s, o->inode, l->i_mapping, 8, &err);
	uint64_t nrpages = rd_uint(s, mapping, l->nrpages, 8, &err);
	if (err)
		return err;
	if (is_hugetlb_file(s, l, file)) {
		uint64_t per = (2ULL << 20) / kd_page_size(s);
		uint64_t sb = rd_uint(s, o->inode, l->i_sb, 8, &err);
		uint64_t hsb = rd_uint(s, sb, l->sb_fs_info, 8, &err);
		uint64_t hstate = rd_uint(s, hsb, l->hsb_hstate, 8, &err);
		uint64_t order = rd_uint(s, hstate, l->hstate_order, 4, &err);
		if (!err && kd_present(l->hstate_order) && order < 32)
			per = 1ULL << order;
		o->rss = per * nrpages;
		return err;
	}
	o->rss = nrpages;
	if (kd_present(l->shmem_vfs_inode) && kd_present(l->shmem_swapped))
		o->swap = rd_uint(s, o->inode - l->shmem_vfs_inode,
				  l->shmem_swapped, 8, &err);
	return err;
}

static struct kd_error *read_object(struct kd_session *s,
				    const struct ipc_layout *l,
				    enum kd_ipc_kind kind, uint64_t perm,
				    struct kd_ipc_object *o)
{
	struct kd_error *err = NULL;
	uint64_t perm_off = kind == KD_IPC_SHM ? l->shm_perm :
			    kind == KD_IPC_SEM ? l->sem_perm : l->msg_perm;
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->addr = perm - perm_off;
	o->key = (int32_t)rd_uint(s, perm, l->key, 4, &err);
	o->id = (int32_t)rd_uint(s, perm, l->id, 4, &err);
	o->uid = (uint32_t)rd_uint(s, perm, l->uid, 4, &err);
	o->mode = (uint32_t)rd_uint(s, perm, l->mode, l->mode_size == 2 ? 2 : 4,
				    &err);
	o->deleted = rd_uint(s, perm, l->deleted, 1, &err) != 0;
	if (kind == KD_IPC_SHM) {
		o->segsz = rd_uint(s, o->addr, l->shm_segsz, 8, &err);
		o->nattch = rd_uint(s, o->addr, l->shm_nattch, 8, &err);
		uint64_t file = rd_uint(s, o->addr, l->shm_file, 8, &err);
		if (!err && file)
			err = shm_pages(s, l, file, o);
	} else if (kind == KD_IPC_SEM) {
		o->nsems = rd_uint(s, o->addr, l->sem_nsems, 4, &err);
	} else {
		o->cbytes = rd_uint(s, o->addr, l->msg_cbytes, 8, &err);
		o->qnum = rd_uint(s, o->addr, l->msg_qnum, 8, &err);
	}
	if (err)
		return kd_error_prefix(err, "IPC object %" PRIx64, o->addr);
	return NULL;
}

struct kd_error *kd_ipc_objects(struct kd_session *s, uint64_t ns,
				enum kd_ipc_kind kind,
				struct kd_ipc_object **ret, size_t *n)
{
	struct ipc_layout l;
	struct kd_addr_list list;
	uint32_t in_use = 0;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, ipc_fields,
					      KD_ARRAY_SIZE(ipc_fields), &l);
	if (err)
		return err;
	uint64_t ids = ns + l.ns_ids + (uint64_t)kind * l.ids_size;
	if ((err = kd_field_u32(s, ids, l.in_use, &in_use)))
		return kd_error_prefix(err, "ipc_ids %" PRIx64, ids);
	if (!in_use)
		return NULL;
	struct kd_error *walk = kd_idr_walk(s, ids + l.idr, KD_WALK_NOLOG,
					    KD_IPC_MAX_OBJECTS, &list);
	struct kd_ipc_object *v = calloc(list.n ? list.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&list);
		kd_error_destroy(walk);
		return &kd_error_nomem;
	}
	for (size_t i = 0; i < list.n && !err; i++)
		if (!(err = read_object(s, &l, kind, list.addrs[i], &v[*n])))
			(*n)++;
	kd_addr_list_free(&list);
	*ret = v;
	if (err) {
		kd_error_destroy(walk);
		return err;
	}
	return walk;
}
