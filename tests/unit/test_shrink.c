// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files that shrink while we have them mapped (pykdump/mapguard.h): no
 * SIGBUS, zeros where the file is gone, the loss reported with the file
 * and offset, and what lies below still read.  The guard on its own
 * (threads, private writable mappings, a SIGBUS that is not ours still
 * kills, the slot table), then the dump layer on synthetic dumps of each
 * format truncated after they were opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <pykdump/dump.h>
#include <pykdump/mapguard.h>

#include "dumpgen.h"

static size_t page;

/* A temporary file of n pages, page i filled with byte i + 1. */
static int make_file(char *path, size_t n)
{
	strcpy(path, "/tmp/kd-shrink.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	uint8_t *buf = malloc(page);
	for (size_t i = 0; i < n; i++) {
		memset(buf, (int)(i + 1), page);
		assert_int_equal(write(fd, buf, page), (ssize_t)page);
	}
	free(buf);
	return fd;
}

/* Sum of the bytes of [p, p + len): reads every page. */
static unsigned long sum(const volatile uint8_t *p, size_t len)
{
	unsigned long s = 0;
	for (size_t i = 0; i < len; i++)
		s += p[i];
	return s;
}

static void test_guarded_mapping_reads_zeros(void **state)
{
	(void)state;
	char path[64];
	int fd = make_file(path, 8);
	uint8_t *map = mmap(NULL, 8 * page, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(map != MAP_FAILED);
	struct kd_mapguard *g;
	assert_null(kd_mapguard_add(map, 8 * page, PROT_READ, path, fd, &g));
	assert_non_null(g);
	assert_int_equal(sum(map, 8 * page), page * (1 + 2 + 3 + 4 + 5 + 6 +
						     7 + 8));
	assert_int_equal(kd_mapguard_lost(g), KD_MAPGUARD_INTACT);
	unsigned long rescued = kd_mapguard_rescues();
	/* half a page more than 3 pages: page 3 is partly in the file */
	assert_int_equal(ftruncate(fd, 3 * page + page / 2), 0);
	assert_int_equal(map[6 * page + 1], 0);		/* no SIGBUS */
	assert_int_equal(kd_mapguard_rescues(), rescued + 1);
	/* the fault said where it starts; fstat where exactly */
	assert_int_equal(kd_mapguard_lost(g), 3 * page + page / 2);
	/* below: read as before; past the end: zeros, faulting or not */
	assert_int_equal(map[3 * page], 4);
	assert_int_equal(map[3 * page + page / 2], 0);
	assert_int_equal(map[4 * page + 7], 0);
	assert_int_equal(kd_mapguard_rescues(), rescued + 2);
	assert_int_equal(kd_mapguard_lost(g), 3 * page + page / 2);
	assert_false(kd_mapguard_lost_in(g, 0, 3 * page + page / 2));
	assert_true(kd_mapguard_lost_in(g, 0, 3 * page + page / 2 + 1));
	assert_true(kd_mapguard_lost_in(g, 5 * page, 8));
	assert_true(kd_mapguard_lost_in(g, 5 * page, 0));
	assert_false(kd_mapguard_lost_in(g, 3 * page, 0));
	assert_int_equal(sum(map, 3 * page), page * (1 + 2 + 3));
	struct kd_error *err = kd_mapguard_error(g, 5 * page, 16, "a table");
	assert_int_equal(err->code, KD_ERR_TRUNCATED);
	assert_non_null(strstr(err->message, path));
	assert_non_null(strstr(err->message, "a table (16 bytes at offset "
					     "0x5000)"));
	assert_non_null(strstr(err->message, "shrank while open"));
	assert_non_null(strstr(err->message, "0x3800"));
	kd_error_destroy(err);
	/* removed (even a whole file gone): still mapped, still zeros */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(sum(map, 8 * page), 0);
	assert_int_equal(kd_mapguard_lost(g), 0);
	kd_mapguard_remove(g);
	munmap(map, 8 * page);
	close(fd);
	kd_mapguard_remove(NULL);
}

/* A private writable mapping (a module's relocated debuginfo): pages we
 * wrote below the new end stay ours; past it the kernel drops even our
 * copies (truncate_pagecache unmaps private COW pages too), so they read
 * zeros like the others, and stay writable. */
/* A file whose size is not a multiple of pages: whole until it shrinks
 * (the mapping's last page reads zeros past the end, as always). */
static void test_partial_last_page(void **state)
{
	(void)state;
	char path[64];
	int fd = make_file(path, 3);
	assert_int_equal(ftruncate(fd, 2 * page + 100), 0);
	uint8_t *map = mmap(NULL, 2 * page + 100, PROT_READ, MAP_SHARED, fd,
			    0);
	struct kd_mapguard *g;
	assert_null(kd_mapguard_add(map, 2 * page + 100, PROT_READ, path, fd,
				    &g));
	kd_mapguard_check_all();
	kd_mapguard_check(g);
	assert_int_equal(map[2 * page + 200], 0);
	assert_int_equal(kd_mapguard_lost(g), KD_MAPGUARD_INTACT);
	assert_int_equal(ftruncate(fd, 2 * page + 50), 0);
	uint64_t gen = kd_mapguard_generation();
	assert_null(kd_mapguard_shrunk_since(gen, "now"));
	assert_int_equal(kd_mapguard_check_all(), gen + 1);
	assert_int_equal(kd_mapguard_lost(g), 2 * page + 50);
	struct kd_error *err = kd_mapguard_shrunk_since(gen, "just now");
	assert_non_null(err);
	assert_non_null(strstr(err->message, path));
	assert_non_null(strstr(err->message, "shrank just now"));
	kd_error_destroy(err);
	assert_null(kd_mapguard_shrunk_since(gen + 1, "now"));
	kd_mapguard_remove(g);
	munmap(map, 2 * page + 100);
	close(fd);
	unlink(path);
}

static void test_private_mapping(void **state)
{
	(void)state;
	char path[64];
	int fd = make_file(path, 4);
	uint8_t *map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE, fd, 0);
	assert_true(map != MAP_FAILED);
	struct kd_mapguard *g;
	assert_null(kd_mapguard_add(map, 4 * page, PROT_READ | PROT_WRITE,
				    path, fd, &g));
	map[0] = 0x77;
	map[3 * page] = 0x77;
	assert_int_equal(ftruncate(fd, page), 0);
	assert_int_equal(map[0], 0x77);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[3 * page], 0);
	assert_int_equal(kd_mapguard_lost(g), page);
	assert_int_equal(map[2 * page], 0);
	map[2 * page + 1] = 5;
	assert_int_equal(map[2 * page + 1], 5);
	kd_mapguard_remove(g);
	munmap(map, 4 * page);
	close(fd);
	unlink(path);
}

struct reader {
	const volatile uint8_t *map;
	size_t len;
	unsigned long rounds;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	for (unsigned long i = 0; i < r->rounds; i++)
		sum(r->map, r->len);
	return NULL;
}

/* Threads reading while the file shrinks: none is killed. */
static void test_threads(void **state)
{
	(void)state;
	char path[64];
	int fd = make_file(path, 64);
	uint8_t *map = mmap(NULL, 64 * page, PROT_READ, MAP_SHARED, fd, 0);
	struct kd_mapguard *g;
	assert_null(kd_mapguard_add(map, 64 * page, PROT_READ, path, fd, &g));
	struct reader r = { map, 64 * page, 30 };
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, read_loop, &r), 0);
	for (size_t n = 63; n > 8; n -= 5)	/* ends at 13 pages */
		assert_int_equal(ftruncate(fd, n * page), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	sum(map, 64 * page);
	assert_int_equal(kd_mapguard_lost(g), 13 * page);
	assert_int_equal(sum(map, 13 * page), page * 91);
	kd_mapguard_remove(g);
	munmap(map, 64 * page);
	close(fd);
	unlink(path);
}

/* In a child: a signal that is not a guarded mapping's fault must do
 * what it did without us (here: the default action, death). */
static int child_status(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* ASan, when there, would report the fault: the default
		 * action is what is checked */
		signal(SIGBUS, SIG_DFL);
		fn();
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void unguarded_fault(void)
{
	char path[64];
	int fd = make_file(path, 4);
	uint8_t *map = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	unlink(path);
	struct kd_mapguard *g;		/* installs the handler */
	if (kd_mapguard_add(map, page, PROT_READ, "first page only", fd,
			    &g))
		_exit(2);
	if (ftruncate(fd, 0) < 0)
		_exit(3);
	(void)map[0];			/* guarded: zeros */
	(void)((volatile uint8_t *)map)[3 * page];	/* not guarded */
	_exit(0);
}

static void sent_sigbus(void)
{
	char path[64];
	int fd = make_file(path, 1);
	uint8_t *map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	unlink(path);
	struct kd_mapguard *g;
	if (kd_mapguard_add(map, page, PROT_READ, path, fd, &g))
		_exit(2);
	kill(getpid(), SIGBUS);
	_exit(0);
}

static void test_other_sigbus_still_kills(void **state)
{
	(void)state;
	int st = child_status(unguarded_fault);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGBUS);
	st = child_status(sent_sigbus);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGBUS);
}

/* Someone installs a SIGBUS handler over ours (Python's faulthandler):
 * rearming puts ours back on top. */
static void on_top(int sig)
{
	(void)sig;
	_exit(9);
}

static void handler_replaced(void)
{
	char path[64];
	int fd = make_file(path, 2);
	uint8_t *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	unlink(path);
	struct kd_mapguard *g;
	if (kd_mapguard_add(map, 2 * page, PROT_READ, path, fd, &g))
		_exit(2);
	signal(SIGBUS, on_top);
	kd_mapguard_rearm();
	if (ftruncate(fd, 0) < 0)
		_exit(3);
	_exit(((volatile uint8_t *)map)[page] == 0 &&
	      kd_mapguard_lost(g) == 0 ? 0 : 4);
}

static void test_rearm(void **state)
{
	(void)state;
	int st = child_status(handler_replaced);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* More guards than slots: the rest are unguarded, not an error. */
static void test_slots(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct kd_mapguard **g = calloc(N, sizeof(*g));
	static char area[4096];
	size_t got = 0;
	for (size_t i = 0; i < N; i++) {
		assert_null(kd_mapguard_add(area, sizeof(area), PROT_READ,
					    "x", -1, &g[i]));
		got += g[i] != NULL;
	}
	assert_true(got >= 1000 && got < N);
	for (size_t i = 0; i < N; i++)
		kd_mapguard_remove(g[i]);
	struct kd_mapguard *again;
	assert_null(kd_mapguard_add(area, sizeof(area), PROT_READ, "x",
				    -1, &again));
	assert_non_null(again);
	kd_mapguard_remove(again);
	free(g);
}

/* ---- the dump layer ---- */

struct dump_case {
	const char *name;
	struct dg_spec spec;
	unsigned victim;	/* the file truncated (split sets) */
};

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void read_all(struct kd_dump *d, const struct dg_spec *s,
		     const char *victim, size_t *good, size_t *gone)
{
	uint32_t ps = s->page_size;
	uint8_t *buf = malloc(ps), *want = malloc(ps);
	*good = *gone = 0;
	for (uint64_t pfn = 0; pfn < s->npfns; pfn++) {
		enum dg_page kind = dg_page_kind(s, pfn);
		if (kind != DG_DUMPED && kind != DG_ZERO)
			continue;
		struct kd_error *err = kd_dump_read_phys(d, pfn * ps, buf, ps,
							 0);
		if (!err) {
			dg_page_fill(s, pfn, want);
			assert_memory_equal(buf, want, ps);
			++*good;
			continue;
		}
		if (err->code != KD_ERR_LOST ||
		    !strstr(err->message, "shrank while open") ||
		    !strstr(err->message, victim) ||
		    !strstr(err->message, "offset 0x"))
			fail_msg("pfn 0x%llx: %s", (unsigned long long)pfn,
				 err->message);
		kd_error_destroy(err);
		++*gone;
	}
	free(buf);
	free(want);
}

static void check_case(const struct dump_case *c)
{
	struct dg_spec spec = c->spec;
	dg_spec_normalize(&spec);
	struct dg_dump dump;
	assert_int_equal(dg_generate(&spec, &dump), 0);
	char dir[64] = "/tmp/kd-shrink-dump.XXXXXX";
	char *paths[DG_MAX_FILES];
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dg_write(&dump, dir, "vmcore", paths), 0);
	size_t nfiles = dump.nfiles;
	dg_dump_free(&dump);
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open((const char *const *)paths,
					    nfiles, &d);
	if (err)
		fail_msg("%s: open: %s", c->name, err->message);
	size_t good, gone, all;
	read_all(d, &spec, paths[c->victim], &all, &gone);
	assert_int_equal(gone, 0);
	/* removed while open: nothing changes */
	for (size_t i = 0; i < nfiles; i++)
		assert_int_equal(unlink(paths[i]), 0);
	read_all(d, &spec, paths[c->victim], &good, &gone);
	assert_int_equal(good, all);
	/* shrunk to 60%: the pages stored below read, the others are lost */
	kd_dump_close(d);
	for (size_t i = 0; i < nfiles; i++)
		free(paths[i]);
	assert_int_equal(dg_generate(&spec, &dump), 0);
	assert_int_equal(dg_write(&dump, dir, "vmcore", paths), 0);
	dg_dump_free(&dump);
	err = kd_dump_open((const char *const *)paths, nfiles, &d);
	assert_null(err);
	read_all(d, &spec, paths[c->victim], &good, &gone);
	assert_int_equal(gone, 0);
	off_t size = file_size(paths[c->victim]);
	assert_int_equal(truncate(paths[c->victim], size * 6 / 10), 0);
	kd_mapguard_check_all();	/* as the shell does between commands */
	read_all(d, &spec, paths[c->victim], &good, &gone);
	if (!gone || !good)
		fail_msg("%s: %zu pages read, %zu lost after the file shrank "
			 "to 60%%", c->name, good, gone);
	/* the counts say lost, not a crash or a silent zero */
	struct kd_page_counts counts;
	err = kd_dump_count_pages(d, &counts);
	if (err) {
		assert_non_null(strstr(err->message, "shrank while open"));
		kd_error_destroy(err);
	} else {
		assert_true(counts.lost > 0);
	}
	/* whole file gone: every page of it lost, the others read */
	assert_int_equal(truncate(paths[c->victim], 0), 0);
	read_all(d, &spec, paths[c->victim], &good, &gone);
	assert_true(gone > 0);
	if (nfiles == 1)
		assert_int_equal(good, 0);
	kd_dump_close(d);
	for (size_t i = 0; i < nfiles; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	rmdir(dir);
}

static void test_dumps_shrink(void **state)
{
	(void)state;
	static const struct dump_case cases[] = {
		{ "ELF", { .format = DG_ELF64, .npfns = 256 }, 0 },
		{ "ELF, headers at the end",
		  { .format = DG_ELF64, .npfns = 256, .phdrs_at_end = 1 }, 0 },
		{ "kdump raw", { .format = DG_KDUMP, .npfns = 256 }, 0 },
		{ "kdump zlib", { .format = DG_KDUMP, .npfns = 256,
				  .compression = DG_ZLIB }, 0 },
		{ "kdump zstd", { .format = DG_KDUMP, .npfns = 256,
				  .compression = DG_ZSTD }, 0 },
		{ "kdump lzo", { .format = DG_KDUMP, .npfns = 256,
				 .compression = DG_LZO }, 0 },
		{ "diskdump", { .format = DG_DISKDUMP, .npfns = 256 }, 0 },
		{ "flattened kdump", { .format = DG_KDUMP, .npfns = 256,
				       .compression = DG_ZLIB,
				       .flattened = 1 }, 0 },
		{ "flattened ELF, shuffled",
		  { .format = DG_ELF64, .npfns = 256, .flattened = 1,
		    .flat_shuffle = 1 }, 0 },
		{ "split set, middle file", { .format = DG_KDUMP,
					      .npfns = 256, .nsplit = 3,
					      .compression = DG_ZLIB }, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

int main(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guarded_mapping_reads_zeros),
		cmocka_unit_test(test_partial_last_page),
		cmocka_unit_test(test_private_mapping),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_other_sigbus_still_kills),
		cmocka_unit_test(test_rearm),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_dumps_shrink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
