// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount: the mounts of the current context's mount namespace, as crash
 * 8.0.6 prints them:
 *
 *        MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME
 *   ffff8974011c3a00 ffff89740105a800 rootfs rootfs    /
 *
 * The current context's namespace and its mounts come from the kernel
 * layer (include/pykdump/vfs.h).  MOUNT is the struct mount (struct
 * vfsmount before 3.3), TYPE sb->s_type->name, DEVNAME mnt_devname,
 * DIRNAME the mount point's path.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/tasks.h>
#include <pykdump/vfs.h>

#include "cmd_util.h"

static void print_mount(struct kd_cmd_ctx *ctx, const struct kd_vfs_layout *l,
			uint64_t mnt)
{
	struct kd_session *s = ctx->s;
	uint64_t vfs = mnt + l->mnt_vfs, sb = 0, fstype = 0, mp = 0, parent = 0;
	char type[64] = "", devname[256] = "", dir[4096] = "";
	kd_cmd_ptr(s, vfs, l->vfs_sb, &sb);
	if (sb && kd_cmd_ptr(s, sb, l->sb_type, &fstype) == 0 && fstype)
		kd_cmd_str_at(s, fstype, l->fstype_name, type, sizeof(type));
	kd_cmd_str_at(s, mnt, l->mnt_devname, devname, sizeof(devname));
	kd_cmd_ptr(s, mnt, l->mnt_mountpoint, &mp);
	kd_cmd_ptr(s, mnt, l->mnt_parent, &parent);
	if (mp && parent)
		kd_vfs_path(s, l, parent + l->mnt_vfs, mp, dir, sizeof(dir));
	/* crash's columns are tab stops: TYPE at 34, DEVNAME at 41 and
	 * DIRNAME at 51, a long value pushing the rest one blank further */
	int col = fprintf(ctx->out, "%016" PRIx64 " %016" PRIx64 " %s",
			  mnt, sb, type);
	col += fprintf(ctx->out, "%*s%s", col < 40 ? 41 - col : 1, "",
		       devname);
	fprintf(ctx->out, "%*s%-10s\n", col < 50 ? 51 - col : 1, "", dir);
}

static int mount_list(struct kd_cmd_ctx *ctx)
{
	struct kd_session *s = ctx->s;
	struct kd_vfs_layout l;
	struct kd_addr_list mounts;
	struct kd_error *err = kd_vfs_layout_get(s, &l);
	uint64_t ns = err ? 0 : kd_task_mnt_ns(s, kd_current_task(s));
	kd_error_destroy(err);
	if (!ns)
		return kd_cmd_error(ctx, "cannot find the mount namespace");
	fprintf(ctx->out, "     MOUNT           SUPERBLK     TYPE   DEVNAME   "
		"DIRNAME\n");
	err = kd_mnt_ns_mounts(s, &l, ns, KD_WALK_NOLOG, &mounts);
	for (size_t i = 0; i < mounts.n; i++)
		print_mount(ctx, &l, mounts.addrs[i]);
	kd_addr_list_free(&mounts);
	if (err)
		return kd_cmd_fail_what(ctx, "mount list", err);
	return 0;
}

static int mount_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (kd_cmd_no_options(ctx, argc, argv, 1))
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
