// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ...:
 * a task's root and working directory and its open files, as crash
 * 8.0.6 prints them:
 *
 *   PID: 103      TASK: ffff8974029e3000  CPU: 1    COMMAND: "fixture-sleeper"
 *   ROOT: /    CWD: /
 *    FD       FILE            DENTRY           INODE       TYPE PATH
 *     0 ffff897402ac3400 ffff8974015b9900 ffff897401a706b0 CHR  /dev/null
 *
 * Without a task: the current context (set).  -c shows each file's
 * inode, its page cache (i_mapping) and how many pages that holds
 * instead of the file and dentry.  -d shows a dentry's inode, super
 * block, type and path (through init's mounts, as crash finds it); -p an
 * inode's page count and its page cache's pages (kmem -p's lines).  -R shows only what refers to a file descriptor
 * number, an address (file, dentry or inode), a type (REG ...) or a
 * path component, as crash does for "foreach files -R": the task
 * header, ROOT/CWD and the matching lines, nothing for a task without
 * one.
 *
 * Kernel facts: lib/kernel/vfs.c.  The file type comes from i_mode's
 * S_IFMT bits.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/tasks.h>
#include <pykdump/vfs.h>

#include "cmd_util.h"
#include "kmem.h"

#define FILES_NRPAGES	0x1	/* -c */

static const char *mode_type(uint32_t mode)
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

/* -R: what the reference is (crash's FILES_REF_*). */
struct ref {
	const char *str;
	int is_num;
	int is_fd;		/* a decimal fd number */
	uint64_t val;		/* the fd, else an address */
};

/* "/" matches "/", any other string a part of the path. */
static int path_component(const char *path, const char *c)
{
	if (!strcmp(c, "/"))
		return !strcmp(path, "/");
	return strstr(path, c) != NULL;
}

struct files {
	struct kd_cmd_ctx *ctx;
	struct kd_vfs_layout l;
	unsigned flags;
	struct ref *ref;
};

/* One open file's line into buf; 0 when it cannot be shown. */
static int file_line(struct files *f, uint64_t fd, uint64_t file, char *buf,
		     size_t size, struct kd_file_info *fi, char *path,
		     size_t psize)
{
	kd_file_info(f->ctx->s, &f->l, file, fi);
	path[0] = '\0';
	if (fi->dentry)
		kd_vfs_path(f->ctx->s, &f->l, fi->mnt, fi->dentry, path, psize);
	const char *type = fi->inode ? mode_type(fi->mode) : "";
	if (f->flags & FILES_NRPAGES) {
		struct kd_inode_info ii = { 0 };
		struct kd_error *err = fi->inode ?
			kd_inode_info(f->ctx->s, fi->inode, &ii) : NULL;
		if (err)	/* its page count shows as 0: partial */
			kd_cmd_lost(kd_error_prefix(err, "inode %" PRIx64,
						    fi->inode));
		snprintf(buf, size, "%3u %016" PRIx64 " %016" PRIx64 " %7" PRIu64
			 " %-4s %s\n", (unsigned)fd, fi->inode, ii.mapping,
			 ii.nrpages, type, path);
	} else {
		snprintf(buf, size, "%3u %016" PRIx64 " %016" PRIx64 " %016"
			 PRIx64 " %-4s %s\n", (unsigned)fd, file, fi->dentry,
			 fi->inode, type, path);
	}
	return 1;
}

static const char *table_header(const struct files *f)
{
	return f->flags & FILES_NRPAGES ?
		" FD      INODE          I_MAPPING     NRPAGES TYPE PATH\n" :
		" FD       FILE            DENTRY           INODE       TYPE "
		"PATH\n";
}

static int matches(const struct ref *r, uint64_t fd, uint64_t file,
		   const struct kd_file_info *fi, const char *type,
		   const char *path)
{
	if (r->is_num) {
		if (r->is_fd ? fd == r->val : (file == r->val ||
					      fi->dentry == r->val ||
					      fi->inode == r->val))
			return 1;
	}
	if (!strcmp(r->str, type))
		return 1;
	return path[0] && path_component(path, r->str);
}

static int files_task(struct files *f, const struct kd_task_ref *t)
{
	struct kd_cmd_ctx *ctx = f->ctx;
	char root[4096] = "", cwd[4096] = "", path[4096], line[8192];
	uint64_t r, p;
	struct kd_error *err = kd_task_fs_paths(ctx->s, t->task, &r, &p);
	if (!err && r) {
		kd_vfs_path_at(ctx->s, &f->l, r, root, sizeof(root));
		kd_vfs_path_at(ctx->s, &f->l, p, cwd, sizeof(cwd));
	}
	kd_error_destroy(err);
	int found = 0, table = 0;
	if (!f->ref) {
		kd_cmd_task_header(ctx->out, t);
		fprintf(ctx->out, "ROOT: %s    CWD: %s\n", root, cwd);
	} else if (path_component(root, f->ref->str) ||
		   path_component(cwd, f->ref->str)) {
		kd_cmd_task_header(ctx->out, t);
		fprintf(ctx->out, "ROOT: %s    CWD: %s \n", root, cwd);
		found = 1;
	}
	struct kd_addr_list files;
	err = kd_task_files(ctx->s, t->task, &files);
	for (size_t i = 0; i < files.n; i++) {
		struct kd_file_info fi;
		uint64_t fd = files.index[i], file = files.addrs[i];
		file_line(f, fd, file, line, sizeof(line), &fi, path,
			  sizeof(path));
		if (f->ref && !matches(f->ref, fd, file, &fi, fi.inode ?
				       mode_type(fi.mode) : "", path))
			continue;
		if (f->ref && !found) {
			kd_cmd_task_header(ctx->out, t);
			fprintf(ctx->out, "ROOT: %s    CWD: %s \n", root, cwd);
			found = 1;
		}
		if (!table++)
			fputs(table_header(f), ctx->out);
		fputs(line, ctx->out);
	}
	if (!f->ref && !files.n && !err)
		fprintf(ctx->out, "No open files\n");
	if (f->ref && found)
		fputc('\n', ctx->out);
	kd_addr_list_free(&files);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

static int files_arg(struct files *f, const char *arg)
{
	struct kd_task_ref *v;
	size_t n;
	int rc = 0, by_pid = kd_cmd_find_tasks(f->ctx, arg, &v, &n);
	if (by_pid < 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		rc |= files_task(f, &v[i]);
		if (by_pid)	/* crash ends each pid's block so */
			fputc('\n', f->ctx->out);
	}
	free(v);
	return rc;
}

/* -d: the dentry's inode, super block, type and path. */
static int dentry_info(struct files *f, const char *arg)
{
	struct kd_cmd_ctx *ctx = f->ctx;
	uint64_t dentry, inode, sb;
	char path[4096];
	if (!kd_cmd_parse_hex(arg, &dentry))
		return kd_cmd_error(ctx, "invalid dentry address: %s", arg);
	struct kd_error *err = kd_dentry_info(ctx->s, &f->l, dentry, &inode,
					      &sb, path, sizeof(path));
	char what[64];
	snprintf(what, sizeof(what), "dentry %" PRIx64, dentry);
	if (err)
		return kd_cmd_fail_what(ctx, what, err);
	const char *type = "N/A";
	struct kd_inode_info ii;
	if (inode) {
		err = kd_inode_info(ctx->s, inode, &ii);
		if (err) {
			snprintf(what, sizeof(what), "inode %" PRIx64, inode);
			return kd_cmd_fail_what(ctx, what, err);
		}
		type = mode_type(ii.mode);
	}
	fprintf(ctx->out, "     DENTRY           INODE           SUPERBLK     "
		"TYPE PATH\n");
	fprintf(ctx->out, "%16" PRIx64 " %16" PRIx64 " %16" PRIx64 " %-4s "
		"%s\n", dentry, inode, sb, type, path);
	return 0;
}

/* -p: the inode and how many pages its page cache holds. */
static int inode_pages(struct files *f, const char *arg)
{
	struct kd_cmd_ctx *ctx = f->ctx;
	uint64_t inode;
	struct kd_inode_info ii;
	if (!kd_cmd_parse_hex(arg, &inode))
		return kd_cmd_error(ctx, "invalid inode address: %s", arg);
	struct kd_error *err = kd_inode_info(ctx->s, inode, &ii);
	if (err)
		return kd_cmd_fail(ctx, err);
	fprintf(ctx->out, "     INODE        NRPAGES\n");
	fprintf(ctx->out, "%16" PRIx64 "  %7" PRIu64 "\n\n", inode,
		ii.nrpages);
	if (!ii.nrpages)
		return 0;
	struct kd_addr_list pages;
	err = kd_inode_pages(ctx->s, inode, &pages);
	int rc = 0;
	kmem_header_printed = 0;	/* kmem -p's header, once */
	for (size_t i = 0; i < pages.n; i++) {
		struct kmem_addr a = { .value = pages.addrs[i] };
		if (!kmem_mem_map_one(ctx, &a))
			rc = kd_cmd_error(ctx, "page %" PRIx64 " (index %"
					  PRIu64 ") is not a struct page",
					  pages.addrs[i], pages.index[i]);
	}
	kd_addr_list_free(&pages);
	return err ? kd_cmd_fail_what(ctx, "the page cache", err) : rc;
}

static void parse_ref(struct ref *r, const char *str)
{
	memset(r, 0, sizeof(*r));
	r->str = str;
	const char *p = str;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
		return;
	r->is_num = 1;
	/* decimal digits only: a descriptor number, as crash reads it
	 * when it is a plausible one; else an address */
	if (p == str && strspn(str, "0123456789") == strlen(str) &&
	    strlen(str) < 10) {
		r->is_fd = 1;
		r->val = strtoull(str, NULL, 10);
	} else {
		r->val = strtoull(p, NULL, 16);
	}
}

static int files_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct files f = { .ctx = ctx };
	struct ref ref;
	const char *dentry = NULL, *inode = NULL;
	int c, rc = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "d:R:p:c")) != -1) {
		switch (c) {
		case 'd':
			dentry = optarg;
			break;
		case 'p':
			inode = optarg;
			break;
		case 'c':
			f.flags |= FILES_NRPAGES;
			break;
		case 'R':
			if (f.ref)
				return kd_cmd_error(ctx, "only one -R option "
						    "allowed");
			parse_ref(&ref, optarg);
			f.ref = &ref;
			break;
		default:
			return kd_cmd_bad_option(ctx, optopt ? optopt : c);
		}
	}
	struct kd_error *err = kd_vfs_layout_get(ctx->s, &f.l);
	if (err)
		return kd_cmd_fail_what(ctx, "unknown files_struct/fdtable "
					"layout", err);
	if (dentry)
		return dentry_info(&f, dentry);
	if (inode)
		return inode_pages(&f, inode);
	if (optind == argc) {
		struct kd_task_ref t;
		err = kd_task_get(ctx->s, kd_current_task(ctx->s), &t);
		if (err)
			return kd_cmd_fail_what(ctx, "no current task", err);
		return files_task(&f, &t);
	}
	for (int i = optind; i < argc; i++)
		rc |= files_arg(&f, argv[i]);
	return rc;
}

const struct kd_command kd_cmd_files = {
	.name = "files",
	.summary = "open files",
	.usage =
		"SYNOPSIS\n"
		"  files [-d dentry] | [-p inode] | [-c] [-R reference] [pid | taskp] ...\n"
		"\n"
		"DESCRIPTION\n"
		"  Shows the root directory, the current working directory and\n"
		"  the open files of the current context (set), or of each task\n"
		"  named by PID or task_struct address.  For each open file\n"
		"  descriptor: the struct file, dentry and inode addresses, the\n"
		"  file type (REG, DIR, CHR, BLK, FIFO, LNK, SOCK) and the path,\n"
		"  built through the mount tree as d_path() does.\n"
		"\n"
		"     -d dentry  the dentry's inode, super block, type and path.\n"
		"     -p inode   the inode, the number of its pages in the page\n"
		"                cache, and those pages as kmem -p shows them.\n"
		"     -c         each file's inode, i_mapping address_space and\n"
		"                the number of its pages in the page cache.\n"
		"  -R reference  only the files that refer to this descriptor\n"
		"                number, file, dentry or inode address, type or\n"
		"                path component.\n",
	.run = files_run,
	.needs_vmlinux = 1,
};
