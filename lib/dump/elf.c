// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF vmcores: /proc/vmcore as saved by kdump, `makedumpfile -E`, QEMU's
 * `dump-guest-memory` (format "elf").  ELF64 and ELF32, either byte order.
 *
 *   Ehdr  e_ident: "\x7fELF", class (1 = 32, 2 = 64), data (1 = LE, 2 = BE)
 *         e_type = ET_CORE (4), e_machine @18,
 *         ELF64: e_phoff u64 @32, e_shoff u64 @40, e_phentsize u16 @54,
 *                e_phnum u16 @56
 *         ELF32: e_phoff u32 @28, e_shoff u32 @32, e_phentsize u16 @42,
 *                e_phnum u16 @44
 *         e_phnum = 0xffff (PN_XNUM): the count is section 0's sh_info
 *         (u32 @44 in ELF64, @28 in ELF32); makedumpfile writes this when
 *         it splits memory into more than 65534 segments.
 *   Phdr  ELF64 (56 bytes): p_type @0, p_offset @8, p_vaddr @16,
 *                           p_paddr @24, p_filesz @32, p_memsz @40
 *         ELF32 (32 bytes): p_type @0, p_offset @4, p_vaddr @8,
 *                           p_paddr @12, p_filesz @16, p_memsz @20
 *
 * The program headers may be anywhere (QEMU puts them after the section
 * headers): we always follow e_phoff.  A PT_LOAD maps physical memory
 * [p_paddr, p_paddr + p_memsz) to file bytes at p_offset; its last
 * p_memsz - p_filesz bytes were excluded from the dump.  Memory no PT_LOAD
 * covers was not in the machine (or not dumped at all).  Data past the end
 * of the file (a truncated copy) is "lost".
 *
 * /proc/kcore is ELF too but keyed by virtual address (p_paddr -1 or 0 for
 * most segments): segments without a usable p_paddr are dropped and
 * overlaps clipped, so such a file opens without misreading memory.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cursor.h>

#include "dump_internal.h"

struct elf_segment {
	uint64_t paddr;
	uint64_t memsz;
	uint64_t filesz;	/* <= memsz */
	uint64_t offset;
};

struct elf_dump {
	struct kd_vfile *vf;
	int elf64;
	uint64_t phoff;
	uint64_t phnum;
	unsigned nload_raw;	/* PT_LOAD headers before clean-up */
	unsigned nzero_paddr;	/* of which with p_paddr 0 */
	size_t nclipped;	/* overlaps clipped */
	unsigned nnote;
	uint64_t note_bytes;
	struct elf_segment *segs;	/* sorted by paddr, disjoint */
	size_t nsegs;
};

int kd_elf_probe(struct kd_vfile *vf)
{
	uint8_t id[EI_NIDENT];
	if (!kd_vfile_contains(vf, 0, sizeof(id)))
		return 0;
	const uint8_t *p = kd_vfile_ptr(vf, 0, sizeof(id), id);
	return memcmp(p, ELFMAG, SELFMAG) == 0;
}

/* ---- segment lookup ---- */

/* The segment holding paddr, or NULL; *next_start = where the next
 * segment starts (UINT64_MAX if none) when paddr is in a gap. */
static const struct elf_segment *find_segment(const struct elf_dump *e,
					      uint64_t paddr,
					      uint64_t *next_start)
{
	size_t lo = 0, hi = e->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->segs[mid].paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*next_start = lo < e->nsegs ? e->segs[lo].paddr : UINT64_MAX;
	if (lo == 0)
		return NULL;
	const struct elf_segment *s = &e->segs[lo - 1];
	return paddr - s->paddr < s->memsz ? s : NULL;
}

/*
 * State of the bytes at paddr and how many of the next len bytes share
 * it (*run).  For DUMPED bytes, *file_off is where they are.
 */
static enum kd_page_state classify(const struct elf_dump *e, uint64_t paddr,
				   uint64_t len, uint64_t *run,
				   uint64_t *file_off)
{
	uint64_t next;
	const struct elf_segment *s = find_segment(e, paddr, &next);
	if (!s) {
		*run = next - paddr < len ? next - paddr : len;
		return KD_PAGE_NOT_PRESENT;
	}
	uint64_t in = paddr - s->paddr;
	if (in >= s->filesz) {
		*run = s->memsz - in < len ? s->memsz - in : len;
		return KD_PAGE_EXCLUDED;
	}
	*run = s->filesz - in < len ? s->filesz - in : len;
	*file_off = s->offset + in;
	if (*file_off >= e->vf->size)
		return KD_PAGE_LOST;
	if (e->vf->size - *file_off < *run)
		*run = e->vf->size - *file_off;	/* the rest is lost */
	return KD_PAGE_DUMPED;
}

static enum kd_page_state elf_read(struct kd_dump *d, uint64_t pfn,
				   size_t off, size_t len, void *buf,
				   char **why)
{
	struct elf_dump *e = d->priv;
	uint64_t paddr = (pfn << d->page_shift) + off;
	uint8_t *out = buf;
	while (len) {
		uint64_t run, foff = 0;
		enum kd_page_state st = classify(e, paddr, len, &run, &foff);
		if (st == KD_PAGE_LOST)
			kd_page_why(why, "%s: segment data at file offset "
				    "0x%llx is past the end of the file (size "
				    "0x%llx): truncated dump", e->vf->name,
				    (unsigned long long)foff,
				    (unsigned long long)e->vf->size);
		if (st != KD_PAGE_DUMPED)
			return st;
		const void *p = kd_vfile_ptr(e->vf, foff, run, out);
		if (p != out)
			memcpy(out, p, run);
		if (kd_vfile_lost(e->vf, foff, run))
			return kd_page_gone(e->vf, foff, run, "segment data",
					    pfn, why);
		out += run;
		paddr += run;
		len -= run;
	}
	return KD_PAGE_DUMPED;
}

static enum kd_page_state elf_page_state(struct kd_dump *d, uint64_t pfn)
{
	struct elf_dump *e = d->priv;
	uint64_t paddr = pfn << d->page_shift, len = d->page_size;
	while (len) {
		uint64_t run, foff;
		enum kd_page_state st = classify(e, paddr, len, &run, &foff);
		if (st != KD_PAGE_DUMPED)
			return st;
		if (kd_vfile_lost(e->vf, foff, run))
			return KD_PAGE_LOST;	/* the file shrank */
		paddr += run;
		len -= run;
	}
	return KD_PAGE_DUMPED;
}

/* Counts page by page once the file shrank while open (rare: the fast
 * count goes by segment sizes). */
static void count_shrunk(struct kd_dump *d, const struct elf_segment *s,
			 struct kd_page_counts *c)
{
	unsigned sh = d->page_shift;
	for (uint64_t a = s->paddr; a < s->paddr + s->memsz; a += d->page_size) {
		enum kd_page_state st = elf_page_state(d, a >> sh);
		c->present++;
		c->dumped += st == KD_PAGE_DUMPED;
		c->lost += st == KD_PAGE_LOST;
		c->excluded += st == KD_PAGE_EXCLUDED;
	}
}

static struct kd_error *elf_count_pages(struct kd_dump *d,
					struct kd_page_counts *c)
{
	struct elf_dump *e = d->priv;
	unsigned sh = d->page_shift;
	int shrunk = kd_vfile_lost(e->vf, 0, e->vf->size);
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct elf_segment *s = &e->segs[i];
		if (shrunk) {
			count_shrunk(d, s, c);
			continue;
		}
		uint64_t in_file = 0;
		if (s->offset < e->vf->size)
			in_file = e->vf->size - s->offset < s->filesz ?
				  e->vf->size - s->offset : s->filesz;
		c->present += s->memsz >> sh;
		c->dumped += in_file >> sh;
		c->lost += (s->filesz - in_file) >> sh;
		c->excluded += (s->memsz - s->filesz) >> sh;
	}
	return NULL;
}

static void elf_describe(struct kd_dump *d, FILE *out)
{
	struct elf_dump *e = d->priv;
	fprintf(out, "elf_class: ELF%d\n", e->elf64 ? 64 : 32);
	fprintf(out, "byte_order: %s-endian\n",
		d->big_endian ? "big" : "little");
	fprintf(out, "e_machine: %d (%s)\n", d->machine, d->arch_name);
	fprintf(out, "program_headers: %llu at offset 0x%llx\n",
		(unsigned long long)e->phnum, (unsigned long long)e->phoff);
	fprintf(out, "pt_load_segments: %u (%zu after clean-up, %zu "
		"overlaps clipped)\n", e->nload_raw, e->nsegs, e->nclipped);
	fprintf(out, "pt_note_segments: %u (%llu bytes)\n", e->nnote,
		(unsigned long long)e->note_bytes);
	fprintf(out, "qemu_notes: %u\n", d->nqemu);
	for (size_t i = 0; i < e->nsegs && i < 16; i++) {
		const struct elf_segment *s = &e->segs[i];
		fprintf(out, "segment %zu: paddr 0x%llx-0x%llx filesz 0x%llx "
			"offset 0x%llx\n", i, (unsigned long long)s->paddr,
			(unsigned long long)(s->paddr + s->memsz),
			(unsigned long long)s->filesz,
			(unsigned long long)s->offset);
	}
	if (e->nsegs > 16)
		fprintf(out, "segment ...: %zu more\n", e->nsegs - 16);
}

static void elf_destroy(struct kd_dump *d)
{
	struct elf_dump *e = d->priv;
	if (!e)
		return;
	free(e->segs);
	free(e);
}

static const struct kd_dump_ops elf_ops = {
	.read = elf_read,
	.page_state = elf_page_state,
	.count_pages = elf_count_pages,
	.describe = elf_describe,
	.destroy = elf_destroy,
};

/* ---- opening ---- */

struct elf_header {
	int elf64;
	uint16_t machine;
	uint64_t phoff, shoff;
	uint16_t phentsize, shentsize;
	uint64_t phnum;
};

static struct kd_error *read_ehdr(struct kd_dump *d, struct kd_vfile *vf,
				  struct elf_header *h)
{
	uint8_t buf[64];
	size_t n = vf->size < sizeof(buf) ? vf->size : sizeof(buf);
	const uint8_t *p = kd_vfile_ptr(vf, 0, n, buf);
	struct kd_cursor c;
	kd_cursor_init_file(&c, p, n, 0, vf->name, "ELF header", 0);
	uint8_t cls = kd_cursor_u8_at(&c, EI_CLASS);
	uint8_t data = kd_cursor_u8_at(&c, EI_DATA);
	if ((cls != ELFCLASS32 && cls != ELFCLASS64) ||
	    (data != ELFDATA2LSB && data != ELFDATA2MSB))
		return kd_error_create(KD_ERR_FORMAT,
				       "%s: ELF file of unknown class %u or "
				       "byte order %u", vf->name, cls, data);
	d->big_endian = data == ELFDATA2MSB;
	c.big_endian = d->big_endian;
	h->elf64 = cls == ELFCLASS64;
	uint16_t type = kd_cursor_u16_at(&c, 16);
	h->machine = kd_cursor_u16_at(&c, 18);
	if (h->elf64) {
		h->phoff = kd_cursor_u64_at(&c, 32);
		h->shoff = kd_cursor_u64_at(&c, 40);
		h->phentsize = kd_cursor_u16_at(&c, 54);
		h->phnum = kd_cursor_u16_at(&c, 56);
		h->shentsize = kd_cursor_u16_at(&c, 58);
	} else {
		h->phoff = kd_cursor_u32_at(&c, 28);
		h->shoff = kd_cursor_u32_at(&c, 32);
		h->phentsize = kd_cursor_u16_at(&c, 42);
		h->phnum = kd_cursor_u16_at(&c, 44);
		h->shentsize = kd_cursor_u16_at(&c, 46);
	}
	struct kd_error *err = kd_cursor_error(&c);
	if (err)
		return err;
	if (type != ET_CORE)
		return kd_error_create(KD_ERR_FORMAT,
				       "%s: not a vmcore: an ELF %s (type %u), "
				       "not a core dump (ET_CORE)", vf->name,
				       type == ET_EXEC ? "executable" :
				       type == ET_DYN ? "program or shared "
				       "object" : type == ET_REL ?
				       "relocatable object" : "file", type);
	if (h->phentsize < (h->elf64 ? 56 : 32))
		return kd_error_create(KD_ERR_CORRUPT,
				       "%s: ELF e_phentsize %u is too small",
				       vf->name, h->phentsize);
	return NULL;
}

/* e_phnum == PN_XNUM: the real count is in section header 0. */
static struct kd_error *extended_phnum(struct kd_vfile *vf,
				       struct elf_header *h, int be)
{
	uint8_t buf[64];
	size_t need = h->elf64 ? 64 : 40;
	if (h->shentsize < need)
		return kd_error_create(KD_ERR_CORRUPT,
			"%s: e_phnum is PN_XNUM but e_shentsize %u is too small",
			vf->name, h->shentsize);
	struct kd_error *err = kd_vfile_read(vf, h->shoff, need, buf,
					     "section header 0 (PN_XNUM)");
	if (err)
		return err;
	struct kd_cursor c;
	kd_cursor_init_file(&c, buf, need, h->shoff, vf->name,
			    "section header", be);
	h->phnum = kd_cursor_u32_at(&c, h->elf64 ? 44 : 28);
	return kd_cursor_error(&c);
}

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void read_phdr(struct kd_cursor *c, size_t at, int elf64,
		      struct phdr *p)
{
	p->type = kd_cursor_u32_at(c, at);
	if (elf64) {
		p->offset = kd_cursor_u64_at(c, at + 8);
		p->vaddr = kd_cursor_u64_at(c, at + 16);
		p->paddr = kd_cursor_u64_at(c, at + 24);
		p->filesz = kd_cursor_u64_at(c, at + 32);
		p->memsz = kd_cursor_u64_at(c, at + 40);
	} else {
		p->offset = kd_cursor_u32_at(c, at + 4);
		p->vaddr = kd_cursor_u32_at(c, at + 8);
		p->paddr = kd_cursor_u32_at(c, at + 12);
		p->filesz = kd_cursor_u32_at(c, at + 16);
		p->memsz = kd_cursor_u32_at(c, at + 20);
	}
}

static struct kd_error *add_note(struct kd_dump *d, struct elf_dump *e,
				 const struct phdr *p)
{
	const void *notes;
	void *owned;
	e->nnote++;
	e->note_bytes += p->filesz;
	struct kd_error *err = kd_vfile_map(e->vf, p->offset, p->filesz,
					    "PT_NOTE segment", &notes, &owned);
	if (err) {
		/* Memory may still be readable: keep going without notes. */
		kd_dump_warn(d, "%s", err->message);
		kd_error_destroy(err);
		return NULL;
	}
	err = kd_notes_parse(d, notes, p->filesz, p->offset, e->vf->name);
	free(owned);
	return err;
}

static void add_load(struct elf_dump *e, const struct phdr *p)
{
	e->nload_raw++;
	e->nzero_paddr += p->paddr == 0;
	/* kcore-style segments without a physical address. */
	if (p->memsz == 0 || p->paddr == UINT64_MAX ||
	    (!e->elf64 && p->paddr == UINT32_MAX))
		return;
	if (p->paddr + p->memsz < p->paddr)
		return;		/* wraps: cannot be physical memory */
	e->segs[e->nsegs++] = (struct elf_segment){
		.paddr = p->paddr, .memsz = p->memsz,
		.filesz = p->filesz < p->memsz ? p->filesz : p->memsz,
		.offset = p->offset,
	};
}

static int cmp_seg(const void *a, const void *b)
{
	const struct elf_segment *x = a, *y = b;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

/*
 * Sort, then clip overlaps (the segment starting lower wins) so lookups
 * are unambiguous.  Overlaps are normal in /proc/vmcore, whose kernel text
 * segment lies inside a RAM segment (same bytes, copied twice).
 */
static void tidy_segments(struct kd_dump *d, struct elf_dump *e)
{
	kd_qsort(e->segs, e->nsegs, sizeof(*e->segs), cmp_seg);
	size_t n = 0, clipped = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		struct elf_segment s = e->segs[i];
		uint64_t end = n ? e->segs[n - 1].paddr + e->segs[n - 1].memsz
				 : 0;
		if (n && s.paddr < end) {
			uint64_t cut = end - s.paddr;
			clipped++;
			if (cut >= s.memsz)
				continue;
			s.paddr += cut;
			s.memsz -= cut;
			s.offset += cut;
			s.filesz = s.filesz > cut ? s.filesz - cut : 0;
		}
		e->segs[n++] = s;
	}
	e->nsegs = n;
	e->nclipped = clipped;
	if (e->nzero_paddr > 1)
		kd_dump_warn(d, "%s: %u PT_LOAD segments at physical address 0: "
			     "keyed by virtual address (/proc/kcore?), so "
			     "physical reads may fail", e->vf->name,
			     e->nzero_paddr);
	for (size_t i = 0; i < n; i++)
		if (e->segs[i].paddr + e->segs[i].memsz > d->phys_end)
			d->phys_end = e->segs[i].paddr + e->segs[i].memsz;
}

/* A copy cut short: the segments' data runs past the end of the file.
 * Each read of a lost page says so too, but the open must already. */
static void warn_truncated(struct kd_dump *d, const struct elf_dump *e)
{
	uint64_t need = 0, lost = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct elf_segment *s = &e->segs[i];
		uint64_t end = s->offset + s->filesz;
		if (end < s->offset)
			end = UINT64_MAX;	/* wraps: as far as it gets */
		if (end > need)
			need = end;
		if (end > e->vf->size)
			lost += end - (s->offset > e->vf->size ? s->offset
							      : e->vf->size);
	}
	if (need > e->vf->size)
		kd_dump_warn(d, "%s: truncated dump: its PT_LOAD segments end "
			     "at file offset 0x%llx, the file has 0x%llx bytes "
			     "(%llu MiB of memory lost)", e->vf->name,
			     (unsigned long long)need,
			     (unsigned long long)e->vf->size,
			     (unsigned long long)(lost >> 20));
}

static struct kd_error *read_phdrs(struct kd_dump *d, struct elf_dump *e,
				   const struct elf_header *h)
{
	const void *tab;
	void *owned;
	uint64_t size = h->phnum * h->phentsize;
	struct kd_error *err = kd_vfile_map(e->vf, h->phoff, size,
					    "program header table", &tab,
					    &owned);
	if (err)
		return err;
	e->segs = calloc(h->phnum ? h->phnum : 1, sizeof(*e->segs));
	if (!e->segs) {
		free(owned);
		return &kd_error_nomem;
	}
	struct kd_cursor c;
	kd_cursor_init_file(&c, tab, size, h->phoff, e->vf->name,
			    "program header", d->big_endian);
	for (uint64_t i = 0; i < h->phnum && !err; i++) {
		struct phdr p;
		read_phdr(&c, i * h->phentsize, h->elf64, &p);
		if (p.type == PT_NOTE)
			err = add_note(d, e, &p);
		else if (p.type == PT_LOAD)
			add_load(e, &p);
	}
	free(owned);
	if (!err)
		err = kd_cursor_error(&c);
	return err;
}

struct kd_error *kd_elf_open(struct kd_dump *d)
{
	struct kd_vfile *vf = d->files[0];
	struct elf_header h = { 0 };
	struct kd_error *err = read_ehdr(d, vf, &h);
	if (err)
		return err;
	if (h.phnum == PN_XNUM &&
	    (err = extended_phnum(vf, &h, d->big_endian)))
		return err;
	struct elf_dump *e = calloc(1, sizeof(*e));
	if (!e)
		return &kd_error_nomem;
	e->vf = vf;
	e->elf64 = h.elf64;
	e->phoff = h.phoff;
	e->phnum = h.phnum;
	d->priv = e;
	d->ops = &elf_ops;
	d->machine = h.machine;
	d->ptr_size = h.elf64 ? 8 : 4;
	d->compression = "none";
	snprintf(d->format_name, sizeof(d->format_name), "%s",
		 h.elf64 ? "ELF" : "ELF32");
	err = read_phdrs(d, e, &h);
	if (err)
		return err;
	tidy_segments(d, e);
	warn_truncated(d, e);
	if (e->nsegs == 0)
		kd_dump_warn(d, "%s: no PT_LOAD segment with a physical "
			     "address: no memory can be read", vf->name);
	return NULL;
}
