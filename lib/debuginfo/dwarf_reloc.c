// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Relocating a kernel module's debug sections to where the kernel put
 * the module: an ET_REL .ko's DWARF refers to its sections through
 * RELA relocations (.rela.debug_info ...): S + A, where S is the section
 * symbol's value.  For the module's allocated sections (.text, .data
 * ...) S is the address the kernel gave the section (from the caller's
 * callback: module->sect_attrs); for the debug sections it is 0, so
 * string and unit offsets come out as plain offsets.  Only relocations
 * into non-allocated sections are applied: nothing else is read.
 *
 * The file is mapped privately (ELF_C_READ_MMAP_PRIVATE), so the writes
 * stay in our copy-on-write pages and the file is never modified;
 * compressed sections are inflated first (libelf gives a heap copy).
 * Every offset is checked against its section; an unknown relocation
 * type is an error naming the section, never a silent wrong value.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo_internal.h"

#ifndef R_AARCH64_ABS64
#define R_AARCH64_ABS64 257
#define R_AARCH64_ABS32 258
#endif

struct reloc_ctx {
	struct kd_dwarf_source *src;
	size_t shstrndx;
	uint64_t *secaddr;		/* by section index */
	size_t nsecs;
	Elf_Data *symtab;
	size_t nsyms;
};

static Elf_Data *section_data(struct reloc_ctx *c, Elf_Scn *scn)
{
	GElf_Shdr sh;
	if (!gelf_getshdr(scn, &sh))
		return NULL;
	if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return NULL;
	(void)c;
	return elf_getdata(scn, NULL);
}

/* Section addresses from the callback; the symbol table. */
static struct kd_error *collect(struct reloc_ctx *c)
{
	Elf *elf = c->src->elf;
	if (elf_getshdrnum(elf, &c->nsecs) < 0 ||
	    elf_getshdrstrndx(elf, &c->shstrndx) < 0)
		return kd_error_create(KD_ERR_CORRUPT, "%s: bad section table: %s",
				       c->src->path, elf_errmsg(-1));
	c->secaddr = calloc(c->nsecs ? c->nsecs : 1, sizeof(*c->secaddr));
	if (!c->secaddr)
		return &kd_error_nomem;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		size_t i = elf_ndxscn(scn);
		const char *name = elf_strptr(elf, c->shstrndx, sh.sh_name);
		if ((sh.sh_flags & SHF_ALLOC) && name && i < c->nsecs &&
		    !c->src->secaddr(c->src->secaddr_arg, name, &c->secaddr[i]))
			c->secaddr[i] = 0;
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize) {
			c->symtab = elf_getdata(scn, NULL);
			c->nsyms = c->symtab ? c->symtab->d_size / sizeof(Elf64_Sym) : 0;
		}
	}
	if (!c->symtab)
		return kd_error_create(KD_ERR_FORMAT, "%s: no symbol table: "
				       "cannot relocate its DWARF", c->src->path);
	return NULL;
}

static struct kd_error *apply_one(struct reloc_ctx *c, const GElf_Rela *r,
				  Elf_Data *d, const char *tname)
{
	GElf_Sym sym;
	size_t si = GELF_R_SYM(r->r_info);
	unsigned type = (unsigned)GELF_R_TYPE(r->r_info);
	if (si >= c->nsyms || !gelf_getsym(c->symtab, (int)si, &sym))
		return kd_error_create(KD_ERR_CORRUPT, "%s: %s: relocation "
				       "against symbol %zu of %zu", c->src->path,
				       tname, si, c->nsyms);
	uint64_t s = sym.st_value;
	if (sym.st_shndx != SHN_ABS && sym.st_shndx != SHN_UNDEF &&
	    sym.st_shndx < c->nsecs)
		s += c->secaddr[sym.st_shndx];
	uint64_t v = s + (uint64_t)r->r_addend;
	size_t size;
	switch (type) {
	case R_X86_64_NONE:
		return NULL;
	case R_X86_64_64:
	case R_AARCH64_ABS64:
		size = 8;
		break;
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_AARCH64_ABS32:
		size = 4;
		break;
	default:
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: %s: relocation "
				       "type %u not supported", c->src->path,
				       tname, type);
	}
	if (r->r_offset > d->d_size || d->d_size - r->r_offset < size)
		return kd_error_create(KD_ERR_CORRUPT, "%s: %s: relocation at "
				       "0x%llx outside the section", c->src->path,
				       tname, (unsigned long long)r->r_offset);
	uint8_t *p = (uint8_t *)d->d_buf + r->r_offset;
	if (size == 8) {
		memcpy(p, &v, 8);
	} else {
		uint32_t v32 = (uint32_t)v;
		memcpy(p, &v32, 4);
	}
	return NULL;
}

static struct kd_error *apply_section(struct reloc_ctx *c, Elf_Scn *rscn,
				      const GElf_Shdr *rsh)
{
	Elf *elf = c->src->elf;
	Elf_Scn *tscn = elf_getscn(elf, rsh->sh_info);
	GElf_Shdr tsh;
	if (!tscn || !gelf_getshdr(tscn, &tsh))
		return kd_error_create(KD_ERR_CORRUPT, "%s: relocation section "
				       "for missing section %u", c->src->path,
				       (unsigned)rsh->sh_info);
	if (tsh.sh_flags & SHF_ALLOC || tsh.sh_type == SHT_NOBITS)
		return NULL;	/* code and data: not read */
	const char *tname = elf_strptr(elf, c->shstrndx, tsh.sh_name);
	tname = tname ? tname : "?";
	Elf_Data *rd = section_data(c, rscn);
	Elf_Data *td = section_data(c, tscn);
	if (!rd || !td)
		return kd_error_create(KD_ERR_CORRUPT, "%s: %s: unreadable: %s",
				       c->src->path, tname, elf_errmsg(-1));
	size_t n = rsh->sh_entsize ? rd->d_size / rsh->sh_entsize : 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;
		if (!gelf_getrela(rd, (int)i, &r))
			return kd_error_create(KD_ERR_CORRUPT, "%s: %s: bad "
					       "relocation %zu", c->src->path,
					       tname, i);
		struct kd_error *err = apply_one(c, &r, td, tname);
		if (err)
			return err;
	}
	return NULL;
}

struct kd_error *kd_dwarf_source_relocate(struct kd_dwarf_source *src)
{
	struct reloc_ctx c = { .src = src };
	struct kd_error *err = collect(&c);
	for (Elf_Scn *scn = NULL; !err && (scn = elf_nextscn(src->elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_REL)
			err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: REL "
					      "relocations not supported",
					      src->path);
		else if (sh.sh_type == SHT_RELA)
			err = apply_section(&c, scn, &sh);
	}
	free(c.secaddr);
	return err;
}
