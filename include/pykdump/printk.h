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
	/* who called printk (CONFIG_PRINTK_CALLER 5.1+, always 5.10+): a
	 * thread id, or a CPU number | 0x80000000 */
	int has_caller;
	uint32_t caller_id;
	/* dev_printk()'s properties: the ringbuffer's dev_info (5.10+)
	 * as "SUBSYSTEM=..." / "DEVICE=...", or the log_buf record's dict
	 * (3.5 - 5.9); NUL-separated "KEY=value" entries, dict_len bytes */
	const char *dict;
	size_t dict_len;
};

/* Called per record; a non-zero return stops the walk. */
typedef int kd_printk_fn(void *arg, const struct kd_printk_rec *r);

KD_PUBLIC struct kd_error *kd_printk_walk(struct kd_session *s,
					  kd_printk_fn *fn,
					  void *arg) KD_WARN_UNUSED;

/* The audit records still queued in the kernel (not yet read by auditd):
 * audit_hold_queue, audit_retry_queue, audit_queue (4.11+; before,
 * audit_skb_hold_queue and audit_skb_queue), each an sk_buff list whose
 * data is a netlink message: fn(arg, type, text, len) per record.
 * KD_ERR_UNSUPPORTED when the kernel has none of these queues. */
typedef int kd_audit_fn(void *arg, unsigned type, const char *text,
			size_t len);
KD_PUBLIC struct kd_error *kd_audit_walk(struct kd_session *s,
					 kd_audit_fn *fn, void *arg,
					 size_t *count) KD_WARN_UNUSED;

/* 1 when the kernel has printk's per-CPU safe buffers (printk_safe,
 * 4.11 - 5.14), which kd_printk_walk does not read. */
KD_PUBLIC int kd_printk_has_safe_buffers(struct kd_session *s);

/*
 * printk's per-CPU safe buffers (4.11 - 5.14): messages printed in NMI
 * context or with the log lock held, not yet flushed into the log.  Per
 * buffer (the per-CPU variables nmi_print_seq, then safe_print_seq, as
 * crash orders them) and CPU: fn(arg, name, cpu, addr, len,
 * message_lost, bytes, n), bytes the first n = min(len, buffer size) of
 * struct printk_safe_seq_buf { atomic_t len, message_lost; ...;
 * unsigned char buffer[] }.  A buffer the kernel lacks is left out;
 * KD_ERR_UNSUPPORTED when it has neither.  A CPU's buffer that cannot be
 * read is left out too, the others still given, and the first such
 * error returned.
 */
typedef int kd_printk_safe_fn(void *arg, const char *name, unsigned cpu,
			      uint64_t addr, int len, int message_lost,
			      const uint8_t *bytes, size_t n);
KD_PUBLIC struct kd_error *kd_printk_safe_walk(struct kd_session *s,
					       kd_printk_safe_fn *fn,
					       void *arg) KD_WARN_UNUSED;

#endif /* PYKDUMP_PRINTK_H */
