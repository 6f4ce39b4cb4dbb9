/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page decompression for kdump-compressed dumps: zlib, lzo, snappy, zstd.
 * One context per dump keeps the zlib stream and zstd context between
 * pages (setting them up per page costs more than a 4 KiB inflate).
 * Not thread-safe: the owner locks.
 */
#ifndef PYKDUMP_DUMP_DECOMPRESS_H
#define PYKDUMP_DUMP_DECOMPRESS_H

#include <stddef.h>

/* kdump page_desc.flags (makedumpfile diskdump_mod.h). */
#define KD_DESC_ZLIB	0x01
#define KD_DESC_LZO	0x02
#define KD_DESC_SNAPPY	0x04
#define KD_DESC_ZSTD	0x20
#define KD_DESC_COMPRESSED \
	(KD_DESC_ZLIB | KD_DESC_LZO | KD_DESC_SNAPPY | KD_DESC_ZSTD)

struct kd_decompressor;

struct kd_decompressor *kd_decompressor_create(void);
void kd_decompressor_destroy(struct kd_decompressor *dc);

/*
 * Decompress src (method: one KD_DESC_* bit) into exactly dst_len bytes.
 * Returns NULL on success, else a static description of what failed
 * ("zlib: data error", "output is 1234 bytes, not 4096" ...).
 */
const char *kd_decompress(struct kd_decompressor *dc, unsigned method,
			  const void *src, size_t src_len, void *dst,
			  size_t dst_len);

#endif /* PYKDUMP_DUMP_DECOMPRESS_H */
