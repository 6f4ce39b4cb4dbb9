// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dentry paths through mounts (see vfspath.h).  Kernel facts:
 *   - a root dentry is its own d_parent; d_name.name is the component;
 *   - since 3.3 struct mount embeds struct vfsmount as .mnt, with the
 *     tree links (mnt_parent, mnt_mountpoint) in struct mount; before,
 *     they are in struct vfsmount itself;
 *   - the top of a mount tree is its own mnt_parent.
 * Walks are bounded by MAX_DEPTH components.
 */
#include <string.h>

#include "sysutil.h"
#include "vfspath.h"

#define MAX_DEPTH 4096
#define NAME_MAX_LEN 256

void vfs_layout_get(struct kd_session *s, struct vfs_layout *l)
{
	const char *m = "struct mount";
	memset(l, 0, sizeof(*l));
	l->has_struct_mount = su_has(s, m, "mnt");
	if (l->has_struct_mount) {
		l->mnt_vfs = su_off(s, m, "mnt");
	} else {
		m = "struct vfsmount";
		l->mnt_vfs = 0;
	}
	l->mnt_parent = su_off(s, m, "mnt_parent");
	l->mnt_mountpoint = su_off(s, m, "mnt_mountpoint");
	l->mnt_devname = su_off(s, m, "mnt_devname");
	l->mnt_list = su_off(s, m, "mnt_list");
	l->vfs_root = su_off(s, "struct vfsmount", "mnt_root");
	l->vfs_sb = su_off(s, "struct vfsmount", "mnt_sb");
	l->d_parent = su_off(s, "struct dentry", "d_parent");
	l->d_name = su_off(s, "struct dentry", "d_name.name");
	l->d_inode = su_off(s, "struct dentry", "d_inode");
	l->sb_type = su_off(s, "struct super_block", "s_type");
	l->fstype_name = su_off(s, "struct file_system_type", "name");
	l->path_mnt = su_off(s, "struct path", "mnt");
	l->path_dentry = su_off(s, "struct path", "dentry");
	l->ok = l->mnt_parent != SU_NONE && l->mnt_mountpoint != SU_NONE &&
		l->vfs_root != SU_NONE && l->d_parent != SU_NONE &&
		l->d_name != SU_NONE;
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

static int step_up(struct kd_session *s, const struct vfs_layout *l,
		   uint64_t *mnt, uint64_t *dentry, char *buf, size_t *pos)
{
	uint64_t root = 0, parent;
	if ((*mnt && su_ptr(s, *mnt + l->mnt_vfs + l->vfs_root, &root) < 0) ||
	    su_ptr(s, *dentry + l->d_parent, &parent) < 0)
		return -1;
	if (*dentry == root || parent == *dentry) {
		uint64_t pm = 0;
		if (!*mnt)
			return 1;
		if (su_ptr(s, *mnt + l->mnt_parent, &pm) < 0)
			return -1;
		if (pm == *mnt || !pm)
			return 1;	/* the top of the tree */
		if (su_ptr(s, *mnt + l->mnt_mountpoint, dentry) < 0)
			return -1;
		*mnt = pm;
		return 0;
	}
	char name[NAME_MAX_LEN];
	su_str_at_ptr(s, *dentry + l->d_name, name, sizeof(name));
	prepend(buf, pos, name);
	*dentry = parent;
	return 0;
}

int vfs_path(struct kd_session *s, const struct vfs_layout *l,
	     uint64_t vfsmount, uint64_t dentry, char *buf, size_t size)
{
	char tmp[4096];
	size_t pos = sizeof(tmp) - 1;
	int rc = 1;
	tmp[pos] = '\0';
	if (!l->ok || !dentry || size == 0) {
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
