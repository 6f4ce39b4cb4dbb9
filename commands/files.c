// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * files [pid | task ...]: a task's root and working directory and its
 * open files, as crash 8.0.6 prints them:
 *
 *   PID: 103      TASK: ffff8974029e3000  CPU: 1    COMMAND: "fixture-sleeper"
 *   ROOT: /    CWD: /
 *    FD       FILE            DENTRY           INODE       TYPE PATH
 *     0 ffff897402ac3400 ffff8974015b9900 ffff897401a706b0 CHR  /dev/null
 *
 * Kernel facts: task->files->fdt is the current fdtable (2.6.14+), with
 * max_fds slots in fd[]; a file's path is f_path {mnt, dentry} and its
 * inode f_inode (3.9+, else the dentry's d_inode); task->fs holds root
 * and pwd as struct path.  The file type comes from i_mode's S_IFMT bits.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/unwind.h>

#include "sysutil.h"
#include "vfspath.h"

#define MAX_FDS (1u << 20)

struct files_layout {
	struct vfs_layout vfs;
	uint64_t t_files, t_fs, fs_root, fs_pwd;
	uint64_t files_fdt, fdt_max, fdt_fd;
	uint64_t f_path, f_inode, i_mode;
};

static void layout_get(struct kd_session *s, struct files_layout *l)
{
	vfs_layout_get(s, &l->vfs);
	l->t_files = su_off(s, "struct task_struct", "files");
	l->t_fs = su_off(s, "struct task_struct", "fs");
	l->fs_root = su_off(s, "struct fs_struct", "root");
	l->fs_pwd = su_off(s, "struct fs_struct", "pwd");
	l->files_fdt = su_off(s, "struct files_struct", "fdt");
	l->fdt_max = su_off(s, "struct fdtable", "max_fds");
	l->fdt_fd = su_off(s, "struct fdtable", "fd");
	l->f_path = su_off(s, "struct file", "f_path");
	l->f_inode = su_off(s, "struct file", "f_inode");
	l->i_mode = su_off(s, "struct inode", "i_mode");
}

static const char *mode_type(uint16_t mode)
{
	switch (mode & 0170000) {
	case 0100000: return "REG";
	case 0040000: return "DIR";
	case 0020000: return "CHR";
	case 0060000: return "BLK";
	case 0010000: return "FIFO";
	case 0120000: return "LNK";
	case 0140000: return "SOCK";
	default: return "UNKN";
	}
}

/* The path a struct path at addr names. */
static void path_at(struct kd_session *s, const struct files_layout *l,
		    uint64_t addr, char *buf, size_t size)
{
	uint64_t mnt, dentry;
	buf[0] = '\0';
	if (su_ptr(s, addr + l->vfs.path_mnt, &mnt) < 0 ||
	    su_ptr(s, addr + l->vfs.path_dentry, &dentry) < 0 || !dentry)
		return;
	vfs_path(s, &l->vfs, mnt, dentry, buf, size);
}

static void print_root_cwd(struct kd_cmd_ctx *ctx,
			   const struct files_layout *l, uint64_t task)
{
	char root[4096], cwd[4096];
	uint64_t fs;
	root[0] = cwd[0] = '\0';
	if (su_ptr(ctx->s, task + l->t_fs, &fs) == 0 && fs) {
		path_at(ctx->s, l, fs + l->fs_root, root, sizeof(root));
		path_at(ctx->s, l, fs + l->fs_pwd, cwd, sizeof(cwd));
	}
	fprintf(ctx->out, "ROOT: %s    CWD: %s\n", root, cwd);
}

static void print_file(struct kd_cmd_ctx *ctx, const struct files_layout *l,
		       uint32_t fd, uint64_t file)
{
	struct kd_session *s = ctx->s;
	uint64_t mnt = 0, dentry = 0, inode = 0;
	uint32_t mode32 = 0;
	char path[4096] = "";
	su_ptr(s, file + l->f_path + l->vfs.path_mnt, &mnt);
	su_ptr(s, file + l->f_path + l->vfs.path_dentry, &dentry);
	if (l->f_inode != SU_NONE)
		su_ptr(s, file + l->f_inode, &inode);
	else if (dentry)
		su_ptr(s, dentry + l->vfs.d_inode, &inode);
	if (inode)
		su_u32(s, inode + l->i_mode, &mode32);
	if (dentry)
		vfs_path(s, &l->vfs, mnt, dentry, path, sizeof(path));
	fprintf(ctx->out, "%3u %016" PRIx64 " %016" PRIx64 " %016" PRIx64
		" %-4s %s\n", fd, file, dentry, inode,
		inode ? mode_type((uint16_t)mode32) : "", path);
}

static int print_fds(struct kd_cmd_ctx *ctx, const struct files_layout *l,
		     uint64_t task)
{
	struct kd_session *s = ctx->s;
	uint64_t files, fdt, fdarr;
	uint32_t max;
	int header = 0;
	if (su_ptr(s, task + l->t_files, &files) < 0)
		return su_error(ctx, "cannot read task %" PRIx64 " files", task);
	if (files && (su_ptr(s, files + l->files_fdt, &fdt) < 0 ||
		      su_u32(s, fdt + l->fdt_max, &max) < 0 ||
		      su_ptr(s, fdt + l->fdt_fd, &fdarr) < 0))
		return su_error(ctx, "cannot read files_struct %" PRIx64, files);
	for (uint32_t fd = 0; files && fd < max && fd < MAX_FDS; fd++) {
		uint64_t file;
		if (kd_cancel_pending())
			return su_error(ctx, "interrupted");
		if (su_ptr(s, fdarr + 8 * (uint64_t)fd, &file) < 0)
			return su_error(ctx, "cannot read fd array at %" PRIx64,
					fdarr);
		if (!file)
			continue;
		if (!header++)
			fprintf(ctx->out, " FD       FILE            DENTRY   "
				"        INODE       TYPE PATH\n");
		print_file(ctx, l, fd, file);
	}
	if (!header)
		fprintf(ctx->out, "No open files\n");
	return 0;
}

static int files_task(struct kd_cmd_ctx *ctx, const struct files_layout *l,
		      const struct kd_task_ref *t)
{
	su_task_header(ctx->out, t);
	print_root_cwd(ctx, l, t->task);
	return print_fds(ctx, l, t->task);
}

static int files_arg(struct kd_cmd_ctx *ctx, const struct files_layout *l,
		     const char *arg)
{
	struct kd_task_ref *v;
	size_t n;
	int rc = 0, by_pid = su_find_tasks(ctx, arg, &v, &n);
	if (by_pid < 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		rc |= files_task(ctx, l, &v[i]);
		if (by_pid)	/* crash ends each pid's block so */
			fputc('\n', ctx->out);
	}
	free(v);
	return rc;
}

static int files_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct files_layout l;
	int c, rc = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "")) != -1)
		return su_bad_option(ctx, optopt ? optopt : c);
	layout_get(ctx->s, &l);
	if (!l.vfs.ok || l.t_files == SU_NONE || l.files_fdt == SU_NONE ||
	    l.f_path == SU_NONE)
		return su_error(ctx, "unknown files_struct/fdtable layout");
	if (optind == argc) {
		struct kd_task_ref t;
		struct kd_error *err =
			kd_unwind_task_ref(ctx->s, su_current_task(ctx->s), &t);
		if (err)
			return su_error_value(ctx, "no current task", err);
		return files_task(ctx, &l, &t);
	}
	for (int i = optind; i < argc; i++)
		rc |= files_arg(ctx, &l, argv[i]);
	return rc;
}

const struct kd_command kd_cmd_files = {
	.name = "files",
	.summary = "open files",
	.usage =
		"SYNOPSIS\n"
		"  files [pid | taskp] ...\n"
		"\n"
		"DESCRIPTION\n"
		"  Shows the root directory, the current working directory and\n"
		"  the open files of the current context (the task that was\n"
		"  running on the panic CPU), or of each task named by PID or\n"
		"  task_struct address.  For each open file descriptor: the\n"
		"  struct file, dentry and inode addresses, the file type (REG,\n"
		"  DIR, CHR, BLK, FIFO, LNK, SOCK) and the path, built through\n"
		"  the mount tree as d_path() does.\n",
	.run = files_run,
	.needs_vmlinux = 1,
};
