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
 *     device list with that major: a struct device of type disk_type is
 *     the bd_device of the disk's part0 block_device (5.11+; before, the
 *     __dev of the gendisk's embedded part0 hd_struct).
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/memory.h>

#include "sysutil.h"

#define MAJOR_HASH 255
#define MAX_CHAIN 4096
#define MINORBITS 20

static void print_ops(struct kd_cmd_ctx *ctx, uint64_t ops)
{
	char sym[256];
	if (su_symbol(ctx->s, ops, sym, sizeof(sym), 1))
		fprintf(ctx->out, "  %s\n", sym);
	else
		fprintf(ctx->out, "  %" PRIx64 "\n", ops);
}

/* The cdev mapped at dev_t dev in cdev_map, 0 if none. */
static uint64_t cdev_lookup(struct kd_session *s, uint32_t dev)
{
	uint64_t map, probe;
	uint64_t o_probes = su_off(s, "struct kobj_map", "probes");
	uint64_t o_next = su_off(s, "struct probe", "next");
	uint64_t o_dev = su_off(s, "struct probe", "dev");
	uint64_t o_range = su_off(s, "struct probe", "range");
	uint64_t o_data = su_off(s, "struct probe", "data");
	if (o_probes == SU_NONE || o_data == SU_NONE ||
	    !kd_symbol_try_addr(s, "cdev_map", &map) ||
	    su_ptr(s, map, &map) < 0 || !map ||
	    su_ptr(s, map + o_probes + 8 * ((dev >> MINORBITS) % MAJOR_HASH),
		   &probe) < 0)
		return 0;
	for (int i = 0; probe && i < MAX_CHAIN; i++) {
		uint32_t pdev, range;
		uint64_t data;
		if (su_u32(s, probe + o_dev, &pdev) < 0 ||
		    su_u32(s, probe + o_range, &range) < 0 ||
		    su_ptr(s, probe + o_data, &data) < 0)
			return 0;
		if (pdev <= dev && dev - pdev < range)
			return data;
		if (su_ptr(s, probe + o_next, &probe) < 0)
			return 0;
	}
	return 0;
}

static void print_chrdev(struct kd_cmd_ctx *ctx, uint64_t cd)
{
	struct kd_session *s = ctx->s;
	const char *t = "struct char_device_struct";
	uint32_t major = 0, baseminor = 0;
	uint64_t cdev = 0, ops = 0;
	char name[64];
	su_u32(s, cd + su_off(s, t, "major"), &major);
	su_u32(s, cd + su_off(s, t, "baseminor"), &baseminor);
	su_str(s, cd + su_off(s, t, "name"), name, sizeof(name));
	su_ptr(s, cd + su_off(s, t, "cdev"), &cdev);
	if (!cdev)
		cdev = cdev_lookup(s, major << MINORBITS | baseminor);
	fprintf(ctx->out, " %3u      %-13s  ", major, name);
	if (!cdev) {
		fprintf(ctx->out, "     (none)     \n");
		return;
	}
	su_ptr(s, cdev + su_off(s, "struct cdev", "ops"), &ops);
	fprintf(ctx->out, "%016" PRIx64, cdev);
	print_ops(ctx, ops);
}

/* Each node of the hash chains of a table of MAJOR_HASH pointers. */
static int walk_majors(struct kd_cmd_ctx *ctx, const char *table,
		       uint64_t next_off,
		       void (*fn)(struct kd_cmd_ctx *, uint64_t))
{
	uint64_t base;
	if (!kd_symbol_try_addr(ctx->s, table, &base) || next_off == SU_NONE)
		return su_error(ctx, "%s: symbol or type not found", table);
	for (int i = 0; i < MAJOR_HASH; i++) {
		uint64_t node;
		if (su_ptr(ctx->s, base + 8 * (uint64_t)i, &node) < 0)
			return su_error(ctx, "cannot read %s[%d]", table, i);
		for (int n = 0; node && n < MAX_CHAIN; n++) {
			fn(ctx, node);
			if (su_ptr(ctx->s, node + next_off, &node) < 0)
				return su_error(ctx, "broken %s chain", table);
		}
	}
	return 0;
}

/* ---- block devices ---- */

struct disk_find {
	struct kd_session *s;
	uint32_t major;
	uint64_t knode, disk_type, type, found;
	uint64_t bd_device, bd_disk, gd_major;
	int old_layout;
	uint64_t part0_dev;
};

static int disk_node(void *arg, uint64_t node)
{
	struct disk_find *f = arg;
	uint64_t priv = node - f->knode, dev, type, disk;
	uint32_t major;
	uint64_t o_dev = su_off(f->s, "struct device_private", "device");
	if (su_ptr(f->s, priv + o_dev, &dev) < 0 || !dev ||
	    su_ptr(f->s, dev + f->type, &type) < 0 || type != f->disk_type)
		return 0;
	if (f->old_layout)
		disk = dev - f->part0_dev;
	else if (su_ptr(f->s, dev - f->bd_device + f->bd_disk, &disk) < 0)
		return 0;
	/* crash shows the last disk of the major (loop7, not loop0) */
	if (su_u32(f->s, disk + f->gd_major, &major) == 0 &&
	    major == f->major)
		f->found = disk;
	return 0;
}

static uint64_t gendisk_of(struct kd_session *s, uint32_t major)
{
	struct disk_find f = { .s = s, .major = major };
	uint64_t cls, p;
	uint64_t o_p = su_off(s, "struct class", "p");
	uint64_t o_klist = su_off(s, "struct subsys_private",
				  "klist_devices.k_list");
	f.knode = su_off(s, "struct device_private", "knode_class.n_node");
	f.type = su_off(s, "struct device", "type");
	f.gd_major = su_off(s, "struct gendisk", "major");
	f.bd_device = su_off(s, "struct block_device", "bd_device");
	f.bd_disk = su_off(s, "struct block_device", "bd_disk");
	f.part0_dev = su_off(s, "struct gendisk", "part0.__dev");
	f.old_layout = f.bd_device == SU_NONE;
	if (o_p == SU_NONE || o_klist == SU_NONE || f.knode == SU_NONE ||
	    (f.old_layout && f.part0_dev == SU_NONE) ||
	    !kd_symbol_try_addr(s, "block_class", &cls) ||
	    !kd_symbol_try_addr(s, "disk_type", &f.disk_type) ||
	    su_ptr(s, cls + o_p, &p) < 0 || !p)
		return 0;
	kd_error_destroy(su_list_walk(s, p + o_klist, disk_node, &f));
	return f.found;
}

static void print_blkdev(struct kd_cmd_ctx *ctx, uint64_t bm)
{
	struct kd_session *s = ctx->s;
	const char *t = "struct blk_major_name";
	uint32_t major = 0;
	uint64_t ops = 0;
	char name[64];
	su_u32(s, bm + su_off(s, t, "major"), &major);
	su_str(s, bm + su_off(s, t, "name"), name, sizeof(name));
	uint64_t disk = gendisk_of(s, major);
	fprintf(ctx->out, " %3u      %-13s  ", major, name);
	if (!disk) {
		fprintf(ctx->out, "     (none)     \n");
		return;
	}
	su_ptr(s, disk + su_off(s, "struct gendisk", "fops"), &ops);
	fprintf(ctx->out, "%016" PRIx64, disk);
	print_ops(ctx, ops);
}

static int dev_list(struct kd_cmd_ctx *ctx)
{
	fprintf(ctx->out, "CHRDEV    NAME                 CDEV        "
		"OPERATIONS      \n");
	int rc = walk_majors(ctx, "chrdevs",
			     su_off(ctx->s, "struct char_device_struct", "next"),
			     print_chrdev);
	fprintf(ctx->out, "\nBLKDEV    NAME                GENDISK      "
		"OPERATIONS      \n");
	rc |= walk_majors(ctx, "major_names",
			  su_off(ctx->s, "struct blk_major_name", "next"),
			  print_blkdev);
	return rc;
}

static int dev_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (su_no_options(ctx, argc, argv, 1))
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
