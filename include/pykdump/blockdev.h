/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block devices: the disks the kernel registered (struct gendisk) and
 * the requests in flight on their queues (crash's dev -d), as the kernel
 * keeps them in each version (layouts from DWARF; see blockdev.c).
 */
#ifndef PYKDUMP_BLOCKDEV_H
#define PYKDUMP_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_disk {
	uint64_t gendisk;
	char name[32];		/* gendisk.disk_name */
	uint32_t major;
	uint64_t queue;		/* struct request_queue * */
};

/* Every disk on block_class's device list, in its order; *ret malloc'd
 * (free()).  A list broken part-way gives the disks before the break
 * with *problem set (destroy it; may be NULL). */
KD_PUBLIC struct kd_error *kd_disks(struct kd_session *s, struct kd_disk **ret,
				    size_t *n, struct kd_error **problem)
	KD_WARN_UNUSED;

/* The requests in flight on a blk-mq queue, by direction: the busy tags
 * of each hardware context whose request belongs to this queue and is
 * MQ_RQ_IN_FLIGHT (the kernel's blk_mq_in_flight); before request.state
 * (4.17), what each CPU's blk_mq_ctx dispatched less what completed.
 * *mq is 0 for a legacy (request_fn) queue, whose counts come from its
 * request_list instead. */
KD_PUBLIC struct kd_error *kd_disk_in_flight(struct kd_session *s,
					     uint64_t queue, unsigned *reads,
					     unsigned *writes, int *mq)
	KD_WARN_UNUSED;

#endif /* PYKDUMP_BLOCKDEV_H */
