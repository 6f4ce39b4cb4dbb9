// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vm [-p | -P vma | -m | -v] [-x | -d] [pid | task] ...   (crash's vm)
 *
 * For each task (the current context when none is named): its header,
 * "MM PGD RSS TOTAL_VM" (RSS as ps counts it), then one line per VM
 * area: "VMA START END FLAGS FILE".  -p follows each area with the
 * translation of each of its pages: the physical address, "SWAP: dev
 * OFFSET: n" for a swapped-out page, "FILE: path  OFFSET: off" for a
 * file page not in memory, else "(not mapped)"; -P does that for one
 * area.  -m prints the task's mm_struct, -v each vm_area_struct (as
 * `struct` does; -x/-d choose the radix).  A kernel thread has no mm:
 * only the MM line, with zeros.  The areas and pages come from
 * lib/kernel (vma.h).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/vma.h>

#include "cmd_util.h"

#define VADDR_W		16
#define UVADDR_W	10
#define PADDR_W		8

enum vm_mode { VM_LIST, VM_PAGES, VM_ONE_VMA, VM_MM_STRUCT, VM_VMA_STRUCTS };

struct vm {
	struct kd_cmd_ctx *ctx;
	enum vm_mode mode;
	uint64_t single_vma;
	const char *radix;	/* "", " -x" or " -d" */
};

static void vm_data(struct vm *v, uint64_t mm, uint64_t pgd, uint64_t rss,
		    uint64_t total_vm)
{
	FILE *out = v->ctx->out;
	char a[64], b[64], t1[32], t2[32];
	uint64_t page = kd_page_size(v->ctx->s);
	fprintf(out, "%s  %s  ", kd_cmd_just(a, sizeof(a), "MM", VADDR_W,
					     KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), "PGD", VADDR_W,
			    KD_JUST_CENTER | KD_JUST_LEFT));
	fprintf(out, "%s  %s\n", kd_cmd_just(a, sizeof(a), "RSS", 6,
					     KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), "TOTAL_VM", 8,
			    KD_JUST_CENTER | KD_JUST_LEFT));
	snprintf(t1, sizeof(t1), "%" PRIx64, mm);
	snprintf(t2, sizeof(t2), "%" PRIx64, pgd);
	fprintf(out, "%s  %s  ", kd_cmd_just(a, sizeof(a), t1, VADDR_W,
					     KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), t2, VADDR_W,
			    KD_JUST_CENTER | KD_JUST_LEFT));
	snprintf(t1, sizeof(t1), "%" PRIu64 "k", rss * page / 1024);
	snprintf(t2, sizeof(t2), "%" PRIu64 "k", total_vm * page / 1024);
	fprintf(out, "%s  %s\n", kd_cmd_just(a, sizeof(a), t1, 6,
					     KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), t2, 8,
			    KD_JUST_CENTER | KD_JUST_LEFT));
}

static void vma_header(FILE *out)
{
	char a[32], b[32], c[32];
	fprintf(out, "%s %s %s  FLAGS FILE\n",
		kd_cmd_just(a, sizeof(a), "VMA", VADDR_W,
			    KD_JUST_CENTER | KD_JUST_LEFT),
		kd_cmd_just(b, sizeof(b), "START", UVADDR_W,
			    KD_JUST_CENTER | KD_JUST_RIGHT),
		kd_cmd_just(c, sizeof(c), "END", UVADDR_W,
			    KD_JUST_CENTER | KD_JUST_RIGHT));
}

static void vma_line(struct vm *v, const struct kd_vma *a, const char *path)
{
	char x[32], y[32], z[32], t[32];
	snprintf(t, sizeof(t), "%" PRIx64, a->addr);
	kd_cmd_just(x, sizeof(x), t, VADDR_W, KD_JUST_CENTER | KD_JUST_LEFT);
	snprintf(t, sizeof(t), "%" PRIx64, a->start);
	kd_cmd_just(y, sizeof(y), t, UVADDR_W, KD_JUST_RIGHT);
	snprintf(t, sizeof(t), "%" PRIx64, a->end);
	kd_cmd_just(z, sizeof(z), t, UVADDR_W, KD_JUST_RIGHT);
	fprintf(v->ctx->out, "%s %s %s %6" PRIx64 " %s\n", x, y, z, a->flags,
		path);
}

/* One page of -p: crash's vm_area_page_dump line. */
static void page_line(struct vm *v, uint64_t pgd, const struct kd_vma *a,
		      const char *path, uint64_t vaddr)
{
	FILE *out = v->ctx->out;
	char va[32], pa[32], t[64];
	struct kd_upage pg;
	snprintf(t, sizeof(t), "%" PRIx64, vaddr);
	kd_cmd_just(va, sizeof(va), t, UVADDR_W, KD_JUST_LEFT);
	struct kd_error *err = kd_uvaddr_page(v->ctx->s, pgd, vaddr, &pg);
	if (err) {	/* a page table that cannot be read: partial */
		kd_cmd_lost(err);
		pg.state = KD_UPAGE_NONE;
		pg.pte = 0;
	}
	if (pg.state == KD_UPAGE_MAPPED) {
		snprintf(t, sizeof(t), "%" PRIx64,
			 pg.paddr & ~(kd_page_size(v->ctx->s) - 1));
		fprintf(out, "%s  %s\n", va,
			kd_cmd_just(pa, sizeof(pa), t, PADDR_W, KD_JUST_RIGHT));
	} else if (pg.state == KD_UPAGE_SWAP) {
		char dev[1024];
		kd_swap_type_path(v->ctx->s, pg.swap_type, dev, sizeof(dev));
		fprintf(out, "%s  SWAP: %s  OFFSET: %" PRIu64 "\n", va, dev,
			pg.swap_offset);
	} else if (a->file && path[0]) {
		uint64_t page = kd_page_size(v->ctx->s);
		uint64_t off = ((vaddr - a->start) / page + a->pgoff) * page;
		fprintf(out, "%s  FILE: %s  OFFSET: %" PRIx64 "\n", va, path,
			off);
	} else {
		fprintf(out, "%s  (not mapped)\n", va);
	}
}

static int page_dump(struct vm *v, uint64_t pgd, const struct kd_vma *a,
		     const char *path)
{
	uint64_t init_mm, page = kd_page_size(v->ctx->s);
	char x[32], y[32];
	if (kd_symbol_try_addr(v->ctx->s, "init_mm", &init_mm) &&
	    a->mm == init_mm)
		return 0;
	fprintf(v->ctx->out, "%s  %s\n",
		kd_cmd_just(x, sizeof(x), "VIRTUAL", UVADDR_W, KD_JUST_LEFT),
		kd_cmd_just(y, sizeof(y), "PHYSICAL", PADDR_W, KD_JUST_LEFT));
	for (uint64_t va = a->start; va < a->end && va >= a->start;
	     va += page) {
		struct kd_error *err = kd_cancel_check();
		if (err)
			return kd_cmd_fail(v->ctx, err);
		page_line(v, pgd, a, path, va);
	}
	return 0;
}

/* `struct TYPE ADDR` (with -x/-d) as the struct command prints it. */
static int dump_struct(struct vm *v, const char *type, uint64_t addr)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "struct %s %" PRIx64 "%s", type, addr,
		 v->radix);
	return kd_command_exec(v->ctx->s, cmd, v->ctx->out,
			       kd_cmd_errfile(v->ctx));
}

static int dump_areas(struct vm *v, uint64_t mm, uint64_t pgd)
{
	struct kd_vma *areas;
	size_t n;
	int rc = 0, found = 0;
	struct kd_error *err = kd_mm_vma_array(v->ctx->s, mm, &areas, &n);
	if (v->mode == VM_LIST)
		vma_header(v->ctx->out);
	for (size_t i = 0; i < n && !rc; i++) {
		char path[4096];
		const struct kd_vma *a = &areas[i];
		if (v->mode == VM_VMA_STRUCTS) {
			rc = dump_struct(v, "vm_area_struct", a->addr);
			continue;
		}
		if (v->mode == VM_ONE_VMA && a->addr != v->single_vma)
			continue;
		found = 1;
		kd_vma_file_path(v->ctx->s, a, path, sizeof(path));
		if (v->mode != VM_LIST)
			vma_header(v->ctx->out);
		vma_line(v, a, path);
		if (v->mode == VM_PAGES || v->mode == VM_ONE_VMA)
			rc = page_dump(v, pgd, a, path);
	}
	free(areas);
	if (v->mode == VM_ONE_VMA && !found && !err)
		fprintf(v->ctx->out, "(not found)\n");
	if (err)
		return kd_cmd_fail_what(v->ctx, "cannot read the VM areas", err);
	return rc;
}

static int vm_task(struct vm *v, const struct kd_task_ref *t, int subsequent)
{
	struct kd_session *s = v->ctx->s;
	uint64_t mm = 0, pgd = 0, rss = 0, total_vm = 0;
	if (subsequent)
		fputc('\n', v->ctx->out);
	kd_cmd_task_header(v->ctx->out, t);
	struct kd_error *err = kd_task_mm(s, t->task, &mm);
	if (!err && mm)
		err = kd_mm_pgd(s, mm, &pgd);
	if (err)
		return kd_cmd_fail_what(v->ctx, "cannot read the task's mm",
					err);
	/* RSS sums the per-thread counters of every task sharing the mm:
	 * from the session's task table, made once (not per task: foreach
	 * vm over 3,000 processes walked all of them for each) */
	if (mm && (err = kd_task_mem_usage(s, t->task, &rss, &total_vm)))
		return kd_cmd_fail(v->ctx, err);
	if (v->mode == VM_LIST || v->mode == VM_PAGES)
		vm_data(v, mm, pgd, rss, total_vm);
	if (!mm)
		return 0;
	if (v->mode == VM_MM_STRUCT)
		return dump_struct(v, "mm_struct", mm);
	return dump_areas(v, mm, pgd);
}

static int parse_opts(struct vm *v, int argc, char **argv)
{
	int c, radix = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "pP:mvxdf:R:M:")) != -1) {
		enum vm_mode m = VM_LIST;
		switch (c) {
		case 'p': m = VM_PAGES; break;
		case 'm': m = VM_MM_STRUCT; break;
		case 'v': m = VM_VMA_STRUCTS; break;
		case 'P':
			m = VM_ONE_VMA;
			if (!kd_cmd_parse_hex(optarg, &v->single_vma)) {
				kd_cmd_error(v->ctx, "invalid VMA address: %s",
					     optarg);
				return -1;
			}
			break;
		case 'x': case 'd':
			if (radix && radix != c) {
				kd_cmd_error(v->ctx, "-d and -x are mutually "
					     "exclusive");
				return -1;
			}
			radix = c;
			v->radix = c == 'x' ? " -x" : " -d";
			continue;
		case 'f': case 'R': case 'M':
			kd_cmd_error(v->ctx, "option -%c is not supported", c);
			return -1;
		default:
			kd_cmd_bad_option(v->ctx, optopt ? optopt : c);
			return -1;
		}
		if (v->mode != VM_LIST) {
			kd_cmd_error(v->ctx, "-p, -P, -m and -v are mutually "
				     "exclusive");
			return -1;
		}
		v->mode = m;
	}
	return 0;
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct vm v = { .ctx = ctx, .radix = "" };
	int rc = 0, subsequent = 0;
	if (parse_opts(&v, argc, argv) < 0)
		return 1;
	if (optind >= argc) {
		struct kd_task_ref t;
		struct kd_error *err = kd_task_get(ctx->s,
						   kd_current_task(ctx->s), &t);
		if (err)
			return kd_cmd_fail_what(ctx, "no current task", err);
		rc = vm_task(&v, &t, 0);
	}
	for (int i = optind; i < argc; i++) {
		struct kd_task_ref *tasks;
		size_t n;
		if (kd_cmd_find_tasks(ctx, argv[i], &tasks, &n) < 0) {
			rc = 1;
			continue;
		}
		for (size_t k = 0; k < n; k++)
			rc |= vm_task(&v, &tasks[k], subsequent++);
		free(tasks);
	}
	return rc;
}

const struct kd_command kd_cmd_vm = {
	.name = "vm",
	.summary = "virtual memory of a task",
	.usage =
	"SYNOPSIS\n"
	"  vm [-p | -P vma | -m | -v] [-x | -d] [pid | task] ...\n\n"
	"  A task's mm_struct and page directory, its RSS and total virtual\n"
	"  size, then each of its VM areas: the vm_area_struct, its start and\n"
	"  end, vm_flags and the file it maps.  Without a task, the current\n"
	"  context.\n"
	"    -p      also translate each page of each area: its physical\n"
	"            address, its swap device and offset, or its file and\n"
	"            offset when it is not in memory, else (not mapped)\n"
	"    -P vma  the same for one area (a vm_area_struct address)\n"
	"    -m      print the task's mm_struct\n"
	"    -v      print each vm_area_struct\n"
	"    -x, -d  hexadecimal or decimal output for -m and -v\n"
	"  Not supported: -f, -R, -M.\n",
	.run = run,
	.needs_vmlinux = 1,
};
