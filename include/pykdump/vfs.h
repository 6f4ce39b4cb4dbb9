/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Files and mounts: paths of dentries through the mount tree (as d_path()
 * builds them), a mount namespace's mounts, a task's root, working
 * directory and open files.
 *
 * Kernel facts relied on:
 *   - a root dentry is its own d_parent; d_name.name is the component;
 *   - since 3.3 struct mount embeds struct vfsmount as .mnt, with the
 *     tree links (mnt_parent, mnt_mountpoint) in struct mount; before,
 *     they are in struct vfsmount itself; the top of a mount tree is its
 *     own mnt_parent;
 *   - task->nsproxy->mnt_ns is a task's namespace; its mounts are on
 *     mnt_namespace.list through mount.mnt_list (before 6.8) or in the
 *     rbtree mnt_namespace.mounts through mount.mnt_node (6.8+), in
 *     mount order;
 *   - task->files->fdt is the current fdtable (2.6.14+), with max_fds
 *     slots in fd[]; a file's path is f_path {mnt, dentry} and its inode
 *     f_inode (3.9+, else the dentry's d_inode); task->fs holds root and
 *     pwd as struct path.
 */
#ifndef PYKDUMP_VFS_H
#define PYKDUMP_VFS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_addr_list;

/* Offsets the walks use; the optional ones may be KD_ABSENT. */
struct kd_vfs_layout {
	/* struct mount (3.3+; older kernels: all in struct vfsmount) */
	int has_struct_mount;
	uint64_t mnt_vfs;	/* offsetof(struct mount, mnt), 0 if none */
	uint64_t mnt_parent, mnt_mountpoint;
	uint64_t mnt_devname, mnt_list, mnt_node;	/* optional */
	uint64_t vfs_root;
	uint64_t vfs_sb;				/* optional */
	uint64_t d_parent, d_name;
	uint64_t d_inode, sb_type, fstype_name;		/* optional */
	uint64_t path_mnt, path_dentry;
};

/* The layout; fails when the kernel lacks what a path walk needs. */
KD_PUBLIC struct kd_error *kd_vfs_layout_get(struct kd_session *s,
					     struct kd_vfs_layout *ret)
	KD_WARN_UNUSED;

/* The path of dentry seen through vfsmount (a struct vfsmount *), into
 * buf (at most 4095 bytes of it); "" parts are skipped.  Returns 0, or
 * -1 when memory broke the walk (buf then holds what was built, prefixed
 * "?").  Bounded to 4096 components. */
KD_PUBLIC int kd_vfs_path(struct kd_session *s, const struct kd_vfs_layout *l,
			  uint64_t vfsmount, uint64_t dentry, char *buf,
			  size_t size);
/* The same for the struct path at addr ("" when it names nothing). */
KD_PUBLIC void kd_vfs_path_at(struct kd_session *s,
			      const struct kd_vfs_layout *l, uint64_t addr,
			      char *buf, size_t size);

/* The mount namespace of task (0 when it has none or it is unknown). */
KD_PUBLIC uint64_t kd_task_mnt_ns(struct kd_session *s, uint64_t task);
/* The mounts (struct mount, or struct vfsmount before 3.3) of the
 * mnt_namespace at ns, in mount order (the free and partial-result rules
 * of highlevel.h; flags KD_WALK_NOLOG). */
KD_PUBLIC struct kd_error *kd_mnt_ns_mounts(struct kd_session *s,
					    const struct kd_vfs_layout *l,
					    uint64_t ns, unsigned flags,
					    struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* A task's root and working directory (struct path addresses; 0 when
 * the task has no fs). */
KD_PUBLIC struct kd_error *kd_task_fs_paths(struct kd_session *s,
					    uint64_t task, uint64_t *root,
					    uint64_t *pwd) KD_WARN_UNUSED;
/* A task's open files: struct file addresses, their descriptors in
 * ret->index (the rules of highlevel.h; none when task->files is NULL). */
KD_PUBLIC struct kd_error *kd_task_files(struct kd_session *s, uint64_t task,
					 struct kd_addr_list *ret)
	KD_WARN_UNUSED;

struct kd_file_info {
	uint64_t mnt, dentry;	/* f_path */
	uint64_t inode;		/* f_inode, else the dentry's */
	uint32_t mode;		/* inode->i_mode, 0 without an inode */
};
/* What a struct file points at; the parts that cannot be read are 0. */
KD_PUBLIC void kd_file_info(struct kd_session *s,
			    const struct kd_vfs_layout *l, uint64_t file,
			    struct kd_file_info *ret);

/* An inode's super block (i_sb), mode, page cache (i_mapping, its
 * address_space) and how many pages that holds (nrpages). */
struct kd_inode_info {
	uint64_t sb, mapping, nrpages;
	uint32_t mode;
};
KD_PUBLIC struct kd_error *kd_inode_info(struct kd_session *s,
					 uint64_t inode,
					 struct kd_inode_info *ret)
	KD_WARN_UNUSED;

/* The pages of an inode's page cache (i_mapping's i_pages, page_tree
 * before 4.17), in index order with their indices: struct page
 * addresses (a large folio once, at its first index); value entries
 * (shadows of evicted pages) are left out.  On a broken tree: the pages
 * found and the error. */
KD_PUBLIC struct kd_error *kd_inode_pages(struct kd_session *s,
					  uint64_t inode,
					  struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* A dentry seen without its vfsmount, as crash's files -d shows it: its
 * inode (0 for a negative dentry), its super block (the inode's i_sb,
 * else d_sb), and its path through the last mount of init's (pid 1)
 * namespace on that super block, else pipe_mnt or sock_mnt ("" when
 * none is). */
KD_PUBLIC struct kd_error *kd_dentry_info(struct kd_session *s,
					  const struct kd_vfs_layout *l,
					  uint64_t dentry, uint64_t *inode,
					  uint64_t *sb, char *path,
					  size_t size) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_VFS_H */
