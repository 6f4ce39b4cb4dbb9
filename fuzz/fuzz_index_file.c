// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the cache readers, DWARF index (index_file.c) and
 * symbol table image (symtab_image.c).  The input is a candidate image
 * of either kind; it is opened with and without the body checksum (so
 * mutations get past it).  For the index every entry and a few fixed
 * names are looked up; for the symbol table (against a synthetic ELF
 * .symtab of the size the image asks for) every symbol is listed, looked
 * up by name and address, and relocated both ways.  In the unchecked
 * pass the header checksum is made to match too, so that mutated header
 * fields reach the layout checks.  Seeds:
 * fuzz/corpus/index_file/ (cache files of the unit-test fixture).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/symbols.h>

#include "debuginfo/dwarf_index.h"
#include "debuginfo/debuginfo_internal.h"
#include "debuginfo/symtab_internal.h"

#include "debuginfo/index_format.h"

#define MAX_SYMS 4096

static void exercise(struct kd_dwarf_index *idx)
{
	static const char *const names[] = { "outer", "inner", "int", "", "x" };
	uint64_t n = kd_dwarf_index_count(idx);
	for (uint64_t i = 0; i < n && i < 4096; i++) {
		struct kd_index_hit hit, other;
		struct kd_index_iter it;
		if (!kd_dwarf_index_entry(idx, i, &hit))
			continue;
		kd_dwarf_index_find(idx, hit.name, ~0u, &it);
		while (kd_dwarf_index_next(&it, &other))
			;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct kd_index_hit hit;
		struct kd_index_iter it;
		kd_dwarf_index_find(idx, names[i], KD_DIX_TYPES, &it);
		while (kd_dwarf_index_next(&it, &hit))
			;
	}
}

/* A .symtab of n symbols named s0, s1, ... (some section symbols). */
static void fake_elf(struct kd_symtab *st, Elf64_Sym *syms, char *strtab,
		     size_t n)
{
	size_t pos = 1;
	strtab[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		syms[i] = (Elf64_Sym){ .st_name = (uint32_t)pos,
				       .st_value = 0xffffffff81000000ull + 16u * i,
				       .st_size = 16,
				       .st_shndx = (uint16_t)(i % 5),
				       .st_info = (unsigned char)(i % 7 == 3 ?
						  STT_SECTION : STT_FUNC) };
		pos += (size_t)sprintf(strtab + pos, "s%zu", i) + 1;
	}
	st->syms = syms;
	st->nsyms = n;
	st->strtab = strtab;
	st->strsz = pos;
	st->img_start = 0xffffffff81000000ull;
	st->img_end = st->img_start + 16u * n;
}

static Elf64_Sym syms[MAX_SYMS];
static char strtab[MAX_SYMS * 6 + 1];

static void exercise_symtab(void *image, size_t size, unsigned flags)
{
	struct kd_symtab_image_header *h = image;
	size_t n = 0;
	if (size >= sizeof(*h)) {
		n = h->nsyms < MAX_SYMS ? h->nsyms : MAX_SYMS;
		if (flags & KD_INDEX_NO_CHECKSUM) {
			struct kd_symtab_image_header copy = *h;
			copy.header_checksum = 0;
			h->header_checksum = kd_index_checksum(&copy,
							       sizeof(copy));
		}
	}
	struct kd_symtab *st = calloc(1, sizeof(*st));
	if (!st)
		return;
	fake_elf(st, syms, strtab, n);
	struct kd_error *err = kd_symtab_image_open(st, image, size, NULL, flags);
	if (err) {
		kd_error_destroy(err);
		free(st);
		return;
	}
	for (unsigned pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < kd_symtab_count(st) && i < 4096; i++) {
			struct kd_symbol sym, all[2];
			uint64_t off;
			if (!kd_symtab_get(st, i, &sym))
				continue;
			kd_symtab_lookup_all(st, sym.name, all, 2);
			kd_symtab_by_addr(st, sym.value + 1, &sym, &off);
			kd_symtab_percpu_by_offset(st, i, &sym, &off);
		}
		/* moves the image past the top: forces a re-sort */
		kd_symtab_set_relocation(st, pass ? 0 : 0x7f000000ull << 32);
	}
	kd_symtab_destroy(st);	/* does not own the image */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *copy = malloc(size ? size : 1);	/* the reader needs alignment */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (unsigned flags = 0; flags <= KD_INDEX_NO_CHECKSUM; flags++) {
		exercise_symtab(copy, size, flags);
		memcpy(copy, data, size);
		if ((flags & KD_INDEX_NO_CHECKSUM) &&
		    size >= sizeof(struct kd_index_header))
			((struct kd_index_header *)copy)->header_checksum =
				kd_index_header_checksum(copy);
		struct kd_dwarf_index *idx;
		struct kd_error *err = kd_dwarf_index_open_image(copy, size, NULL,
								 flags, &idx);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		exercise(idx);
		kd_dwarf_index_destroy(idx);
	}
	free(copy);
	return 0;
}
