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
 * for address lookups and listing, and a hash table of crash names (GCC
 * clone suffixes removed) for name lookups.  Both, built at
 * link addresses, are saved in the cache directory and read on later
 * starts (symtab_image.c).  Relocating keeps the order unless a symbol
 * that moves passes one that does not (never for a real kernel: per-CPU
 * offsets sort below the image), so usually it costs one pass.
 */
#include <elf.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "debuginfo_internal.h"
#include "index_format.h"
#include "symtab_internal.h"

static const char *elf_name(const struct kd_symtab *st, const Elf64_Sym *s);

/* Entries may come from a cache image: indexes are checked here. */
static const char *sym_name(const struct kd_symtab *st, uint32_t i)
{
	return i < st->nsyms ? elf_name(st, &st->syms[i]) : "";
}

static const char *crash_name(const struct kd_symtab *st,
			      const struct kd_sym_ent *e)
{
	if (e->strip && e->strip - 1 < st->names_len)
		return st->names + e->strip - 1;
	return sym_name(st, e->sym);
}

static uint64_t ent_value(const struct kd_symtab *st,
			  const struct kd_sym_ent *e)
{
	return e->link + (e->flags & KD_SYM_RELOC ? st->reloc : 0);
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
 * kept from _text on.  Compacts the entries in place.
 */
static void crash_filter(struct kd_symtab *st)
{
	struct kd_sym_ent *ents = st->own_ents;
	int started = 0, percpu = 0;
	size_t out = 0;
	for (size_t i = 0; i < st->n; i++) {
		const struct kd_sym_ent *e = &ents[i];
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
			ents[out++] = *e;
	}
	/* no _text at all (not a kernel): keep everything */
	if (started)
		st->n = out;
}

/* Remembers "foo" for "foo.isra.0" / "foo.part.1" (crash strips them). */
static int strip_clone(struct kd_symtab *st, size_t *cap,
		       struct kd_sym_ent *e)
{
	const char *name = sym_name(st, e->sym);
	/* both suffixes start with ".": most names have none */
	const char *p = strchr(name, '.');
	if (p && !(p = strstr(p, ".isra.")))
		p = strstr(name, ".part.");
	if (!p)
		return 1;
	size_t len = (size_t)(p - name);
	if (kd_array_reserve(&st->own_names, cap, st->names_len + len + 1))
		return 0;
	st->names = st->own_names;
	memcpy(st->own_names + st->names_len, name, len);
	st->own_names[st->names_len + len] = '\0';
	e->strip = (uint32_t)st->names_len + 1;
	st->names_len += len + 1;
	return 1;
}

static struct kd_error *collect(struct kd_symtab *st)
{
	size_t names_cap = 0;
	st->own_ents = calloc(st->nsyms + 1, sizeof(*st->own_ents));
	if (!st->own_ents)
		return &kd_error_nomem;
	st->ents = st->own_ents;
	for (size_t i = 1; i < st->nsyms; i++) {
		const Elf64_Sym *s = &st->syms[i];
		if (!candidate(st, s))
			continue;
		struct kd_sym_ent *e = &st->own_ents[st->n++];
		e->link = s->st_value;
		e->sym = (uint32_t)i;
		e->strip = 0;
		e->flags = sym_flags(st, s);
		e->type = type_letter(st, s);
		if (!strip_clone(st, &names_cap, e))
			return &kd_error_nomem;
	}
	return NULL;
}

/* ---- views ---- */

/* crash's order (nm's numeric sort): by value, then by name. */
static int cmp_ent(const void *pa, const void *pb, void *arg)
{
	const struct kd_symtab *st = arg;
	const struct kd_sym_ent *a = pa, *b = pb;
	uint64_t va = ent_value(st, a), vb = ent_value(st, b);
	if (va != vb)
		return va < vb ? -1 : 1;
	int c = strcmp(sym_name(st, a->sym), sym_name(st, b->sym));
	return c ? c : (a->sym > b->sym) - (a->sym < b->sym);
}

/* Stable LSD radix sort by value, one byte per pass; passes where every
 * value has the same byte (most of a kernel address) are skipped. */
static int radix_sort(const struct kd_symtab *st, struct kd_sym_ent *ents,
		      size_t n)
{
	struct kd_sym_ent *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return 0;
	struct kd_sym_ent *src = ents, *dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[257] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[((ent_value(st, &src[i]) >> shift) & 0xff) + 1]++;
		if (n && count[((ent_value(st, &src[0]) >> shift) & 0xff) + 1] == n)
			continue;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			dst[count[(ent_value(st, &src[i]) >> shift) & 0xff]++] = src[i];
		struct kd_sym_ent *t = src;
		src = dst;
		dst = t;
	}
	if (src != ents)
		memcpy(ents, src, n * sizeof(*ents));
	free(tmp);
	return 1;
}

static void sort_ents(const struct kd_symtab *st, struct kd_sym_ent *ents)
{
	void *arg = (void *)st;
	if (!radix_sort(st, ents, st->n)) {
		qsort_r(ents, st->n, sizeof(*ents), cmp_ent, arg);
		return;
	}
	/* then names among equal values */
	for (size_t i = 0, j; i < st->n; i = j) {
		uint64_t v = ent_value(st, &ents[i]);
		for (j = i + 1; j < st->n && ent_value(st, &ents[j]) == v;)
			j++;
		if (j - i > 1)
			qsort_r(ents + i, j - i, sizeof(*ents), cmp_ent, arg);
	}
}

/* ---- the name hash ---- */

uint64_t kd_sym_index_hash(const struct kd_sym_index *t, const uint32_t *e)
{
	const struct kd_symtab *st = KD_CONTAINER_OF(t, struct kd_symtab,
						     by_name);
	const char *name = *e - 1 < st->n ? crash_name(st, &st->ents[*e - 1])
					  : "";
	return kd_hash_string(name);
}

/* Positions may come from a cache image: checked here. */
bool kd_sym_index_eq(const struct kd_sym_index *t, const uint32_t *e,
		     const char *name)
{
	const struct kd_symtab *st = KD_CONTAINER_OF(t, struct kd_symtab,
						     by_name);
	return *e - 1 < st->n &&
	       strcmp(crash_name(st, &st->ents[*e - 1]), name) == 0;
}

/* A new name hash over ents and its same-name chains (see
 * symtab_internal.h).  hashes (may be NULL): each name's kd_name_hash by
 * ELF symbol index, computed beforehand in symbol order, which reads the
 * string table in order rather than at random.  Entries are taken from
 * the highest address down, each put in front of its name's chain, so
 * that a chain is in address order. */
static struct kd_error *make_hash(const struct kd_symtab *st,
				  const struct kd_sym_ent *ents,
				  const uint64_t *hashes,
				  struct kd_sym_index *ret, uint32_t **ret_same)
{
	struct kd_sym_index t = { 0 };
	uint32_t *same = calloc(st->n + 1, sizeof(*same));
	struct kd_error *err = same ? kd_sym_index_reserve(&t, st->n)
				    : &kd_error_nomem;
	if (err) {
		free(same);
		return err;
	}
	size_t mask = t.cap - 1;
	for (size_t i = st->n; i-- > 0;) {
		const char *name = crash_name(st, &ents[i]);
		uint64_t h = hashes && ents[i].sym < st->nsyms ?
			     hashes[ents[i].sym] : kd_hash_string(name);
		uint32_t pos = (uint32_t)i + 1;
		for (size_t k = (size_t)h & mask;; k = (k + 1) & mask) {
			uint32_t *slot = &t.slots[k];
			if (!*slot) {
				kd_sym_index_fill(&t, slot, &pos);
				break;
			}
			const struct kd_sym_ent *o = &ents[*slot - 1];
			if ((!hashes || o->sym >= st->nsyms ||
			     hashes[o->sym] == h) &&
			    strcmp(crash_name(st, o), name) == 0) {
				same[i] = *slot;
				*slot = pos;
				break;
			}
		}
	}
	*ret = t;
	*ret_same = same;
	return NULL;
}

/* Sorts, filters as crash does, and builds the name hash. */
static struct kd_error *index_symbols(struct kd_symtab *st)
{
	uint64_t *hashes = malloc(st->nsyms * sizeof(*hashes) + 1);
	for (size_t i = 0; hashes && i < st->n; i++) {
		const struct kd_sym_ent *e = &st->own_ents[i];
		const char *name = crash_name(st, e);
		if (e->sym < st->nsyms)
			hashes[e->sym] = kd_name_hash(name, strlen(name));
	}
	sort_ents(st, st->own_ents);
	crash_filter(st);
	struct kd_error *err = make_hash(st, st->own_ents, hashes,
					 &st->by_name, &st->own_same);
	free(hashes);
	st->own_by_name = !err;
	st->same = st->own_same;
	return err;
}

static struct kd_error *build(struct kd_symtab *st)
{
	struct kd_error *err = collect(st);
	return err ? err : index_symbols(st);
}

/* The cached image when it is valid; why not in *why otherwise.  Read
 * whole rather than mapped: its checksum reads all of it anyway, and a
 * copy cannot shrink under us. */
static int load_image(struct kd_symtab *st, const char *cache_file,
		      const struct kd_index_source_id *id,
		      struct kd_error **why)
{
	void *image;
	size_t size;
	*why = kd_cache_file_read(cache_file,
				  sizeof(struct kd_symtab_image_header),
				  &image, &size);
	if (*why)
		return 0;
	*why = kd_symtab_image_open(st, image, size, id, 0);
	if (*why) {
		free(image);
		return 0;
	}
	st->image = image;
	return 1;
}

static void save_image(const struct kd_symtab *st, const char *cache_file,
		       const struct kd_index_source_id *id)
{
	void *image;
	size_t size;
	/* A cache that cannot be written only costs time on the next start
	 * (the DWARF index reports why in its note). */
	struct kd_error *err = kd_symtab_image_make(st, id, &image, &size);
	if (!err) {
		err = kd_cache_mkdir_for(cache_file);
		if (!err)
			err = kd_dwarf_index_write(cache_file, image, size);
		free(image);
	}
	kd_error_destroy(err);
}

struct kd_error *kd_symtab_create(Elf *elf, const char *path,
				  const char *cache_file,
				  const struct kd_index_source_id *id,
				  int rebuild, struct kd_symtab **ret)
{
	struct kd_symtab *st = calloc(1, sizeof(*st));
	if (!st)
		return &kd_error_nomem;
	st->path = path;
	struct kd_error *err = read_sections(st, elf);
	if (!err)
		err = find_symtab(st, elf);
	if (!err && cache_file && !rebuild) {
		struct kd_error *why = NULL;
		if (load_image(st, cache_file, id, &why)) {
			*ret = st;
			return NULL;
		}
		kd_error_destroy(why);
	}
	if (!err)
		err = build(st);
	if (err) {
		kd_symtab_destroy(st);
		return err;
	}
	if (cache_file)
		save_image(st, cache_file, id);
	*ret = st;
	return NULL;
}

void kd_symtab_destroy(struct kd_symtab *st)
{
	if (!st)
		return;
	free(st->own_ents);
	if (st->own_by_name)
		kd_sym_index_deinit(&st->by_name);
	free(st->own_same);
	free(st->own_names);
	free(st->image);
	free(st->sec_letter);
	free(st->sec_percpu);
	free(st->sec_name);
	free(st);
}

/* Is the current order still crash's at the current relocation?  Equal
 * values of one kind (moving or not) keep their name order; a tie
 * between the two kinds needs the names compared: sort then. */
static int order_holds(const struct kd_symtab *st)
{
	for (size_t i = 1; i < st->n; i++) {
		const struct kd_sym_ent *a = &st->ents[i - 1], *b = &st->ents[i];
		uint64_t va = ent_value(st, a), vb = ent_value(st, b);
		if (va > vb || (va == vb && ((a->flags ^ b->flags) & KD_SYM_RELOC)))
			return 0;
	}
	return 1;
}

void kd_symtab_set_relocation(struct kd_symtab *st, uint64_t offset)
{
	if (st->reloc == offset)
		return;
	uint64_t old_reloc = st->reloc;
	st->reloc = offset;
	if (order_holds(st))
		return;
	/* Only an allocation failure can fail here; then the old relocation
	 * stays, with its consistent order and hash. */
	struct kd_sym_ent *copy = malloc(st->n * sizeof(*copy) + 1);
	struct kd_sym_index by_name;
	uint32_t *same;
	if (copy) {
		memcpy(copy, st->ents, st->n * sizeof(*copy));
		sort_ents(st, copy);
	}
	if (!copy || make_hash(st, copy, NULL, &by_name, &same)) {
		free(copy);
		st->reloc = old_reloc;
		return;
	}
	free(st->own_ents);
	if (st->own_by_name)
		kd_sym_index_deinit(&st->by_name);
	free(st->own_same);
	st->ents = st->own_ents = copy;
	st->by_name = by_name;
	st->own_by_name = 1;
	st->same = st->own_same = same;
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
	const struct kd_sym_ent *e = &st->ents[i];
	sym->name = crash_name(st, e);
	sym->raw_name = sym_name(st, e->sym);
	sym->value = ent_value(st, e);
	sym->size = e->sym < st->nsyms ? st->syms[e->sym].st_size : 0;
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
	size_t found = 0;
	/* the name's first symbol, then its chain in address order; a
	 * damaged cached table may have no empty slot, bad positions or a
	 * chain that loops (the probe and kd_sym_index_eq allow for the
	 * first two, the bound below for the last) */
	const uint32_t *e = kd_sym_index_find(&st->by_name, name,
					      kd_hash_string(name));
	for (uint32_t pos = e ? *e : 0; pos && pos - 1 < st->n &&
	     found < st->n; pos = st->same[pos - 1]) {
		if (found < max)
			fill(st, pos - 1, &syms[found]);
		found++;
	}
	return found;
}

struct kd_error *kd_symtab_lookup_every(const struct kd_symtab *st,
				       const char *name,
				       struct kd_symbol **ret, size_t *n)
{
	*ret = NULL;
	*n = kd_symtab_lookup_all(st, name, NULL, 0);
	if (!*n)
		return NULL;
	if (!(*ret = malloc(*n * sizeof(**ret)))) {
		*n = 0;
		return &kd_error_nomem;
	}
	*n = kd_symtab_lookup_all(st, name, *ret, *n);
	return NULL;
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
		if (ent_value(st, &st->ents[mid]) <= addr)
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
	while (i > 0 && ent_value(st, &st->ents[i - 1]) ==
			ent_value(st, &st->ents[i]) &&
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
