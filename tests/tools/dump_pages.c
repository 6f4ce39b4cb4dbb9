// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump_pages: list every page of a dump with its state and a hash of its
 * contents, for differential tests between formats and readers
 * (tests/kernel/test_dump_formats.py).
 *
 *   dump_pages [--reader ours|libkdumpfile] [--max-pfn N] FILE...
 *   dump_pages --vmcoreinfo FILE...     print the dump's VMCOREINFO text
 *   dump_pages --time-open FILE...      print the seconds an open takes
 *
 * Output: a "max_pfn N" line, then one line per page that is not
 * "not present":  PFN(hex) STATE HASH(hex, 0 unless dumped)
 * STATE: D dumped, X excluded, L lost, C corrupt; the libkdumpfile reader
 * only tells D (read) and N (no data: excluded or not present, not
 * listed) and E (any other error).
 */
#include <inttypes.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dump.h>

#ifdef HAVE_LIBKDUMPFILE
#include <fcntl.h>
#include <unistd.h>
#include <libkdumpfile/kdumpfile.h>
#endif

static uint64_t hash_page(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --vmcoreinfo / --time-open */
static int run_info(const char *what, const char *const *files, size_t n)
{
	struct kd_dump *d;
	double t = now();
	struct kd_error *err = kd_dump_open(files, n, &d);
	t = now() - t;
	if (err) {
		fprintf(stderr, "dump_pages: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	if (strcmp(what, "--time-open") == 0) {
		printf("%.6f\n", t);
	} else {
		size_t len;
		const char *vi = kd_dump_vmcoreinfo(d, &len);
		if (vi)
			fwrite(vi, 1, len, stdout);
	}
	kd_dump_close(d);
	return 0;
}

static int run_ours(const char *const *files, size_t n, uint64_t max)
{
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open(files, n, &d);
	if (err) {
		fprintf(stderr, "dump_pages: %s\n", err->message);
		kd_error_destroy(err);
		return 1;
	}
	uint32_t ps = kd_dump_page_size(d);
	uint64_t end = kd_dump_max_pfn(d);
	if (max && max < end)
		end = max;
	uint8_t *buf = malloc(ps);
	printf("max_pfn %" PRIu64 "\n", kd_dump_max_pfn(d));
	for (uint64_t pfn = 0; pfn < end; pfn++) {
		err = kd_dump_read_phys(d, pfn * ps, buf, ps, 0);
		if (!err) {
			printf("%" PRIx64 " D %016" PRIx64 "\n", pfn,
			       hash_page(buf, ps));
			continue;
		}
		char c = err->code == KD_ERR_EXCLUDED ? 'X' :
			 err->code == KD_ERR_LOST ? 'L' :
			 err->code == KD_ERR_NOT_PRESENT ? 0 : 'C';
		kd_error_destroy(err);
		if (c)
			printf("%" PRIx64 " %c 0\n", pfn, c);
	}
	free(buf);
	kd_dump_close(d);
	return 0;
}

#ifdef HAVE_LIBKDUMPFILE
static int run_libkdumpfile(const char *const *files, size_t n, uint64_t max)
{
	if (n != 1) {
		fprintf(stderr, "dump_pages: libkdumpfile reader takes one file\n");
		return 1;
	}
	int fd = open(files[0], O_RDONLY);
	kdump_ctx_t *ctx = kdump_new();
	if (fd < 0 || !ctx) {
		perror(files[0]);
		return 1;
	}
	if (kdump_open_fd(ctx, fd) != KDUMP_OK) {
		fprintf(stderr, "dump_pages: libkdumpfile: %s\n",
			kdump_get_err(ctx));
		return 2;
	}
	kdump_num_t ps = 4096;
	if (kdump_get_number_attr(ctx, KDUMP_ATTR_PAGE_SIZE, &ps) != KDUMP_OK)
		ps = 4096;
	uint64_t end = max ? max : (1ull << 20);
	/* A page libkdumpfile's file holds nothing of reads as
	 * KDUMP_ERR_NODATA, and each failure formats a message: the million
	 * pfns of QEMU's 4 GiB address space took 10 s, the pages in the
	 * file under one.  So only the pages of its page map are read (a
	 * page it can read but leaves out of the map would then be one we
	 * have and it lacks: the test fails, it is not hidden).  Not for
	 * ELF files: there libkdumpfile also reads the page before a
	 * segment (as zeros), which its map leaves out; and it is fast. */
	kdump_num_t lk_max;
	if (kdump_get_number_attr(ctx, "max_pfn", &lk_max) == KDUMP_OK &&
	    lk_max < end)
		end = lk_max;
	kdump_attr_t map;
	kdump_bmp_t *bmp = NULL;
	const char *format = NULL;
	if (kdump_get_string_attr(ctx, KDUMP_ATTR_FILE_FORMAT, &format) !=
	    KDUMP_OK)
		format = NULL;
	if (format && strcmp(format, "elf") != 0 &&
	    kdump_get_attr(ctx, KDUMP_ATTR_FILE_PAGEMAP, &map) == KDUMP_OK &&
	    map.type == KDUMP_BITMAP)
		bmp = map.val.bitmap;
	uint8_t *buf = malloc(ps);
	printf("max_pfn %" PRIu64 "\n", end);
	for (uint64_t pfn = 0; pfn < end; pfn++) {
		if (bmp) {
			kdump_addr_t next = pfn;
			if (kdump_bmp_find_set(bmp, &next) != KDUMP_OK ||
			    next >= end)
				break;
			pfn = next;
		}
		size_t len = ps;
		kdump_status st = kdump_read(ctx, KDUMP_MACHPHYSADDR, pfn * ps,
					     buf, &len);
		if (st == KDUMP_OK)
			printf("%" PRIx64 " D %016" PRIx64 "\n", pfn,
			       hash_page(buf, ps));
		else if (st != KDUMP_ERR_NODATA)
			printf("%" PRIx64 " E 0\n", pfn);
	}
	free(buf);
	kdump_free(ctx);
	close(fd);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	const char *reader = "ours";
	uint64_t max = 0;
	int i = 1;
	if (argc > 2 && (strcmp(argv[1], "--vmcoreinfo") == 0 ||
			 strcmp(argv[1], "--time-open") == 0))
		return run_info(argv[1], (const char *const *)argv + 2,
				(size_t)(argc - 2));
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--reader") == 0)
			reader = argv[i + 1];
		else if (strcmp(argv[i], "--max-pfn") == 0)
			max = strtoull(argv[i + 1], NULL, 0);
	}
	if (i >= argc) {
		fprintf(stderr, "usage: dump_pages [--reader ours|libkdumpfile] "
				"[--max-pfn N] FILE...\n");
		return 2;
	}
	const char *const *files = (const char *const *)argv + i;
	size_t n = (size_t)(argc - i);
	if (strcmp(reader, "ours") == 0)
		return run_ours(files, n, max);
#ifdef HAVE_LIBKDUMPFILE
	if (strcmp(reader, "libkdumpfile") == 0)
		return run_libkdumpfile(files, n, max);
#endif
	fprintf(stderr, "dump_pages: reader %s not available\n", reader);
	return 2;
}
