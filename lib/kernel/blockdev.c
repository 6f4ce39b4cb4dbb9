// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Block devices: see include/pykdump/blockdev.h.  Kernel facts relied
 * on, by version (each path chosen by the members DWARF has):
 *
 *   where block_class keeps its devices:
 *     struct class.p -> struct subsys_private (2.6.38 - 6.3);
 *     6.4+: struct class lost .p; its subsys_private is the one on
 *       class_kset->list (kobject.entry of subsys_private.subsys.kobj)
 *       whose .class is &block_class;
 *     subsys_private.klist_devices.k_list lists the klist_node of each
 *     device (device_private.knode_class from 5.1, device.knode_class
 *     before); a node whose n_klist has bit 0 set is being removed;
 *   which devices are disks: device.type == &disk_type (partitions
 *     have part_type);
 *   the gendisk of a disk's struct device:
 *     5.11+: the device is block_device.bd_device of the disk's part0,
 *       block_device.bd_disk points back to the gendisk;
 *     5.1 - 5.10: it is gendisk.part0.__dev (part0 an hd_struct);
 *     before: gendisk.__dev (or .dev);
 *   requests in flight (blk-mq): the hardware contexts are the xarray
 *     request_queue.hctx_table (6.0+) or the array queue_hw_ctx of
 *     nr_hw_queues; each hctx's tags (struct blk_mq_tags) has sbitmaps
 *     bitmap_tags and breserved_tags (embedded, or pointers in 5.10 -
 *     5.15) whose set bits, less the cleared ones, are busy tags;
 *     tags->rqs[tag] is the request (reserved tags first: a normal
 *     tag's index is offset by nr_reserved_tags); it is in flight when
 *     request.state == MQ_RQ_IN_FLIGHT (1) and counts as a write when
 *     its op (cmd_flags & REQ_OP_MASK, 0xff) is odd.
 * Every walk is bounded (MAX_DISKS, MAX_HCTX, MAX_TAGS).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/blockdev.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>

#define MAX_DISKS	65536
#define MAX_HCTX	4096
#define MAX_TAGS	(1u << 20)
#define MQ_RQ_IN_FLIGHT	1
#define REQ_OP_MASK	0xff

struct blk_layout {
	uint64_t class_p, sp_klist, sp_kobj, sp_class, kset_list, kobj_entry;
	uint64_t klist_list, kn_klist, kn_node;
	uint64_t dp_knode, dp_device, dev_knode, dev_type;
	uint64_t bd_device, bd_disk, part0_dev, gd_dev;
	uint64_t gd_name, gd_name_len, gd_major, gd_queue;
	/* in flight */
	uint64_t q_mq_ops, q_hctx_table, q_hw_ctx, q_nr_hw, q_ctx, q_rl;
	uint64_t rl_count, hctx_tags, tags_bitmap, tags_bitmap_size;
	uint64_t tags_reserved, tags_nr_reserved, tags_rqs, sbq_sb;
	uint64_t sb_depth, sb_shift, sb_map_nr, sb_map, sbw_size, sbw_word;
	uint64_t sbw_cleared, rq_q, rq_flags, rq_state, ctx_dispatched;
	uint64_t ctx_completed;
};

#define L struct blk_layout
static const struct kd_layout_field fields[] = {
	KD_LF(L, class_p, "struct class", "p", 0),
	KD_LF(L, sp_klist, "struct subsys_private", "klist_devices", 0),
	KD_LF(L, sp_kobj, "struct subsys_private", "subsys.kobj", 0),
	KD_LF(L, sp_class, "struct subsys_private", "class", 0),
	KD_LF(L, kset_list, "struct kset", "list", 0),
	KD_LF(L, kobj_entry, "struct kobject", "entry", 0),
	KD_LF(L, klist_list, "struct klist", "k_list", 0),
	KD_LF(L, kn_klist, "struct klist_node", "n_klist", 0),
	KD_LF(L, kn_node, "struct klist_node", "n_node", 0),
	KD_LF(L, dp_knode, "struct device_private", "knode_class", 0),
	KD_LF(L, dp_device, "struct device_private", "device", 0),
	KD_LF(L, dev_knode, "struct device", "knode_class", 0),
	KD_LF(L, dev_type, "struct device", "type", KD_LF_REQUIRED),
	KD_LF(L, bd_device, "struct block_device", "bd_device", 0),
	KD_LF(L, bd_disk, "struct block_device", "bd_disk", 0),
	KD_LF(L, part0_dev, "struct gendisk", "part0.__dev", 0),
	KD_LF(L, gd_dev, "struct gendisk", "__dev|dev", 0),
	KD_LF(L, gd_name, "struct gendisk", "disk_name", KD_LF_REQUIRED),
	KD_LF(L, gd_name_len, "struct gendisk", "disk_name", KD_LF_SIZE),
	KD_LF(L, gd_major, "struct gendisk", "major", KD_LF_REQUIRED),
	KD_LF(L, gd_queue, "struct gendisk", "queue", KD_LF_REQUIRED),
	KD_LF(L, q_mq_ops, "struct request_queue", "mq_ops", 0),
	KD_LF(L, q_hctx_table, "struct request_queue", "hctx_table", 0),
	KD_LF(L, q_hw_ctx, "struct request_queue", "queue_hw_ctx", 0),
	KD_LF(L, q_nr_hw, "struct request_queue", "nr_hw_queues", 0),
	KD_LF(L, q_ctx, "struct request_queue", "queue_ctx", 0),
	KD_LF(L, q_rl, "struct request_queue", "root_rl|rq", 0),
	KD_LF(L, rl_count, "struct request_list", "count", 0),
	KD_LF(L, hctx_tags, "struct blk_mq_hw_ctx", "tags", 0),
	KD_LF(L, tags_bitmap, "struct blk_mq_tags", "bitmap_tags", 0),
	KD_LF(L, tags_bitmap_size, "struct blk_mq_tags", "bitmap_tags",
	      KD_LF_SIZE),
	KD_LF(L, tags_reserved, "struct blk_mq_tags", "breserved_tags", 0),
	KD_LF(L, tags_nr_reserved, "struct blk_mq_tags", "nr_reserved_tags", 0),
	KD_LF(L, tags_rqs, "struct blk_mq_tags", "rqs", 0),
	KD_LF(L, sbq_sb, "struct sbitmap_queue", "sb", 0),
	KD_LF(L, sb_depth, "struct sbitmap", "depth", 0),
	KD_LF(L, sb_shift, "struct sbitmap", "shift", 0),
	KD_LF(L, sb_map_nr, "struct sbitmap", "map_nr", 0),
	KD_LF(L, sb_map, "struct sbitmap", "map", 0),
	KD_LF(L, sbw_size, "struct sbitmap_word", NULL, KD_LF_SIZE),
	KD_LF(L, sbw_word, "struct sbitmap_word", "word", 0),
	KD_LF(L, sbw_cleared, "struct sbitmap_word", "cleared", 0),
	KD_LF(L, rq_q, "struct request", "q", 0),
	KD_LF(L, rq_flags, "struct request", "cmd_flags", 0),
	KD_LF(L, rq_state, "struct request", "state", 0),
	KD_LF(L, ctx_dispatched, "struct blk_mq_ctx", "rq_dispatched", 0),
	KD_LF(L, ctx_completed, "struct blk_mq_ctx", "rq_completed", 0),
};
#undef L

static struct kd_error *layout(struct kd_session *s, struct blk_layout *l)
{
	return kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields), l);
}

static struct kd_error *rd_ptr(struct kd_session *s, uint64_t base,
			       uint64_t off, uint64_t *v)
{
	*v = 0;
	return kd_field_u64(s, base, off, v);
}

/* block_class's struct subsys_private. */
static struct kd_error *block_private(struct kd_session *s,
				      const struct blk_layout *l, uint64_t *ret)
{
	uint64_t cls, kset, head;
	if (!kd_symbol_try_addr(s, "block_class", &cls))
		return kd_error_create(KD_ERR_NOT_FOUND, "no block_class");
	if (kd_present(l->class_p))
		return rd_ptr(s, cls, l->class_p, ret);
	/* 6.4+: find it on class_kset by its class pointer */
	struct kd_addr_list objs;
	if (!kd_present(l->sp_class) || !kd_present(l->sp_kobj) ||
	    !kd_present(l->kset_list) || !kd_present(l->kobj_entry) ||
	    !kd_symbol_try_addr(s, "class_kset", &head))
		return kd_error_create(KD_ERR_UNSUPPORTED, "cannot find block "
				       "devices: struct class has no member p "
				       "and there is no class_kset");
	struct kd_error *err = rd_ptr(s, head, 0, &kset);
	if (err)
		return err;
	err = kd_list_walk(s, kset + l->kset_list, l->kobj_entry,
			   KD_WALK_NOLOG, 4096, &objs);
	*ret = 0;
	for (size_t i = 0; !err && i < objs.n && !*ret; i++) {
		uint64_t sp = objs.addrs[i] - l->sp_kobj, c = 0;
		struct kd_error *e = rd_ptr(s, sp, l->sp_class, &c);
		kd_error_destroy(e);
		if (c == cls)
			*ret = sp;
	}
	kd_addr_list_free(&objs);
	if (!err && !*ret)
		err = kd_error_create(KD_ERR_NOT_FOUND, "block_class is not on "
				      "class_kset");
	return err;
}

/* The struct device of a live klist node on the class's device list;
 * 0 for a dead node. */
static struct kd_error *node_device(struct kd_session *s,
				    const struct blk_layout *l, uint64_t entry,
				    uint64_t *dev)
{
	uint64_t knode = entry - l->kn_node, nk = 0;
	*dev = 0;
	struct kd_error *err = rd_ptr(s, knode, l->kn_klist, &nk);
	if (err || (nk & 1))
		return err;
	if (kd_present(l->dp_knode))
		return rd_ptr(s, knode - l->dp_knode, l->dp_device, dev);
	*dev = knode - l->dev_knode;
	return NULL;
}

static struct kd_error *device_disk(struct kd_session *s,
				    const struct blk_layout *l, uint64_t dev,
				    uint64_t *disk)
{
	if (kd_present(l->bd_device) && kd_present(l->bd_disk))
		return rd_ptr(s, dev - l->bd_device, l->bd_disk, disk);
	if (kd_present(l->part0_dev)) {
		*disk = dev - l->part0_dev;
		return NULL;
	}
	if (kd_present(l->gd_dev)) {
		*disk = dev - l->gd_dev;
		return NULL;
	}
	return kd_error_create(KD_ERR_UNSUPPORTED, "cannot tell a disk's "
			       "gendisk from its device on this kernel");
}

static struct kd_error *disk_facts(struct kd_session *s,
				   const struct blk_layout *l, uint64_t disk,
				   struct kd_disk *d)
{
	uint32_t major = 0;
	memset(d, 0, sizeof(*d));
	d->gendisk = disk;
	size_t len = kd_present(l->gd_name_len) && l->gd_name_len < sizeof(d->name) ?
		     l->gd_name_len : sizeof(d->name);
	struct kd_error *err = kd_field_string(s, disk, l->gd_name, d->name, len);
	if (!err)
		err = kd_field_u32(s, disk, l->gd_major, &major);
	if (!err)
		err = rd_ptr(s, disk, l->gd_queue, &d->queue);
	d->major = major;
	return err;
}

struct kd_error *kd_disks(struct kd_session *s, struct kd_disk **ret,
			  size_t *n, struct kd_error **problem)
{
	struct blk_layout l;
	uint64_t sp, disk_type;
	struct kd_addr_list nodes = { 0 };
	*ret = NULL;
	*n = 0;
	if (problem)
		*problem = NULL;
	struct kd_error *err = layout(s, &l);
	if (!err && (!kd_present(l.sp_klist) || !kd_present(l.klist_list) ||
		     !kd_present(l.kn_node) || !kd_present(l.kn_klist) ||
		     (!kd_present(l.dp_knode) && !kd_present(l.dev_knode))))
		err = kd_error_create(KD_ERR_UNSUPPORTED, "unknown layout of "
				      "the device model (klist_devices, "
				      "knode_class)");
	if (!err && !kd_symbol_try_addr(s, "disk_type", &disk_type))
		err = kd_error_create(KD_ERR_NOT_FOUND, "no disk_type");
	if (!err)
		err = block_private(s, &l, &sp);
	if (err)
		return err;
	struct kd_error *broken = kd_list_walk(s, sp + l.sp_klist + l.klist_list,
					       0, KD_WALK_NOLOG, MAX_DISKS,
					       &nodes);
	struct kd_disk *v = calloc(nodes.n ? nodes.n : 1, sizeof(*v));
	if (!v) {
		kd_addr_list_free(&nodes);
		kd_error_destroy(broken);
		return &kd_error_nomem;
	}
	size_t cnt = 0;
	for (size_t i = 0; i < nodes.n && !broken; i++) {
		uint64_t dev, type = 0, disk;
		err = node_device(s, &l, nodes.addrs[i], &dev);
		if (!err && dev)
			err = rd_ptr(s, dev, l.dev_type, &type);
		if (!err && dev && type == disk_type &&
		    !(err = device_disk(s, &l, dev, &disk)))
			err = disk_facts(s, &l, disk, &v[cnt++]);
		if (err)
			broken = err;
	}
	kd_addr_list_free(&nodes);
	if (problem)
		*problem = broken;
	else
		kd_error_destroy(broken);
	*ret = v;
	*n = cnt;
	return NULL;
}

/* ---- requests in flight ---- */

struct inflight {
	struct kd_session *s;
	const struct blk_layout *l;
	uint64_t queue;
	unsigned reads, writes;
};

static struct kd_error *count_request(struct inflight *f, uint64_t rqs,
				      uint64_t tag)
{
	uint64_t rq, q = 0;
	uint32_t state = 0, flags = 0;
	struct kd_error *err = rd_ptr(f->s, rqs, 8 * tag, &rq);
	if (err || !rq)
		return err;
	if ((err = rd_ptr(f->s, rq, f->l->rq_q, &q)) ||
	    (err = kd_field_u32(f->s, rq, f->l->rq_state, &state)) ||
	    (err = kd_field_u32(f->s, rq, f->l->rq_flags, &flags)))
		return err;
	if (q != f->queue || state != MQ_RQ_IN_FLIGHT)
		return NULL;
	if ((flags & REQ_OP_MASK) & 1)
		f->writes++;
	else
		f->reads++;
	return NULL;
}

/* The busy tags of the sbitmap_queue at sbq: word & ~cleared of each
 * map word (1 << shift bits, the last up to depth). */
static struct kd_error *busy_tags(struct inflight *f, uint64_t sbq,
				  uint64_t rqs, uint64_t first)
{
	const struct blk_layout *l = f->l;
	uint64_t sb = sbq + l->sbq_sb, map = 0;
	uint32_t depth = 0, shift = 0, map_nr = 0;
	struct kd_error *err;
	if ((err = kd_field_u32(f->s, sb, l->sb_depth, &depth)) ||
	    (err = kd_field_u32(f->s, sb, l->sb_shift, &shift)) ||
	    (err = kd_field_u32(f->s, sb, l->sb_map_nr, &map_nr)) ||
	    (err = rd_ptr(f->s, sb, l->sb_map, &map)))
		return err;
	if (shift >= 64 || depth > MAX_TAGS || map_nr > MAX_TAGS)
		return kd_error_create(KD_ERR_CORRUPT, "sbitmap at %" PRIx64
				       ": depth %u shift %u", sb, depth, shift);
	for (uint64_t i = 0; i < map_nr; i++) {
		uint64_t w = map + i * l->sbw_size, word = 0, cleared = 0;
		if ((err = kd_field_u64(f->s, w, l->sbw_word, &word)))
			return err;
		if (kd_present(l->sbw_cleared) &&
		    (err = kd_field_u64(f->s, w, l->sbw_cleared, &cleared)))
			return err;
		word &= ~cleared;
		for (unsigned b = 0; word && b < 64; b++) {
			uint64_t tag = (i << shift) + b;
			if (!(word >> b & 1) || tag >= depth)
				continue;
			if ((err = count_request(f, rqs, first + tag)))
				return err;
		}
	}
	return NULL;
}

/* A tags' sbitmap_queue: embedded, or a pointer (5.10 - 5.15). */
static struct kd_error *sbq_of(struct inflight *f, uint64_t tags,
			       uint64_t off, uint64_t *ret)
{
	if (f->l->tags_bitmap_size == 8)
		return rd_ptr(f->s, tags, off, ret);
	*ret = tags + off;
	return NULL;
}

static struct kd_error *hctx_in_flight(struct inflight *f, uint64_t hctx)
{
	const struct blk_layout *l = f->l;
	uint64_t tags, rqs, sbq;
	uint32_t nr_reserved = 0;
	struct kd_error *err = rd_ptr(f->s, hctx, l->hctx_tags, &tags);
	if (err || !tags)
		return err;
	if ((err = rd_ptr(f->s, tags, l->tags_rqs, &rqs)) ||
	    (err = kd_field_u32(f->s, tags, l->tags_nr_reserved, &nr_reserved)))
		return err;
	if (nr_reserved && kd_present(l->tags_reserved) &&
	    ((err = sbq_of(f, tags, l->tags_reserved, &sbq)) ||
	     (err = busy_tags(f, sbq, rqs, 0))))
		return err;
	if ((err = sbq_of(f, tags, l->tags_bitmap, &sbq)))
		return err;
	return busy_tags(f, sbq, rqs, nr_reserved);
}

static struct kd_error *hw_contexts(struct inflight *f, struct kd_addr_list *h)
{
	const struct blk_layout *l = f->l;
	memset(h, 0, sizeof(*h));
	if (kd_present(l->q_hctx_table))
		return kd_xarray_walk(f->s, f->queue + l->q_hctx_table,
				      KD_WALK_NOLOG, MAX_HCTX, h);
	uint32_t nr = 0;
	uint64_t arr = 0;
	struct kd_error *err;
	if (!kd_present(l->q_hw_ctx) || !kd_present(l->q_nr_hw))
		return kd_error_create(KD_ERR_UNSUPPORTED, "unknown layout of "
				       "blk-mq hardware contexts");
	if ((err = kd_field_u32(f->s, f->queue, l->q_nr_hw, &nr)) ||
	    (err = rd_ptr(f->s, f->queue, l->q_hw_ctx, &arr)))
		return err;
	if (nr > MAX_HCTX)
		return kd_error_create(KD_ERR_CORRUPT, "request_queue at %" PRIx64
				       ": %u hardware queues", f->queue, nr);
	h->addrs = calloc(nr ? nr : 1, sizeof(*h->addrs));
	if (!h->addrs)
		return &kd_error_nomem;
	for (uint32_t i = 0; i < nr; i++) {
		if ((err = rd_ptr(f->s, arr, 8 * (uint64_t)i, &h->addrs[i])))
			return err;
		h->n++;
	}
	return NULL;
}

/* Before request.state: each CPU's blk_mq_ctx dispatched - completed. */
static struct kd_error *ctx_counters(struct inflight *f)
{
	const uint64_t *offs;
	unsigned n;
	uint64_t ctx;
	const struct blk_layout *l = f->l;
	struct kd_error *err = kd_percpu_offsets(f->s, &offs, &n);
	if (!err)
		err = rd_ptr(f->s, f->queue, l->q_ctx, &ctx);
	for (unsigned cpu = 0; !err && cpu < n; cpu++) {
		uint64_t d[2], c[2];
		uint64_t m = ctx + offs[cpu];
		if ((err = kd_field_read(f->s, m, l->ctx_dispatched, d, 16)) ||
		    (err = kd_field_read(f->s, m, l->ctx_completed, c, 16)))
			break;
		f->reads += (unsigned)(d[0] - c[0]);
		f->writes += (unsigned)(d[1] - c[1]);
	}
	return err;
}

struct kd_error *kd_disk_in_flight(struct kd_session *s, uint64_t queue,
				   unsigned *reads, unsigned *writes, int *mq)
{
	struct blk_layout l;
	uint64_t ops = 0;
	*reads = *writes = 0;
	*mq = 0;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	struct inflight f = { .s = s, .l = &l, .queue = queue };
	if (kd_present(l.q_mq_ops) && (err = rd_ptr(s, queue, l.q_mq_ops, &ops)))
		return err;
	if (!ops) {	/* legacy queue: its request_list's counts */
		uint32_t c[2] = { 0, 0 };
		if (!kd_present(l.q_rl) || !kd_present(l.rl_count))
			return kd_error_create(KD_ERR_UNSUPPORTED, "a queue "
					       "without mq_ops on a kernel "
					       "without request lists");
		err = kd_field_read(s, queue + l.q_rl, l.rl_count, c, sizeof(c));
		*reads = c[0];
		*writes = c[1];
		return err;
	}
	*mq = 1;
	if (!kd_present(l.rq_state))
		err = ctx_counters(&f);
	else {
		struct kd_addr_list h;
		if (!kd_present(l.hctx_tags) || !kd_present(l.tags_rqs) ||
		    !kd_present(l.tags_bitmap) || !kd_present(l.sb_map) ||
		    !kd_present(l.sbw_word) || !kd_present(l.rq_q))
			return kd_error_create(KD_ERR_UNSUPPORTED, "unknown "
					       "layout of blk-mq tags");
		err = hw_contexts(&f, &h);
		for (size_t i = 0; !err && i < h.n; i++)
			err = hctx_in_flight(&f, h.addrs[i]);
		kd_addr_list_free(&h);
	}
	*reads = f.reads;
	*writes = f.writes;
	return err;
}
