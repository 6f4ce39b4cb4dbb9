// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount: the mounts of the current context's mount namespace, as crash
 * 8.0.6 prints them:
 *
 *        MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME
 *   ffff8974011c3a00 ffff89740105a800 rootfs rootfs    /
 *
 * Kernel facts: task->nsproxy->mnt_ns is the namespace; its mounts are
 * on mnt_namespace.list through mount.mnt_list (before 6.8) or in the
 * rbtree mnt_namespace.mounts through mount.mnt_node (6.8+), in mount
 * order.  MOUNT is the struct mount (struct vfsmount before 3.3), TYPE
 * sb->s_type->name, DEVNAME mnt_devname, DIRNAME the mount point's path.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/cancel.h>

#include "sysutil.h"
#include "vfspath.h"

#define MAX_MOUNTS (1u << 20)

struct mount_walk {
	struct kd_cmd_ctx *ctx;
	struct vfs_layout l;
	uint64_t link_off;	/* mnt_list or mnt_node in struct mount */
};

static void print_mount(struct mount_walk *w, uint64_t mnt)
{
	struct kd_session *s = w->ctx->s;
	const struct vfs_layout *l = &w->l;
	uint64_t vfs = mnt + l->mnt_vfs, sb = 0, fstype = 0, mp = 0, parent = 0;
	char type[64] = "", devname[256] = "", dir[4096] = "";
	su_ptr(s, vfs + l->vfs_sb, &sb);
	if (sb && su_ptr(s, sb + l->sb_type, &fstype) == 0 && fstype)
		su_str_at_ptr(s, fstype + l->fstype_name, type, sizeof(type));
	su_str_at_ptr(s, mnt + l->mnt_devname, devname, sizeof(devname));
	su_ptr(s, mnt + l->mnt_mountpoint, &mp);
	su_ptr(s, mnt + l->mnt_parent, &parent);
	if (mp && parent)
		vfs_path(s, l, parent + l->mnt_vfs, mp, dir, sizeof(dir));
	/* crash's columns are tab stops: TYPE at 34, DEVNAME at 41 and
	 * DIRNAME at 51, a long value pushing the rest one blank further */
	int col = fprintf(w->ctx->out, "%016" PRIx64 " %016" PRIx64 " %s",
			  mnt, sb, type);
	col += fprintf(w->ctx->out, "%*s%s", col < 40 ? 41 - col : 1, "",
		       devname);
	fprintf(w->ctx->out, "%*s%-10s\n", col < 50 ? 51 - col : 1, "", dir);
}

static int list_node(void *arg, uint64_t node)
{
	struct mount_walk *w = arg;
	print_mount(w, node - w->link_off);
	return 0;
}

/* In-order walk of an rb_root (6.8+ namespaces). */
static struct kd_error *rb_walk(struct mount_walk *w, uint64_t root)
{
	struct kd_session *s = w->ctx->s;
	uint64_t rb_left = su_off(s, "struct rb_node", "rb_left");
	uint64_t rb_right = su_off(s, "struct rb_node", "rb_right");
	uint64_t stack[64], node;
	int depth = 0;
	unsigned count = 0;
	if (su_ptr(s, root, &node) < 0)
		return kd_error_create(KD_ERR_FAULT, "cannot read rb_root");
	while (node || depth) {
		while (node && depth < 64) {
			stack[depth++] = node;
			if (su_ptr(s, node + rb_left, &node) < 0)
				return kd_error_create(KD_ERR_FAULT,
						       "broken mount tree");
		}
		if (node || ++count > MAX_MOUNTS)
			return kd_error_create(KD_ERR_LIMIT, "mount tree too deep");
		node = stack[--depth];
		print_mount(w, node - w->link_off);
		if (su_ptr(s, node + rb_right, &node) < 0)
			return kd_error_create(KD_ERR_FAULT, "broken mount tree");
	}
	return NULL;
}

static uint64_t namespace_of(struct kd_session *s, uint64_t task)
{
	uint64_t ns = 0, mnt_ns = 0;
	uint64_t o_ns = su_off(s, "struct task_struct", "nsproxy");
	uint64_t o_mnt = su_off(s, "struct nsproxy", "mnt_ns");
	if (o_ns == SU_NONE || o_mnt == SU_NONE ||
	    su_ptr(s, task + o_ns, &ns) < 0 || !ns ||
	    su_ptr(s, ns + o_mnt, &mnt_ns) < 0)
		return 0;
	return mnt_ns;
}

static int mount_list(struct kd_cmd_ctx *ctx)
{
	struct mount_walk w = { .ctx = ctx };
	struct kd_session *s = ctx->s;
	vfs_layout_get(s, &w.l);
	uint64_t ns = namespace_of(s, su_current_task(s));
	const char *m = w.l.has_struct_mount ? "struct mount" : "struct vfsmount";
	if (!w.l.ok || !ns)
		return su_error(ctx, "cannot find the mount namespace");
	fprintf(ctx->out, "     MOUNT           SUPERBLK     TYPE   DEVNAME   "
		"DIRNAME\n");
	struct kd_error *err;
	uint64_t head = su_off(s, "struct mnt_namespace", "list");
	if (head != SU_NONE) {
		w.link_off = w.l.mnt_list;
		err = su_list_walk(s, ns + head, list_node, &w);
	} else {
		head = su_off(s, "struct mnt_namespace", "mounts");
		w.link_off = su_off(s, m, "mnt_node");
		if (head == SU_NONE || w.link_off == SU_NONE)
			return su_error(ctx, "unknown mnt_namespace layout");
		err = rb_walk(&w, ns + head);
	}
	if (err)
		return su_error_value(ctx, "mount list", err);
	return 0;
}

static int mount_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (su_no_options(ctx, argc, argv, 1))
		return 1;
	return mount_list(ctx);
}

const struct kd_command kd_cmd_mount = {
	.name = "mount",
	.summary = "mounted filesystem data",
	.usage =
		"SYNOPSIS\n"
		"  mount\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the mounts of the current context's mount namespace:\n"
		"  the struct mount (vfsmount on old kernels), its super_block,\n"
		"  the filesystem type, the device name and the mount point.\n",
	.run = mount_run,
	.needs_vmlinux = 1,
};
