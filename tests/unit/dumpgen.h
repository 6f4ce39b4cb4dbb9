/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dumpgen: writers of synthetic vmcores for the dump layer's tests and
 * fuzz seeds.  A synthetic machine has npfns pages; dg_page_kind() says
 * what each one is (a hole, dumped, a zero page, excluded, lost), and
 * dg_page_fill() what a dumped page holds, so tests can check every read.
 *
 * Formats: ELF64/ELF32 (either byte order, program headers after the
 * data like QEMU's if asked), kdump-compressed v1..v6 with raw, zlib,
 * lzo, snappy or zstd pages, old "DISKDUMP" headers, incomplete dumps,
 * split sets, and the flattened wrapping of any of them (records cut at
 * odd sizes, optionally shuffled with overlapping stale records).
 */
#ifndef PYKDUMP_TESTS_DUMPGEN_H
#define PYKDUMP_TESTS_DUMPGEN_H

#include <stddef.h>
#include <stdint.h>

#define DG_MAX_FILES 8
#define DG_MAX_MARKS 64

enum dg_format { DG_ELF64, DG_ELF32, DG_KDUMP, DG_DISKDUMP };

enum dg_page {
	DG_HOLE,	/* not RAM */
	DG_DUMPED,
	DG_ZERO,	/* dumped, all zeros (shared descriptor in kdump) */
	DG_EXCLUDED,
	DG_LOST,	/* kdump incomplete: descriptor offset 0 */
};

/* kdump compression (page_desc.flags / header status bits). */
#define DG_RAW 0
#define DG_ZLIB 0x01
#define DG_LZO 0x02
#define DG_SNAPPY 0x04
#define DG_ZSTD 0x20

struct dg_spec {
	enum dg_format format;
	int big_endian;
	uint16_t machine;	/* EM_*; 0 = EM_X86_64 (EM_386 for ELF32) */
	uint32_t page_size;	/* 0 = 4096 */
	uint64_t npfns;		/* 0 = 64 */
	int header_version;	/* kdump: 1..6 (0 = 6) */
	unsigned compression;	/* DG_RAW ... */
	int incomplete;		/* kdump: lost pages, status 0x8 */
	unsigned nsplit;	/* kdump: > 1 = split set of that many */
	int flattened;		/* wrap every file in the flattened format */
	int flat_shuffle;	/* ... with records shuffled, stale overlaps */
	int phdrs_at_end;	/* ELF: program headers after the data */
	int no_notes;		/* no PRSTATUS/QEMU notes */
	int no_vmcoreinfo;
	unsigned ncpus;		/* 0 = 2 */
	int dump_level;		/* kdump sub-header (0 = 31) */
};

struct dg_file {
	uint8_t *data;
	size_t len, cap;
	size_t marks[DG_MAX_MARKS];	/* structure boundaries */
	size_t nmarks;
};

struct dg_dump {
	struct dg_file files[DG_MAX_FILES];
	size_t nfiles;
};

/* Defaults filled in (page_size, npfns ...). */
void dg_spec_normalize(struct dg_spec *s);
enum dg_page dg_page_kind(const struct dg_spec *s, uint64_t pfn);
/* What a dumped page holds (zeros for DG_ZERO). */
void dg_page_fill(const struct dg_spec *s, uint64_t pfn, uint8_t *buf);
/* The registers written for cpu's PRSTATUS; the CR3 of its QEMU note. */
uint64_t dg_cpu_reg(unsigned cpu, unsigned reg);
uint64_t dg_cpu_cr3(unsigned cpu);
/* The VMCOREINFO text written. */
const char *dg_vmcoreinfo(void);

/* 0, or -1 on an impossible spec / out of memory. */
int dg_generate(const struct dg_spec *s, struct dg_dump *out);
void dg_dump_free(struct dg_dump *d);
/* Write the files as DIR/STEM.N; paths receive malloc'ed names. */
int dg_write(const struct dg_dump *d, const char *dir, const char *stem,
	     char **paths);

/* Wrap an image in the flattened format. */
int dg_flatten(const struct dg_file *in, int shuffle, struct dg_file *out);

#endif /* PYKDUMP_TESTS_DUMPGEN_H */
