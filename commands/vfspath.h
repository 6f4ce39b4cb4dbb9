/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Paths of dentries through the mount tree, as d_path() builds them:
 * names up the d_parent chain to the mount's root, then on from the
 * mount point in the parent mount, up to the root of the tree.
 */
#ifndef PYKDUMP_CMD_VFSPATH_H
#define PYKDUMP_CMD_VFSPATH_H

#include <stddef.h>
#include <stdint.h>

struct kd_session;

struct vfs_layout {
	int ok;
	/* struct mount (3.3+; older kernels: all in struct vfsmount) */
	uint64_t mnt_vfs;	/* offsetof(struct mount, mnt), 0 if none */
	uint64_t mnt_parent, mnt_mountpoint, mnt_devname, mnt_list;
	uint64_t vfs_root, vfs_sb;
	uint64_t d_parent, d_name, d_inode;
	uint64_t sb_type, fstype_name;
	uint64_t path_mnt, path_dentry;
	int has_struct_mount;
};

void vfs_layout_get(struct kd_session *s, struct vfs_layout *l);

/* The path of dentry seen through vfsmount (a struct vfsmount *), into
 * buf; "" parts are skipped.  Returns 0, or -1 when memory broke the
 * walk (buf then holds what was built, prefixed "?"). */
int vfs_path(struct kd_session *s, const struct vfs_layout *l,
	     uint64_t vfsmount, uint64_t dentry, char *buf, size_t size);

#endif /* PYKDUMP_CMD_VFSPATH_H */
