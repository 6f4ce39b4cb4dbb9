// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dump_bench: our dump layer against libkdumpfile on the same files.
 *
 *   dump_bench [--rounds N] [--random N] FILE...
 *
 * Per file: open time (best of N opens, each followed by a close), and
 * page-read throughput, sequential (every dumped page in pfn order) and
 * random (pages picked uniformly among the dumped ones), best of N rounds.
 * Both readers read the same list of pages: the ones our reader finds
 * dumped, so neither pays for the other's error paths.  The file is read
 * once before timing so both find it in the OS page cache.  A table
 * with the ratios (ours / libkdumpfile throughput, libkdumpfile / ours
 * open time: > 1 means we are faster) goes to stdout.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>
#include <pykdump/dump.h>

struct pages {
	uint64_t *pfn;
	size_t n;
	uint32_t ps;
};

struct result {
	double open_s;
	double seq_s;
	double rand_s;
	int ok;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- ours ---- */

static struct kd_dump *ours_open(const char *path)
{
	struct kd_dump *d;
	struct kd_error *err = kd_dump_open(&path, 1, &d);
	if (err) {
		fprintf(stderr, "dump_bench: %s\n", err->message);
		kd_error_destroy(err);
		return NULL;
	}
	return d;
}

static int ours_read(struct kd_dump *d, const struct pages *p,
		     const uint64_t *order, size_t n, uint8_t *buf)
{
	for (size_t i = 0; i < n; i++) {
		struct kd_error *err = kd_dump_read_phys(d, order[i] * p->ps, buf,
							 p->ps, 0);
		if (err) {
			fprintf(stderr, "dump_bench: %s\n", err->message);
			kd_error_destroy(err);
			return -1;
		}
	}
	return 0;
}

/* The dumped pages, which also pulls the file into the page cache. */
static int list_pages(const char *path, struct pages *p)
{
	struct kd_dump *d = ours_open(path);
	if (!d)
		return -1;
	p->ps = kd_dump_page_size(d);
	uint64_t max = kd_dump_max_pfn(d);
	p->pfn = malloc(max * sizeof(*p->pfn) + 1);
	uint8_t *buf = malloc(p->ps);
	p->n = 0;
	for (uint64_t pfn = 0; pfn < max; pfn++) {
		struct kd_error *err = kd_dump_read_phys(d, pfn * p->ps, buf,
							 p->ps, 0);
		if (!err)
			p->pfn[p->n++] = pfn;
		kd_error_destroy(err);
	}
	free(buf);
	kd_dump_close(d);
	return 0;
}

static struct result bench_ours(const char *path, const struct pages *p,
				const uint64_t *rnd, size_t nrnd, int rounds)
{
	struct result r = { 1e9, 1e9, 1e9, 1 };
	uint8_t *buf = malloc(p->ps);
	for (int i = 0; i < rounds && r.ok; i++) {
		double t = now();
		struct kd_dump *d = ours_open(path);
		double t_open = now() - t;
		if (!d) {
			r.ok = 0;
			break;
		}
		if (t_open < r.open_s)
			r.open_s = t_open;
		t = now();
		r.ok = ours_read(d, p, p->pfn, p->n, buf) == 0;
		if (now() - t < r.seq_s)
			r.seq_s = now() - t;
		t = now();
		r.ok = r.ok && ours_read(d, p, rnd, nrnd, buf) == 0;
		if (now() - t < r.rand_s)
			r.rand_s = now() - t;
		kd_dump_close(d);
	}
	free(buf);
	return r;
}

/* ---- libkdumpfile ---- */

static kdump_ctx_t *lk_open(const char *path, int *fd)
{
	*fd = open(path, O_RDONLY);
	kdump_ctx_t *ctx = kdump_new();
	if (*fd < 0 || !ctx)
		return NULL;
	if (kdump_open_fd(ctx, *fd) != KDUMP_OK) {
		fprintf(stderr, "dump_bench: libkdumpfile cannot open %s: %s\n",
			path, kdump_get_err(ctx));
		kdump_free(ctx);
		close(*fd);
		return NULL;
	}
	return ctx;
}

static int lk_read(kdump_ctx_t *ctx, const struct pages *p,
		   const uint64_t *order, size_t n, uint8_t *buf)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = p->ps;
		if (kdump_read(ctx, KDUMP_MACHPHYSADDR, order[i] * p->ps, buf,
			       &len) != KDUMP_OK) {
			fprintf(stderr, "dump_bench: libkdumpfile: pfn 0x%" PRIx64
				": %s\n", order[i], kdump_get_err(ctx));
			return -1;
		}
	}
	return 0;
}

static struct result bench_lk(const char *path, const struct pages *p,
			      const uint64_t *rnd, size_t nrnd, int rounds)
{
	struct result r = { 1e9, 1e9, 1e9, 1 };
	uint8_t *buf = malloc(p->ps);
	for (int i = 0; i < rounds && r.ok; i++) {
		int fd;
		double t = now();
		kdump_ctx_t *ctx = lk_open(path, &fd);
		double t_open = now() - t;
		if (!ctx) {
			r.ok = 0;
			break;
		}
		if (t_open < r.open_s)
			r.open_s = t_open;
		t = now();
		r.ok = lk_read(ctx, p, p->pfn, p->n, buf) == 0;
		if (now() - t < r.seq_s)
			r.seq_s = now() - t;
		t = now();
		r.ok = r.ok && lk_read(ctx, p, rnd, nrnd, buf) == 0;
		if (now() - t < r.rand_s)
			r.rand_s = now() - t;
		kdump_free(ctx);
		close(fd);
	}
	free(buf);
	return r;
}

/* ---- report ---- */

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void cell(double ours, double theirs, int ok, int higher_better)
{
	if (!ok) {
		printf(" %9s %7s |", "n/a", "");
		return;
	}
	double ratio = higher_better ? ours / theirs : theirs / ours;
	printf(" %9.1f %6.2fx |", higher_better ? theirs : theirs * 1e3, ratio);
}

static void print_header(void)
{
	printf("%-16s %-24s %6s | %-26s | %-30s | %-30s\n", "file", "format",
	       "pages", "open ms: ours  lkdf  ratio",
	       "seq MB/s: ours   lkdf   ratio", "rand MB/s: ours  lkdf  ratio");
}

static void print_row(const char *path, const char *format,
		      const struct pages *p, size_t nrnd,
		      const struct result *o, const struct result *l)
{
	double mb = (double)p->n * p->ps / 1e6, rmb = (double)nrnd * p->ps / 1e6;
	printf("%-16s %-24s %6zu | %7.2f", base(path), format, p->n,
	       o->open_s * 1e3);
	cell(o->open_s, l->open_s, l->ok, 0);
	printf(" %7.0f", mb / o->seq_s);
	cell(mb / o->seq_s, mb / l->seq_s, l->ok, 1);
	printf(" %7.0f", rmb / o->rand_s);
	cell(rmb / o->rand_s, rmb / l->rand_s, l->ok, 1);
	printf("\n");
	fflush(stdout);
}

static void bench_file(const char *path, int rounds, size_t nrnd)
{
	struct pages p;
	if (list_pages(path, &p) < 0 || p.n == 0)
		return;
	uint64_t *rnd = malloc(nrnd * sizeof(*rnd));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < nrnd; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		rnd[i] = p.pfn[(x >> 33) % p.n];
	}
	struct kd_dump *d = ours_open(path);
	char format[64];
	snprintf(format, sizeof(format), "%s/%s", kd_dump_format_name(d),
		 kd_dump_compression(d));
	kd_dump_close(d);
	struct result l = bench_lk(path, &p, rnd, nrnd, rounds);
	struct result o = bench_ours(path, &p, rnd, nrnd, rounds);
	print_row(path, format, &p, nrnd, &o, &l);
	free(rnd);
	free(p.pfn);
}

int main(int argc, char **argv)
{
	int rounds = 3;
	size_t nrnd = 20000;
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--rounds") == 0)
			rounds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--random") == 0)
			nrnd = strtoul(argv[i + 1], NULL, 0);
	}
	if (i >= argc) {
		fprintf(stderr, "usage: dump_bench [--rounds N] [--random N] "
				"FILE...\n");
		return 2;
	}
	print_header();
	for (; i < argc; i++)
		bench_file(argv[i], rounds, nrnd);
	return 0;
}
