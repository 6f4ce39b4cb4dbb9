// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dentry paths through mounts, a namespace's mounts, a task's root, cwd
 * and open files: see include/pykdump/vfs.h.  Path walks are bounded by
 * MAX_DEPTH components, fd tables by MAX_FDS slots, mount lists by the
 * kernel layer's walkers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>
#include <pykdump/vfs.h>

#include "walk_internal.h"

#define MAX_DEPTH 4096
#define NAME_MAX_LEN 256
#define MAX_FDS (1u << 20)
#define MAX_MOUNTS (1u << 20)

/* struct mount (3.3+) or, before, struct vfsmount holds the tree links */
#define MNT "struct mount|struct vfsmount"
#define L struct kd_vfs_layout
static const struct kd_layout_field vfs_fields[] = {
	KD_LF(L, mnt_vfs, "struct mount", "mnt", 0),
	KD_LF(L, mnt_parent, MNT, "mnt_parent", KD_LF_REQUIRED),
	KD_LF(L, mnt_mountpoint, MNT, "mnt_mountpoint", KD_LF_REQUIRED),
	KD_LF(L, mnt_devname, MNT, "mnt_devname", 0),
	KD_LF(L, mnt_list, MNT, "mnt_list", 0),
	KD_LF(L, mnt_node, MNT, "mnt_node", 0),
	KD_LF(L, vfs_root, "struct vfsmount", "mnt_root", KD_LF_REQUIRED),
	KD_LF(L, vfs_sb, "struct vfsmount", "mnt_sb", 0),
	KD_LF(L, d_parent, "struct dentry", "d_parent", KD_LF_REQUIRED),
	KD_LF(L, d_name, "struct dentry", "d_name.name", KD_LF_REQUIRED),
	KD_LF(L, d_inode, "struct dentry", "d_inode", 0),
	KD_LF(L, sb_type, "struct super_block", "s_type", 0),
	KD_LF(L, fstype_name, "struct file_system_type", "name", 0),
	KD_LF(L, path_mnt, "struct path", "mnt", KD_LF_REQUIRED),
	KD_LF(L, path_dentry, "struct path", "dentry", KD_LF_REQUIRED),
};
#undef L

struct kd_error *kd_vfs_layout_get(struct kd_session *s,
				   struct kd_vfs_layout *l)
{
	memset(l, 0, sizeof(*l));
	struct kd_error *err = kd_layout_fill(s, vfs_fields,
					      KD_ARRAY_SIZE(vfs_fields), l);
	l->has_struct_mount = kd_present(l->mnt_vfs);
	if (!l->has_struct_mount)
		l->mnt_vfs = 0;
	return err;
}

/* Put "/name" in front of the path built so far (at buf + *pos). */
static void prepend(char *buf, size_t *pos, const char *name)
{
	size_t len = strlen(name);
	if (len + 1 > *pos)
		return;
	*pos -= len;
	memcpy(buf + *pos, name, len);
	buf[--*pos] = '/';
}

/* 1 when the read failed (the error dropped). */
static int fails(struct kd_error *err)
{
	kd_error_destroy(err);
	return err != NULL;
}

/* One component up: 0 went on, 1 at the top, -1 memory broke. */
static int step_up(struct kd_session *s, const struct kd_vfs_layout *l,
		   uint64_t *mnt, uint64_t *dentry, char *buf, size_t *pos)
{
	uint64_t root = 0, parent;
	if ((*mnt && fails(kd_read_ptr(s, *mnt + l->mnt_vfs + l->vfs_root,
				       &root))) ||
	    fails(kd_read_ptr(s, *dentry + l->d_parent, &parent)))
		return -1;
	if (*dentry == root || parent == *dentry) {
		uint64_t pm = 0;
		if (!*mnt)
			return 1;
		if (fails(kd_read_ptr(s, *mnt + l->mnt_parent, &pm)))
			return -1;
		if (pm == *mnt || !pm)
			return 1;	/* the top of the tree */
		if (fails(kd_read_ptr(s, *mnt + l->mnt_mountpoint, dentry)))
			return -1;
		*mnt = pm;
		return 0;
	}
	char name[NAME_MAX_LEN];
	kd_error_destroy(kd_field_string_at(s, *dentry, l->d_name, name,
					    sizeof(name)));
	prepend(buf, pos, name);
	*dentry = parent;
	return 0;
}

int kd_vfs_path(struct kd_session *s, const struct kd_vfs_layout *l,
		uint64_t vfsmount, uint64_t dentry, char *buf, size_t size)
{
	char tmp[4096];
	size_t pos = sizeof(tmp) - 1;
	int rc = 1;
	tmp[pos] = '\0';
	if (!dentry || size == 0) {
		if (size)
			buf[0] = '\0';
		return -1;
	}
	uint64_t mnt = vfsmount ? vfsmount - l->mnt_vfs : 0;
	for (int i = 0; i < MAX_DEPTH; i++) {
		rc = step_up(s, l, &mnt, &dentry, tmp, &pos);
		if (rc)
			break;
	}
	if (pos == sizeof(tmp) - 1)
		tmp[--pos] = '/';
	snprintf(buf, size, "%s%s", rc < 0 ? "?" : "", tmp + pos);
	return rc < 0 ? -1 : 0;
}

void kd_vfs_path_at(struct kd_session *s, const struct kd_vfs_layout *l,
		    uint64_t addr, char *buf, size_t size)
{
	uint64_t mnt, dentry;
	if (size)
		buf[0] = '\0';
	if (fails(kd_read_ptr(s, addr + l->path_mnt, &mnt)) ||
	    fails(kd_read_ptr(s, addr + l->path_dentry, &dentry)) || !dentry)
		return;
	kd_vfs_path(s, l, mnt, dentry, buf, size);
}

/* ---- mounts ---- */

uint64_t kd_task_mnt_ns(struct kd_session *s, uint64_t task)
{
	uint64_t ns = 0, mnt_ns = 0;
	uint64_t o_ns = kd_offsetof(s, "struct task_struct", "nsproxy");
	uint64_t o_mnt = kd_offsetof(s, "struct nsproxy", "mnt_ns");
	if (fails(kd_field_ptr(s, task, o_ns, &ns)) || !ns ||
	    fails(kd_field_ptr(s, ns, o_mnt, &mnt_ns)))
		return 0;
	return mnt_ns;
}

struct kd_error *kd_mnt_ns_mounts(struct kd_session *s,
				  const struct kd_vfs_layout *l, uint64_t ns,
				  unsigned flags, struct kd_addr_list *ret)
{
	uint64_t head = kd_offsetof(s, "struct mnt_namespace", "list");
	memset(ret, 0, sizeof(*ret));
	if (kd_present(head) && kd_present(l->mnt_list))
		return kd_list_walk(s, ns + head, l->mnt_list, flags,
				    MAX_MOUNTS, ret);
	head = kd_offsetof(s, "struct mnt_namespace", "mounts");
	if (!kd_present(head) || !kd_present(l->mnt_node))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "unknown mnt_namespace layout");
	return kd_rbtree_walk(s, ns + head, l->mnt_node,
			      flags | KD_WALK_INORDER, MAX_MOUNTS, ret);
}

/* ---- a task's files ---- */

struct files_layout {
	uint64_t t_files, t_fs, fs_root, fs_pwd;
	uint64_t files_fdt, fdt_max, fdt_fd;
	uint64_t f_path, f_inode, i_mode;
};

#define F struct files_layout
static const struct kd_layout_field files_fields[] = {
	KD_LF(F, t_files, "struct task_struct", "files", KD_LF_REQUIRED),
	KD_LF(F, t_fs, "struct task_struct", "fs", KD_LF_REQUIRED),
	KD_LF(F, fs_root, "struct fs_struct", "root", KD_LF_REQUIRED),
	KD_LF(F, fs_pwd, "struct fs_struct", "pwd", KD_LF_REQUIRED),
	KD_LF(F, files_fdt, "struct files_struct", "fdt", KD_LF_REQUIRED),
	KD_LF(F, fdt_max, "struct fdtable", "max_fds", KD_LF_REQUIRED),
	KD_LF(F, fdt_fd, "struct fdtable", "fd", KD_LF_REQUIRED),
	KD_LF(F, f_path, "struct file", "f_path", KD_LF_REQUIRED),
	KD_LF(F, f_inode, "struct file", "f_inode", 0),
	KD_LF(F, i_mode, "struct inode", "i_mode", 0),
};
#undef F

static struct kd_error *files_layout(struct kd_session *s,
				     struct files_layout *l)
{
	struct kd_error *err = kd_layout_fill(s, files_fields,
					      KD_ARRAY_SIZE(files_fields), l);
	return err ? kd_error_prefix(err, "unknown files_struct/fdtable "
				     "layout") : NULL;
}

struct kd_error *kd_task_fs_paths(struct kd_session *s, uint64_t task,
				  uint64_t *root, uint64_t *pwd)
{
	struct files_layout l;
	uint64_t fs = 0;
	*root = *pwd = 0;
	struct kd_error *err = files_layout(s, &l);
	if (!err)
		err = kd_read_ptr(s, task + l.t_fs, &fs);
	if (err || !fs)
		return err;
	*root = fs + l.fs_root;
	*pwd = fs + l.fs_pwd;
	return NULL;
}

struct kd_error *kd_task_files(struct kd_session *s, uint64_t task,
			       struct kd_addr_list *ret)
{
	struct files_layout l;
	uint64_t files, fdt, fdarr;
	uint32_t max;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = files_layout(s, &l);
	if (err)
		return err;
	if (fails(kd_read_ptr(s, task + l.t_files, &files)))
		return kd_error_create(KD_ERR_FAULT, "cannot read task %llx "
				       "files", (unsigned long long)task);
	if (!files)
		return NULL;
	if (fails(kd_read_ptr(s, files + l.files_fdt, &fdt)) ||
	    fails(kd_read_u32(s, fdt + l.fdt_max, &max)) ||
	    fails(kd_read_ptr(s, fdt + l.fdt_fd, &fdarr)))
		return kd_error_create(KD_ERR_FAULT, "cannot read files_struct "
				       "%llx", (unsigned long long)files);
	for (uint32_t fd = 0; fd < max && fd < MAX_FDS; fd++) {
		uint64_t file;
		if ((err = kd_cancel_check()))
			return err;
		if (fails(kd_read_ptr(s, fdarr + 8 * (uint64_t)fd, &file)))
			return kd_error_create(KD_ERR_FAULT, "cannot read fd "
					       "array at %llx",
					       (unsigned long long)fdarr);
		if (file && (err = kd_addr_list_push_index(ret, file, fd)))
			return err;
	}
	return NULL;
}

void kd_file_info(struct kd_session *s, const struct kd_vfs_layout *l,
		  uint64_t file, struct kd_file_info *ret)
{
	struct files_layout fl;
	memset(ret, 0, sizeof(*ret));
	if (fails(files_layout(s, &fl)))
		return;
	uint64_t path = file + fl.f_path;
	if (fails(kd_read_ptr(s, path + l->path_mnt, &ret->mnt)))
		ret->mnt = 0;
	if (fails(kd_read_ptr(s, path + l->path_dentry, &ret->dentry)))
		ret->dentry = 0;
	if (kd_present(fl.f_inode)) {
		if (fails(kd_read_ptr(s, file + fl.f_inode, &ret->inode)))
			ret->inode = 0;
	} else if (ret->dentry &&
		   fails(kd_field_ptr(s, ret->dentry, l->d_inode, &ret->inode))) {
		ret->inode = 0;
	}
	if (ret->inode &&
	    fails(kd_field_u32(s, ret->inode, fl.i_mode, &ret->mode)))
		ret->mode = 0;
}

/* ---- inodes and dentries ---- */

struct inode_layout {
	uint64_t i_sb, i_mode, i_mapping, nrpages, d_sb, i_pages;
};

#define I struct inode_layout
static const struct kd_layout_field inode_fields[] = {
	KD_LF(I, i_sb, "struct inode", "i_sb", KD_LF_REQUIRED),
	KD_LF(I, i_mode, "struct inode", "i_mode", KD_LF_REQUIRED),
	KD_LF(I, i_mapping, "struct inode", "i_mapping", KD_LF_REQUIRED),
	KD_LF(I, nrpages, "struct address_space", "nrpages", KD_LF_REQUIRED),
	KD_LF(I, d_sb, "struct dentry", "d_sb", 0),
	/* the page cache: an xarray (4.17+), a radix tree before */
	KD_LF(I, i_pages, "struct address_space", "i_pages|page_tree", 0),
};
#undef I

struct kd_error *kd_inode_info(struct kd_session *s, uint64_t inode,
			       struct kd_inode_info *ret)
{
	struct inode_layout l;
	uint32_t mode = 0;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_layout_fill(s, inode_fields,
					      KD_ARRAY_SIZE(inode_fields), &l);
	if (err)
		return kd_error_prefix(err, "unknown inode layout");
	if ((err = kd_read_ptr(s, inode + l.i_sb, &ret->sb)) ||
	    (err = kd_read_u32(s, inode + l.i_mode, &mode)) ||
	    (err = kd_read_ptr(s, inode + l.i_mapping, &ret->mapping)))
		return err;
	ret->mode = mode & 0xffff;	/* umode_t */
	if (ret->mapping &&
	    (err = kd_read_u64(s, ret->mapping + l.nrpages, &ret->nrpages)))
		return err;
	return NULL;
}

/* The mount (struct vfsmount *) whose super block is sb: the last of
 * init's namespace, else pipe_mnt, sock_mnt; 0 when none. */
static uint64_t mount_of_sb(struct kd_session *s, const struct kd_vfs_layout *l,
			    uint64_t sb)
{
	static const char *const internal[] = { "pipe_mnt", "sock_mnt" };
	struct kd_task_ref *v;
	size_t n;
	uint64_t found = 0, msb;
	if (!kd_present(l->vfs_sb))
		return 0;
	struct kd_error *err = kd_task_list(s, &v, &n);
	if (!err) {
		uint64_t ns = 0;
		for (size_t i = 0; i < n && !ns; i++)
			if (v[i].pid == 1)
				ns = kd_task_mnt_ns(s, v[i].task);
		free(v);
		struct kd_addr_list mounts;
		err = ns ? kd_mnt_ns_mounts(s, l, ns, KD_WALK_NOLOG, &mounts)
			 : NULL;
		for (size_t i = 0; ns && i < mounts.n; i++) {
			uint64_t vfs = mounts.addrs[i] + l->mnt_vfs;
			if (!fails(kd_read_ptr(s, vfs + l->vfs_sb, &msb)) &&
			    msb == sb)
				found = vfs;
		}
		if (ns)
			kd_addr_list_free(&mounts);
	}
	kd_error_destroy(err);
	for (size_t i = 0; !found && i < KD_ARRAY_SIZE(internal); i++) {
		uint64_t vfs;
		if (kd_global_uint(s, internal[i], 8, &vfs) && vfs &&
		    !fails(kd_read_ptr(s, vfs + l->vfs_sb, &msb)) && msb == sb)
			found = vfs;
	}
	return found;
}

struct kd_error *kd_dentry_info(struct kd_session *s,
				const struct kd_vfs_layout *l, uint64_t dentry,
				uint64_t *inode, uint64_t *sb, char *path,
				size_t size)
{
	struct inode_layout il;
	struct kd_inode_info ii;
	*inode = *sb = 0;
	if (size)
		path[0] = '\0';
	struct kd_error *err = kd_layout_fill(s, inode_fields,
					      KD_ARRAY_SIZE(inode_fields), &il);
	if (err)
		return kd_error_prefix(err, "unknown inode layout");
	if ((err = kd_field_ptr(s, dentry, l->d_inode, inode)))
		return err;
	if (*inode) {
		if ((err = kd_inode_info(s, *inode, &ii)))
			return err;
		*sb = ii.sb;
	} else if ((err = kd_field_ptr(s, dentry, il.d_sb, sb))) {
		return err;
	}
	uint64_t vfs = *sb ? mount_of_sb(s, l, *sb) : 0;
	if (vfs)
		kd_vfs_path(s, l, vfs, dentry, path, size);
	return NULL;
}

struct kd_error *kd_inode_pages(struct kd_session *s, uint64_t inode,
				struct kd_addr_list *ret)
{
	struct inode_layout l;
	uint64_t mapping;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_layout_fill(s, inode_fields,
					      KD_ARRAY_SIZE(inode_fields), &l);
	if (err)
		return kd_error_prefix(err, "unknown inode layout");
	if (!kd_present(l.i_pages))
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct "
				       "address_space has no i_pages or "
				       "page_tree");
	if ((err = kd_read_ptr(s, inode + l.i_mapping, &mapping)))
		return err;
	if (!mapping)
		return NULL;
	struct kd_addr_list all;
	err = kd_xarray_walk(s, mapping + l.i_pages, KD_WALK_NOLOG,
			     KD_MAXEL_DEFAULT, &all);
	/* value entries (bit 0: shadows of evicted pages, swap and DAX
	 * entries) are no pages */
	for (size_t i = 0; i < all.n; i++) {
		if (all.addrs[i] & 1)
			continue;
		all.addrs[ret->n] = all.addrs[i];
		all.index[ret->n++] = all.index[i];
	}
	ret->addrs = all.addrs;
	ret->index = all.index;
	ret->cap = all.cap;
	return err;
}
