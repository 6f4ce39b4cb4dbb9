/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log's records, oldest first, from the printk ringbuffer
 * (5.10+) or the older variable-length log_buf records (3.5 - 5.9); the
 * layouts are described in lib/kernel/printk.c.
 */
#ifndef PYKDUMP_PRINTK_H
#define PYKDUMP_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;

struct kd_printk_rec {
	uint64_t ts_nsec;
	int level;		/* 0..7 */
	const char *text;	/* not NUL-terminated */
	size_t len;
	int dataless;		/* a record without text (printed empty) */
};

/* Called per record; a non-zero return stops the walk. */
typedef int kd_printk_fn(void *arg, const struct kd_printk_rec *r);

KD_PUBLIC struct kd_error *kd_printk_walk(struct kd_session *s,
					  kd_printk_fn *fn,
					  void *arg) KD_WARN_UNUSED;

#endif /* PYKDUMP_PRINTK_H */
