/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vmlinux ELF symbol table, as crash keeps it: every named symbol
 * except file and undefined ones (section symbols are named after their
 * section, as BFD does), and nothing below _text but the per-CPU
 * symbols.  The address order is crash's: by value, then by name.  Names map to symbols through a hash (static
 * symbols may share a name: all matches are available, in address
 * order); addresses map to the nearest symbol at or below them through
 * an array sorted by address.  Names are not copied: they point into
 * the mapped file (except GCC clone names, see kd_symbol.name).
 *
 * Addresses are link-time addresses plus the relocation set by the
 * session (the KASLR offset, VMCOREINFO KERNELOFFSET): as crash does on
 * x86_64, the symbols whose value lies inside the span of the loaded
 * sections move (absolute ones too); other values and per-CPU offsets
 * (section .data..percpu, link addresses below the image) do not.
 */
#ifndef PYKDUMP_SYMBOLS_H
#define PYKDUMP_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_symtab;

/* kd_symbol.flags */
#define KD_SYM_GLOBAL	0x01	/* STB_GLOBAL (or unique) */
#define KD_SYM_WEAK	0x02
#define KD_SYM_FUNC	0x04	/* STT_FUNC */
#define KD_SYM_OBJECT	0x08	/* STT_OBJECT */
#define KD_SYM_ABS	0x10	/* absolute value (SHN_ABS) */
#define KD_SYM_PERCPU	0x20	/* in .data..percpu: value is an offset */
#define KD_SYM_RELOC	0x40	/* moves with the relocation offset */
#define KD_SYM_SECTION	0x80	/* a section symbol, named after its section */

struct kd_symbol {
	/* crash's name: GCC clone suffixes ".isra.N" and ".part.N" removed
	 * ("foo.isra.0" is listed as "foo"); raw_name is the ELF name. */
	const char *name;
	const char *raw_name;
	uint64_t value;		/* relocated address, or per-CPU offset */
	uint64_t size;		/* st_size */
	char type;		/* nm / crash letter: T t D d B b R r A a V W ... */
	unsigned flags;		/* KD_SYM_* */
	uint32_t index;		/* position in address order (kd_symtab_get) */
};

/* Set by the session: relocated = link + offset (KASLR). Default 0. */
KD_PUBLIC void kd_symtab_set_relocation(struct kd_symtab *st, uint64_t offset);
KD_PUBLIC uint64_t kd_symtab_relocation(const struct kd_symtab *st);

/* Symbols kept, and the i-th of them in address order (0 past the end). */
KD_PUBLIC size_t kd_symtab_count(const struct kd_symtab *st);
KD_PUBLIC int kd_symtab_get(const struct kd_symtab *st, size_t i,
			    struct kd_symbol *sym);

/* The first symbol of that name (lowest address), or NOT_FOUND. */
KD_PUBLIC struct kd_error *kd_symtab_lookup(const struct kd_symtab *st,
					    const char *name,
					    struct kd_symbol *sym)
	KD_WARN_UNUSED;
/* All symbols of that name, in address order: fills up to max, returns
 * how many exist. */
KD_PUBLIC size_t kd_symtab_lookup_all(const struct kd_symtab *st,
				      const char *name,
				      struct kd_symbol *syms, size_t max);
/* All of them, however many (a name can have a hundred: 5.10's
 * get_order), into *ret (malloc'd; NULL when none): their number. */
KD_PUBLIC struct kd_error *kd_symtab_lookup_every(const struct kd_symtab *st,
						  const char *name,
						  struct kd_symbol **ret,
						  size_t *n) KD_WARN_UNUSED;

/* The symbol at or nearest below a kernel address (per-CPU symbols are
 * not considered); 0 when addr is below the first symbol or past the
 * end of the kernel image.  *offset = addr - sym->value. */
KD_PUBLIC int kd_symtab_by_addr(const struct kd_symtab *st, uint64_t addr,
				struct kd_symbol *sym, uint64_t *offset);
/* The same for an offset into the per-CPU area. */
KD_PUBLIC int kd_symtab_percpu_by_offset(const struct kd_symtab *st,
					 uint64_t off, struct kd_symbol *sym,
					 uint64_t *offset);

/* Relocated [start, end) of the kernel image's loaded sections. */
KD_PUBLIC void kd_symtab_image_range(const struct kd_symtab *st,
				     uint64_t *start, uint64_t *end);

#endif /* PYKDUMP_SYMBOLS_H */
