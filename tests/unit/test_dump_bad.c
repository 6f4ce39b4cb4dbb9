// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bad input: every format truncated at every structure boundary (and
 * around it), then with corrupt offsets, sizes, bitmaps, descriptors and
 * compressed data.  The dump layer must answer with an error naming the
 * file (and offset), or open and fail only the pages that are damaged —
 * never crash, hang or allocate without bound (ASan/UBSan build).
 */
#include <elf.h>
#include <endian.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/dump.h>

#include "dumpgen.h"

static FILE *devnull;

static int open_error_ok(const struct kd_error *err)
{
	switch (err->code) {
	case KD_ERR_TRUNCATED:
	case KD_ERR_CORRUPT:
	case KD_ERR_FORMAT:
	case KD_ERR_UNSUPPORTED:
	case KD_ERR_INVALID:
	case KD_ERR_NOMEM:
		return 1;
	default:
		return 0;
	}
}

static int read_error_ok(const struct kd_error *err)
{
	return kd_error_is_fault(err) || err->code == KD_ERR_CORRUPT;
}

/*
 * Open a damaged image and use all of it.  Returns the open error (the
 * caller destroys it) or NULL; per-page errors are checked here.
 */
static struct kd_error *exercise(const char *name, const uint8_t *data,
				 size_t len)
{
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open_memory(name, data, len, &d);
	if (err) {
		if (!open_error_ok(err))
			fail_msg("unexpected open error code %d: %s", err->code,
				 err->message);
		if (err->code != KD_ERR_NOMEM &&
		    !strstr(err->message, name))
			fail_msg("open error does not name the file: %s",
				 err->message);
		return err;
	}
	uint32_t ps = kd_dump_page_size(d);
	uint8_t *buf = malloc(ps);
	uint64_t max = kd_dump_max_pfn(d);
	uint64_t n = max < 300 ? max + 2 : 300;
	for (uint64_t pfn = 0; pfn < n; pfn++) {
		kd_dump_page_state(d, pfn);
		err = kd_dump_read_phys(d, pfn * ps, buf, ps, 0);
		if (err && !read_error_ok(err))
			fail_msg("pfn 0x%llx: unexpected code %d: %s",
				 (unsigned long long)pfn, err->code,
				 err->message);
		kd_error_destroy(err);
	}
	if (max < (1u << 22)) {
		struct kd_page_counts c;
		kd_error_destroy(kd_dump_count_pages(d, &c));
		kd_error_destroy(kd_dump_describe(d, devnull, 0));
	}
	for (unsigned i = 0; i < kd_dump_nr_cpu_states(d); i++)
		assert_non_null(kd_dump_cpu_state(d, i));
	free(buf);
	kd_dump_close(d);
	return NULL;
}

static void generate(struct dg_spec s, struct dg_dump *d)
{
	dg_spec_normalize(&s);
	assert_int_equal(dg_generate(&s, d), 0);
}

static const struct dg_spec specs[] = {
	{ .format = DG_ELF64 },
	{ .format = DG_ELF64, .phdrs_at_end = 1 },
	{ .format = DG_ELF32 },
	{ .format = DG_ELF64, .big_endian = 1, .machine = EM_PPC64 },
	{ .format = DG_KDUMP, .compression = DG_ZLIB },
	{ .format = DG_KDUMP, .compression = DG_LZO, .header_version = 4 },
	{ .format = DG_KDUMP, .compression = DG_SNAPPY, .incomplete = 1 },
	{ .format = DG_KDUMP, .compression = DG_ZSTD, .big_endian = 1,
	  .machine = EM_S390 },
	{ .format = DG_KDUMP, .header_version = 1 },
	{ .format = DG_DISKDUMP },
	{ .format = DG_KDUMP, .compression = DG_ZLIB, .flattened = 1 },
	{ .format = DG_ELF64, .flattened = 1, .flat_shuffle = 1 },
};

/* ---- truncation ---- */

static void truncate_at(const struct dg_file *f, size_t cut)
{
	if (cut > f->len)
		return;
	/* A copy of exactly cut bytes, so ASan sees any overread. */
	uint8_t *copy = malloc(cut ? cut : 1);
	memcpy(copy, f->data, cut);
	kd_error_destroy(exercise("cut.vmcore", copy, cut));
	free(copy);
}

static void test_truncated_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < KD_ARRAY_SIZE(specs); i++) {
		struct dg_dump d;
		generate(specs[i], &d);
		const struct dg_file *f = &d.files[0];
		for (size_t m = 0; m < f->nmarks; m++)
			for (size_t delta = 0; delta < 3; delta++)
				truncate_at(f, f->marks[m] + delta - 1);
		for (size_t cut = 0; cut < f->len; cut += 997)
			truncate_at(f, cut);
		dg_dump_free(&d);
	}
}

static void test_truncated_kdump_keeps_early_pages(void **state)
{
	(void)state;
	struct dg_dump d;
	generate((struct dg_spec){ .format = DG_KDUMP,
				   .compression = DG_ZLIB }, &d);
	const struct dg_file *f = &d.files[0];
	/* Cut halfway through the page data. */
	size_t data_start = f->marks[f->nmarks - 2];
	size_t cut = data_start + (f->len - data_start) / 2;
	struct kd_dump *dump;
	assert_null(kd_dump_open_memory("half.kdump", f->data, cut, &dump));
	uint8_t buf[4096];
	assert_null(kd_dump_read_phys(dump, 0, buf, sizeof(buf), 0));
	struct kd_error *err = kd_dump_read_phys(dump, 62 * 4096, buf,
						 sizeof(buf), 0);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_LOST);
	assert_non_null(strstr(err->message, "half.kdump"));
	assert_non_null(strstr(err->message, "past the end of the file"));
	kd_error_destroy(err);
	struct kd_page_counts c;
	assert_null(kd_dump_count_pages(dump, &c));
	assert_true(c.lost > 0 && c.dumped > 0);
	kd_dump_close(dump);
	/* Cut inside the header: a clear error with the offset. */
	err = kd_dump_open_memory("hdr.kdump", f->data, 300, &dump);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_TRUNCATED);
	assert_non_null(strstr(err->message, "hdr.kdump"));
	assert_non_null(strstr(err->message, "kdump header"));
	kd_error_destroy(err);
	dg_dump_free(&d);
}

static void test_truncated_elf_data_is_lost(void **state)
{
	(void)state;
	struct dg_dump d;
	generate((struct dg_spec){ .format = DG_ELF64 }, &d);
	const struct dg_file *f = &d.files[0];
	struct kd_dump *dump;
	assert_null(kd_dump_open_memory("cut.elf", f->data, f->len - 10000,
					&dump));
	uint8_t buf[4096];
	assert_null(kd_dump_read_phys(dump, 0, buf, sizeof(buf), 0));
	struct kd_error *err = kd_dump_read_phys(dump, 62 * 4096, buf,
						 sizeof(buf), 0);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_LOST);
	assert_non_null(strstr(err->message, "truncated"));
	kd_error_destroy(err);
	kd_dump_close(dump);
	err = kd_dump_open_memory("tiny.elf", f->data, 40, &dump);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "tiny.elf"));
	kd_error_destroy(err);
	dg_dump_free(&d);
}

/* ---- targeted corruption ---- */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

struct damaged {
	struct dg_dump d;
	uint8_t *buf;
	size_t len;
};

static void damage_start(struct damaged *x, struct dg_spec s)
{
	generate(s, &x->d);
	x->len = x->d.files[0].len;
	x->buf = malloc(x->len);
	memcpy(x->buf, x->d.files[0].data, x->len);
}

static void damage_reset(struct damaged *x)
{
	memcpy(x->buf, x->d.files[0].data, x->len);
}

static void damage_end(struct damaged *x)
{
	free(x->buf);
	dg_dump_free(&x->d);
}

static void expect_open_error(struct damaged *x, enum kd_error_code code,
			      const char *words)
{
	struct kd_error *err = exercise("bad.vmcore", x->buf, x->len);
	if (!err)
		fail_msg("opened, expected error %d (%s)", code, words);
	if (err->code != code || !strstr(err->message, words))
		fail_msg("got %d \"%s\", expected %d with \"%s\"", err->code,
			 err->message, code, words);
	kd_error_destroy(err);
	damage_reset(x);
}

/* Opens; reading pfn gives code (0: reads fine). */
static void expect_page(struct damaged *x, uint64_t pfn, int code,
			const char *words)
{
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open_memory("bad.vmcore", x->buf,
						   x->len, &d);
	if (err)
		fail_msg("open: %s", err->message);
	uint8_t buf[4096];
	err = kd_dump_read_phys(d, pfn * 4096, buf, sizeof(buf), 0);
	if (code == 0 && err)
		fail_msg("pfn %llu: %s", (unsigned long long)pfn, err->message);
	if (code) {
		assert_non_null(err);
		if ((int)err->code != code || !strstr(err->message, words))
			fail_msg("got %d \"%s\", expected %d with \"%s\"",
				 err->code, err->message, code, words);
		assert_int_equal(err->addr, pfn * 4096);
	}
	kd_error_destroy(err);
	/* the neighbours stay readable */
	assert_null(kd_dump_read_phys(d, 0, buf, sizeof(buf), 0));
	kd_dump_close(d);
	damage_reset(x);
}

/* Offset of pfn's descriptor: data_offset + 24 * index. */
static size_t desc_of(struct damaged *x, uint64_t pfn)
{
	struct dg_spec s = { .format = DG_KDUMP };
	dg_spec_normalize(&s);
	uint64_t idx = 0;
	for (uint64_t p = 0; p < pfn; p++) {
		enum dg_page k = dg_page_kind(&s, p);
		idx += k == DG_DUMPED || k == DG_ZERO;
	}
	uint32_t sub, bm;
	memcpy(&sub, x->buf + 432, 4);
	memcpy(&bm, x->buf + 436, 4);
	return (1 + sub + bm) * 4096 + 24 * idx;
}

static void test_corrupt_kdump_header(void **state)
{
	(void)state;
	struct damaged x;
	damage_start(&x, (struct dg_spec){ .format = DG_KDUMP,
					   .compression = DG_ZLIB });
	put32(x.buf + 428, 12345);
	expect_open_error(&x, KD_ERR_UNSUPPORTED, "block_size 12345");
	put32(x.buf + 436, 0xffffffff);
	expect_open_error(&x, KD_ERR_TRUNCATED, "past the end of the file");
	put32(x.buf + 432, 0x80000000);
	expect_open_error(&x, KD_ERR_CORRUPT, "sub_hdr_size");
	put32(x.buf + 436, 0);
	expect_open_error(&x, KD_ERR_CORRUPT, "bitmap_blocks 0");
	/* sub-header: VMCOREINFO and notes pointing away: warnings only */
	put64(x.buf + 4096 + 32, 1ull << 50);
	put64(x.buf + 4096 + 56, 1ull << 40);
	expect_page(&x, 0, 0, NULL);
	/* max_mapnr beyond the bitmaps: clamped */
	put64(x.buf + 4096 + 96, 1ull << 40);
	kd_error_destroy(exercise("big.kdump", x.buf, x.len));
	damage_reset(&x);
	/* split range beyond max_mapnr */
	put32(x.buf + 4096 + 12, 1);
	put64(x.buf + 4096 + 80, 1ull << 62);
	put64(x.buf + 4096 + 88, 1ull << 63);
	kd_error_destroy(exercise("split.kdump", x.buf, x.len));
	damage_end(&x);
}

static void test_corrupt_kdump_descriptors(void **state)
{
	(void)state;
	struct damaged x;
	damage_start(&x, (struct dg_spec){ .format = DG_KDUMP,
					   .compression = DG_ZLIB });
	size_t d2 = desc_of(&x, 2);
	put64(x.buf + d2, x.len + 100);
	expect_page(&x, 2, KD_ERR_LOST, "past the end of the file");
	put64(x.buf + d2, 1);
	expect_page(&x, 2, KD_ERR_CORRUPT, "is corrupt");
	put64(x.buf + d2, (uint64_t)-5);
	expect_page(&x, 2, KD_ERR_CORRUPT, "is corrupt");
	put32(x.buf + d2 + 8, 5000);
	expect_page(&x, 2, KD_ERR_CORRUPT, "size 5000");
	put32(x.buf + d2 + 12, 0);	/* raw, but not a page long */
	expect_page(&x, 2, KD_ERR_CORRUPT, "flags 0x0");
	put64(x.buf + d2, 0);
	expect_page(&x, 2, KD_ERR_LOST, "incomplete");
	/* compressed bytes damaged: that page only */
	uint64_t off;
	memcpy(&off, x.buf + d2, 8);
	memset(x.buf + off + 2, 0x5a, 8);
	expect_page(&x, 2, KD_ERR_CORRUPT, "zlib");
	/* each compressor rejects garbage */
	static const unsigned methods[] = { DG_LZO, DG_SNAPPY, DG_ZSTD };
	for (size_t i = 0; i < KD_ARRAY_SIZE(methods); i++) {
		put32(x.buf + d2 + 12, methods[i]);
		expect_page(&x, 2, KD_ERR_CORRUPT, "compressed data");
	}
	put32(x.buf + d2 + 12, 0x40);	/* unknown method: raw size check */
	expect_page(&x, 2, KD_ERR_CORRUPT, "is corrupt");
	damage_end(&x);
}

static void test_corrupt_kdump_bitmaps(void **state)
{
	(void)state;
	struct damaged x;
	damage_start(&x, (struct dg_spec){ .format = DG_KDUMP,
					   .compression = DG_LZO });
	uint32_t sub;
	memcpy(&sub, x.buf + 432, 4);
	size_t bm2 = (1 + sub) * 4096 + 4096;
	/* all pages marked dumped: descriptors run out (past the data) */
	memset(x.buf + bm2, 0xff, 4096);
	kd_error_destroy(exercise("bits.kdump", x.buf, x.len));
	damage_reset(&x);
	x.buf[bm2 - 4096] &= ~4;	/* pfn 2: neither RAM nor dumped */
	x.buf[bm2] &= ~4;
	expect_page(&x, 2, KD_ERR_NOT_PRESENT, "not present");
	damage_end(&x);
}

static void test_corrupt_elf(void **state)
{
	(void)state;
	struct damaged x;
	damage_start(&x, (struct dg_spec){ .format = DG_ELF64 });
	uint16_t v16 = 0xfffe;
	memcpy(x.buf + 56, &v16, 2);
	expect_open_error(&x, KD_ERR_TRUNCATED, "program header table");
	put64(x.buf + 32, 1ull << 60);
	expect_open_error(&x, KD_ERR_TRUNCATED, "program header table");
	v16 = 8;
	memcpy(x.buf + 54, &v16, 2);
	expect_open_error(&x, KD_ERR_CORRUPT, "e_phentsize");
	v16 = PN_XNUM;
	memcpy(x.buf + 56, &v16, 2);
	expect_open_error(&x, KD_ERR_CORRUPT, "PN_XNUM");
	v16 = ET_EXEC;
	memcpy(x.buf + 16, &v16, 2);
	expect_open_error(&x, KD_ERR_FORMAT, "not a core dump");
	x.buf[EI_CLASS] = 7;
	expect_open_error(&x, KD_ERR_FORMAT, "unknown class");
	/* second PT_LOAD (pfns 4..10) with its data past the end */
	put64(x.buf + 64 + 2 * 56 + 8, x.len + 4096);
	expect_page(&x, 5, KD_ERR_LOST, "past the end");
	/* a note with a huge name size: notes dropped, memory readable */
	uint64_t note_off;
	memcpy(&note_off, x.buf + 64 + 8, 8);
	put32(x.buf + note_off, 0x7fffffff);
	expect_page(&x, 2, 0, NULL);
	/* PT_NOTE past the end: a warning, memory readable */
	put64(x.buf + 64 + 8, 1ull << 61);
	expect_page(&x, 2, 0, NULL);
	/* overlapping PT_LOADs (kcore-like): clipped, no crash */
	put64(x.buf + 64 + 2 * 56 + 24, 0);
	kd_error_destroy(exercise("overlap.elf", x.buf, x.len));
	damage_end(&x);
}

static void test_corrupt_flattened(void **state)
{
	(void)state;
	struct damaged x;
	damage_start(&x, (struct dg_spec){ .format = DG_KDUMP,
					   .compression = DG_ZLIB,
					   .flattened = 1 });
	size_t rec1 = x.d.files[0].marks[1];
	/* a record far away: a huge reassembled size, nothing allocated */
	uint64_t far = htobe64(1ull << 50);
	memcpy(x.buf + rec1, &far, 8);
	kd_error_destroy(exercise("far.flat", x.buf, x.len));
	damage_reset(&x);
	/* a size running past the stream: truncated, early data kept */
	uint64_t huge = htobe64(1ull << 40);
	memcpy(x.buf + rec1 + 8, &huge, 8);
	kd_error_destroy(exercise("long.flat", x.buf, x.len));
	damage_reset(&x);
	uint64_t neg = htobe64((uint64_t)-7);
	memcpy(x.buf + rec1, &neg, 8);
	expect_open_error(&x, KD_ERR_CORRUPT, "bad offset");
	damage_end(&x);
}

/* The header claims bitmaps larger than the stored data of a flattened
 * file whose records leave a huge hole: refused, not allocated. */
static void test_no_unbounded_allocation(void **state)
{
	(void)state;
	struct dg_dump d;
	generate((struct dg_spec){ .format = DG_KDUMP,
				   .compression = DG_ZLIB }, &d);
	struct dg_file *img = &d.files[0];
	uint32_t bm = 1u << 30;		/* 4 TiB of bitmap at 4 KiB blocks */
	memcpy(img->data + 436, &bm, 4);
	/* make the reassembled file large enough to "contain" them */
	struct dg_file big = *img;
	struct dg_file flat = { 0 };
	assert_int_equal(dg_flatten(&big, 0, &flat), 0);
	/* append a record at offset 5 TiB before the end marker */
	flat.len -= 16;
	uint8_t rec[17] = { 0 };
	uint64_t off = htobe64(5ull << 40), one = htobe64(1);
	memcpy(rec, &off, 8);
	memcpy(rec + 8, &one, 8);
	uint8_t *n = realloc(flat.data, flat.len + sizeof(rec) + 16);
	assert_non_null(n);
	flat.data = n;
	memcpy(flat.data + flat.len, rec, sizeof(rec));
	memset(flat.data + flat.len + sizeof(rec), 0xff, 16);
	flat.len += sizeof(rec) + 16;
	struct kd_dump *dump;
	struct kd_error *err = kd_dump_open_memory("hole.flat", flat.data,
						   flat.len, &dump);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "larger than the file's data"));
	kd_error_destroy(err);
	free(flat.data);
	dg_dump_free(&d);
}

/* ---- random damage ---- */

static void test_random_mutations(void **state)
{
	(void)state;
	uint64_t x = 0x1234567;
	for (size_t i = 0; i < KD_ARRAY_SIZE(specs); i++) {
		struct dg_dump d;
		generate(specs[i], &d);
		const struct dg_file *f = &d.files[0];
		uint8_t *buf = malloc(f->len);
		for (int round = 0; round < 150; round++) {
			memcpy(buf, f->data, f->len);
			int flips = 1 + round % 8;
			for (int k = 0; k < flips; k++) {
				x = x * 6364136223846793005ull + 1;
				/* favour the headers, where damage matters */
				size_t range = round % 2 ? f->len : 8192;
				size_t at = (x >> 17) % (range < f->len ? range
									: f->len);
				buf[at] = (uint8_t)(x >> 40);
			}
			kd_error_destroy(exercise("mut.vmcore", buf, f->len));
		}
		free(buf);
		dg_dump_free(&d);
	}
}

int main(void)
{
	devnull = fopen("/dev/null", "w");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_truncated_kdump_keeps_early_pages),
		cmocka_unit_test(test_truncated_elf_data_is_lost),
		cmocka_unit_test(test_corrupt_kdump_header),
		cmocka_unit_test(test_corrupt_kdump_descriptors),
		cmocka_unit_test(test_corrupt_kdump_bitmaps),
		cmocka_unit_test(test_corrupt_elf),
		cmocka_unit_test(test_corrupt_flattened),
		cmocka_unit_test(test_no_unbounded_allocation),
		cmocka_unit_test(test_random_mutations),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	fclose(devnull);
	return r;
}
