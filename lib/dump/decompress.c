// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The four page compressors makedumpfile and QEMU use: see decompress.h.
 * Every one is driven with explicit input and output sizes, so corrupt
 * data can neither overrun the page buffer nor loop.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"

struct kd_decompressor {
	z_stream zs;
	int zs_ready;
	ZSTD_DCtx *zstd;
};

static void init_lzo(void)
{
	(void)lzo_init();	/* only checks the build's type sizes */
}

struct kd_decompressor *kd_decompressor_create(void)
{
	static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;
	pthread_once(&lzo_once, init_lzo);
	return calloc(1, sizeof(struct kd_decompressor));
}

void kd_decompressor_destroy(struct kd_decompressor *dc)
{
	if (!dc)
		return;
	if (dc->zs_ready)
		inflateEnd(&dc->zs);
	ZSTD_freeDCtx(dc->zstd);
	free(dc);
}

static const char *do_zlib(struct kd_decompressor *dc, const void *src,
			   size_t src_len, void *dst, size_t dst_len)
{
	if (!dc->zs_ready) {
		if (inflateInit(&dc->zs) != Z_OK)
			return "zlib: cannot initialise";
		dc->zs_ready = 1;
	} else if (inflateReset(&dc->zs) != Z_OK) {
		return "zlib: cannot reset";
	}
	dc->zs.next_in = (Bytef *)src;
	dc->zs.avail_in = (uInt)src_len;
	dc->zs.next_out = dst;
	dc->zs.avail_out = (uInt)dst_len;
	int r = inflate(&dc->zs, Z_FINISH);
	if (r != Z_STREAM_END)
		return r == Z_DATA_ERROR ? "zlib: data error"
					 : "zlib: data incomplete or too long";
	if (dc->zs.total_out != dst_len)
		return "zlib: output is not one page";
	return NULL;
}

static const char *do_lzo(const void *src, size_t src_len, void *dst,
			  size_t dst_len)
{
	lzo_uint out = dst_len;
	int r = lzo1x_decompress_safe(src, src_len, dst, &out, NULL);
	if (r != LZO_E_OK)
		return r == LZO_E_OUTPUT_OVERRUN ? "lzo: output overrun"
						 : "lzo: data error";
	return out == dst_len ? NULL : "lzo: output is not one page";
}

static const char *do_snappy(const void *src, size_t src_len, void *dst,
			     size_t dst_len)
{
	size_t out;
	if (snappy_uncompressed_length(src, src_len, &out) != SNAPPY_OK)
		return "snappy: bad header";
	if (out != dst_len)
		return "snappy: output is not one page";
	if (snappy_uncompress(src, src_len, dst, &out) != SNAPPY_OK)
		return "snappy: data error";
	return out == dst_len ? NULL : "snappy: output is not one page";
}

static const char *do_zstd(struct kd_decompressor *dc, const void *src,
			   size_t src_len, void *dst, size_t dst_len)
{
	if (!dc->zstd && !(dc->zstd = ZSTD_createDCtx()))
		return "zstd: cannot create context";
	size_t r = ZSTD_decompressDCtx(dc->zstd, dst, dst_len, src, src_len);
	if (ZSTD_isError(r))
		return "zstd: data error";
	return r == dst_len ? NULL : "zstd: output is not one page";
}

const char *kd_decompress(struct kd_decompressor *dc, unsigned method,
			  const void *src, size_t src_len, void *dst,
			  size_t dst_len)
{
	switch (method) {
	case KD_DESC_ZLIB:
		return do_zlib(dc, src, src_len, dst, dst_len);
	case KD_DESC_LZO:
		return do_lzo(src, src_len, dst, dst_len);
	case KD_DESC_SNAPPY:
		return do_snappy(src, src_len, dst, dst_len);
	case KD_DESC_ZSTD:
		return do_zstd(dc, src, src_len, dst, dst_len);
	default:
		return "unknown compression method";
	}
}
