// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pieces of the dump layer below its API: the page LRU, the flattened
 * record index (against the image it reassembles, byte for byte).  The
 * bounds-checked cursor the parsers read through is tested in
 * test_cursor.c (it is the support layer's).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump/pagecache.h"
#include "dump/vfile.h"
#include "dumpgen.h"

static void test_pagecache_lru(void **state)
{
	(void)state;
	struct kd_pagecache pc;
	assert_int_equal(kd_pagecache_init(&pc, 4, 16), 0);
	for (uint64_t k = 0; k < 4; k++)
		memset(kd_pagecache_put(&pc, k * 4096), (int)k, 16);
	/* use 0 so that 1 becomes the least recent */
	uint8_t *p = kd_pagecache_get(&pc, 0);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	memset(kd_pagecache_put(&pc, 99), 9, 16);
	assert_null(kd_pagecache_get(&pc, 4096));	/* evicted */
	assert_non_null(kd_pagecache_get(&pc, 0));
	assert_int_equal(kd_pagecache_get(&pc, 2 * 4096)[0], 2);
	assert_int_equal(kd_pagecache_get(&pc, 99)[0], 9);
	/* forget: gone, and its slot is the next one reused */
	kd_pagecache_forget(&pc, 99);
	assert_null(kd_pagecache_get(&pc, 99));
	kd_pagecache_put(&pc, 123);
	assert_non_null(kd_pagecache_get(&pc, 0));
	assert_non_null(kd_pagecache_get(&pc, 2 * 4096));
	assert_non_null(kd_pagecache_get(&pc, 3 * 4096));
	kd_pagecache_forget(&pc, 77777);	/* absent: harmless */
	assert_true(pc.hits > 0 && pc.misses > 0);
	kd_pagecache_deinit(&pc);
}

static void test_pagecache_many_keys(void **state)
{
	(void)state;
	struct kd_pagecache pc;
	assert_int_equal(kd_pagecache_init(&pc, 128, 8), 0);
	/* colliding and distinct keys; the last 128 stay */
	for (uint64_t k = 0; k < 10000; k++) {
		uint8_t *s = kd_pagecache_put(&pc, k << 12 | (k & 3) << 56);
		memcpy(s, &k, 8);
	}
	for (uint64_t k = 10000 - 128; k < 10000; k++) {
		uint8_t *s = kd_pagecache_get(&pc, k << 12 | (k & 3) << 56);
		assert_non_null(s);
		uint64_t v;
		memcpy(&v, s, 8);
		assert_int_equal(v, k);
	}
	assert_null(kd_pagecache_get(&pc, (10000 - 129) << 12));
	kd_pagecache_deinit(&pc);
}

/* The flattened index reads back the image byte for byte. */
static void check_flattened(const struct dg_file *img, int shuffle)
{
	struct dg_file flat = { 0 };
	assert_int_equal(dg_flatten(img, shuffle, &flat), 0);
	struct kd_vfile *mem, *vf;
	assert_null(kd_vfile_from_memory("t.flat", flat.data, flat.len, &mem));
	assert_true(kd_flattened_probe(mem));
	assert_null(kd_flattened_open(mem, &vf));
	assert_int_equal(vf->size, img->len);
	assert_false(vf->truncated);
	uint8_t *buf = malloc(img->len);
	assert_null(kd_vfile_read(vf, 0, img->len, buf, "all"));
	assert_memory_equal(buf, img->data, img->len);
	/* odd ranges straddling records */
	uint64_t x = 7;
	for (int i = 0; i < 2000; i++) {
		x = x * 6364136223846793005ull + 1;
		size_t off = (x >> 20) % img->len;
		size_t len = 1 + (x >> 45) % 9000;
		if (len > img->len - off)
			len = img->len - off;
		assert_null(kd_vfile_read(vf, off, len, buf, "range"));
		assert_memory_equal(buf, img->data + off, len);
	}
	struct kd_error *err = kd_vfile_read(vf, img->len - 4, 8, buf, "tail");
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_TRUNCATED);
	assert_non_null(strstr(err->message, "t.flat"));
	kd_error_destroy(err);
	free(buf);
	kd_vfile_destroy(vf);
	free(flat.data);
}

static void test_flattened_index(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_KDUMP, .compression = DG_ZLIB };
	struct dg_dump d;
	assert_int_equal(dg_generate(&s, &d), 0);
	check_flattened(&d.files[0], 0);
	check_flattened(&d.files[0], 1);
	dg_dump_free(&d);
}

static void test_flattened_truncated_stream(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_ELF64 };
	struct dg_dump d;
	assert_int_equal(dg_generate(&s, &d), 0);
	struct dg_file flat = { 0 };
	assert_int_equal(dg_flatten(&d.files[0], 0, &flat), 0);
	/* cut inside the data of the 3rd record */
	size_t cut = flat.marks[2] + 16 + 100;
	struct kd_vfile *mem, *vf;
	assert_null(kd_vfile_from_memory("cut.flat", flat.data, cut, &mem));
	assert_null(kd_flattened_open(mem, &vf));
	assert_true(vf->truncated);
	uint8_t buf[64];
	assert_null(kd_vfile_read(vf, 0, sizeof(buf), buf, "head"));
	assert_memory_equal(buf, d.files[0].data, sizeof(buf));
	kd_vfile_destroy(vf);
	/* a record with a negative size is corrupt, naming its offset */
	memset(flat.data + flat.marks[1] + 8, 0xf0, 8);
	assert_null(kd_vfile_from_memory("bad.flat", flat.data, flat.len, &mem));
	struct kd_error *err = kd_flattened_open(mem, &vf);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "bad.flat"));
	assert_non_null(strstr(err->message, "offset 0x"));
	kd_error_destroy(err);
	kd_vfile_destroy(mem);
	free(flat.data);
	dg_dump_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pagecache_lru),
		cmocka_unit_test(test_pagecache_many_keys),
		cmocka_unit_test(test_flattened_index),
		cmocka_unit_test(test_flattened_truncated_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
