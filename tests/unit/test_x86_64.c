// SPDX-License-Identifier: GPL-2.0-or-later
/* x86_64 translation on synthetic page tables held in a byte array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/arch.h>

#define MEM_PAGES 64
#define PG 4096ULL

struct phys {
	unsigned char mem[MEM_PAGES * PG];
	int reads;
};

static struct kd_error *read_phys(void *arg, uint64_t paddr, void *buf,
				  size_t len)
{
	struct phys *m = arg;
	m->reads++;
	if (paddr + len > sizeof(m->mem) || paddr + len < paddr)
		return kd_error_fault(KD_ERR_NOT_PRESENT, paddr,
				      "physical address %#llx not in the dump",
				      (unsigned long long)paddr);
	memcpy(buf, m->mem + paddr, len);
	return NULL;
}

static void set_entry(struct phys *m, uint64_t table_pfn, unsigned idx,
		      uint64_t val)
{
	memcpy(m->mem + table_pfn * PG + 8 * idx, &val, 8);
}

/* Page numbers of the tables in the synthetic memory. */
enum { PGD = 1, PUD = 2, PMD = 3, PTE = 4, P5 = 5, P4D = 6, DATA = 10 };

#define VA_4K   0xffffc90000001000ULL	/* vmalloc-like (synthetic page tables) */
#define VA_2M   0xffffc90000200000ULL	/* synthetic page tables */
#define VA_1G   0xffffc90040000000ULL	/* synthetic page tables */
#define VA_HOLE 0xffffc90000600000ULL	/* synthetic page tables */

static unsigned idx(uint64_t va, int shift)
{
	return (va >> shift) & 511;
}

static struct phys *build(int l5)
{
	struct phys *m = calloc(1, sizeof(*m));
	uint64_t root = l5 ? P5 : PGD;
	if (l5)
		set_entry(m, P5, idx(VA_4K, 48), P4D * PG | 0x63);
	uint64_t top = l5 ? P4D : PGD;
	(void)root;
	set_entry(m, top, idx(VA_4K, 39), PUD * PG | 0x63);
	set_entry(m, PUD, idx(VA_4K, 30), PMD * PG | 0x63);
	/* 1 GiB page at PUD level, NX bit set */
	set_entry(m, PUD, idx(VA_1G, 30), (1ULL << 30) | 0x80 | 0xe3 | (1ULL << 63));
	set_entry(m, PMD, idx(VA_4K, 21), PTE * PG | 0x63);
	set_entry(m, PMD, idx(VA_2M, 21), (2ULL << 21) | 0xe3);
	set_entry(m, PMD, idx(VA_HOLE, 21), 0);	/* not present */
	/* two adjacent 4K pages mapped to non-adjacent frames */
	set_entry(m, PTE, idx(VA_4K, 12), (DATA + 2) * PG | 0x63 | (1ULL << 63));
	set_entry(m, PTE, idx(VA_4K + PG, 12), DATA * PG | 0x63);
	memset(m->mem + (DATA + 2) * PG, 'A', PG);
	memset(m->mem + DATA * PG, 'B', PG);
	return m;
}

static struct kd_arch *make(struct phys *m, int l5)
{
	struct kd_x86_64_params p = {
		.pgd_paddr = (l5 ? P5 : PGD) * PG,
		.phys_base = 0x1000000,
		.page_offset_base = 0xffff888000000000ULL,	/* synthetic page tables */
		.direct_map_size = MEM_PAGES * PG,
		.image_start = 0xffffffff81000000ULL,	/* synthetic page tables */
		.image_end = 0xffffffff82000000ULL,	/* synthetic page tables */
		.l5 = l5,
	};
	struct kd_arch *a;
	assert_null(kd_x86_64_create(&p, read_phys, m, &a));
	return a;
}

static void test_levels(void **state)
{
	(void)state;
	for (int l5 = 0; l5 <= 1; l5++) {
		struct phys *m = build(l5);
		struct kd_arch *a = make(m, l5);
		struct kd_vtop_trace t;
		uint64_t pa;
		assert_null(kd_arch_walk(a, 0, VA_4K + 0x123, &pa, &t));
		assert_int_equal(pa, (DATA + 2) * PG + 0x123);	/* NX masked */
		assert_int_equal(t.page_size, 4096);
		assert_int_equal(t.nlevels, l5 ? 5 : 4);
		assert_int_equal(t.level[t.nlevels - 1], KD_PT_PTE);
		assert_int_equal(t.entry_paddr[t.nlevels - 1],
				 PTE * PG + 8 * idx(VA_4K, 12));

		assert_null(kd_arch_walk(a, 0, VA_2M + 0x12345, &pa, &t));
		assert_int_equal(pa, (2ULL << 21) + 0x12345);
		assert_int_equal(t.page_size, 2ULL << 20);

		assert_null(kd_arch_walk(a, 0, VA_1G + 0x1234567, &pa, &t));
		assert_int_equal(pa, (1ULL << 30) + 0x1234567);
		assert_int_equal(t.page_size, 1ULL << 30);
		assert_int_equal(t.level[t.nlevels - 1], KD_PT_PUD);
		kd_arch_destroy(a);
		free(m);
	}
}

static void test_errors_name_the_level(void **state)
{
	(void)state;
	struct phys *m = build(0);
	struct kd_arch *a = make(m, 0);
	uint64_t pa;
	struct kd_error *err = kd_arch_kvtop(a, VA_HOLE, &pa);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_FAULT);
	assert_non_null(strstr(err->message, "PMD entry not present for ffffc90000600000"));	/* synthetic page tables */
	kd_error_destroy(err);

	err = kd_arch_kvtop(a, 0xffff900000000000ULL, &pa);	/* PGD slot empty */
	assert_non_null(strstr(err->message, "PGD entry not present"));
	kd_error_destroy(err);

	err = kd_arch_kvtop(a, 0x0000900000000000ULL | (1ULL << 62), &pa);
	assert_non_null(strstr(err->message, "not a canonical address"));
	kd_error_destroy(err);

	/* A corrupt entry pointing outside memory: an error, not a crash. */
	set_entry(m, PMD, idx(VA_4K, 21), 0x000ffffffffff063ULL);
	kd_arch_flush(a);
	err = kd_arch_kvtop(a, VA_4K, &pa);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_NOT_PRESENT);
	assert_non_null(strstr(err->message, "reading PTE for"));
	kd_error_destroy(err);
	kd_arch_destroy(a);
	free(m);
}

static void test_read_across_pages_and_cache(void **state)
{
	(void)state;
	struct phys *m = build(0);
	struct kd_arch *a = make(m, 0);
	unsigned char buf[16];
	assert_null(kd_arch_read_kvirt(a, VA_4K + PG - 8, buf, sizeof(buf)));
	assert_memory_equal(buf, "AAAAAAAABBBBBBBB", 16);
	int before = m->reads;
	assert_null(kd_arch_read_kvirt(a, VA_4K + 8, buf, 8));
	assert_int_equal(m->reads - before, 1);	/* TLB hit: data read only */
	/* Another page under a cached PMD: only the PTE and the data. */
	kd_arch_flush(a);
	assert_null(kd_arch_read_kvirt(a, VA_4K, buf, 1));
	before = m->reads;
	assert_null(kd_arch_read_kvirt(a, VA_4K + PG, buf, 1));
	assert_int_equal(m->reads - before, 2);
	/* Fault inside a multi-page read reports the virtual address. */
	struct kd_error *err = kd_arch_read_kvirt(a, VA_4K + 2 * PG - 4, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->addr, VA_4K + 2 * PG);
	assert_non_null(strstr(err->message, "PTE entry not present"));
	kd_error_destroy(err);
	kd_arch_destroy(a);
	free(m);
}

static void test_fast_paths(void **state)
{
	(void)state;
	struct phys *m = build(0);
	struct kd_arch *a = make(m, 0);
	uint64_t pa;
	assert_null(kd_arch_kvtop(a, 0xffff888000003000ULL, &pa));	/* synthetic page tables */
	assert_int_equal(pa, 0x3000);
	assert_int_equal(kd_arch_ptov(a, 0x3000), 0xffff888000003000ULL);	/* synthetic page tables */
	assert_null(kd_arch_kvtop(a, 0xffffffff81000010ULL, &pa));	/* synthetic page tables */
	assert_int_equal(pa, 0x1000000 + 0x1000010);
	assert_true(kd_arch_is_kvaddr(a, 0xffff888000003000ULL));	/* synthetic page tables */
	assert_false(kd_arch_is_kvaddr(a, 0x7fffffff0000ULL));
	/* User space: needs a root; walks it without the kernel caches. */
	unsigned char c;
	struct kd_error *err = kd_arch_read_uvirt(a, 0, 0x1000, &c, 1);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	assert_null(kd_arch_read_uvirt(a, PGD * PG, VA_4K, &c, 1));
	assert_int_equal(c, 'A');
	kd_arch_destroy(a);
	free(m);
}

static void test_bad_params(void **state)
{
	(void)state;
	struct kd_x86_64_params p = { .pgd_paddr = 0x1234 };
	struct kd_arch *a;
	struct kd_error *err = kd_x86_64_create(&p, read_phys, NULL, &a);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	kd_arch_destroy(NULL);
}

/* KASLR probe: the kernel image mapped at a slide through 2 MiB pages. */
static void test_find_kaslr(void **state)
{
	(void)state;
	struct phys *m = calloc(1, sizeof(*m));
	const uint64_t text_link = 0xffffffff81000000ULL;	/* synthetic page tables */
	const uint64_t banner_link = 0xffffffff81200000ULL + 0x40;	/* synthetic page tables */
	const uint64_t slide = 0x6400000;	/* 100 MiB */
	/* _text and the banner mapped through 4K PTEs (our memory is small). */
	uint64_t va_text = text_link + slide, va_banner = banner_link + slide;
	set_entry(m, PGD, idx(va_text, 39), PUD * PG | 0x63);
	set_entry(m, PUD, idx(va_text, 30), PMD * PG | 0x63);
	set_entry(m, PMD, idx(va_text, 21), PTE * PG | 0x63);
	set_entry(m, PMD, idx(va_banner, 21), (PTE + 1) * PG | 0x63);
	set_entry(m, PTE, idx(va_text, 12), DATA * PG | 0x63);
	set_entry(m, PTE + 1, idx(va_banner, 12), (DATA + 1) * PG | 0x63);
	const char banner[] = "Linux version 6.1.0-test (x@y) #1 SMP";
	memcpy(m->mem + (DATA + 1) * PG + 0x40, banner, sizeof(banner) - 1);
	struct kd_kaslr_probe pr = {
		.cr3 = PGD * PG | 0x800,	/* low bits (PCID) are ignored */
		.banner_link = banner_link,
		.banner = banner,
		.banner_len = sizeof(banner) - 1,
		.text_link = text_link,
		.align = 2ULL << 20,
		.max_slide = 1ULL << 30,
	};
	uint64_t s, pb;
	assert_null(kd_x86_64_find_kaslr(&pr, read_phys, m, &s, &pb));
	assert_int_equal(s, slide);
	assert_int_equal(pb, DATA * PG - (text_link + slide - 0xffffffff80000000ULL));	/* synthetic page tables */
	/* A different banner is not found: a clear error. */
	pr.banner = "Linux version 5.x";
	pr.banner_len = 17;
	struct kd_error *err = kd_x86_64_find_kaslr(&pr, read_phys, m, &s, &pb);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "linux_banner not found"));
	kd_error_destroy(err);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_errors_name_the_level),
		cmocka_unit_test(test_read_across_pages_and_cache),
		cmocka_unit_test(test_fast_paths),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_find_kaslr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
