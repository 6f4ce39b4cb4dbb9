// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmlinux symbol table (see include/pykdump/symbols.h).
 *
 * Layout read: .symtab (Elf64_Sym[], sh_entsize 24) and the string table
 * its sh_link names, both straight from the mapped file.  Kept: defined
 * symbols with a name (a section symbol takes its section's name, as
 * BFD and so crash show it), not STT_FILE; below _text only those of
 * .data..percpu (crash keeps per-CPU symbols and drops the absolute
 * values and early labels that sort before _text).  The type letter is
 * nm's, which is what crash shows: from the binding and the section's
 * flags (code t, read-only r, zero-fill b, other data d, absolute a).
 *
 * Two views of the kept symbols: an array sorted by (relocated) value
 * for address lookups and listing, and an open-addressing hash of crash
 * names (GCC clone suffixes removed) for name lookups.
 */
#include <elf.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo_internal.h"
#include "dwarf_scan.h"		/* kd_name_hash */

struct sym_ent {
	uint64_t value;		/* relocated */
	uint64_t link;		/* link-time value */
	uint32_t sym;		/* index in .symtab */
	uint32_t strip;		/* stripped name offset in names + 1, or 0 */
	uint8_t flags;
	char type;
};

struct kd_symtab {
	const char *path;
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	size_t strsz;
	struct sym_ent *ents;
	size_t n;
	uint32_t *hash;		/* index into ents + 1 */
	size_t hash_cap;
	char *names;		/* stripped clone names */
	size_t names_len, names_cap;
	uint64_t reloc;
	uint64_t img_start, img_end;	/* link addresses */
	size_t nsecs;
	char *sec_letter;	/* per section: t r b d n, 0 = unknown */
	uint8_t *sec_percpu;
	const char **sec_name;
};

static const char *elf_name(const struct kd_symtab *st, const Elf64_Sym *s);

static const char *sym_name(const struct kd_symtab *st, uint32_t i)
{
	return elf_name(st, &st->syms[i]);
}

static const char *crash_name(const struct kd_symtab *st,
			      const struct sym_ent *e)
{
	return e->strip ? st->names + e->strip - 1 : sym_name(st, e->sym);
}

/* ---- sections ---- */

static char section_letter(const char *name, const GElf_Shdr *sh)
{
	if (!(sh->sh_flags & SHF_ALLOC))
		return strncmp(name, ".debug", 6) == 0 ? 'N' : 'n';
	if (sh->sh_flags & SHF_EXECINSTR)
		return 't';
	if (sh->sh_type == SHT_NOBITS)
		return 'b';
	if (!(sh->sh_flags & SHF_WRITE))
		return 'r';
	return 'd';
}

static struct kd_error *read_sections(struct kd_symtab *st, Elf *elf)
{
	size_t shstrndx;
	if (elf_getshdrnum(elf, &st->nsecs) < 0 ||
	    elf_getshdrstrndx(elf, &shstrndx) < 0)
		return kd_error_create(KD_ERR_CORRUPT, "%s: bad section headers: %s",
				       st->path, elf_errmsg(-1));
	st->sec_letter = calloc(st->nsecs + 1, 1);
	st->sec_percpu = calloc(st->nsecs + 1, 1);
	st->sec_name = calloc(st->nsecs + 1, sizeof(*st->sec_name));
	if (!st->sec_letter || !st->sec_percpu || !st->sec_name)
		return &kd_error_nomem;
	st->img_start = UINT64_MAX;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		size_t i = elf_ndxscn(scn);
		if (!gelf_getshdr(scn, &sh) || i >= st->nsecs)
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		name = name ? name : "";
		st->sec_name[i] = name;
		st->sec_letter[i] = section_letter(name, &sh);
		st->sec_percpu[i] = strcmp(name, ".data..percpu") == 0;
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_addr && !st->sec_percpu[i]) {
			if (sh.sh_addr < st->img_start)
				st->img_start = sh.sh_addr;
			if (sh.sh_addr + sh.sh_size > st->img_end)
				st->img_end = sh.sh_addr + sh.sh_size;
		}
	}
	if (st->img_start == UINT64_MAX)
		st->img_start = 0;
	return NULL;
}

static struct kd_error *find_symtab(struct kd_symtab *st, Elf *elf)
{
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		Elf_Scn *sscn = elf_getscn(elf, sh.sh_link);
		Elf_Data *s = sscn ? elf_getdata(sscn, NULL) : NULL;
		if (!d || !s || sh.sh_entsize != sizeof(Elf64_Sym))
			return kd_error_create(KD_ERR_CORRUPT,
					       "%s: unreadable symbol table: %s",
					       st->path, elf_errmsg(-1));
		const char *str = s->d_buf;
		if (s->d_size == 0 || str[s->d_size - 1] != '\0')
			return kd_error_create(KD_ERR_CORRUPT,
					       "%s: symbol string table not terminated",
					       st->path);
		st->syms = d->d_buf;
		st->nsyms = d->d_size / sizeof(Elf64_Sym);
		st->strtab = str;
		st->strsz = s->d_size;
		return NULL;
	}
	return kd_error_create(KD_ERR_NOT_FOUND,
			       "%s: no symbol table (.symtab): a stripped vmlinux? "
			       "use the debug vmlinux", st->path);
}

/* ---- classification ---- */

static char type_letter(const struct kd_symtab *st, const Elf64_Sym *s)
{
	int bind = ELF64_ST_BIND(s->st_info), type = ELF64_ST_TYPE(s->st_info);
	char c;
	if (s->st_shndx == SHN_ABS)
		c = 'a';
	else if (s->st_shndx == SHN_COMMON)
		return 'C';
	else if (type == STT_GNU_IFUNC)
		return 'i';
	else if (s->st_shndx < st->nsecs && st->sec_letter[s->st_shndx])
		c = st->sec_letter[s->st_shndx];
	else
		c = '?';
	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	if (bind == STB_GNU_UNIQUE)
		return 'u';
	if (bind == STB_GLOBAL && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	return c;
}

static uint8_t sym_flags(const struct kd_symtab *st, const Elf64_Sym *s)
{
	int bind = ELF64_ST_BIND(s->st_info), type = ELF64_ST_TYPE(s->st_info);
	uint8_t f = 0;
	f |= bind == STB_GLOBAL || bind == STB_GNU_UNIQUE ? KD_SYM_GLOBAL : 0;
	f |= bind == STB_WEAK ? KD_SYM_WEAK : 0;
	f |= type == STT_FUNC ? KD_SYM_FUNC : 0;
	f |= type == STT_OBJECT ? KD_SYM_OBJECT : 0;
	f |= s->st_shndx == SHN_ABS ? KD_SYM_ABS : 0;
	f |= type == STT_SECTION ? KD_SYM_SECTION : 0;
	/* __per_cpu_load is in .data..percpu but is an image address */
	if (s->st_shndx < st->nsecs && st->sec_percpu[s->st_shndx] &&
	    s->st_value < st->img_start)
		f |= KD_SYM_PERCPU;
	else if (s->st_value >= st->img_start && s->st_value <= st->img_end)
		f |= KD_SYM_RELOC;
	return f;
}

/* The ELF name, or the section's name for a section symbol. */
static const char *elf_name(const struct kd_symtab *st, const Elf64_Sym *s)
{
	if (ELF64_ST_TYPE(s->st_info) == STT_SECTION)
		return s->st_shndx < st->nsecs && st->sec_name[s->st_shndx] ?
		       st->sec_name[s->st_shndx] : "";
	return s->st_name < st->strsz ? st->strtab + s->st_name : "";
}

/* Candidates: defined symbols with a name, not file symbols. */
static int candidate(const struct kd_symtab *st, const Elf64_Sym *s)
{
	int type = ELF64_ST_TYPE(s->st_info);
	return elf_name(st, s)[0] != '\0' && type != STT_FILE &&
	       s->st_shndx != SHN_UNDEF;
}

/*
 * crash's x86_64 filter, applied in sorted order: nothing is kept before
 * _text (or _stext) but __per_cpu_start and, after it, the per-CPU data
 * symbols (names per_cpu*, __per_cpu_end, letters V/d/D); everything is
 * kept from _text on.  Compacts st->ents in place.
 */
static void crash_filter(struct kd_symtab *st)
{
	int started = 0, percpu = 0;
	size_t out = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct sym_ent *e = &st->ents[i];
		const char *name = crash_name(st, e);
		int keep = started;
		if (!started && (!strcmp(name, "_text") || !strcmp(name, "_stext"))) {
			started = keep = 1;
		} else if (!started && !strcmp(name, "__per_cpu_start")) {
			percpu = keep = 1;
		} else if (!started && percpu) {
			keep = !strncmp(name, "per_cpu", 7) ||
			       !strcmp(name, "__per_cpu_end") ||
			       e->type == 'V' || e->type == 'd' || e->type == 'D';
		}
		if (keep)
			st->ents[out++] = *e;
	}
	/* no _text at all (not a kernel): keep everything */
	if (started)
		st->n = out;
}

/* Remembers "foo" for "foo.isra.0" / "foo.part.1" (crash strips them). */
static int strip_clone(struct kd_symtab *st, struct sym_ent *e)
{
	const char *name = sym_name(st, e->sym);
	const char *p = strstr(name, ".isra.");
	if (!p)
		p = strstr(name, ".part.");
	if (!p)
		return 1;
	size_t len = (size_t)(p - name);
	if (st->names_len + len + 1 > st->names_cap) {
		size_t cap = st->names_cap ? st->names_cap * 2 : 65536;
		while (cap < st->names_len + len + 1)
			cap *= 2;
		char *n = realloc(st->names, cap);
		if (!n)
			return 0;
		st->names = n;
		st->names_cap = cap;
	}
	memcpy(st->names + st->names_len, name, len);
	st->names[st->names_len + len] = '\0';
	e->strip = (uint32_t)st->names_len + 1;
	st->names_len += len + 1;
	return 1;
}

static struct kd_error *collect(struct kd_symtab *st)
{
	st->ents = malloc((st->nsyms + 1) * sizeof(*st->ents));
	if (!st->ents)
		return &kd_error_nomem;
	for (size_t i = 1; i < st->nsyms; i++) {
		const Elf64_Sym *s = &st->syms[i];
		if (!candidate(st, s))
			continue;
		struct sym_ent *e = &st->ents[st->n++];
		e->link = e->value = s->st_value;
		e->sym = (uint32_t)i;
		e->strip = 0;
		e->flags = sym_flags(st, s);
		e->type = type_letter(st, s);
		if (!strip_clone(st, e))
			return &kd_error_nomem;
	}
	return NULL;
}

/* ---- views ---- */

static const struct kd_symtab *sorting;	/* qsort has no context argument */

/* crash's order (nm's numeric sort): by value, then by name. */
static int cmp_ent(const void *pa, const void *pb)
{
	const struct sym_ent *a = pa, *b = pb;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	int c = strcmp(sym_name(sorting, a->sym), sym_name(sorting, b->sym));
	return c ? c : (a->sym > b->sym) - (a->sym < b->sym);
}

/* Stable LSD radix sort by value, one byte per pass; passes where every
 * value has the same byte (most of a kernel address) are skipped. */
static int radix_sort(struct sym_ent *ents, size_t n)
{
	struct sym_ent *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return 0;
	struct sym_ent *src = ents, *dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[((src[i].value >> shift) & 0xff) + 1]++;
		if (n && count[((src[0].value >> shift) & 0xff) + 1] == n)
			continue;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].value >> shift) & 0xff]++] = src[i];
		struct sym_ent *t = src;
		src = dst;
		dst = t;
	}
	if (src != ents)
		memcpy(ents, src, n * sizeof(*ents));
	free(tmp);
	return 1;
}

static void sort_ents(const struct kd_symtab *st, struct sym_ent *ents)
{
	sorting = st;
	if (!radix_sort(ents, st->n)) {
		qsort(ents, st->n, sizeof(*ents), cmp_ent);
	} else {
		/* then names among equal values */
		for (size_t i = 0, j; i < st->n; i = j) {
			for (j = i + 1; j < st->n && ents[j].value == ents[i].value;)
				j++;
			if (j - i > 1)
				qsort(ents + i, j - i, sizeof(*ents), cmp_ent);
		}
	}
	sorting = NULL;
}

static struct kd_error *build_hash(struct kd_symtab *st)
{
	size_t cap = 16;
	while (cap < st->n * 2)
		cap *= 2;
	free(st->hash);
	st->hash = calloc(cap, sizeof(*st->hash));
	if (!st->hash)
		return &kd_error_nomem;
	st->hash_cap = cap;
	for (size_t i = 0; i < st->n; i++) {
		const char *name = crash_name(st, &st->ents[i]);
		size_t j = kd_name_hash(name, strlen(name)) & (cap - 1);
		while (st->hash[j])
			j = (j + 1) & (cap - 1);
		st->hash[j] = (uint32_t)i + 1;
	}
	return NULL;
}

/* Sorts, filters as crash does, and builds the name hash (which stores
 * positions in the sorted array, so that matches come in address order). */
static struct kd_error *index_symbols(struct kd_symtab *st)
{
	sort_ents(st, st->ents);
	crash_filter(st);
	return build_hash(st);
}

struct kd_error *kd_symtab_create(Elf *elf, const char *path,
				  struct kd_symtab **ret)
{
	struct kd_symtab *st = calloc(1, sizeof(*st));
	if (!st)
		return &kd_error_nomem;
	st->path = path;
	struct kd_error *err = read_sections(st, elf);
	if (!err)
		err = find_symtab(st, elf);
	if (!err)
		err = collect(st);
	if (!err)
		err = index_symbols(st);
	if (err) {
		kd_symtab_destroy(st);
		return err;
	}
	*ret = st;
	return NULL;
}

void kd_symtab_destroy(struct kd_symtab *st)
{
	if (!st)
		return;
	free(st->ents);
	free(st->hash);
	free(st->names);
	free(st->sec_letter);
	free(st->sec_percpu);
	free(st->sec_name);
	free(st);
}

void kd_symtab_set_relocation(struct kd_symtab *st, uint64_t offset)
{
	if (st->reloc == offset)
		return;
	st->reloc = offset;
	for (size_t i = 0; i < st->n; i++) {
		struct sym_ent *e = &st->ents[i];
		e->value = e->link + (e->flags & KD_SYM_RELOC ? offset : 0);
	}
	/* Only an allocation failure can fail here; the old hash stays
	 * consistent with the old order in that case, so keep the order. */
	struct sym_ent *copy = malloc(st->n * sizeof(*copy));
	if (!copy)
		return;
	memcpy(copy, st->ents, st->n * sizeof(*copy));
	sort_ents(st, copy);
	struct sym_ent *old = st->ents;
	st->ents = copy;
	if (build_hash(st)) {
		st->ents = old;
		free(copy);
		return;
	}
	free(old);
}

uint64_t kd_symtab_relocation(const struct kd_symtab *st)
{
	return st->reloc;
}

size_t kd_symtab_count(const struct kd_symtab *st)
{
	return st->n;
}

static void fill(const struct kd_symtab *st, size_t i, struct kd_symbol *sym)
{
	const struct sym_ent *e = &st->ents[i];
	sym->name = crash_name(st, e);
	sym->raw_name = sym_name(st, e->sym);
	sym->value = e->value;
	sym->size = st->syms[e->sym].st_size;
	sym->type = e->type;
	sym->flags = e->flags;
	sym->index = (uint32_t)i;
}

int kd_symtab_get(const struct kd_symtab *st, size_t i, struct kd_symbol *sym)
{
	if (i >= st->n)
		return 0;
	fill(st, i, sym);
	return 1;
}

size_t kd_symtab_lookup_all(const struct kd_symtab *st, const char *name,
			    struct kd_symbol *syms, size_t max)
{
	size_t found = 0, mask = st->hash_cap - 1;
	size_t j = kd_name_hash(name, strlen(name)) & mask;
	/* matches are found in insertion (address) order */
	for (; st->hash[j]; j = (j + 1) & mask) {
		size_t i = st->hash[j] - 1;
		if (strcmp(crash_name(st, &st->ents[i]), name) != 0)
			continue;
		if (found < max)
			fill(st, i, &syms[found]);
		found++;
	}
	return found;
}

struct kd_error *kd_symtab_lookup(const struct kd_symtab *st, const char *name,
				  struct kd_symbol *sym)
{
	if (kd_symtab_lookup_all(st, name, sym, 1))
		return NULL;
	return kd_error_create(KD_ERR_NOT_FOUND, "symbol not found: %s", name);
}

/* The last entry with value <= addr, or -1. */
static ssize_t last_at_or_below(const struct kd_symtab *st, uint64_t addr)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->ents[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

/* Among symbols at the same address, crash reports the first one. */
static ssize_t first_of_value(const struct kd_symtab *st, ssize_t i,
			      unsigned percpu)
{
	while (i > 0 && st->ents[i - 1].value == st->ents[i].value &&
	       (st->ents[i - 1].flags & KD_SYM_PERCPU) == percpu)
		i--;
	return i;
}

static int nearest(const struct kd_symtab *st, uint64_t addr, unsigned percpu,
		   struct kd_symbol *sym, uint64_t *offset)
{
	ssize_t i = last_at_or_below(st, addr);
	while (i >= 0 && (st->ents[i].flags & KD_SYM_PERCPU) != percpu)
		i--;
	if (i < 0)
		return 0;
	i = first_of_value(st, i, percpu);
	fill(st, (size_t)i, sym);
	if (offset)
		*offset = addr - sym->value;
	return 1;
}

int kd_symtab_by_addr(const struct kd_symtab *st, uint64_t addr,
		      struct kd_symbol *sym, uint64_t *offset)
{
	if (addr > st->img_end + st->reloc)
		return 0;
	return nearest(st, addr, 0, sym, offset);
}

int kd_symtab_percpu_by_offset(const struct kd_symtab *st, uint64_t off,
			       struct kd_symbol *sym, uint64_t *offset)
{
	return nearest(st, off, KD_SYM_PERCPU, sym, offset);
}

void kd_symtab_image_range(const struct kd_symtab *st, uint64_t *start,
			   uint64_t *end)
{
	*start = st->img_start + st->reloc;
	*end = st->img_end + st->reloc;
}
