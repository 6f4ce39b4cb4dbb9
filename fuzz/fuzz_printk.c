// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the kernel log (lib/kernel/printk.c) read from
 * garbage kernel memory: the printk ringbuffer's descriptors, infos and
 * text ring (or log_buf's records), and the audit queue.  Types and
 * symbols (prb, log_buf ...) are the real sample's; memory is the input
 * (mem_fuzz.h, session_fuzz.h).  Every record's text and dict are read
 * in full, so ASan sees any overread of the copied ring.
 */
#include <stdint.h>

#include <pykdump/printk.h>

#include "session_fuzz.h"

static volatile unsigned sink;

static int on_rec(void *arg, const struct kd_printk_rec *r)
{
	size_t *n = arg;
	unsigned h = 0;
	for (size_t i = 0; i < r->len; i++)
		h += (uint8_t)r->text[i];
	for (size_t i = 0; i < r->dict_len; i++)
		h += (uint8_t)r->dict[i];
	if (r->level < 0 || r->level > 7)
		__builtin_trap();	/* a 3-bit field */
	sink += h;
	return ++*n > 100000;
}

static int on_audit(void *arg, unsigned type, const char *text, size_t len)
{
	(void)arg;
	unsigned h = type;
	for (size_t i = 0; i < len; i++)
		h += (uint8_t)text[i];
	sink += h;
	return 0;
}

static void run(const uint8_t *hdr, size_t hlen)
{
	(void)hdr; (void)hlen;
	size_t n = 0, count = 0;
	kd_error_destroy(kd_printk_walk(fz_s, on_rec, &n));
	kd_error_destroy(kd_audit_walk(fz_s, on_audit, NULL, &count));
	sink += (unsigned)kd_printk_has_safe_buffers(fz_s);
}

FZ_MEMORY_ONLY_TARGET(run)
