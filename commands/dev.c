// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev: character and block device majors, as crash 8.0.6 prints them:
 *
 *   CHRDEV    NAME                 CDEV        OPERATIONS
 *      1      mem            ffff89740197e400  memory_fops
 *     13      input               (none)
 *
 *   BLKDEV    NAME                GENDISK      OPERATIONS
 *      7      loop           ffff8974029d3000  lo_fops
 *
 * Kernel facts:
 *   - chrdevs[] hashes struct char_device_struct by major % 255, each
 *     chain sorted by (major, baseminor); .cdev is set only by
 *     register_chrdev(), otherwise the cdev is found in cdev_map, whose
 *     probes[major % 255] chain of struct probe {dev, range, data} maps a
 *     dev_t range to the cdev given to cdev_add();
 *   - major_names[] hashes struct blk_major_name the same way;
 *   - the gendisk shown for a block major is the last disk on block_class's
 *     device list with that major (see gendisk_of; the disks come from
 *     lib/kernel/blockdev.c, which follows the layout of each version).
 *
 * dev -d / -D: each disk (not RAM disks or loop devices, as crash) with
 * its requests in flight (-D: only disks with some), from the blk-mq
 * tags (lib/kernel/blockdev.c); dev -i: the ioport and iomem resource
 * trees; dev -p: the PCI buses and devices from pci_root_buses, as
 * crash 8.0.6 prints them.
 * The layout is read up front; members only some kernels have are
 * optional, and one that is absent is never read.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/blockdev.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/pci.h>
#include <pykdump/resource.h>

#include "cmd_util.h"

#define MAJOR_HASH 255
#define MAX_CHAIN 4096
#define MINORBITS 20

struct dev_layout {
	/* struct char_device_struct, struct blk_major_name */
	uint64_t cd_next, cd_major, cd_baseminor, cd_name;
	uint64_t cd_cdev;		/* set by register_chrdev() only */
	uint64_t bm_next, bm_major, bm_name;
	uint64_t cdev_ops, gd_fops;
	/* cdev_map's probes */
	uint64_t map_probes, probe_next, probe_dev, probe_range, probe_data;
};

#define L struct dev_layout
#define CD "struct char_device_struct"
#define BM "struct blk_major_name"
#define R KD_LF_REQUIRED
static const struct kd_layout_field dev_fields[] = {
	KD_LF(L, cd_next, CD, "next", R),
	KD_LF(L, cd_major, CD, "major", R),
	KD_LF(L, cd_baseminor, CD, "baseminor", R),
	KD_LF(L, cd_name, CD, "name", R),
	KD_LF(L, cd_cdev, CD, "cdev", 0),
	KD_LF(L, bm_next, BM, "next", R),
	KD_LF(L, bm_major, BM, "major", R),
	KD_LF(L, bm_name, BM, "name", R),
	KD_LF(L, cdev_ops, "struct cdev", "ops", R),
	KD_LF(L, gd_fops, "struct gendisk", "fops", R),
	KD_LF(L, map_probes, "struct kobj_map", "probes", 0),
	KD_LF(L, probe_next, "struct probe", "next", 0),
	KD_LF(L, probe_dev, "struct probe", "dev", 0),
	KD_LF(L, probe_range, "struct probe", "range", 0),
	KD_LF(L, probe_data, "struct probe", "data", 0),
};
#undef L
#undef R

struct dev_ctx {
	struct kd_cmd_ctx *ctx;
	struct dev_layout l;
	struct kd_disk *disks;	/* lib/kernel/blockdev.c */
	size_t ndisks;
};

static void print_ops(struct kd_cmd_ctx *ctx, uint64_t ops)
{
	char sym[256];
	if (kd_cmd_symbol_name(ctx->s, ops, sym, sizeof(sym), 1))
		fprintf(ctx->out, "  %s\n", sym);
	else
		fprintf(ctx->out, "  %" PRIx64 "\n", ops);
}

/* The cdev mapped at dev_t dev in cdev_map, 0 if none. */
static uint64_t cdev_lookup(struct dev_ctx *d, uint32_t dev)
{
	struct kd_session *s = d->ctx->s;
	const struct dev_layout *l = &d->l;
	struct kd_addr_list chain;
	uint64_t map, probe, found = 0;
	if (!kd_present(l->map_probes) || !kd_present(l->probe_data) ||
	    !kd_present(l->probe_next) ||
	    !kd_symbol_try_addr(s, "cdev_map", &map) ||
	    kd_cmd_ptr(s, map, 0, &map) < 0 || !map ||
	    kd_cmd_ptr(s, map, l->map_probes +
		       8 * ((dev >> MINORBITS) % MAJOR_HASH), &probe) < 0 ||
	    !probe)
		return 0;
	/* a broken chain: the cdev may be past the break */
	kd_cmd_lost(kd_chain_walk(s, probe, l->probe_next, 0,
				  KD_WALK_NOLOG | KD_WALK_INCHEAD, MAX_CHAIN,
				  &chain));
	for (size_t i = 0; i < chain.n; i++) {
		uint32_t pdev, range;
		uint64_t data;
		if (kd_cmd_u32(s, chain.addrs[i], l->probe_dev, &pdev) < 0 ||
		    kd_cmd_u32(s, chain.addrs[i], l->probe_range, &range) < 0 ||
		    kd_cmd_ptr(s, chain.addrs[i], l->probe_data, &data) < 0)
			break;
		if (pdev <= dev && dev - pdev < range) {
			found = data;
			break;
		}
	}
	kd_addr_list_free(&chain);
	return found;
}

static void print_chrdev(struct dev_ctx *d, uint64_t cd)
{
	struct kd_session *s = d->ctx->s;
	const struct dev_layout *l = &d->l;
	uint32_t major = 0, baseminor = 0;
	uint64_t cdev = 0, ops = 0;
	char name[64];
	kd_cmd_u32(s, cd, l->cd_major, &major);
	kd_cmd_u32(s, cd, l->cd_baseminor, &baseminor);
	kd_cmd_str(s, cd, l->cd_name, name, sizeof(name));
	/* a kernel without char_device_struct.cdev: cdev_map only */
	kd_cmd_ptr(s, cd, l->cd_cdev, &cdev);
	if (!cdev)
		cdev = cdev_lookup(d, major << MINORBITS | baseminor);
	fprintf(d->ctx->out, " %3u      %-13s  ", major, name);
	if (!cdev) {
		fprintf(d->ctx->out, "     (none)     \n");
		return;
	}
	kd_cmd_ptr(s, cdev, l->cdev_ops, &ops);
	fprintf(d->ctx->out, "%016" PRIx64, cdev);
	print_ops(d->ctx, ops);
}

/* Each node of the hash chains of a table of MAJOR_HASH pointers. */
static int walk_majors(struct dev_ctx *d, const char *table,
		       uint64_t next_off,
		       void (*fn)(struct dev_ctx *, uint64_t))
{
	struct kd_cmd_ctx *ctx = d->ctx;
	uint64_t base;
	if (!kd_symbol_try_addr(ctx->s, table, &base))
		return kd_cmd_error(ctx, "%s: symbol or type not found", table);
	for (int i = 0; i < MAJOR_HASH; i++) {
		uint64_t node;
		struct kd_addr_list chain;
		if (kd_cmd_ptr(ctx->s, base, 8 * (uint64_t)i, &node) < 0)
			return kd_cmd_error(ctx, "cannot read %s[%d]", table, i);
		if (!node)
			continue;
		struct kd_error *err = kd_chain_walk(ctx->s, node, next_off, 0,
						     KD_WALK_NOLOG |
						     KD_WALK_INCHEAD,
						     MAX_CHAIN, &chain);
		for (size_t k = 0; k < chain.n; k++)
			fn(d, chain.addrs[k]);
		kd_addr_list_free(&chain);
		if (err)	/* a cycle, a bad link or a chain too long */
			return kd_cmd_fail_what(ctx, table, err);
	}
	return 0;
}

/* ---- block devices ---- */

/* The gendisk of a major: the last disk of that major on block_class's
 * device list (crash shows loop7, not loop0). */
static uint64_t gendisk_of(struct dev_ctx *d, uint32_t major)
{
	uint64_t found = 0;
	for (size_t i = 0; i < d->ndisks; i++)
		if (d->disks[i].major == major)
			found = d->disks[i].gendisk;
	return found;
}

static void print_blkdev(struct dev_ctx *d, uint64_t bm)
{
	struct kd_session *s = d->ctx->s;
	uint32_t major = 0;
	uint64_t ops = 0;
	char name[64];
	kd_cmd_u32(s, bm, d->l.bm_major, &major);
	kd_cmd_str(s, bm, d->l.bm_name, name, sizeof(name));
	uint64_t disk = gendisk_of(d, major);
	fprintf(d->ctx->out, " %3u      %-13s  ", major, name);
	if (!disk) {
		fprintf(d->ctx->out, "     (none)     \n");
		return;
	}
	kd_cmd_ptr(s, disk, d->l.gd_fops, &ops);
	fprintf(d->ctx->out, "%016" PRIx64, disk);
	print_ops(d->ctx, ops);
}

static int dev_list(struct kd_cmd_ctx *ctx)
{
	struct dev_ctx d = { .ctx = ctx };
	struct kd_error *err = kd_layout_fill(ctx->s, dev_fields,
					      KD_ARRAY_SIZE(dev_fields), &d.l);
	if (err)
		return kd_cmd_fail(ctx, err);
	fprintf(ctx->out, "CHRDEV    NAME                 CDEV        "
		"OPERATIONS      \n");
	int rc = walk_majors(&d, "chrdevs", d.l.cd_next, print_chrdev);
	fprintf(ctx->out, "\nBLKDEV    NAME                GENDISK      "
		"OPERATIONS      \n");
	struct kd_error *problem = NULL;
	err = kd_disks(ctx->s, &d.disks, &d.ndisks, &problem);
	if (err)	/* the majors still print, without their disks */
		kd_cmd_fail_what(ctx, "block devices", err);
	else if (problem)
		kd_cmd_fail_what(ctx, "block device list", problem);
	rc |= walk_majors(&d, "major_names", d.l.bm_next, print_blkdev);
	free(d.disks);
	return rc | (err != NULL);
}

/* ---- -d / -D: disk I/O ---- */

/* crash leaves out RAM disks and loop devices (its skipped_disk_name). */
static int skipped(const char *name)
{
	return !strncmp(name, "ram", 3) || !strncmp(name, "loop", 4);
}

/* Old kernels count requests by direction as ASYNC / SYNC (the
 * BLK_RW_SYNC index), and a request_queue.in_flight gives crash's DRV
 * column (N/A(MQ) for a blk-mq queue). */
static int disk_io(struct kd_cmd_ctx *ctx, int nonzero)
{
	struct kd_disk *v;
	size_t n;
	int64_t e;
	struct kd_error *problem = NULL;
	struct kd_error *err = kd_disks(ctx->s, &v, &n, &problem);
	if (err)
		return kd_cmd_fail_what(ctx, "block devices", err);
	int sync = (err = kd_enum_value(ctx->s, "BLK_RW_SYNC", &e)) == NULL;
	kd_error_destroy(err);
	uint64_t in_flight = KD_ABSENT;
	err = kd_member_offset(ctx->s, "struct request_queue", "in_flight",
			       &in_flight);
	kd_error_destroy(err);
	int drv = !err && kd_present(in_flight);
	fprintf(ctx->out, "MAJOR GENDISK            NAME       REQUEST_QUEUE "
		"     TOTAL %5s %5s %s\n", sync ? "ASYNC" : "READ",
		sync ? "SYNC" : "WRITE", drv ? "  DRV" : "");
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned r = 0, w = 0;
		int mq;
		if (skipped(v[i].name))
			continue;
		err = kd_disk_in_flight(ctx->s, v[i].queue, &r, &w, &mq);
		if (err) {
			rc = kd_cmd_fail_what(ctx, v[i].name, err);
			break;
		}
		if (nonzero && r + w == 0)
			continue;
		fprintf(ctx->out, "%5u %-16" PRIx64 " %-10s %-16" PRIx64
			" %5u %5u %5u ", v[i].major, v[i].gendisk, v[i].name,
			v[i].queue, r + w, r, w);
		if (drv && mq) {
			fprintf(ctx->out, "N/A(MQ)");
		} else if (drv) {
			uint32_t f[2] = { 0, 0 };
			err = kd_field_read(ctx->s, v[i].queue, in_flight, f,
					    sizeof(f));
			kd_error_destroy(err);
			fprintf(ctx->out, "%5u", f[0] + f[1]);
		}
		fputc('\n', ctx->out);
	}
	free(v);
	if (problem)
		rc = kd_cmd_fail_what(ctx, "block device list", problem);
	return rc;
}

/* ---- -i: I/O ports and memory ---- */

/* crash's mkstring(CENTER|LJUST): the odd space on the right. */
static void centred(FILE *out, const char *s, int width, int ljust)
{
	int extra = width - (int)strlen(s);
	if (extra <= 0) {
		fputs(s, out);
		return;
	}
	int left = ljust ? extra / 2 : extra - extra / 2;
	fprintf(out, "%*s%s%*s", left, "", s, extra - left, "");
}

static int resources(struct kd_cmd_ctx *ctx, const char *sym, int blank)
{
	uint64_t root;
	struct kd_resource *v;
	size_t n;
	if (!kd_symbol_try_addr(ctx->s, sym, &root))
		return kd_cmd_error(ctx, "no %s in this kernel", sym);
	struct kd_error *err = kd_resource_tree(ctx->s, root, &v, &n);
	/* 4 hex digits for a 16-bit space, else 8 (crash's do_io) */
	int digits = n && v[0].end > 0xffff ? 8 : 4;
	fprintf(ctx->out, "%s", blank ? "\n" : "");
	centred(ctx->out, "RESOURCE", 16, 1);
	fputs("  ", ctx->out);
	centred(ctx->out, "RANGE", 2 * digits + 1, 1);
	fputs("  NAME\n", ctx->out);
	int wrap = 16 + 2 + 2 * digits + 1 + 2;
	for (size_t i = 0; i < n; i++) {
		char name[sizeof(v[i].name)];
		snprintf(name, sizeof(name), "%s", v[i].name);
		fprintf(ctx->out, "%16" PRIx64 "  %0*" PRIx64 "-%0*" PRIx64, v[i].addr,
			digits, v[i].start, digits, v[i].end);
		/* crash folds a name that would pass column 80 at a blank */
		char *rest = NULL;
		size_t len = strlen(name);
		if (wrap + len > 80) {
			size_t over = wrap + len - 80;
			for (size_t k = len - 1, c = 0; k > 0; k--, c++)
				if (name[k] == ' ' && c >= over) {
					name[k] = '\0';
					rest = name + k + 1;
					break;
				}
		}
		fprintf(ctx->out, "  %s\n", name);
		if (rest)
			fprintf(ctx->out, "%*s%s\n", wrap, "", rest);
	}
	free(v);
	return err ? kd_cmd_fail_what(ctx, sym, err) : 0;
}

/* ---- -p: PCI ---- */

static const char *pcie_type(const struct kd_pci_dev *d, char *buf, size_t size)
{
	static const char *const names[16] = {
		[0] = "ENDPOINT", [1] = "LEG_END", [4] = "ROOT_PORT",
		[5] = "UPSTREAM", [6] = "DOWNSTREAM", [7] = "PCI_BRIDGE",
		[8] = "PCIE_BRIDGE", [9] = "RC_END", [10] = "RC_EC",
	};
	const char *t = names[(d->pcie_flags & 0xf0) >> 4];
	snprintf(buf, size, "%s%s", t ? t : "",
		 d->hdr_type == 1 || d->hdr_type == 2 ? " [BRIDGE]" : "");
	return buf;
}

static void pci_dev_line(struct kd_cmd_ctx *ctx, uint64_t dev)
{
	struct kd_pci_dev d;
	char b[64];
	struct kd_error *err = kd_pci_dev_get(ctx->s, dev, &d);
	if (err) {
		kd_cmd_fail_what(ctx, "pci_dev", err);
		return;
	}
	fprintf(ctx->out, "  %-16" PRIx64 " ", dev);
	centred(ctx->out, d.name, 12, 1);
	snprintf(b, sizeof(b), "%04x", d.class);
	fputc(' ', ctx->out);
	centred(ctx->out, b, 6, 1);
	snprintf(b, sizeof(b), "%x:%x", d.vendor, d.device);
	fputc(' ', ctx->out);
	centred(ctx->out, b, 9, 1);
	fputc(' ', ctx->out);
	centred(ctx->out, pcie_type(&d, b, sizeof(b)), 10, 1);
	fputc('\n', ctx->out);
}

static void pci_devices(struct kd_cmd_ctx *ctx, uint64_t bus)
{
	struct kd_pci_bus b;
	struct kd_addr_list devs;
	struct kd_error *err = kd_pci_bus_get(ctx->s, bus, &b);
	if (err) {
		kd_cmd_fail_what(ctx, "pci_bus", err);
		return;
	}
	fputs("  ", ctx->out);
	centred(ctx->out, "PCI DEV", 16, 1);
	fputc(' ', ctx->out);
	centred(ctx->out, "DO:BU:SL.FN", 12, 1);
	fputc(' ', ctx->out);
	centred(ctx->out, "CLASS", 6, 1);
	fputc(' ', ctx->out);
	centred(ctx->out, "PCI_ID", 9, 1);
	fputc(' ', ctx->out);
	centred(ctx->out, "TYPE", 10, 1);
	fputc('\n', ctx->out);
	if (b.self)
		pci_dev_line(ctx, b.self);
	err = kd_pci_bus_devices(ctx->s, bus, &devs);
	for (size_t i = 0; i < devs.n; i++)
		pci_dev_line(ctx, devs.addrs[i]);
	kd_addr_list_free(&devs);
	if (err)
		kd_cmd_fail_what(ctx, "PCI device list", err);
}

static void pci_buses(struct kd_cmd_ctx *ctx, uint64_t bus, int depth)
{
	struct kd_addr_list kids;
	struct kd_error *err = kd_pci_bus_children(ctx->s, bus, &kids);
	for (size_t i = 0; i < kids.n && depth < 32; i++) {
		struct kd_pci_bus b = { 0 };
		struct kd_error *e = kd_pci_bus_get(ctx->s, kids.addrs[i], &b);
		kd_error_destroy(e);
		fputs("  ", ctx->out);
		centred(ctx->out, "PCI BUS", 16, 1);
		fputc(' ', ctx->out);
		centred(ctx->out, "PARENT BUS", 16, 1);
		fprintf(ctx->out, "\n  %-16" PRIx64 " %-16" PRIx64 "\n",
			kids.addrs[i], b.parent);
		pci_devices(ctx, kids.addrs[i]);
		fputc('\n', ctx->out);
		pci_buses(ctx, kids.addrs[i], depth + 1);
	}
	kd_addr_list_free(&kids);
	if (err)
		kd_cmd_fail_what(ctx, "PCI bus list", err);
}

static int pci(struct kd_cmd_ctx *ctx)
{
	struct kd_addr_list roots;
	struct kd_error *err = kd_pci_root_buses(ctx->s, &roots);
	if (!err && !roots.n)
		err = kd_error_create(KD_ERR_NOT_FOUND, "no PCI devices found "
				      "on this system.");
	for (size_t i = 0; !err && i < roots.n; i++) {
		struct kd_pci_bus b = { 0 };
		struct kd_error *e = kd_pci_bus_get(ctx->s, roots.addrs[i], &b);
		kd_error_destroy(e);
		centred(ctx->out, "ROOT BUS", 16, 1);
		fputc(' ', ctx->out);
		centred(ctx->out, "BUSNAME", 7, 1);
		fprintf(ctx->out, "\n%-16" PRIx64 " ", roots.addrs[i]);
		centred(ctx->out, b.name, 7, 1);
		fputc('\n', ctx->out);
		pci_devices(ctx, roots.addrs[i]);
		pci_buses(ctx, roots.addrs[i], 0);
		fputc('\n', ctx->out);
	}
	kd_addr_list_free(&roots);
	return err ? kd_cmd_fail(ctx, err) : 0;
}

static int dev_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "dDipVv:")) != -1) {
		if (optind < argc)
			return kd_cmd_error(ctx, "unexpected argument: %s",
					    argv[optind]);
		switch (c) {
		case 'd': return disk_io(ctx, 0);
		case 'D': return disk_io(ctx, 1);
		case 'i':
			return resources(ctx, "ioport_resource", 0) |
			       resources(ctx, "iomem_resource", 1);
		case 'p': return pci(ctx);
		case 'V': case 'v':
			return kd_cmd_error(ctx, "-%c is not supported (device "
					    "dumps in the vmcore)", c);
		default:
			return kd_cmd_bad_option(ctx, optopt);
		}
	}
	if (optind < argc)
		return kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
	return dev_list(ctx);
}

const struct kd_command kd_cmd_dev = {
	.name = "dev",
	.summary = "device data",
	.usage =
		"SYNOPSIS\n"
		"  dev [-d | -D | -i | -p]\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the registered character device majors (major, name,\n"
		"  struct cdev and its file_operations) and block device majors\n"
		"  (major, name, the first gendisk of that major and its\n"
		"  block_device_operations), in the kernel's hash order.\n"
		"    -d  each disk's requests in flight (-D: busy disks only)\n"
		"    -i  the I/O port and I/O memory resources\n"
		"    -p  the PCI buses and devices\n",
	.run = dev_run,
	.needs_vmlinux = 1,
};
