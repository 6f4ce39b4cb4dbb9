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
 *     device list with that major (see gendisk_of).
 * The layout is read up front; members only some kernels have are
 * optional, and one that is absent is never read.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>

#include "cmd_util.h"

#define MAJOR_HASH 255
#define MAX_CHAIN 4096
#define MINORBITS 20

struct dev_layout {
	/* struct char_device_struct, struct blk_major_name */
	uint64_t cd_next, cd_major, cd_baseminor, cd_name;
	uint64_t cd_cdev;		/* set by register_chrdev() only */
	uint64_t bm_next, bm_major, bm_name;
	uint64_t cdev_ops, gd_fops, gd_major;
	/* cdev_map's probes */
	uint64_t map_probes, probe_next, probe_dev, probe_range, probe_data;
	/* block_class's devices */
	uint64_t class_p, klist_devices, knode, dp_device, dev_type;
	uint64_t bd_device, bd_disk;	/* 5.11+ */
	uint64_t part0_dev;		/* before */
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
	KD_LF(L, gd_major, "struct gendisk", "major", R),
	KD_LF(L, map_probes, "struct kobj_map", "probes", 0),
	KD_LF(L, probe_next, "struct probe", "next", 0),
	KD_LF(L, probe_dev, "struct probe", "dev", 0),
	KD_LF(L, probe_range, "struct probe", "range", 0),
	KD_LF(L, probe_data, "struct probe", "data", 0),
	KD_LF(L, class_p, "struct class", "p", 0),
	KD_LF(L, klist_devices, "struct subsys_private",
	      "klist_devices.k_list", 0),
	KD_LF(L, knode, "struct device_private", "knode_class.n_node", 0),
	KD_LF(L, dp_device, "struct device_private", "device", 0),
	KD_LF(L, dev_type, "struct device", "type", 0),
	KD_LF(L, bd_device, "struct block_device", "bd_device", 0),
	KD_LF(L, bd_disk, "struct block_device", "bd_disk", 0),
	KD_LF(L, part0_dev, "struct gendisk", "part0.__dev", 0),
};
#undef L
#undef R

struct dev_ctx {
	struct kd_cmd_ctx *ctx;
	struct dev_layout l;
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
	kd_error_destroy(kd_chain_walk(s, probe, l->probe_next, 0,
				       KD_WALK_NOLOG | KD_WALK_INCHEAD,
				       MAX_CHAIN, &chain));
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
		if (err && err->code != KD_ERR_LIMIT) {
			kd_error_destroy(err);
			return kd_cmd_error(ctx, "broken %s chain", table);
		}
		kd_error_destroy(err);
	}
	return 0;
}

/* ---- block devices ---- */

/*
 * The gendisk of a major: the last disk of that major on block_class's
 * device list (crash shows loop7, not loop0).  A struct device of type
 * disk_type is the bd_device of the disk's part0 block_device (5.11+;
 * before, the __dev of the gendisk's embedded part0 hd_struct).
 */
static uint64_t gendisk_of(struct dev_ctx *d, uint32_t major)
{
	struct kd_session *s = d->ctx->s;
	const struct dev_layout *l = &d->l;
	struct kd_addr_list devs;
	uint64_t cls, p, disk_type, found = 0;
	int old_layout = !kd_present(l->bd_device);
	if (!kd_present(l->class_p) || !kd_present(l->klist_devices) ||
	    !kd_present(l->knode) || !kd_present(l->dp_device) ||
	    (old_layout && !kd_present(l->part0_dev)) ||
	    (!old_layout && !kd_present(l->bd_disk)) ||
	    !kd_symbol_try_addr(s, "block_class", &cls) ||
	    !kd_symbol_try_addr(s, "disk_type", &disk_type) ||
	    kd_cmd_ptr(s, cls, l->class_p, &p) < 0 || !p)
		return 0;
	kd_error_destroy(kd_list_walk(s, p + l->klist_devices, l->knode,
				      KD_WALK_NOLOG, 0, &devs));
	for (size_t i = 0; i < devs.n; i++) {
		uint64_t dev, type, disk;
		uint32_t m;
		if (kd_cmd_ptr(s, devs.addrs[i], l->dp_device, &dev) < 0 ||
		    !dev || kd_cmd_ptr(s, dev, l->dev_type, &type) < 0 ||
		    type != disk_type)
			continue;
		if (old_layout)
			disk = dev - l->part0_dev;
		else if (kd_cmd_ptr(s, dev - l->bd_device, l->bd_disk,
				    &disk) < 0)
			continue;
		if (kd_cmd_u32(s, disk, l->gd_major, &m) == 0 && m == major)
			found = disk;
	}
	kd_addr_list_free(&devs);
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
	rc |= walk_majors(&d, "major_names", d.l.bm_next, print_blkdev);
	return rc;
}

static int dev_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (kd_cmd_no_options(ctx, argc, argv, 1))
		return 1;
	return dev_list(ctx);
}

const struct kd_command kd_cmd_dev = {
	.name = "dev",
	.summary = "device data",
	.usage =
		"SYNOPSIS\n"
		"  dev\n"
		"\n"
		"DESCRIPTION\n"
		"  Lists the registered character device majors (major, name,\n"
		"  struct cdev and its file_operations) and block device majors\n"
		"  (major, name, the first gendisk of that major and its\n"
		"  block_device_operations), in the kernel's hash order.\n",
	.run = dev_run,
	.needs_vmlinux = 1,
};
