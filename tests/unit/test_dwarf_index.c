// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DWARF index and its cache file on the fixture ELF: build, reuse,
 * detection of damaged and stale files, determinism across thread
 * counts, agreement with a plain libdw walk, bad vmlinux files, and the
 * memocache registration (with a local stub of the memocache).
 */
#include <dwarf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <pykdump/memocache.h>
#include <pykdump/types.h>

#include "debuginfo/debuginfo_internal.h"
#include "debuginfo_test.h"

/* ---- a stub memocache: records the registration ---- */
static kd_cache_purge_fn *stub_purge;
static void *stub_owner;
static unsigned stub_flags;

struct kd_error *kd_memocache_register(struct kd_memocache *mc, unsigned flags,
				       kd_cache_purge_fn *purge, void *owner,
				       int *id)
{
	(void)mc;
	stub_purge = purge;
	stub_owner = owner;
	stub_flags = flags;
	*id = 7;
	return NULL;
}

void kd_memocache_unregister(struct kd_memocache *mc, int id)
{
	(void)mc;
	assert_int_equal(id, 7);
	stub_purge = NULL;
}

static struct kd_debuginfo *open_with(const char *path,
				      struct kd_debuginfo_options *opts,
				      struct kd_index_info *info)
{
	struct kd_debuginfo *di;
	assert_null(kd_debuginfo_open(path, opts, &di));
	assert_null(kd_debuginfo_load_index(di, info));
	return di;
}

static void index_file_path(char *buf, size_t size, struct kd_debuginfo *di)
{
	snprintf(buf, size, "%s/index/%s", cache_dir, kd_debuginfo_build_id_hex(di));
}

static void test_built_then_loaded(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	struct kd_index_info info;
	char path[512];
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	index_file_path(path, sizeof(path), di);
	assert_int_equal(info.origin, KD_INDEX_BUILT);
	assert_string_equal(info.path, path);
	assert_true(info.nentries > 30);
	assert_true(info.nunits >= 2);
	kd_debuginfo_close(di);
	di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_LOADED);
	assert_string_equal(info.note, "");
	kd_debuginfo_close(di);
	opts.no_cache = 1;
	di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_BUILT_UNSAVED);
	kd_debuginfo_close(di);
}

/* Damages the cache file with f, then checks it is detected and rebuilt. */
static void expect_rebuilt(void (*damage)(const char *), const char *why)
{
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	struct kd_index_info info;
	char path[512];
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	index_file_path(path, sizeof(path), di);
	kd_debuginfo_close(di);
	damage(path);
	di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_BUILT);
	if (!strstr(info.note, why))
		fail_msg("note \"%s\" does not say \"%s\"", info.note, why);
	struct kd_types *types;
	struct kd_type *t;
	assert_null(kd_debuginfo_types(di, &types));
	assert_null(kd_types_find(types, "struct outer", &t));
	kd_debuginfo_close(di);
	di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_LOADED);
	kd_debuginfo_close(di);
}

static void patch_byte(const char *path, off_t off)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	assert_true(fd >= 0);
	if (off < 0)
		off += lseek(fd, 0, SEEK_END);
	assert_int_equal(pread(fd, &c, 1, off), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

static void flip_body(const char *path) { patch_byte(path, -9); }
static void flip_header(const char *path) { patch_byte(path, 60); }
static void flip_magic(const char *path) { patch_byte(path, 0); }
static void truncate_half(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);
}

static void test_damaged_cache_is_rebuilt(void **state)
{
	(void)state;
	expect_rebuilt(flip_body, "checksum mismatch");
	expect_rebuilt(flip_header, "header checksum");
	expect_rebuilt(flip_magic, "bad magic");
	expect_rebuilt(truncate_half, "truncated");
}

static void test_stale_cache_is_rebuilt(void **state)
{
	(void)state;
	char copy[128], cmd[512];
	snprintf(copy, sizeof(copy), "%s/vmlinux-copy", cache_dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", fixture_path, copy);
	assert_int_equal(system(cmd), 0);
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	struct kd_index_info info;
	kd_debuginfo_close(open_with(copy, &opts, &info));
	struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, copy, times, 0), 0);
	struct kd_debuginfo *di = open_with(copy, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_BUILT);
	assert_non_null(strstr(info.note, "changed"));
	kd_debuginfo_close(di);
}

static void test_unwritable_cache(void **state)
{
	(void)state;
	char blocker[128];
	snprintf(blocker, sizeof(blocker), "%s/blocked", cache_dir);
	int fd = open(blocker, O_CREAT | O_WRONLY, 0644);	/* a file, not a dir */
	close(fd);
	struct kd_debuginfo_options opts = { .cache_dir = blocker };
	struct kd_index_info info;
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_BUILT_UNSAVED);
	assert_non_null(strstr(info.note, "not saved"));
	kd_debuginfo_close(di);
}

/* A copy of the fixture with another build-id (one byte of its GNU
 * build-id note changed): its path in buf, its build-id (hex) in hex. */
static void other_build_id(char *buf, size_t size, char *hex, size_t hsize)
{
	struct kd_debuginfo_options opts = { .no_cache = 1 };
	struct kd_debuginfo *di;
	size_t len;
	assert_null(kd_debuginfo_open(fixture_path, &opts, &di));
	const uint8_t *id = kd_debuginfo_build_id(di, &len);
	assert_true(len > 0);
	uint8_t want[64];
	memcpy(want, id, len);
	kd_debuginfo_close(di);
	FILE *f = fopen(fixture_path, "rb");
	assert_non_null(f);
	static uint8_t data[4 << 20];
	size_t n = fread(data, 1, sizeof(data), f);
	fclose(f);
	uint8_t *at = memmem(data, n, want, len);
	assert_non_null(at);
	at[0] ^= 0xff;
	snprintf(buf, size, "%s/other-build-id", cache_dir);
	f = fopen(buf, "wb");
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	assert_null(kd_debuginfo_open(buf, &opts, &di));
	snprintf(hex, hsize, "%s", kd_debuginfo_build_id_hex(di));
	kd_debuginfo_close(di);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

static int same_bytes(const char *a, const char *b)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

/* The cache files of another build-id at this one's names (a copy, a
 * rename gone wrong): detected, rebuilt, and replaced by good ones. */
static void test_other_build_id_is_rebuilt(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	struct kd_index_info info;
	char mine[512], path[256], hex[160], theirs[512], sym[600], tsym[600];
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	struct kd_symtab *st;
	assert_null(kd_debuginfo_symtab(di, &st));	/* saves its cache */
	index_file_path(mine, sizeof(mine), di);
	kd_debuginfo_close(di);
	other_build_id(path, sizeof(path), hex, sizeof(hex));
	snprintf(theirs, sizeof(theirs), "%s/index/%s", cache_dir, hex);
	snprintf(sym, sizeof(sym), "%s.symtab", mine);
	snprintf(tsym, sizeof(tsym), "%s.symtab", theirs);
	copy_file(mine, theirs);
	copy_file(sym, tsym);
	di = open_with(path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_BUILT);
	if (!strstr(info.note, "another build-id"))
		fail_msg("note \"%s\"", info.note);
	assert_null(kd_debuginfo_symtab(di, &st));
	struct kd_symbol s;
	assert_null(kd_symtab_lookup(st, "fixture_func", &s));
	kd_debuginfo_close(di);
	assert_false(same_bytes(mine, theirs));
	assert_false(same_bytes(sym, tsym));
	di = open_with(path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_LOADED);
	kd_debuginfo_close(di);
}

/* Cache files are 0644 in 0755 directories, whatever the umask. */
static void test_cache_modes(void **state)
{
	(void)state;
	char dir[128], path[512];
	snprintf(dir, sizeof(dir), "%s/modes/deeper", cache_dir);
	struct kd_debuginfo_options opts = { .cache_dir = dir };
	struct kd_index_info info;
	mode_t old = umask(077);
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	umask(old);
	assert_int_equal(info.origin, KD_INDEX_BUILT);
	struct stat st;
	assert_int_equal(stat(info.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	snprintf(path, sizeof(path), "%s/modes", cache_dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	snprintf(path, sizeof(path), "%s/index", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	kd_debuginfo_close(di);
}

/* Several processes starting cold on one cache directory at once: each
 * builds and saves; the last rename wins, no temporary file stays, and
 * the file left is a valid one. */
static void test_concurrent_writers(void **state)
{
	(void)state;
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/together", cache_dir);
	enum { N = 4 };
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		fflush(NULL);
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			struct kd_debuginfo_options opts = { .cache_dir = dir };
			struct kd_debuginfo *di;
			struct kd_index_info info;
			struct kd_symtab *st;
			if (kd_debuginfo_open(fixture_path, &opts, &di) ||
			    kd_debuginfo_load_index(di, &info) ||
			    kd_debuginfo_symtab(di, &st))
				_exit(1);
			kd_debuginfo_close(di);
			_exit(info.origin == KD_INDEX_BUILT ||
			      info.origin == KD_INDEX_LOADED ? 0 : 2);
		}
	}
	for (int i = 0; i < N; i++) {
		int status;
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "ls '%s/index' | grep -q tmp", dir);
	assert_int_not_equal(system(cmd), 0);
	struct kd_debuginfo_options opts = { .cache_dir = dir };
	struct kd_index_info info;
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	assert_int_equal(info.origin, KD_INDEX_LOADED);
	assert_string_equal(info.note, "");
	kd_debuginfo_close(di);
}

static uint64_t progress_done, progress_total;
static int progress_calls;

static void progress(void *arg, const char *what, uint64_t done, uint64_t total)
{
	(void)arg;
	assert_non_null(what);
	assert_true(done <= total);
	progress_done = done;
	progress_total = total;
	progress_calls++;
}

static void test_progress_and_determinism(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = { .no_cache = 1, .progress = progress };
	struct kd_index_info info;
	struct kd_debuginfo *di = open_with(fixture_path, &opts, &info);
	/* a line only once the wait lasts 0.1 s (the fixture takes less);
	 * it ends at the total (the real vmlinux: tests/kernel) */
	if (progress_calls > 0)
		assert_int_equal(progress_done, progress_total);
	struct kd_dwarf_source *src = di->sources[0];
	struct kd_index_source_id id = { src->build_id, src->build_id_len,
					 src->file_size, src->mtime_ns };
	void *a, *b;
	size_t na, nb;
	assert_null(kd_dwarf_index_build(&src->secs, &id, 1, NULL, NULL, &a, &na, NULL));
	assert_null(kd_dwarf_index_build(&src->secs, &id, 4, NULL, NULL, &b, &nb, NULL));
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	kd_debuginfo_close(di);
}

static unsigned kind_of(int tag)
{
	switch (tag) {
	case DW_TAG_base_type: return KD_DIX_BASE;
	case DW_TAG_structure_type: return KD_DIX_STRUCT;
	case DW_TAG_union_type: return KD_DIX_UNION;
	case DW_TAG_enumeration_type: return KD_DIX_ENUM;
	case DW_TAG_typedef: return KD_DIX_TYPEDEF;
	case DW_TAG_variable: return KD_DIX_VARIABLE;
	case DW_TAG_subprogram: return KD_DIX_FUNCTION;
	default: return 0;
	}
}

/* Every named top-level DIE (and enumerator) libdw sees is in the index. */
static void test_agrees_with_libdw(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = { .no_cache = 1 };
	struct kd_debuginfo *di = open_with(fixture_path, &opts, NULL);
	struct kd_dwarf_index *idx = di->sources[0]->index;
	Dwarf *dw = di->sources[0]->dwarf;
	Dwarf_Off off = 0, next;
	size_t hsize, checked = 0;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, d, e;
		assert_non_null(dwarf_offdie(dw, off + hsize, &cu));
		off = next;
		if (dwarf_child(&cu, &d) != 0)
			continue;
		do {
			unsigned kind = kind_of(dwarf_tag(&d));
			const char *name = dwarf_diename(&d);
			struct kd_index_iter it;
			struct kd_index_hit hit;
			if (kind && name) {
				kd_dwarf_index_find(idx, name, KD_DIX_MASK(kind), &it);
				if (!kd_dwarf_index_next(&it, &hit))
					fail_msg("%s (kind %u) not indexed", name, kind);
				checked++;
			}
			if (kind != KD_DIX_ENUM || dwarf_child(&d, &e) != 0)
				continue;
			do {
				kd_dwarf_index_find(idx, dwarf_diename(&e),
						    KD_DIX_MASK(KD_DIX_ENUMERATOR), &it);
				assert_true(kd_dwarf_index_next(&it, &hit));
				assert_int_equal(hit.die, dwarf_dieoffset(&d));
			} while (dwarf_siblingof(&e, &e) == 0);
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	assert_true(checked > 30);
	/* same struct name in two files: both kept, in DIE order */
	struct kd_index_iter it;
	struct kd_index_hit h1, h2;
	kd_dwarf_index_find(idx, "inner", KD_DIX_MASK(KD_DIX_STRUCT), &it);
	assert_true(kd_dwarf_index_next(&it, &h1));
	assert_true(kd_dwarf_index_next(&it, &h2));
	assert_true(h1.die < h2.die);
	kd_debuginfo_close(di);
}

static void expect_open_error(const char *path, enum kd_error_code code,
			      const char *text)
{
	struct kd_debuginfo_options opts = { .no_cache = 1 };
	struct kd_debuginfo *di;
	struct kd_error *err = kd_debuginfo_open(path, &opts, &di);
	if (!err)
		fail_msg("%s opened", path);
	assert_int_equal(err->code, code);
	if (!strstr(err->message, text) || !strstr(err->message, path))
		fail_msg("message \"%s\" lacks \"%s\" or the path", err->message, text);
	kd_error_destroy(err);
}

static void test_bad_files(void **state)
{
	(void)state;
	char path[128], cmd[512];
	struct stat st;
	assert_int_equal(stat(fixture_path, &st), 0);
	snprintf(path, sizeof(path), "%s/truncated", cache_dir);
	snprintf(cmd, sizeof(cmd), "head -c %lld '%s' > '%s'",
		 (long long)st.st_size * 3 / 4, fixture_path, path);
	assert_int_equal(system(cmd), 0);
	struct kd_debuginfo_options opts = { .no_cache = 1 };
	struct kd_debuginfo *di;
	struct kd_error *err = kd_debuginfo_open(path, &opts, &di);
	assert_non_null(err);	/* section headers are at the end: gone */
	assert_non_null(strstr(err->message, path));
	kd_error_destroy(err);
	snprintf(path, sizeof(path), "%s/text", cache_dir);
	snprintf(cmd, sizeof(cmd), "echo 'not an elf' > '%s'", path);
	assert_int_equal(system(cmd), 0);
	expect_open_error(path, KD_ERR_FORMAT, "not an ELF file");
	snprintf(path, sizeof(path), "%s/nodebug", cache_dir);
	snprintf(cmd, sizeof(cmd), "objcopy --strip-debug '%s' '%s'", fixture_path, path);
	assert_int_equal(system(cmd), 0);
	expect_open_error(path, KD_ERR_FORMAT, "no DWARF");
	expect_open_error("/nonexistent/vmlinux", KD_ERR_OS, "cannot open");
}

static void test_memocache_registration(void **state)
{
	(void)state;
	struct kd_debuginfo_options opts = {
		.no_cache = 1, .memocache = (struct kd_memocache *)&opts,
	};
	struct kd_debuginfo *di = open_with(fixture_path, &opts, NULL);
	struct kd_types *types;
	struct kd_type *t;
	assert_null(kd_debuginfo_types(di, &types));
	assert_non_null(stub_purge);
	assert_ptr_equal(stub_owner, types);
	assert_int_equal(stub_flags, KD_CU_LOAD);
	assert_null(kd_types_find(types, "struct outer", &t));
	stub_purge(stub_owner, KD_CU_LOAD, NULL);
	struct kd_type *again;
	assert_null(kd_types_find(types, "struct outer", &again));
	assert_ptr_equal(t, again);
	kd_debuginfo_close(di);
	assert_null(stub_purge);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_built_then_loaded),
	cmocka_unit_test(test_damaged_cache_is_rebuilt),
	cmocka_unit_test(test_stale_cache_is_rebuilt),
	cmocka_unit_test(test_unwritable_cache),
	cmocka_unit_test(test_other_build_id_is_rebuilt),
	cmocka_unit_test(test_cache_modes),
	cmocka_unit_test(test_concurrent_writers),
	cmocka_unit_test(test_progress_and_determinism),
	cmocka_unit_test(test_agrees_with_libdw),
	cmocka_unit_test(test_bad_files),
	cmocka_unit_test(test_memocache_registration),
};

RUN_ON_FIXTURES(tests)
