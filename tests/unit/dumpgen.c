// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Synthetic vmcore writers: see dumpgen.h.  The layouts written are the
 * ones lib/dump/elf.c, diskdump.c and flattened.c document; this file is
 * written from those descriptions, independently of the readers.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "dumpgen.h"

/* ---- growable buffers ---- */

static void fb_reserve(struct dg_file *f, size_t n)
{
	if (f->len + n <= f->cap)
		return;
	size_t cap = f->cap ? f->cap : 4096;
	while (cap < f->len + n)
		cap *= 2;
	f->data = realloc(f->data, cap);
	if (!f->data)
		abort();
	f->cap = cap;
}

static void fb_put(struct dg_file *f, const void *p, size_t n)
{
	if (!n)
		return;
	fb_reserve(f, n);
	memcpy(f->data + f->len, p, n);
	f->len += n;
}

static void fb_zero(struct dg_file *f, size_t n)
{
	fb_reserve(f, n);
	memset(f->data + f->len, 0, n);
	f->len += n;
}

static void fb_pad(struct dg_file *f, size_t to)
{
	if (f->len < to)
		fb_zero(f, to - f->len);
}

static void fb_mark(struct dg_file *f)
{
	if (f->nmarks < DG_MAX_MARKS)
		f->marks[f->nmarks++] = f->len;
}

static void store(uint8_t *p, uint64_t v, int size, int be)
{
	for (int i = 0; i < size; i++) {
		int shift = be ? 8 * (size - 1 - i) : 8 * i;
		p[i] = (uint8_t)(v >> shift);
	}
}

static void fb_put_n(struct dg_file *f, uint64_t v, int size, int be)
{
	fb_reserve(f, size);
	store(f->data + f->len, v, size, be);
	f->len += size;
}

static void fb_set_n(struct dg_file *f, size_t at, uint64_t v, int size,
		     int be)
{
	store(f->data + at, v, size, be);
}

/* ---- the synthetic machine ---- */

void dg_spec_normalize(struct dg_spec *s)
{
	if (!s->page_size)
		s->page_size = 4096;
	if (!s->npfns)
		s->npfns = 64;
	if (!s->header_version)
		s->header_version = 6;
	if (!s->ncpus)
		s->ncpus = 2;
	if (!s->dump_level)
		s->dump_level = 31;
	if (!s->machine)
		s->machine = s->format == DG_ELF32 ? EM_386 : EM_X86_64;
	if (!s->nsplit)
		s->nsplit = 1;
}

enum dg_page dg_page_kind(const struct dg_spec *s, uint64_t pfn)
{
	if (pfn >= s->npfns || (pfn >= 20 && pfn < 24))
		return DG_HOLE;
	if (pfn == s->npfns - 1 || pfn % 7 == 3)
		return DG_EXCLUDED;
	if (pfn % 5 == 1)
		return DG_ZERO;
	if (s->incomplete && pfn % 11 == 6)
		return DG_LOST;
	return DG_DUMPED;
}

void dg_page_fill(const struct dg_spec *s, uint64_t pfn, uint8_t *buf)
{
	uint32_t ps = s->page_size;
	if (dg_page_kind(s, pfn) == DG_ZERO) {
		memset(buf, 0, ps);
		return;
	}
	if (pfn % 9 == 8) {
		/* Incompressible: stored raw even in compressed dumps. */
		uint64_t x = pfn * 0x9e3779b97f4a7c15ull + 1;
		for (uint32_t i = 0; i < ps; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[i] = (uint8_t)x;
		}
		return;
	}
	for (uint32_t i = 0; i < ps;) {
		char line[64];
		int n = snprintf(line, sizeof(line), "pfn %llx offset %u\n",
				 (unsigned long long)pfn, i);
		for (int k = 0; k < n && i < ps; k++)
			buf[i++] = (uint8_t)line[k];
	}
}

uint64_t dg_cpu_reg(unsigned cpu, unsigned reg)
{
	return 0xffffffff81000000ull + 0x1000ull * cpu + reg;	/* synthetic dump, no boot */
}

uint64_t dg_cpu_cr3(unsigned cpu)
{
	return 0x2000000ull + 0x10000ull * cpu;
}

static char vmcoreinfo_text[1024];

static const char *vmcoreinfo_for(const struct dg_spec *s)
{
	snprintf(vmcoreinfo_text, sizeof(vmcoreinfo_text),
		 "OSRELEASE=6.1.0-synthetic\n"
		 "BUILD-ID=0123456789abcdef\n"
		 "PAGESIZE=%u\n"
		 "SYMBOL(swapper_pg_dir)=ffffffff82a0c000\n"	/* synthetic dump, no boot */
		 "SYMBOL(_stext)=ffffffff81000000\n"	/* synthetic dump, no boot */
		 "OFFSET(list_head.next)=0\n"
		 "OFFSET(page.flags)=0\n"
		 "SIZE(page)=64\n"
		 "LENGTH(mem_section)=2048\n"
		 "NUMBER(phys_base)=-123\n"
		 "NUMBER(KERNELPACMASK)=0xffff000000000000\n"	/* synthetic dump, no boot */
		 "KERNELOFFSET=1e000000\n"
		 "CRASHTIME=1700000123\n",
		 s->page_size);
	return vmcoreinfo_text;
}

const char *dg_vmcoreinfo(void)
{
	struct dg_spec s = { 0 };
	dg_spec_normalize(&s);
	return vmcoreinfo_for(&s);
}

/* ---- ELF notes ---- */

static void put_note(struct dg_file *f, int be, const char *name,
		     uint32_t type, const uint8_t *desc, size_t dlen)
{
	size_t nlen = strlen(name) + 1;
	fb_put_n(f, nlen, 4, be);
	fb_put_n(f, dlen, 4, be);
	fb_put_n(f, type, 4, be);
	fb_put(f, name, nlen);
	fb_pad(f, (f->len + 3) & ~(size_t)3);
	fb_put(f, desc, dlen);
	fb_pad(f, (f->len + 3) & ~(size_t)3);
}

static void put_prstatus(struct dg_file *f, const struct dg_spec *s,
			 unsigned cpu, int word)
{
	uint8_t desc[336] = { 0 };
	size_t size = word == 8 ? 336 : 144;
	size_t reg = word == 8 ? 112 : 72;
	unsigned nregs = word == 8 ? 27 : 17;
	store(desc + (word == 8 ? 32 : 24), 100 + cpu, 4, s->big_endian);
	for (unsigned r = 0; r < nregs; r++)
		store(desc + reg + r * word, dg_cpu_reg(cpu, r), word,
		      s->big_endian);
	put_note(f, s->big_endian, "CORE", NT_PRSTATUS, desc, size);
}

static void put_qemu_note(struct dg_file *f, const struct dg_spec *s,
			  unsigned cpu)
{
	uint8_t desc[440] = { 0 };
	store(desc, 1, 4, s->big_endian);
	store(desc + 4, sizeof(desc), 4, s->big_endian);
	store(desc + 392, 0x80050033, 8, s->big_endian);
	store(desc + 392 + 24, dg_cpu_cr3(cpu), 8, s->big_endian);
	put_note(f, s->big_endian, "QEMU", 0, desc, sizeof(desc));
}

static void build_notes(struct dg_file *f, const struct dg_spec *s, int word,
			int with_vmcoreinfo)
{
	if (!s->no_notes) {
		for (unsigned c = 0; c < s->ncpus; c++)
			put_prstatus(f, s, c, word);
		if (s->machine == EM_X86_64 || s->machine == EM_386)
			for (unsigned c = 0; c < s->ncpus; c++)
				put_qemu_note(f, s, c);
	}
	if (with_vmcoreinfo && !s->no_vmcoreinfo) {
		const char *t = vmcoreinfo_for(s);
		put_note(f, s->big_endian, "VMCOREINFO", 0,
			 (const uint8_t *)t, strlen(t));
	}
}

/* ---- ELF ---- */

struct elf_seg {
	uint64_t pfn, ndumped, nexcluded;
	uint64_t offset;
};

/* Runs of RAM: dumped pages first, then an excluded tail (p_filesz <
 * p_memsz); an excluded page followed by a dumped one starts a new run. */
static size_t elf_segments(const struct dg_spec *s, struct elf_seg *segs)
{
	size_t n = 0;
	int open = 0, tail = 0;
	for (uint64_t pfn = 0; pfn < s->npfns; pfn++) {
		enum dg_page k = dg_page_kind(s, pfn);
		if (k == DG_HOLE) {
			open = 0;
			continue;
		}
		int excl = k == DG_EXCLUDED;
		if (!open || (tail && !excl)) {
			segs[n++] = (struct elf_seg){ .pfn = pfn };
			open = 1;
			tail = 0;
		}
		if (excl) {
			tail = 1;
			segs[n - 1].nexcluded++;
		} else {
			segs[n - 1].ndumped++;
		}
	}
	return n;
}

static void put_ehdr(struct dg_file *f, const struct dg_spec *s, int e64,
		     uint64_t phoff, uint16_t phnum)
{
	int be = s->big_endian;
	uint8_t id[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
				  e64 ? ELFCLASS64 : ELFCLASS32,
				  be ? ELFDATA2MSB : ELFDATA2LSB, EV_CURRENT };
	fb_put(f, id, sizeof(id));
	fb_put_n(f, ET_CORE, 2, be);
	fb_put_n(f, s->machine, 2, be);
	fb_put_n(f, EV_CURRENT, 4, be);
	int w = e64 ? 8 : 4;
	fb_put_n(f, 0, w, be);			/* e_entry */
	fb_put_n(f, phoff, w, be);
	fb_put_n(f, 0, w, be);			/* e_shoff */
	fb_put_n(f, 0, 4, be);			/* e_flags */
	fb_put_n(f, e64 ? 64 : 52, 2, be);	/* e_ehsize */
	fb_put_n(f, e64 ? 56 : 32, 2, be);	/* e_phentsize */
	fb_put_n(f, phnum, 2, be);
	fb_put_n(f, 0, 2, be);			/* e_shentsize */
	fb_put_n(f, 0, 2, be);			/* e_shnum */
	fb_put_n(f, 0, 2, be);			/* e_shstrndx */
}

static void put_phdr(struct dg_file *f, const struct dg_spec *s, int e64,
		     uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	int be = s->big_endian;
	uint64_t vaddr = paddr + (e64 ? 0xffff888000000000ull : 0xc0000000u);	/* synthetic dump, no boot */
	if (type == PT_NOTE)
		vaddr = paddr = 0;
	if (e64) {
		fb_put_n(f, type, 4, be);
		fb_put_n(f, PF_R | PF_W | PF_X, 4, be);
		fb_put_n(f, off, 8, be);
		fb_put_n(f, vaddr, 8, be);
		fb_put_n(f, paddr, 8, be);
		fb_put_n(f, filesz, 8, be);
		fb_put_n(f, memsz, 8, be);
		fb_put_n(f, 0, 8, be);
	} else {
		fb_put_n(f, type, 4, be);
		fb_put_n(f, off, 4, be);
		fb_put_n(f, vaddr, 4, be);
		fb_put_n(f, paddr, 4, be);
		fb_put_n(f, filesz, 4, be);
		fb_put_n(f, memsz, 4, be);
		fb_put_n(f, PF_R | PF_W | PF_X, 4, be);
		fb_put_n(f, 0, 4, be);
	}
}

static void put_phdrs(struct dg_file *f, const struct dg_spec *s, int e64,
		      uint64_t note_off, uint64_t note_len,
		      const struct elf_seg *segs, size_t nsegs)
{
	uint64_t ps = s->page_size;
	put_phdr(f, s, e64, PT_NOTE, note_off, 0, note_len, note_len);
	for (size_t i = 0; i < nsegs; i++)
		put_phdr(f, s, e64, PT_LOAD, segs[i].offset, segs[i].pfn * ps,
			 segs[i].ndumped * ps,
			 (segs[i].ndumped + segs[i].nexcluded) * ps);
	fb_mark(f);
}

static int gen_elf(const struct dg_spec *s, struct dg_file *f)
{
	int e64 = s->format == DG_ELF64;
	struct elf_seg *segs = calloc(s->npfns + 1, sizeof(*segs));
	uint8_t *page = malloc(s->page_size);
	if (!segs || !page)
		abort();
	size_t nsegs = elf_segments(s, segs);
	size_t ehsize = e64 ? 64 : 52, phsize = (e64 ? 56 : 32) * (nsegs + 1);
	put_ehdr(f, s, e64, s->phdrs_at_end ? 0 : ehsize, (uint16_t)(nsegs + 1));
	fb_mark(f);
	size_t phdr_at = f->len;
	if (!s->phdrs_at_end)
		fb_zero(f, phsize);	/* filled in below */
	struct dg_file notes = { 0 };
	build_notes(&notes, s, e64 ? 8 : 4, 1);
	uint64_t note_off = f->len;
	fb_put(f, notes.data, notes.len);
	fb_mark(f);
	for (size_t i = 0; i < nsegs; i++) {
		segs[i].offset = f->len;
		for (uint64_t k = 0; k < segs[i].ndumped; k++) {
			dg_page_fill(s, segs[i].pfn + k, page);
			fb_put(f, page, s->page_size);
		}
		fb_mark(f);
	}
	struct dg_file ph = { 0 };
	put_phdrs(&ph, s, e64, note_off, notes.len, segs, nsegs);
	if (s->phdrs_at_end) {
		fb_set_n(f, e64 ? 32 : 28, f->len, e64 ? 8 : 4, s->big_endian);
		phdr_at = f->len;
		fb_zero(f, phsize);
		fb_mark(f);
	}
	memcpy(f->data + phdr_at, ph.data, phsize);
	free(ph.data);
	free(notes.data);
	free(segs);
	free(page);
	return 0;
}

/* ---- kdump-compressed ---- */

static size_t compress_page(unsigned method, const uint8_t *in, size_t len,
			    uint8_t *out, size_t cap)
{
	switch (method) {
	case DG_ZLIB: {
		uLongf n = cap;
		return compress2(out, &n, in, len, 1) == Z_OK ? n : 0;
	}
	case DG_LZO: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;
		return lzo1x_1_compress(in, len, out, &n, wrk) == LZO_E_OK ?
		       n : 0;
	}
	case DG_SNAPPY: {
		size_t n = cap;
		return snappy_compress((const char *)in, len, (char *)out,
				       &n) == SNAPPY_OK ? n : 0;
	}
	case DG_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, len, 1);
		return ZSTD_isError(n) ? 0 : n;
	}
	}
	return 0;
}

static const char *uname_machine(uint16_t machine)
{
	switch (machine) {
	case EM_S390:
		return "s390x";
	case EM_AARCH64:
		return "aarch64";
	case EM_PPC64:
		return "ppc64";
	default:
		return "x86_64";
	}
}

static size_t sub_struct_size(int version)
{
	static const size_t size[] = { 0, 12, 32, 48, 64, 80, 104 };
	return size[version > 6 ? 6 : version];
}

struct kd_layout {
	uint32_t bs;
	uint64_t sub_hdr_size, bitmap_blocks, data_offset;
	uint64_t first, last;	/* this part's pfns */
	struct dg_file notes;
	const char *vmcoreinfo;
};

static int is_dumpable(enum dg_page k)
{
	return k == DG_DUMPED || k == DG_ZERO || k == DG_LOST;
}

static void put_kdump_header(struct dg_file *f, const struct dg_spec *s,
			     const struct kd_layout *l)
{
	int be = s->big_endian;
	int old = s->format == DG_DISKDUMP;
	fb_put(f, old ? "DISKDUMP" : "KDUMP   ", 8);
	fb_put_n(f, old ? 0 : (uint64_t)s->header_version, 4, be);
	const char *uts[6] = { "Linux", "synthetic", "6.1.0-synthetic",
			       "#1 SMP", uname_machine(s->machine), "(none)" };
	for (int i = 0; i < 6; i++) {
		char field[65] = { 0 };
		snprintf(field, sizeof(field), "%s", uts[i]);
		fb_put(f, field, 65);
	}
	fb_pad(f, 408);
	fb_put_n(f, 1700000000, 8, be);		/* timestamp */
	fb_put_n(f, 0, 8, be);
	fb_put_n(f, s->compression | (s->incomplete ? 0x8 : 0), 4, be);
	fb_put_n(f, l->bs, 4, be);
	fb_put_n(f, l->sub_hdr_size, 4, be);
	fb_put_n(f, l->bitmap_blocks, 4, be);
	fb_put_n(f, s->npfns, 4, be);		/* max_mapnr */
	fb_zero(f, 12);				/* ram/device/written blocks */
	fb_put_n(f, 0, 4, be);			/* current_cpu */
	fb_put_n(f, s->ncpus, 4, be);
	fb_mark(f);
	fb_pad(f, l->bs);
	fb_mark(f);
}

static void put_sub_header(struct dg_file *f, const struct dg_spec *s,
			   const struct kd_layout *l)
{
	int be = s->big_endian, v = s->header_version;
	size_t base = f->len, ssize = sub_struct_size(v);
	size_t vlen = v >= 3 && l->vmcoreinfo ? strlen(l->vmcoreinfo) : 0;
	size_t nlen = v >= 4 ? l->notes.len : 0;
	fb_zero(f, ssize);
	fb_set_n(f, base, 0x1000000, 8, be);		/* phys_base */
	fb_set_n(f, base + 8, (uint64_t)s->dump_level, 4, be);
	if (v >= 2) {
		fb_set_n(f, base + 12, s->nsplit > 1, 4, be);
		fb_set_n(f, base + 16, l->first, 8, be);
		fb_set_n(f, base + 24, l->last, 8, be);
	}
	if (v >= 3 && vlen) {
		fb_set_n(f, base + 32, base + ssize, 8, be);
		fb_set_n(f, base + 40, vlen, 8, be);
	}
	if (v >= 4 && nlen) {
		fb_set_n(f, base + 48, base + ssize + vlen, 8, be);
		fb_set_n(f, base + 56, nlen, 8, be);
	}
	if (v >= 6) {
		fb_set_n(f, base + 80, l->first, 8, be);
		fb_set_n(f, base + 88, l->last, 8, be);
		fb_set_n(f, base + 96, s->npfns, 8, be);
	}
	fb_put(f, l->vmcoreinfo, vlen);
	fb_put(f, l->notes.data, nlen);
	fb_mark(f);
	fb_pad(f, (1 + l->sub_hdr_size) * l->bs);
	fb_mark(f);
}

static void put_bitmaps(struct dg_file *f, const struct dg_spec *s,
			const struct kd_layout *l)
{
	uint64_t half = l->bitmap_blocks * l->bs / 2;
	int single = s->format == DG_DISKDUMP;
	if (single)
		half = l->bitmap_blocks * l->bs;
	size_t at = f->len;
	fb_zero(f, l->bitmap_blocks * l->bs);
	for (uint64_t pfn = 0; pfn < s->npfns; pfn++) {
		enum dg_page k = dg_page_kind(s, pfn);
		uint8_t bit = (uint8_t)(1u << (pfn & 7));
		if (!single && k != DG_HOLE)
			f->data[at + pfn / 8] |= bit;
		if (is_dumpable(k))
			f->data[at + (single ? 0 : half) + pfn / 8] |= bit;
	}
	fb_mark(f);
}

/* Descriptors, then page data (the shared zero page first). */
static void put_pages(struct dg_file *f, const struct dg_spec *s,
		      const struct kd_layout *l)
{
	int be = s->big_endian;
	uint32_t bs = l->bs;
	uint64_t n = 0;
	for (uint64_t pfn = l->first; pfn < l->last; pfn++)
		n += is_dumpable(dg_page_kind(s, pfn));
	size_t desc_at = f->len;
	fb_zero(f, n * 24);
	fb_mark(f);
	uint8_t *page = malloc(bs), *comp = malloc(2 * bs + 1024);
	if (!page || !comp)
		abort();
	int64_t zero_off = -1;
	uint32_t zero_size = 0, zero_flags = 0;
	for (uint64_t pfn = l->first, i = 0; pfn < l->last; pfn++) {
		enum dg_page k = dg_page_kind(s, pfn);
		if (!is_dumpable(k))
			continue;
		size_t d = desc_at + 24 * i++;
		if (k == DG_LOST)
			continue;	/* all-zero descriptor: lost */
		if (k == DG_ZERO && zero_off >= 0) {
			fb_set_n(f, d, (uint64_t)zero_off, 8, be);
			fb_set_n(f, d + 8, zero_size, 4, be);
			fb_set_n(f, d + 12, zero_flags, 4, be);
			continue;
		}
		dg_page_fill(s, pfn, page);
		size_t clen = s->compression ?
			compress_page(s->compression, page, bs, comp,
				      2 * bs + 1024) : 0;
		int raw = clen == 0 || clen >= bs;
		uint32_t size = raw ? bs : (uint32_t)clen;
		uint32_t flags = raw ? 0 : s->compression;
		fb_set_n(f, d, f->len, 8, be);
		fb_set_n(f, d + 8, size, 4, be);
		fb_set_n(f, d + 12, flags, 4, be);
		if (k == DG_ZERO) {
			zero_off = (int64_t)f->len;
			zero_size = size;
			zero_flags = flags;
		}
		fb_put(f, raw ? page : comp, size);
	}
	fb_mark(f);
	free(page);
	free(comp);
}

static void gen_kdump_part(const struct dg_spec *s, struct dg_file *f,
			   uint64_t first, uint64_t last)
{
	struct kd_layout l = { .bs = s->page_size, .first = first,
			       .last = last };
	int v = s->format == DG_DISKDUMP ? 0 : s->header_version;
	if (v >= 4)
		build_notes(&l.notes, s, 8, 1);
	l.vmcoreinfo = v >= 3 && !s->no_vmcoreinfo ? vmcoreinfo_for(s) : NULL;
	size_t sub = sub_struct_size(v) +
		     (l.vmcoreinfo ? strlen(l.vmcoreinfo) : 0) + l.notes.len;
	l.sub_hdr_size = v ? (sub + l.bs - 1) / l.bs : 0;
	if (v && !l.sub_hdr_size)
		l.sub_hdr_size = 1;
	uint64_t one = ((s->npfns + 7) / 8 + l.bs - 1) / l.bs;
	l.bitmap_blocks = s->format == DG_DISKDUMP ? one : 2 * one;
	put_kdump_header(f, s, &l);
	if (v)
		put_sub_header(f, s, &l);
	put_bitmaps(f, s, &l);
	put_pages(f, s, &l);
	free(l.notes.data);
}

static int gen_kdump(const struct dg_spec *s, struct dg_dump *out)
{
	unsigned n = s->nsplit;
	if (n > DG_MAX_FILES || (n > 1 && s->header_version < 2))
		return -1;
	for (unsigned k = 0; k < n; k++) {
		uint64_t first = s->npfns * k / n, last = s->npfns * (k + 1) / n;
		if (n == 1)
			first = 0, last = s->npfns;
		gen_kdump_part(s, &out->files[k], first, last);
		out->nfiles++;
	}
	return 0;
}

/* ---- flattened ---- */

static void put_record(struct dg_file *f, uint64_t off, const void *p,
		       size_t len)
{
	fb_put_n(f, off, 8, 1);
	fb_put_n(f, len, 8, 1);
	fb_put(f, p, len);
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int dg_flatten(const struct dg_file *in, int shuffle, struct dg_file *out)
{
	static const size_t sizes[] = { 1000, 4096, 777, 3000, 5000, 64 };
	struct { size_t off, len; } *rec = calloc(in->len / 64 + 2,
						  sizeof(*rec));
	if (!rec)
		return -1;
	size_t n = 0;
	for (size_t off = 0, i = 0; off < in->len; i++) {
		size_t len = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
		if (len > in->len - off)
			len = in->len - off;
		rec[n].off = off;
		rec[n++].len = len;
		off += len;
	}
	fb_put(out, "makedumpfile", 12);
	fb_zero(out, 4);
	fb_put_n(out, 1, 8, 1);		/* type */
	fb_put_n(out, 1, 8, 1);		/* version */
	fb_pad(out, 4096);
	fb_mark(out);
	if (shuffle) {
		/* Stale records first, each inside a record with data:
		 * the real records that come later overwrite them. */
		uint8_t junk[512];
		memset(junk, 0xaa, sizeof(junk));
		for (size_t i = 3; i < n; i += 7) {
			size_t skip = rec[i].len / 3, len = rec[i].len - skip;
			if (len > sizeof(junk))
				len = sizeof(junk);
			if (!all_zero(in->data + rec[i].off, rec[i].len))
				put_record(out, rec[i].off + skip, junk, len);
		}
		/* A deterministic shuffle (the first record stays first). */
		uint64_t x = 12345;
		for (size_t i = n - 1; i > 1; i--) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			size_t j = 1 + (size_t)((x >> 33) % i);
			size_t to = rec[i].off, tl = rec[i].len;
			rec[i].off = rec[j].off;
			rec[i].len = rec[j].len;
			rec[j].off = to;
			rec[j].len = tl;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = in->data + rec[i].off;
		if (shuffle && i > 0 && all_zero(p, rec[i].len))
			continue;	/* a hole: reads as zeros */
		put_record(out, rec[i].off, p, rec[i].len);
		if (i < 4)
			fb_mark(out);
	}
	fb_put_n(out, UINT64_MAX, 8, 1);
	fb_put_n(out, UINT64_MAX, 8, 1);
	fb_mark(out);
	free(rec);
	return 0;
}

/* ---- entry points ---- */

int dg_generate(const struct dg_spec *spec, struct dg_dump *out)
{
	struct dg_spec s = *spec;
	dg_spec_normalize(&s);
	memset(out, 0, sizeof(*out));
	int r;
	if (s.format == DG_ELF64 || s.format == DG_ELF32) {
		out->nfiles = 1;
		r = gen_elf(&s, &out->files[0]);
	} else {
		r = gen_kdump(&s, out);
	}
	if (r < 0 || !s.flattened)
		return r;
	for (size_t i = 0; i < out->nfiles; i++) {
		struct dg_file flat = { 0 };
		if (dg_flatten(&out->files[i], s.flat_shuffle, &flat) < 0)
			return -1;
		free(out->files[i].data);
		out->files[i] = flat;
	}
	return 0;
}

void dg_dump_free(struct dg_dump *d)
{
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i].data);
	memset(d, 0, sizeof(*d));
}

int dg_write(const struct dg_dump *d, const char *dir, const char *stem,
	     char **paths)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		if (asprintf(&paths[i], "%s/%s.%zu", dir, stem, i) < 0)
			return -1;
		FILE *fp = fopen(paths[i], "wb");
		if (!fp)
			return -1;
		size_t w = fwrite(d->files[i].data, 1, d->files[i].len, fp);
		if (fclose(fp) != 0 || w != d->files[i].len)
			return -1;
	}
	return 0;
}
