// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump layer on synthetic dumps of every format and compression
 * (tests/unit/dumpgen.c): page states, contents, reads across pages,
 * notes, VMCOREINFO, facts and page counts against the generator's model.
 */
#include <elf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pykdump/dump.h>
#include <pykdump/vmcoreinfo.h>

#include "dumpgen.h"

/* ---- helpers ---- */

struct fixture {
	char dir[64];
	char *paths[DG_MAX_FILES];
	size_t n;
	struct dg_spec spec;
	struct kd_dump *d;
};

static void write_spec(struct fixture *fx, const struct dg_spec *spec)
{
	fx->spec = *spec;
	dg_spec_normalize(&fx->spec);
	struct dg_dump dump;
	assert_int_equal(dg_generate(&fx->spec, &dump), 0);
	strcpy(fx->dir, "/tmp/kd-dumptest.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	assert_int_equal(dg_write(&dump, fx->dir, "vmcore", fx->paths), 0);
	fx->n = dump.nfiles;
	dg_dump_free(&dump);
}

static void cleanup(struct fixture *fx)
{
	kd_dump_close(fx->d);
	for (size_t i = 0; i < fx->n; i++) {
		unlink(fx->paths[i]);
		free(fx->paths[i]);
	}
	rmdir(fx->dir);
	memset(fx, 0, sizeof(*fx));
}

static void open_spec(struct fixture *fx, const struct dg_spec *spec)
{
	write_spec(fx, spec);
	struct kd_error *err = kd_dump_open((const char *const *)fx->paths,
					    fx->n, &fx->d);
	if (err)
		fail_msg("open: %s", err->message);
}

static int is_kdump(const struct dg_spec *s)
{
	return s->format == DG_KDUMP || s->format == DG_DISKDUMP;
}

static enum kd_page_state expected(const struct dg_spec *s, uint64_t pfn)
{
	switch (dg_page_kind(s, pfn)) {
	case DG_HOLE:
		return KD_PAGE_NOT_PRESENT;
	case DG_EXCLUDED:
		/* One bitmap: excluded and absent look the same. */
		return s->format == DG_DISKDUMP ? KD_PAGE_NOT_PRESENT
						: KD_PAGE_EXCLUDED;
	case DG_LOST:
		return is_kdump(s) ? KD_PAGE_LOST : KD_PAGE_DUMPED;
	default:
		return KD_PAGE_DUMPED;
	}
}

static enum kd_error_code code_of(enum kd_page_state st)
{
	switch (st) {
	case KD_PAGE_NOT_PRESENT:
		return KD_ERR_NOT_PRESENT;
	case KD_PAGE_EXCLUDED:
		return KD_ERR_EXCLUDED;
	case KD_PAGE_LOST:
		return KD_ERR_LOST;
	default:
		return KD_ERR_CORRUPT;
	}
}

static void check_pages(struct kd_dump *d, const struct dg_spec *s)
{
	uint32_t ps = s->page_size;
	uint8_t *buf = malloc(ps), *want = malloc(ps);
	for (uint64_t pfn = 0; pfn < s->npfns + 3; pfn++) {
		enum kd_page_state st = expected(s, pfn);
		assert_int_equal(kd_dump_page_state(d, pfn), st);
		struct kd_error *err = kd_dump_read_phys(d, pfn * ps, buf, ps, 0);
		if (st == KD_PAGE_DUMPED) {
			if (err)
				fail_msg("pfn 0x%llx: %s", (unsigned long long)pfn,
					 err->message);
			dg_page_fill(s, pfn, want);
			assert_memory_equal(buf, want, ps);
			continue;
		}
		assert_non_null(err);
		assert_int_equal(err->code, code_of(st));
		assert_int_equal(err->addr, pfn * ps);
		kd_error_destroy(err);
		/* --zero_excluded reads excluded pages (only) as zeros. */
		memset(buf, 0xff, ps);
		err = kd_dump_read_phys(d, pfn * ps, buf, ps,
					KD_READ_ZERO_EXCLUDED);
		if (st == KD_PAGE_EXCLUDED) {
			assert_null(err);
			memset(want, 0, ps);
			assert_memory_equal(buf, want, ps);
		} else {
			assert_non_null(err);
			kd_error_destroy(err);
		}
	}
	free(buf);
	free(want);
}

/* A read across pages 4..6 (all dumped in the model) at odd offsets. */
static void check_span(struct kd_dump *d, const struct dg_spec *s)
{
	uint32_t ps = s->page_size;
	size_t len = 2 * ps + 50;
	uint8_t *want = malloc(3 * ps), *buf = malloc(len);
	for (int i = 0; i < 3; i++)
		dg_page_fill(s, 4 + i, want + i * ps);
	assert_null(kd_dump_read_phys(d, 4 * ps + 100, buf, len, 0));
	assert_memory_equal(buf, want + 100, len);
	/* From page 2 into the excluded page 3: fails at page 3. */
	struct kd_error *err = kd_dump_read_phys(d, 2 * ps + 10, buf, 2 * ps, 0);
	assert_non_null(err);
	assert_int_equal(err->addr, 3 * ps);
	kd_error_destroy(err);
	free(want);
	free(buf);
}

static int has_notes(const struct dg_spec *s)
{
	if (s->no_notes || s->format == DG_DISKDUMP)
		return 0;
	return !is_kdump(s) || s->header_version >= 4;
}

static int has_vmcoreinfo(const struct dg_spec *s)
{
	if (s->no_vmcoreinfo || s->format == DG_DISKDUMP)
		return 0;
	return !is_kdump(s) || s->header_version >= 3;
}

static void check_notes(struct kd_dump *d, const struct dg_spec *s)
{
	if (!has_notes(s)) {
		assert_int_equal(kd_dump_nr_cpu_states(d), 0);
		return;
	}
	assert_int_equal(kd_dump_nr_cpu_states(d), s->ncpus);
	int x86 = s->machine == EM_X86_64 || s->machine == EM_386;
	for (unsigned i = 0; i < s->ncpus; i++) {
		const struct kd_cpu_state *c = kd_dump_cpu_state(d, i);
		assert_int_equal(c->pid, 100 + i);
		assert_int_equal(c->nr_regs, s->format == DG_ELF32 ? 17 : 27);
		for (unsigned r = 0; r < c->nr_regs; r++) {
			uint64_t v = dg_cpu_reg(i, r);
			if (s->format == DG_ELF32)
				v &= 0xffffffffu;
			assert_int_equal(c->regs[r], v);
		}
		assert_int_equal(c->has_cr3, x86);
		if (x86)
			assert_int_equal(c->cr3, dg_cpu_cr3(i));
	}
	assert_null(kd_dump_cpu_state(d, s->ncpus));
}

static void check_facts(struct kd_dump *d, const struct dg_spec *s)
{
	assert_int_equal(kd_dump_page_size(d), s->page_size);
	assert_int_equal(kd_dump_max_pfn(d), s->npfns);
	assert_int_equal(kd_dump_machine(d), s->machine);
	assert_int_equal(kd_dump_big_endian(d), s->big_endian);
	const struct kd_vmcoreinfo *vi = kd_dump_vmcoreinfo_table(d);
	if (has_vmcoreinfo(s)) {
		assert_non_null(vi);
		assert_string_equal(kd_dump_release(d), "6.1.0-synthetic");
		assert_int_equal(kd_dump_crash_time(d), 1700000123);
		uint64_t v;
		assert_null(kd_vmcoreinfo_symbol(vi, "swapper_pg_dir", &v));
		assert_int_equal(v, 0xffffffff82a0c000ull);	/* dumpgen's synthetic value */
	} else {
		assert_null(vi);
		assert_null(kd_dump_vmcoreinfo(d, NULL));
		assert_int_equal(kd_dump_crash_time(d),
				 is_kdump(s) ? 1700000000 : 0);
	}
	if (is_kdump(s)) {
		assert_non_null(kd_dump_utsname(d));
		assert_string_equal(kd_dump_utsname(d)->release,
				    "6.1.0-synthetic");
		assert_int_equal(kd_dump_nr_cpus(d), s->ncpus);
		assert_int_equal(kd_dump_level(d),
				 s->format == DG_KDUMP ? 31 : -1);
		uint64_t pb;
		assert_int_equal(kd_dump_phys_base(d, &pb),
				 s->format == DG_KDUMP);
	} else {
		assert_null(kd_dump_utsname(d));
		assert_int_equal(kd_dump_level(d), -1);
	}
	/* Only the old diskdump header records the crashing CPU (0 here). */
	assert_int_equal(kd_dump_panic_cpu(d),
			 s->format == DG_DISKDUMP ? 0 : -1);
	assert_int_equal(kd_dump_header_current_cpu(d), is_kdump(s) ? 0 : -1);
}

static void check_counts(struct kd_dump *d, const struct dg_spec *s)
{
	struct kd_page_counts want = { 0 }, got;
	for (uint64_t pfn = 0; pfn < s->npfns; pfn++) {
		enum kd_page_state st = expected(s, pfn);
		want.present += st != KD_PAGE_NOT_PRESENT;
		want.dumped += st == KD_PAGE_DUMPED;
		want.excluded += st == KD_PAGE_EXCLUDED;
		want.lost += st == KD_PAGE_LOST;
	}
	assert_null(kd_dump_count_pages(d, &got));
	assert_int_equal(got.present, want.present);
	assert_int_equal(got.dumped, want.dumped);
	assert_int_equal(got.excluded, want.excluded);
	assert_int_equal(got.lost, want.lost);
	assert_int_equal(got.corrupt, 0);
	/* describe runs and writes something */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_null(kd_dump_describe(d, out, 1));
	fclose(out);
	assert_non_null(strstr(text, "pages_dumped: "));
	free(text);
}

static void check_all(const struct dg_spec *spec)
{
	struct fixture fx = { 0 };
	open_spec(&fx, spec);
	check_pages(fx.d, &fx.spec);
	check_span(fx.d, &fx.spec);
	check_notes(fx.d, &fx.spec);
	check_facts(fx.d, &fx.spec);
	check_counts(fx.d, &fx.spec);
	cleanup(&fx);
}

static const char *format_of(const struct dg_spec *spec)
{
	static struct fixture fx;
	static char name[64];
	open_spec(&fx, spec);
	snprintf(name, sizeof(name), "%s", kd_dump_format_name(fx.d));
	cleanup(&fx);
	return name;
}

/* ---- ELF ---- */

static void test_elf64(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF64 });
	assert_string_equal(format_of(&(struct dg_spec){ .format = DG_ELF64 }),
			    "ELF");
}

static void test_elf64_phdrs_at_end(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF64, .phdrs_at_end = 1 });
}

static void test_elf32(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF32 });
	assert_string_equal(format_of(&(struct dg_spec){ .format = DG_ELF32 }),
			    "ELF32");
}

static void test_elf64_big_endian(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF64, .big_endian = 1,
				     .machine = EM_S390 });
}

static void test_elf_no_notes(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF64, .no_notes = 1,
				     .no_vmcoreinfo = 1 });
}

static void test_elf_pagesize_from_vmcoreinfo(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_ELF64, .page_size = 16384,
				     .machine = EM_AARCH64 });
}

static void test_elf_flattened(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_ELF64, .flattened = 1 };
	check_all(&s);
	assert_string_equal(format_of(&s), "ELF (flattened)");
	s.flat_shuffle = 1;
	check_all(&s);
}

/* /proc/vmcore's kernel text PT_LOAD lies inside a RAM PT_LOAD: both
 * hold the same bytes; reads must be right and nothing to warn about. */
static void test_elf_overlapping_segments(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_ELF64, .no_notes = 1,
			     .no_vmcoreinfo = 1 };
	dg_spec_normalize(&s);
	struct dg_dump dump;
	assert_int_equal(dg_generate(&s, &dump), 0);
	uint8_t *elf = dump.files[0].data;
	uint8_t *note = elf + 64, *seg1 = elf + 64 + 2 * 56;
	uint64_t off, paddr;
	memcpy(&off, seg1 + 8, 8);
	memcpy(&paddr, seg1 + 24, 8);
	/* turn the PT_NOTE into a "text" PT_LOAD: page 2 of segment 1 */
	uint32_t type = PT_LOAD;
	uint64_t text_off = off + 4096, text_paddr = paddr + 4096, sz = 4096;
	memcpy(note, &type, 4);
	memcpy(note + 8, &text_off, 8);
	memcpy(note + 24, &text_paddr, 8);
	memcpy(note + 32, &sz, 8);
	memcpy(note + 40, &sz, 8);
	struct kd_dump *d;
	assert_null(kd_dump_open_memory("vmcore", elf, dump.files[0].len, &d));
	assert_null(kd_dump_warning(d, 0));
	check_pages(d, &s);
	kd_dump_close(d);
	dg_dump_free(&dump);
}

/* ---- kdump ---- */

static const unsigned compressions[] = { DG_RAW, DG_ZLIB, DG_LZO, DG_SNAPPY,
					 DG_ZSTD };
static const char *const compression_names[] = { "none", "zlib", "lzo",
						  "snappy", "zstd" };

static void test_kdump_versions_and_compressions(void **state)
{
	(void)state;
	for (int v = 1; v <= 6; v++) {
		for (size_t c = 0; c < KD_ARRAY_SIZE(compressions); c++) {
			struct dg_spec s = { .format = DG_KDUMP,
					     .header_version = v,
					     .compression = compressions[c] };
			check_all(&s);
			struct fixture fx = { 0 };
			open_spec(&fx, &s);
			assert_string_equal(kd_dump_compression(fx.d),
					    compression_names[c]);
			assert_string_equal(kd_dump_format_name(fx.d), "kdump");
			cleanup(&fx);
		}
	}
}

static void test_kdump_big_endian(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .big_endian = 1,
				     .machine = EM_S390,
				     .compression = DG_ZLIB });
}

static void test_kdump_incomplete(void **state)
{
	(void)state;
	for (size_t c = 0; c < KD_ARRAY_SIZE(compressions); c++)
		check_all(&(struct dg_spec){ .format = DG_KDUMP,
					     .incomplete = 1,
					     .compression = compressions[c] });
	struct fixture fx = { 0 };
	open_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP, .incomplete = 1 });
	assert_non_null(kd_dump_warning(fx.d, 0));
	assert_non_null(strstr(kd_dump_warning(fx.d, 0), "incomplete"));
	cleanup(&fx);
}

static void test_kdump_large_pages(void **state)
{
	(void)state;
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .page_size = 65536,
				     .machine = EM_AARCH64,
				     .compression = DG_ZSTD });
}

static void test_diskdump_single_bitmap(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_DISKDUMP, .compression = DG_ZLIB };
	check_all(&s);
	assert_string_equal(format_of(&s), "diskdump");
}

static void test_kdump_flattened(void **state)
{
	(void)state;
	for (size_t c = 0; c < KD_ARRAY_SIZE(compressions); c++) {
		struct dg_spec s = { .format = DG_KDUMP, .flattened = 1,
				     .compression = compressions[c] };
		check_all(&s);
		s.flat_shuffle = 1;
		check_all(&s);
	}
	assert_string_equal(format_of(&(struct dg_spec){
		.format = DG_KDUMP, .flattened = 1 }), "kdump (flattened)");
}

static void test_kdump_many_pages(void **state)
{
	(void)state;
	/* Several prefix chunks (512 pfns) and bitmap blocks. */
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .npfns = 40000,
				     .compression = DG_LZO });
}

static void test_zero_page_shared_and_cached(void **state)
{
	(void)state;
	struct fixture fx = { 0 };
	open_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP,
					  .compression = DG_ZLIB });
	uint8_t buf[4096], zero[4096] = { 0 };
	unsigned long long reads = 0;
	/* pfns 1, 6, 11 ... are zero pages sharing one descriptor. */
	for (int round = 0; round < 3; round++)
		for (uint64_t pfn = 1; pfn < 60; pfn += 5) {
			if (dg_page_kind(&fx.spec, pfn) != DG_ZERO)
				continue;
			assert_null(kd_dump_read_phys(fx.d, pfn * 4096, buf,
						      sizeof(buf), 0));
			assert_memory_equal(buf, zero, sizeof(buf));
			reads++;
		}
	assert_true(reads >= 20);
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	assert_null(kd_dump_describe(fx.d, out, 0));
	fclose(out);
	/* One decompression, every other read a hit. */
	assert_non_null(strstr(text, "misses"));
	unsigned long long hits = 0, misses = 0;
	const char *p = strstr(text, "page_cache:");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "page_cache: %*u pages, %llu hits, %llu "
				"misses", &hits, &misses), 2);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, reads - 1);
	free(text);
	cleanup(&fx);
}

/* ---- split sets ---- */

static void test_split(void **state)
{
	(void)state;
	for (size_t c = 0; c < KD_ARRAY_SIZE(compressions); c++)
		check_all(&(struct dg_spec){ .format = DG_KDUMP, .nsplit = 3,
					     .compression = compressions[c] });
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .nsplit = 2,
				     .header_version = 2 });
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .nsplit = 3,
				     .flattened = 1, .flat_shuffle = 1,
				     .compression = DG_ZSTD });
	check_all(&(struct dg_spec){ .format = DG_KDUMP, .nsplit = 4,
				     .incomplete = 1, .npfns = 3000,
				     .compression = DG_SNAPPY });
	assert_string_equal(format_of(&(struct dg_spec){
		.format = DG_KDUMP, .nsplit = 3 }), "kdump (split, 3 files)");
}

static void test_split_any_order(void **state)
{
	(void)state;
	struct fixture fx = { 0 };
	write_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP, .nsplit = 3,
					   .compression = DG_ZLIB });
	const char *rev[3] = { fx.paths[2], fx.paths[0], fx.paths[1] };
	assert_null(kd_dump_open(rev, 3, &fx.d));
	check_pages(fx.d, &fx.spec);
	cleanup(&fx);
}

static void test_split_missing_part(void **state)
{
	(void)state;
	struct fixture fx = { 0 };
	write_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP, .nsplit = 2 });
	/* Only the first half: dumped pages of the second are lost. */
	assert_null(kd_dump_open((const char *const *)fx.paths, 1, &fx.d));
	assert_non_null(kd_dump_warning(fx.d, 0));
	uint64_t pfn = 40;	/* dumped in the model, in the second file */
	assert_int_equal(dg_page_kind(&fx.spec, pfn), DG_DUMPED);
	assert_int_equal(kd_dump_page_state(fx.d, pfn), KD_PAGE_LOST);
	uint8_t buf[4096];
	struct kd_error *err = kd_dump_read_phys(fx.d, pfn * 4096, buf, 4096, 0);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_LOST);
	assert_non_null(strstr(err->message, "split"));
	kd_error_destroy(err);
	assert_null(kd_dump_read_phys(fx.d, 2 * 4096, buf, 4096, 0));
	cleanup(&fx);
}

static void test_split_bad_sets(void **state)
{
	(void)state;
	struct fixture fx = { 0 }, plain = { 0 };
	write_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP, .nsplit = 2 });
	write_spec(&plain, &(struct dg_spec){ .format = DG_KDUMP });
	struct kd_dump *d;
	const char *twice[2] = { fx.paths[0], fx.paths[0] };
	struct kd_error *err = kd_dump_open(twice, 2, &d);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "overlapping"));
	kd_error_destroy(err);
	const char *mixed[2] = { fx.paths[0], plain.paths[0] };
	err = kd_dump_open(mixed, 2, &d);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "split"));
	kd_error_destroy(err);
	struct fixture elf = { 0 };
	write_spec(&elf, &(struct dg_spec){ .format = DG_ELF64 });
	const char *withelf[2] = { fx.paths[0], elf.paths[0] };
	err = kd_dump_open(withelf, 2, &d);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	cleanup(&fx);
	cleanup(&plain);
	cleanup(&elf);
}

/* ---- the API around reads ---- */

static void test_open_memory_and_default_flags(void **state)
{
	(void)state;
	struct dg_spec s = { .format = DG_KDUMP, .compression = DG_SNAPPY };
	dg_spec_normalize(&s);
	struct dg_dump dump;
	assert_int_equal(dg_generate(&s, &dump), 0);
	struct kd_dump *d;
	assert_null(kd_dump_open_memory("mem.kdump", dump.files[0].data,
					dump.files[0].len, &d));
	check_pages(d, &s);
	uint8_t buf[4096];
	struct kd_error *err = kd_dump_read_phys(d, 3 * 4096, buf, 4096, 0);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "mem.kdump"));
	assert_non_null(strstr(err->message, "0x3000"));
	kd_error_destroy(err);
	kd_dump_set_default_flags(d, KD_READ_ZERO_EXCLUDED);
	assert_null(kd_dump_read_phys(d, 3 * 4096, buf, 4096, 0));
	assert_int_equal(kd_dump_nr_files(d), 1);
	assert_string_equal(kd_dump_file_path(d, 0), "mem.kdump");
	assert_null(kd_dump_file_path(d, 1));
	kd_dump_close(d);
	dg_dump_free(&dump);
}

static void test_unknown_format(void **state)
{
	(void)state;
	static const char junk[] = "this is not a vmcore at all, just text\n";
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open_memory("notes.txt", junk,
						   sizeof(junk), &d);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_FORMAT);
	assert_non_null(strstr(err->message, "notes.txt"));
	assert_non_null(strstr(err->message, "\\x74\\x68"));
	kd_error_destroy(err);
	const char *none[1] = { "/nonexistent/vmcore" };
	err = kd_dump_open(none, 1, &d);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_OS);
	kd_error_destroy(err);
	err = kd_dump_open(none, 0, &d);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

/* Several threads reading one handle (the LRU is shared under a lock). */
struct reader_arg {
	struct kd_dump *d;
	const struct dg_spec *s;
	unsigned seed;
	int bad;
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	uint8_t buf[4096], want[4096];
	unsigned x = a->seed;
	for (int i = 0; i < 4000; i++) {
		x = x * 1103515245 + 12345;
		uint64_t pfn = (x >> 8) % a->s->npfns;
		if (expected(a->s, pfn) != KD_PAGE_DUMPED)
			continue;
		struct kd_error *err = kd_dump_read_phys(a->d, pfn * 4096, buf,
							 sizeof(buf), 0);
		dg_page_fill(a->s, pfn, want);
		a->bad += err != NULL || memcmp(buf, want, sizeof(buf)) != 0;
		kd_error_destroy(err);
	}
	return NULL;
}

static void test_concurrent_reads(void **state)
{
	(void)state;
	struct fixture fx = { 0 };
	/* more pages than the LRU holds, so threads evict each other */
	open_spec(&fx, &(struct dg_spec){ .format = DG_KDUMP, .npfns = 600,
					  .compression = DG_ZSTD });
	pthread_t t[4];
	struct reader_arg args[4];
	for (unsigned i = 0; i < 4; i++) {
		args[i] = (struct reader_arg){ fx.d, &fx.spec, i + 1, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, reader, &args[i]),
				 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(args[i].bad, 0);
	}
	cleanup(&fx);
}

static void test_page_state_names(void **state)
{
	(void)state;
	assert_string_equal(kd_page_state_name(KD_PAGE_DUMPED), "dumped");
	assert_string_equal(kd_page_state_name(KD_PAGE_LOST), "lost");
	assert_string_equal(kd_page_state_name(KD_PAGE_CORRUPT), "corrupt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64),
		cmocka_unit_test(test_elf64_phdrs_at_end),
		cmocka_unit_test(test_elf32),
		cmocka_unit_test(test_elf64_big_endian),
		cmocka_unit_test(test_elf_no_notes),
		cmocka_unit_test(test_elf_pagesize_from_vmcoreinfo),
		cmocka_unit_test(test_elf_flattened),
		cmocka_unit_test(test_elf_overlapping_segments),
		cmocka_unit_test(test_kdump_versions_and_compressions),
		cmocka_unit_test(test_kdump_big_endian),
		cmocka_unit_test(test_kdump_incomplete),
		cmocka_unit_test(test_kdump_large_pages),
		cmocka_unit_test(test_diskdump_single_bitmap),
		cmocka_unit_test(test_kdump_flattened),
		cmocka_unit_test(test_kdump_many_pages),
		cmocka_unit_test(test_zero_page_shared_and_cached),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_any_order),
		cmocka_unit_test(test_split_missing_part),
		cmocka_unit_test(test_split_bad_sets),
		cmocka_unit_test(test_open_memory_and_default_flags),
		cmocka_unit_test(test_unknown_format),
		cmocka_unit_test(test_concurrent_reads),
		cmocka_unit_test(test_page_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
