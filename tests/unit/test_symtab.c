// SPDX-License-Identifier: GPL-2.0-or-later
/* The symbol table on the fixture ELF. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <pykdump/symbols.h>

#include "debuginfo_test.h"

static struct kd_symtab *symtab(struct kd_debuginfo *di)
{
	struct kd_symtab *st;
	assert_null(kd_debuginfo_symtab(di, &st));
	return st;
}

static void test_letters_and_flags(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	static const struct { const char *name; char type; unsigned flag; } want[] = {
		{ "fixture_func", 'T', KD_SYM_FUNC | KD_SYM_GLOBAL },
		{ "fixture_bss", 'B', KD_SYM_OBJECT },
		{ "linux_banner", 'R', KD_SYM_OBJECT },
		{ "fixture_bits", 'D', KD_SYM_OBJECT },
		{ "fixture_counter", 'd', KD_SYM_OBJECT },
		{ "dup_static", 't', KD_SYM_FUNC },
		{ "fixture_percpu", 'D', KD_SYM_PERCPU },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kd_symbol sym;
		assert_null(kd_symtab_lookup(st, want[i].name, &sym));
		assert_string_equal(sym.name, want[i].name);
		assert_int_equal(sym.type, want[i].type);
		assert_true((sym.flags & want[i].flag) == want[i].flag);
	}
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(st, "no_such_symbol", &sym);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
	/* section and file symbols are not kept */
	assert_int_equal(kd_symtab_lookup_all(st, "types_fixture.c", &sym, 1), 0);
	kd_debuginfo_close(di);
}

static void test_duplicates_in_address_order(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	struct kd_symbol s[4];
	assert_int_equal(kd_symtab_lookup_all(st, "dup_static", s, 4), 2);
	assert_true(s[0].value < s[1].value);
	assert_int_equal(kd_symtab_lookup_all(st, "fixture_counter", s, 1), 2);
	kd_debuginfo_close(di);
}

/* Every symbol is found by its name, once, and each name's matches come
 * in address order (the one-slot-per-name hash and its same-name
 * chains), before and after a relocation that reorders the table. */
static void check_every_name(struct kd_symtab *st)
{
	size_t n = kd_symtab_count(st), total = 0;
	for (size_t i = 0; i < n; i++) {
		struct kd_symbol sym, m[64];
		assert_true(kd_symtab_get(st, i, &sym));
		size_t k = kd_symtab_lookup_all(st, sym.name, m, 64);
		assert_true(k >= 1 && k <= 64);
		int seen = 0, first;
		for (size_t j = 0; j < k; j++) {
			assert_string_equal(m[j].name, sym.name);
			assert_true(j == 0 || m[j - 1].value <= m[j].value);
			seen += m[j].index == sym.index;
		}
		assert_int_equal(seen, 1);
		/* count each name once: at its first match */
		first = m[0].index == sym.index;
		if (first)
			total += k;
	}
	assert_int_equal(total, n);
}

static void test_every_symbol_by_name(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	check_every_name(st);
	kd_symtab_set_relocation(st, 0x40000000);
	check_every_name(st);
	kd_symtab_set_relocation(st, 0);
	check_every_name(st);
	kd_debuginfo_close(di);
}

static void test_address_lookup_and_relocation(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	struct kd_symbol func, percpu, near;
	uint64_t off;
	assert_null(kd_symtab_lookup(st, "fixture_func", &func));
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &percpu));
	assert_true(kd_symtab_by_addr(st, func.value + 3, &near, &off));
	assert_string_equal(near.name, "fixture_func");
	assert_int_equal(off, 3);
	assert_true(kd_symtab_percpu_by_offset(st, percpu.value, &near, &off));
	assert_string_equal(near.name, "fixture_percpu");

	kd_symtab_set_relocation(st, 0x200000);
	assert_int_equal(kd_symtab_relocation(st), 0x200000);
	struct kd_symbol moved, still;
	assert_null(kd_symtab_lookup(st, "fixture_func", &moved));
	assert_int_equal(moved.value, func.value + 0x200000);
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &still));
	assert_int_equal(still.value, percpu.value);	/* offsets do not move */
	assert_true(kd_symtab_by_addr(st, moved.value + 1, &near, &off));
	assert_string_equal(near.name, "fixture_func");
	assert_false(kd_symtab_by_addr(st, 0x10, &near, &off));
	uint64_t start, end;
	kd_symtab_image_range(st, &start, &end);
	assert_true(start <= moved.value && moved.value < end);

	/* the sorted view is in address order */
	struct kd_symbol a, b;
	for (size_t i = 1; i < kd_symtab_count(st); i++) {
		assert_true(kd_symtab_get(st, i - 1, &a));
		assert_true(kd_symtab_get(st, i, &b));
		assert_true(a.value <= b.value);
	}
	assert_false(kd_symtab_get(st, kd_symtab_count(st), &a));
	kd_debuginfo_close(di);
}

static void test_banner_and_build_id(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	assert_string_equal(kd_debuginfo_banner(di), "Linux version fixture\n");
	size_t len;
	assert_non_null(kd_debuginfo_build_id(di, &len));
	assert_int_equal(len, 20);
	assert_int_equal(strlen(kd_debuginfo_build_id_hex(di)), 40);
	assert_int_equal(kd_debuginfo_machine(di), 62);	/* EM_X86_64 */
	kd_debuginfo_close(di);
}

/* ---- the cached image (<cache>/index/<build-id>.symtab) ---- */

static struct kd_debuginfo *open_opts(int no_cache, int rebuild)
{
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir,
					     .no_cache = no_cache,
					     .rebuild = rebuild };
	struct kd_debuginfo *di;
	assert_null(kd_debuginfo_open(fixture_path, &opts, &di));
	return di;
}

static void image_path(char *buf, size_t size, struct kd_debuginfo *di)
{
	snprintf(buf, size, "%s/index/%s.symtab", cache_dir,
		 kd_debuginfo_build_id_hex(di));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

/* Every symbol of a and b agrees, by position and by name. */
static void assert_same_tables(struct kd_symtab *a, struct kd_symtab *b)
{
	assert_int_equal(kd_symtab_count(a), kd_symtab_count(b));
	for (size_t i = 0; i < kd_symtab_count(a); i++) {
		struct kd_symbol x, y, z[4];
		assert_true(kd_symtab_get(a, i, &x));
		assert_true(kd_symtab_get(b, i, &y));
		assert_string_equal(x.name, y.name);
		assert_string_equal(x.raw_name, y.raw_name);
		assert_int_equal(x.value, y.value);
		assert_int_equal(x.size, y.size);
		assert_int_equal(x.type, y.type);
		assert_int_equal(x.flags, y.flags);
		size_t n = kd_symtab_lookup_all(b, x.name, z, 4);
		assert_int_equal(n, kd_symtab_lookup_all(a, x.name, z, 0));
		assert_true(n >= 1);
	}
}

static void test_cached_table_equals_built(void **state)
{
	(void)state;
	struct kd_debuginfo *plain = open_opts(1, 0);
	struct kd_debuginfo *first = open_opts(0, 1);	/* builds, saves */
	struct kd_debuginfo *second = open_opts(0, 0);	/* maps the image */
	char path[256];
	struct stat sb;
	image_path(path, sizeof(path), first);
	struct kd_symtab *p = symtab(plain), *f = symtab(first);
	assert_int_equal(stat(path, &sb), 0);
	struct kd_symtab *c = symtab(second);
	struct stat sb2;	/* used, not rewritten (a rewrite renames) */
	assert_int_equal(stat(path, &sb2), 0);
	assert_int_equal(sb.st_ino, sb2.st_ino);
	assert_same_tables(p, f);
	assert_same_tables(p, c);
	/* relocated the same way (the image holds link addresses) */
	kd_symtab_set_relocation(p, 0x40000000);
	kd_symtab_set_relocation(c, 0x40000000);
	assert_same_tables(p, c);
	kd_symtab_set_relocation(c, 0);
	kd_symtab_set_relocation(p, 0);
	assert_same_tables(p, c);
	kd_debuginfo_close(plain);
	kd_debuginfo_close(first);
	kd_debuginfo_close(second);
}

/* A relocation that moves symbols past unmoved ones re-sorts. */
static void test_relocation_reorders(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_opts(0, 0);
	struct kd_symtab *st = symtab(di);
	struct kd_symbol func, percpu, x;
	assert_null(kd_symtab_lookup(st, "fixture_func", &func));
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &percpu));
	/* move the image below 0: it wraps to the top of the address
	 * space in link order, so the order must change */
	kd_symtab_set_relocation(st, (uint64_t)0 - func.value - 0x1000);
	for (size_t i = 1; i < kd_symtab_count(st); i++) {
		struct kd_symbol a, b;
		assert_true(kd_symtab_get(st, i - 1, &a));
		assert_true(kd_symtab_get(st, i, &b));
		assert_true(a.value <= b.value);
		assert_int_equal(b.index, i);
	}
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &x));
	assert_int_equal(x.value, percpu.value);
	assert_true(kd_symtab_get(st, x.index, &x));
	assert_string_equal(x.name, "fixture_percpu");
	kd_debuginfo_close(di);
}

static void flip(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char ch;
	assert_true(fd >= 0);
	if (off < 0)
		off += lseek(fd, 0, SEEK_END);
	assert_int_equal(pread(fd, &ch, 1, off), 1);
	ch ^= 0x5a;
	assert_int_equal(pwrite(fd, &ch, 1, off), 1);
	close(fd);
}

/* A damaged or stale image is not used: the table is rebuilt (same
 * answers) and the image rewritten. */
static void test_damaged_image_is_rebuilt(void **state)
{
	(void)state;
	static const off_t where[] = { 0, 60, 200, -1 };
	struct kd_debuginfo *plain = open_opts(1, 0);
	struct kd_debuginfo *di = open_opts(0, 1);
	char path[256];
	size_t len, len2;
	image_path(path, sizeof(path), di);
	(void)symtab(di);
	kd_debuginfo_close(di);
	char *good = slurp(path, &len);
	for (size_t i = 0; i <= sizeof(where) / sizeof(where[0]); i++) {
		if (i < sizeof(where) / sizeof(where[0]))
			flip(path, where[i]);
		else
			assert_int_equal(truncate(path, (off_t)len / 2), 0);
		di = open_opts(0, 0);
		assert_same_tables(symtab(plain), symtab(di));
		kd_debuginfo_close(di);
		char *now = slurp(path, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(good, now, len);
		free(now);
	}
	free(good);
	kd_debuginfo_close(plain);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_cached_table_equals_built),
	cmocka_unit_test(test_relocation_reorders),
	cmocka_unit_test(test_damaged_image_is_rebuilt),
	cmocka_unit_test(test_every_symbol_by_name),
	cmocka_unit_test(test_letters_and_flags),
	cmocka_unit_test(test_duplicates_in_address_order),
	cmocka_unit_test(test_address_lookup_and_relocation),
	cmocka_unit_test(test_banner_and_build_id),
};

RUN_ON_FIXTURES(tests)
