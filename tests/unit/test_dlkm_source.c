// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module debuginfo at known addresses (kd_debuginfo_add_module): the
 * relocatable fixture (fixtures/module_fixture.c) relocated to section
 * addresses we choose, shadowed types, hiding (unload) and showing again
 * with name caches dropped each time, and refused files leaving the
 * debuginfo as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <unistd.h>

#include <pykdump/memocache.h>
#include <pykdump/types.h>

#include "debuginfo_test.h"

#define BSS_ADDR 0xffffffffa0123000ull	/* synthetic module address */

static struct kd_debuginfo *di;
static struct kd_types *types;
static struct kd_memocache *mc;
static int asked_bss;

static int setup(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	if (kd_memocache_create(0, &mc))
		return 1;
	opts.memocache = mc;
	if (kd_debuginfo_open(fixture_path, &opts, &di))
		return 1;
	asked_bss = 0;
	return kd_debuginfo_types(di, &types) != NULL;
}

static int teardown(void **state)
{
	(void)state;
	kd_debuginfo_close(di);
	kd_memocache_destroy(mc);
	return 0;
}

static int secaddr(void *arg, const char *section, uint64_t *addr)
{
	(void)arg;
	if (strcmp(section, ".bss") != 0)
		return 0;
	asked_bss++;
	*addr = BSS_ADDR;
	return 1;
}

static int exists(const char *name)
{
	struct kd_type *t;
	struct kd_error *err = kd_types_find(types, name, &t);
	kd_error_destroy(err);
	return !err;
}

static struct kd_error *add(const char *path)
{
	return kd_debuginfo_add_module(di, "module_fixture", path, secaddr,
				       NULL, NULL, 0);
}

static void test_relocated_to_given_addresses(void **state)
{
	(void)state;
	assert_non_null(module_path);
	assert_false(exists("struct module_only"));
	assert_null(add(module_path));
	assert_true(asked_bss > 0);
	struct kd_variable v;
	assert_null(kd_types_find_variable(types, "module_fixture_var", &v));
	assert_true(v.has_address);
	/* the variable lies in .bss: its DWARF address is relocated there */
	assert_true(v.address >= BSS_ADDR && v.address < BSS_ADDR + 0x1000);
	assert_int_equal(kd_type_size(v.type), 24);
	/* the vmlinux's definition of a shadowed struct wins */
	struct kd_type *outer;
	assert_null(kd_types_find(types, "struct outer", &outer));
	assert_int_equal(kd_type_size(outer), 96);
}

static void test_hide_and_show(void **state)
{
	(void)state;
	assert_null(add(module_path));
	struct kd_type *t;
	assert_null(kd_types_find(types, "struct module_only", &t));
	assert_int_equal(kd_debuginfo_hide_source(di, "module_fixture", NULL,
						  1), 1);
	/* the cached name is gone with the source; the type stays valid */
	assert_false(exists("struct module_only"));
	assert_int_equal(kd_type_size(t), 24);
	struct kd_variable v;
	struct kd_error *err = kd_types_find_variable(types,
						      "module_fixture_var", &v);
	assert_non_null(err);
	kd_error_destroy(err);
	assert_int_equal(kd_debuginfo_hide_source(di, "module_fixture",
						  module_path, 0), 1);
	struct kd_type *again;
	assert_null(kd_types_find(types, "struct module_only", &again));
	assert_ptr_equal(again, t);	/* the same source, shown again */
}

static void test_refused_files_change_nothing(void **state)
{
	(void)state;
	char bad[] = "/tmp/pykdump-dlkm-XXXXXX";
	int fd = mkstemp(bad);
	assert_true(fd >= 0);
	FILE *in = fopen(module_path, "rb");
	char buf[512];
	size_t n = fread(buf, 1, sizeof(buf), in);	/* headers only */
	fclose(in);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	struct kd_error *err = add(bad);
	unlink(bad);
	assert_non_null(err);
	kd_error_destroy(err);
	/* a build-id the file does not have is no mismatch; one it has is */
	static const uint8_t want[20] = { 1, 2, 3 };
	err = kd_debuginfo_add_module(di, "x", fixture_path, secaddr, NULL,
				      want, sizeof(want));
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_MISMATCH);
	kd_error_destroy(err);
	assert_false(exists("struct module_only"));
	assert_true(exists("struct outer"));
	assert_null(add(module_path));
	assert_true(exists("struct module_only"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_relocated_to_given_addresses,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_hide_and_show, setup, teardown),
	cmocka_unit_test_setup_teardown(test_refused_files_change_nothing,
					setup, teardown),
};

RUN_ON_FIXTURES(tests)
