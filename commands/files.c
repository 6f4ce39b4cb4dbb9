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

#include <pykdump/highlevel.h>
#include <pykdump/tasks.h>
#include <pykdump/vfs.h>

#include "cmd_util.h"

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

static void print_root_cwd(struct kd_cmd_ctx *ctx,
			   const struct kd_vfs_layout *l, uint64_t task)
{
	char root[4096] = "", cwd[4096] = "";
	uint64_t r, p;
	struct kd_error *err = kd_task_fs_paths(ctx->s, task, &r, &p);
	if (!err && r) {
		kd_vfs_path_at(ctx->s, l, r, root, sizeof(root));
		kd_vfs_path_at(ctx->s, l, p, cwd, sizeof(cwd));
	}
	kd_error_destroy(err);
	fprintf(ctx->out, "ROOT: %s    CWD: %s\n", root, cwd);
}

static void print_file(struct kd_cmd_ctx *ctx, const struct kd_vfs_layout *l,
		       uint64_t fd, uint64_t file)
{
	struct kd_file_info fi;
	char path[4096] = "";
	kd_file_info(ctx->s, l, file, &fi);
	if (fi.dentry)
		kd_vfs_path(ctx->s, l, fi.mnt, fi.dentry, path, sizeof(path));
	fprintf(ctx->out, "%3u %016" PRIx64 " %016" PRIx64 " %016" PRIx64
		" %-4s %s\n", (unsigned)fd, file, fi.dentry, fi.inode,
		fi.inode ? mode_type((uint16_t)fi.mode) : "", path);
}

static int print_fds(struct kd_cmd_ctx *ctx, const struct kd_vfs_layout *l,
		     uint64_t task)
{
	struct kd_addr_list files;
	struct kd_error *err = kd_task_files(ctx->s, task, &files);
	for (size_t i = 0; i < files.n; i++) {
		if (!i)
			fprintf(ctx->out, " FD       FILE            DENTRY   "
				"        INODE       TYPE PATH\n");
		print_file(ctx, l, files.index[i], files.addrs[i]);
	}
	if (!files.n && !err)
		fprintf(ctx->out, "No open files\n");
	kd_addr_list_free(&files);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

static int files_task(struct kd_cmd_ctx *ctx, const struct kd_vfs_layout *l,
		      const struct kd_task_ref *t)
{
	kd_cmd_task_header(ctx->out, t);
	print_root_cwd(ctx, l, t->task);
	return print_fds(ctx, l, t->task);
}

static int files_arg(struct kd_cmd_ctx *ctx, const struct kd_vfs_layout *l,
		     const char *arg)
{
	struct kd_task_ref *v;
	size_t n;
	int rc = 0, by_pid = kd_cmd_find_tasks(ctx, arg, &v, &n);
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
	struct kd_vfs_layout l;
	int c, rc = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "")) != -1)
		return kd_cmd_bad_option(ctx, optopt ? optopt : c);
	struct kd_error *err = kd_vfs_layout_get(ctx->s, &l);
	if (err)
		return kd_cmd_fail_what(ctx, "unknown files_struct/fdtable "
					"layout", err);
	if (optind == argc) {
		struct kd_task_ref t;
		err = kd_task_get(ctx->s, kd_current_task(ctx->s), &t);
		if (err)
			return kd_cmd_fail_what(ctx, "no current task", err);
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
