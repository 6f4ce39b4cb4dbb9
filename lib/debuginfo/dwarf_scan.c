// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The index scanner (see dwarf_scan.h).  The layout it reads, DWARF 2-5,
 * 32- and 64-bit:
 *
 *   unit header   unit_length u32 (0xffffffff + u64 for 64-bit DWARF)
 *                 version u16
 *                 v2-4: abbrev_offset (4|8), address_size u8
 *                 v5:   unit_type u8, address_size u8, abbrev_offset (4|8),
 *                       + dwo_id u64 (skeleton/split), + signature u64 and
 *                       type_offset (4|8) (type units: not indexed)
 *   abbreviation  code uleb, tag uleb, has_children u8,
 *                 { attribute uleb, form uleb [, implicit_const sleb] }*,
 *                 0, 0; a table ends with code 0
 *   DIE           code uleb (0 ends a list of siblings), then one value per
 *                 attribute of its abbreviation, then its children
 *   line header   (only the directory and file tables, to give each
 *                 DW_AT_decl_file a unit-independent identity)
 *
 * Only the unit DIE's children are looked at (C has no nested scopes
 * worth indexing: GCC puts nested struct definitions at the top level),
 * plus the enumerators of enumeration types.  Subtrees are skipped with
 * DW_AT_sibling when present, else by walking them.
 *
 * A definition that GCC emits separately from its declaration (a
 * nameless DIE with DW_AT_specification, e.g. "extern char x[]; char
 * x[] = ...;" in one file) is reported under the declaration's name.
 */
#include <dwarf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cursor.h>
#include <pykdump/hash_table.h>
#include <pykdump/vector.h>

#include "dwarf_scan.h"

/* What read_attrs does with an attribute (decided once per abbreviation). */
enum attr_action {
	A_SKIP,
	A_NAME, A_DECL, A_EXTERNAL, A_FILE, A_LINE, A_SIZE, A_CONST,
	A_SIBLING, A_SPEC, A_LOW_PC, A_RANGES, A_LOCATION,
};

struct attr_spec {
	uint16_t attr;
	uint16_t form;
	int8_t size;		/* form_size: fixed size, or -1 */
	uint8_t action;		/* enum attr_action */
	int64_t implicit;	/* DW_FORM_implicit_const value */
};

struct abbrev {
	uint64_t code;
	uint32_t first;		/* index of its first attr_spec */
	uint32_t nspecs;
	uint16_t tag;
	uint8_t children;
	uint8_t kind;		/* enum kd_dix_kind, 0 = not indexed */
	int32_t fixed;		/* total size when all forms are fixed, else -1 */
	int32_t sibling;	/* spec index of DW_AT_sibling, else -1 */
	int32_t sibling_at;	/* its byte offset when the forms before it
				 * are fixed, else -1 */
};

/* A named variable/function DIE of the current unit, for specifications. */
struct named_die {
	uint64_t die;
	const char *name;
	uint32_t name_len;
	uint8_t kind, flags;
	uint64_t name_hash, file, line;
};

struct pending_spec {
	uint64_t die, target;
	uint8_t kind, flags;
	uint64_t file, line, addr;
};

struct kd_scan_state {
	struct abbrev *abbrevs;
	size_t nabbrevs, abbrevs_cap;
	struct attr_spec *specs;
	size_t nspecs, specs_cap;
	uint32_t *by_code;		/* code -> abbrev index + 1 (dense codes) */
	size_t by_code_len, by_code_cap;
	uint64_t *files;		/* decl_file number -> path hash */
	size_t nfiles, files_cap;
	uint64_t *dirs;
	size_t dirs_cap;
	struct named_die *named;
	size_t nnamed, named_cap;
	struct pending_spec *pending;
	size_t npending, pending_cap;
	struct name_slot *name_cache;	/* 1 << (64 - name_shift) slots */
	unsigned name_shift;
	uint64_t base;			/* the unit's u.base */
	struct kd_u64_set enums;	/* enumerations reported (see
					 * scan_enumerators) */
};

/*
 * Length and hash of a name by its address.  Most names are DW_FORM_strp
 * into the merged .debug_str, so every unit naming "list_head" points at
 * the same bytes: a small direct-mapped cache (it fits in L2 with the
 * index's own filter) saves finding the end of the string and hashing it
 * for ~85% of the names reported.
 */
#define NAME_CACHE_BITS 14	/* at most */

struct name_slot {
	const char *name;
	uint64_t hash;
	size_t len;
};

/* Parameters of the unit being scanned.  Offsets are positions in the
 * bytes scanned (the section, or a copy of the unit), which start at
 * .debug_info offset base: DIE offsets reported and DW_FORM_ref_addr
 * values are section offsets, the others are local. */
struct unit {
	const struct kd_dwarf_sections *s;
	uint64_t base;
	uint64_t off, end, die_start;
	uint16_t version;
	uint8_t addr_size, offset_size, unit_type;
	uint64_t str_offsets_base;
};

struct value {
	uint64_t u;		/* constants, references, string offsets */
	const uint8_t *block;	/* blocks, exprlocs, inline strings */
	uint64_t len;
};

/* Attributes of an indexed DIE. */
struct die_attrs {
	const char *name;
	size_t name_len;	/* NAME_LEN_UNKNOWN until resolve_name */
	size_t name_max;	/* bytes from name to the end of its section */
	uint64_t name_hash;
	uint64_t file, line, size, addr, sibling, spec;
	int64_t const_value;
	uint8_t decl, external, has_addr, has_sibling, has_spec;
};

#define MAX_DENSE_CODE 65536

#define NAME_LEN_UNKNOWN SIZE_MAX

struct kd_error *kd_scan_state_create(size_t names,
				      struct kd_scan_state **ret)
{
	struct kd_scan_state *st = calloc(1, sizeof(*st));
	/* Four slots a name, 256 .. 1 << NAME_CACHE_BITS (names 0: not
	 * known, the most): a module's scan touches few slots, and a big
	 * cache's zeroed pages cost more than its whole scan. */
	unsigned bits = 8;
	while (bits < NAME_CACHE_BITS &&
	       (names == 0 || (1ull << bits) < 4 * (uint64_t)names))
		bits++;
	if (st) {
		st->name_shift = 64 - bits;
		st->name_cache = calloc(1u << bits, sizeof(*st->name_cache));
	}
	if (!st || !st->name_cache) {
		free(st);
		return &kd_error_nomem;
	}
	*ret = st;
	return NULL;
}

void kd_scan_state_destroy(struct kd_scan_state *st)
{
	if (!st)
		return;
	free(st->abbrevs);
	free(st->specs);
	free(st->by_code);
	free(st->files);
	free(st->dirs);
	free(st->named);
	free(st->pending);
	free(st->name_cache);
	kd_u64_set_deinit(&st->enums);
	free(st);
}

static struct kd_error *corrupt(const struct unit *u, const char *section,
				uint64_t off, const char *what)
{
	if (strcmp(section, ".debug_info") == 0)
		off += u->base;
	return kd_error_create(KD_ERR_CORRUPT,
			       "%s: %s: %s (unit at 0x%llx, offset 0x%llx)",
			       u->s->path, section, what,
			       (unsigned long long)(u->base + u->off),
			       (unsigned long long)off);
}

/* ---- forms ---- */

/* Size of a fixed-size form, 0 for flag_present/implicit_const, -1 when
 * the size depends on the data, -2 for a form we do not know. */
static int form_size(unsigned form, const struct unit *u)
{
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const:
		return 0;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag:
	case DW_FORM_strx1: case DW_FORM_addrx1:
		return 1;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2:
	case DW_FORM_addrx2:
		return 2;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		return 3;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4:
	case DW_FORM_addrx4: case DW_FORM_ref_sup4:
		return 4;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8:
	case DW_FORM_ref_sup8:
		return 8;
	case DW_FORM_data16:
		return 16;
	case DW_FORM_addr:
		return u->addr_size;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_ref_alt:
	case DW_FORM_GNU_strp_alt:
		return u->offset_size;
	case DW_FORM_ref_addr:
		return u->version <= 2 ? u->addr_size : u->offset_size;
	case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_ref_udata:
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index: case DW_FORM_string:
	case DW_FORM_block1: case DW_FORM_block2: case DW_FORM_block4:
	case DW_FORM_block: case DW_FORM_exprloc: case DW_FORM_indirect:
		return -1;
	default:
		return -2;
	}
}

/* Decodes one value; returns 0 for an unknown form. */
static int read_form(struct kd_cursor *c, unsigned form, const struct unit *u,
		     int64_t implicit, struct value *v)
{
	int size;
	v->block = NULL;
	v->len = 0;
	switch (form) {
	case DW_FORM_implicit_const:
		v->u = (uint64_t)implicit;
		return 1;
	case DW_FORM_flag_present:
		v->u = 1;
		return 1;
	case DW_FORM_sdata:
		v->u = (uint64_t)kd_cursor_sleb(c);
		return 1;
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx:
	case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
	case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
		v->u = kd_cursor_uleb(c);
		return 1;
	case DW_FORM_string:
		v->block = (const uint8_t *)kd_cursor_cstr(c, &v->len);
		return 1;
	case DW_FORM_block1:
		v->len = kd_cursor_u8(c);
		break;
	case DW_FORM_block2:
		v->len = kd_cursor_u16(c);
		break;
	case DW_FORM_block4:
		v->len = kd_cursor_u32(c);
		break;
	case DW_FORM_block: case DW_FORM_exprloc:
		v->len = kd_cursor_uleb(c);
		break;
	case DW_FORM_indirect: {
		unsigned f = (unsigned)kd_cursor_uleb(c);
		if (f == DW_FORM_indirect || f == DW_FORM_implicit_const)
			return 0;
		return read_form(c, f, u, 0, v);
	}
	default:
		size = form_size(form, u);
		if (size < 0)
			return 0;
		if (size > 8) {
			kd_cursor_skip(c, (uint64_t)size);
			return 1;
		}
		v->u = kd_cursor_uint(c, (unsigned)size);
		return 1;
	}
	v->block = c->p;
	kd_cursor_skip(c, v->len);
	return 1;
}

static int skip_form(struct kd_cursor *c, unsigned form, const struct unit *u)
{
	int size = form_size(form, u);
	if (size >= 0) {
		kd_cursor_skip(c, (uint64_t)size);
		return 1;
	}
	switch (form) {
	case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_ref_udata:
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index:
	case DW_FORM_GNU_str_index:
		kd_cursor_skip_leb(c);
		return 1;
	default: {
		struct value v;
		return read_form(c, form, u, 0, &v);
	}
	}
}

/* A string attribute's text; NULL when the form is not a string we can
 * resolve (e.g. a dwz alternate file). */
static const char *form_string(const struct unit *u, unsigned form,
			       const struct value *v, size_t *len)
{
	const struct kd_dwarf_sections *s = u->s;
	const uint8_t *base = NULL;
	size_t size = 0;
	uint64_t off = v->u;

	switch (form) {
	case DW_FORM_string:
		*len = v->len;
		return (const char *)v->block;
	case DW_FORM_strp:
		base = s->str, size = s->str_size;
		break;
	case DW_FORM_line_strp:
		base = s->line_str, size = s->line_str_size;
		break;
	case DW_FORM_strx: case DW_FORM_strx1: case DW_FORM_strx2:
	case DW_FORM_strx3: case DW_FORM_strx4: case DW_FORM_GNU_str_index: {
		uint64_t at = u->str_offsets_base + off * u->offset_size;
		if (!s->str_offsets || at > s->str_offsets_size ||
		    s->str_offsets_size - at < u->offset_size)
			return NULL;
		struct kd_cursor c;
		kd_cursor_init(&c, s->str_offsets + at, u->offset_size);
		off = kd_cursor_uint(&c, u->offset_size);
		base = s->str, size = s->str_size;
		break;
	}
	default:
		return NULL;
	}
	if (!base || off >= size)
		return NULL;
	const uint8_t *nul = memchr(base + off, 0, size - off);
	if (!nul)
		return NULL;
	*len = (size_t)(nul - (base + off));
	return (const char *)base + off;
}

/* A DW_AT_name value: like form_string, but the end of a string in a
 * string section is left to resolve_name (most are cached). */
static void name_string(const struct unit *u, unsigned form,
			const struct value *v, struct die_attrs *d)
{
	const struct kd_dwarf_sections *s = u->s;
	d->name = NULL;
	if (form == DW_FORM_strp && s->str && v->u < s->str_size) {
		d->name = (const char *)s->str + v->u;
		d->name_len = NAME_LEN_UNKNOWN;
		d->name_max = s->str_size - v->u;
		return;
	}
	d->name = form_string(u, form, v, &d->name_len);
}

/* Sets name_len and name_hash; 0 (no name) for an unterminated one.
 * Only names in a string section (length still unknown) are cached by
 * address: others may be in a buffer that is reused for the next unit. */
static int resolve_name(struct kd_scan_state *st, struct die_attrs *d)
{
	if (d->name_len != NAME_LEN_UNKNOWN) {
		d->name_hash = kd_name_hash(d->name, d->name_len);
		return 1;
	}
	uint64_t h = (uint64_t)(uintptr_t)d->name * 0x9e3779b97f4a7c15ull;
	struct name_slot *slot = &st->name_cache[h >> st->name_shift];
	if (slot->name == d->name) {
		d->name_len = slot->len;
		d->name_hash = slot->hash;
		return 1;
	}
	const char *nul = memchr(d->name, 0, d->name_max);
	if (!nul)
		return 0;
	d->name_len = (size_t)(nul - d->name);
	d->name_hash = kd_name_hash(d->name, d->name_len);
	slot->name = d->name;
	slot->len = d->name_len;
	slot->hash = d->name_hash;
	return 1;
}

/* ---- abbreviations ---- */

static uint8_t tag_kind(unsigned tag)
{
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_unspecified_type:
		return KD_DIX_BASE;
	case DW_TAG_structure_type:
		return KD_DIX_STRUCT;
	case DW_TAG_union_type:
		return KD_DIX_UNION;
	case DW_TAG_enumeration_type:
		return KD_DIX_ENUM;
	case DW_TAG_typedef:
		return KD_DIX_TYPEDEF;
	case DW_TAG_variable:
		return KD_DIX_VARIABLE;
	case DW_TAG_subprogram:
		return KD_DIX_FUNCTION;
	default:
		return 0;
	}
}

static uint8_t attr_action(unsigned attr)
{
	switch (attr) {
	case DW_AT_name: return A_NAME;
	case DW_AT_declaration: return A_DECL;
	case DW_AT_external: return A_EXTERNAL;
	case DW_AT_decl_file: return A_FILE;
	case DW_AT_decl_line: return A_LINE;
	case DW_AT_byte_size: return A_SIZE;
	case DW_AT_const_value: return A_CONST;
	case DW_AT_sibling: return A_SIBLING;
	case DW_AT_specification: return A_SPEC;
	case DW_AT_low_pc: return A_LOW_PC;
	case DW_AT_ranges: return A_RANGES;
	case DW_AT_location: return A_LOCATION;
	default: return A_SKIP;
	}
}

static void finish_abbrev(struct kd_scan_state *st, struct abbrev *a)
{
	int fixed = 0;
	a->sibling = a->sibling_at = -1;
	for (uint32_t i = 0; i < a->nspecs; i++) {
		const struct attr_spec *sp = &st->specs[a->first + i];
		int size = sp->size;
		if (sp->attr == DW_AT_sibling && a->sibling < 0) {
			a->sibling = (int32_t)i;
			a->sibling_at = fixed;
		}
		if (size < 0 || fixed < 0)
			fixed = -1;
		else
			fixed += size;
	}
	a->fixed = fixed;
	a->kind = tag_kind(a->tag);
}

static struct kd_error *read_abbrevs(struct kd_scan_state *st,
				     const struct unit *u, uint64_t off)
{
	struct kd_cursor c;
	kd_cursor_init(&c, u->s->abbrev, u->s->abbrev_size);
	kd_cursor_seek(&c, off);
	st->nabbrevs = st->nspecs = 0;
	for (;;) {
		uint64_t code = kd_cursor_uleb(&c);
		if (c.bad)
			return corrupt(u, ".debug_abbrev", kd_cursor_pos(&c),
				       "abbreviation table runs past the end");
		if (code == 0)
			break;
		struct kd_error *err = kd_array_reserve(&st->abbrevs,
							&st->abbrevs_cap,
							st->nabbrevs + 1);
		if (err)
			return err;
		struct abbrev *a = &st->abbrevs[st->nabbrevs++];
		a->code = code;
		a->tag = (uint16_t)kd_cursor_uleb(&c);
		a->children = kd_cursor_u8(&c);
		a->first = (uint32_t)st->nspecs;
		for (;;) {
			uint64_t attr = kd_cursor_uleb(&c);
			uint64_t form = kd_cursor_uleb(&c);
			if (c.bad)
				return corrupt(u, ".debug_abbrev",
					       kd_cursor_pos(&c),
					       "abbreviation runs past the end");
			if (attr == 0 && form == 0)
				break;
			err = kd_array_reserve(&st->specs, &st->specs_cap,
					       st->nspecs + 1);
			if (err)
				return err;
			struct attr_spec *sp = &st->specs[st->nspecs++];
			sp->attr = (uint16_t)attr;
			sp->form = (uint16_t)form;
			sp->implicit = form == DW_FORM_implicit_const ?
				       kd_cursor_sleb(&c) : 0;
			int size = form_size(sp->form, u);
			if (size == -2 || attr > 0xffff)
				return corrupt(u, ".debug_abbrev",
					       kd_cursor_pos(&c),
					       "unknown attribute form");
			sp->size = (int8_t)(size < 0 ? -1 : size);
			sp->action = attr_action(sp->attr);
		}
		a->nspecs = (uint32_t)(st->nspecs - a->first);
	}
	for (size_t i = 0; i < st->nabbrevs; i++)
		finish_abbrev(st, &st->abbrevs[i]);
	return NULL;
}

/* Builds the code -> abbreviation map (codes are small and dense in
 * practice; larger codes fall back to a linear search). */
static struct kd_error *map_abbrevs(struct kd_scan_state *st)
{
	size_t max = 0;
	for (size_t i = 0; i < st->nabbrevs; i++) {
		uint64_t code = st->abbrevs[i].code;
		if (code < MAX_DENSE_CODE && code > max)
			max = code;
	}
	struct kd_error *err = kd_array_reserve(&st->by_code,
						&st->by_code_cap, max + 1);
	if (err)
		return err;
	memset(st->by_code, 0, (max + 1) * sizeof(*st->by_code));
	for (size_t i = 0; i < st->nabbrevs; i++) {
		uint64_t code = st->abbrevs[i].code;
		if (code < MAX_DENSE_CODE && !st->by_code[code])
			st->by_code[code] = (uint32_t)i + 1;
	}
	st->by_code_len = max + 1;
	return NULL;
}

static const struct abbrev *find_abbrev(const struct kd_scan_state *st,
					uint64_t code)
{
	if (code < st->by_code_len) {
		uint32_t i = st->by_code[code];
		return i ? &st->abbrevs[i - 1] : NULL;
	}
	for (size_t i = 0; i < st->nabbrevs; i++) {
		if (st->abbrevs[i].code == code)
			return &st->abbrevs[i];
	}
	return NULL;
}

/* ---- the line table's file names ---- */

static uint64_t hash_str(const char *s, size_t len)
{
	return s ? kd_name_hash(s, len) : 0;
}

/* One entry of a v5 directory/file table: path hash and directory. */
static int read_v5_entry(struct kd_cursor *c, const struct unit *lu,
			 const uint64_t *fmt, unsigned nfmt, uint64_t *path,
			 uint64_t *dir)
{
	*path = *dir = 0;
	for (unsigned i = 0; i < nfmt; i++) {
		unsigned content = (unsigned)fmt[2 * i];
		unsigned form = (unsigned)fmt[2 * i + 1];
		struct value v;
		if (form == DW_FORM_implicit_const || !read_form(c, form, lu, 0, &v))
			return 0;
		if (content == DW_LNCT_path) {
			size_t len = 0;
			const char *s = form_string(lu, form, &v, &len);
			*path = hash_str(s, len);
		} else if (content == DW_LNCT_directory_index) {
			*dir = v.u;
		}
	}
	return !c->bad;
}

static int read_v5_format(struct kd_cursor *c, uint64_t fmt[], unsigned *n)
{
	*n = kd_cursor_u8(c);
	if (*n > 16)
		return 0;
	for (unsigned i = 0; i < 2 * *n; i++)
		fmt[i] = kd_cursor_uleb(c);
	return !c->bad;
}

static int read_v5_tables(struct kd_scan_state *st, struct kd_cursor *c,
			  const struct unit *lu)
{
	uint64_t fmt[32];
	unsigned nfmt;
	if (!read_v5_format(c, fmt, &nfmt))
		return 0;
	uint64_t ndirs = kd_cursor_uleb(c);
	if (ndirs > kd_cursor_left(c) ||
	    kd_array_reserve(&st->dirs, &st->dirs_cap, ndirs + 1))
		return 0;
	for (uint64_t i = 0; i < ndirs; i++) {
		uint64_t unused;
		if (!read_v5_entry(c, lu, fmt, nfmt, &st->dirs[i], &unused))
			return 0;
	}
	if (!read_v5_format(c, fmt, &nfmt))
		return 0;
	uint64_t nfiles = kd_cursor_uleb(c);
	if (nfiles > kd_cursor_left(c) ||
	    kd_array_reserve(&st->files, &st->files_cap, nfiles + 1))
		return 0;
	for (uint64_t i = 0; i < nfiles; i++) {
		uint64_t path, dir;
		if (!read_v5_entry(c, lu, fmt, nfmt, &path, &dir))
			return 0;
		st->files[i] = kd_hash_mix(dir < ndirs ? st->dirs[dir] : 0, path);
	}
	st->nfiles = nfiles;
	return 1;
}

static int read_v4_tables(struct kd_scan_state *st, struct kd_cursor *c)
{
	size_t ndirs = 1, len;
	if (kd_array_reserve(&st->dirs, &st->dirs_cap, 1))
		return 0;
	st->dirs[0] = 0;		/* the compilation directory */
	for (;;) {
		const char *s = kd_cursor_cstr(c, &len);
		if (!s || len == 0)
			break;
		if (kd_array_reserve(&st->dirs, &st->dirs_cap, ndirs + 1))
			return 0;
		st->dirs[ndirs++] = hash_str(s, len);
	}
	st->nfiles = 1;			/* file numbers start at 1 */
	if (kd_array_reserve(&st->files, &st->files_cap, 1))
		return 0;
	st->files[0] = 0;
	for (;;) {
		const char *s = kd_cursor_cstr(c, &len);
		if (!s || len == 0)
			break;
		uint64_t dir = kd_cursor_uleb(c);
		kd_cursor_skip_leb(c);	/* mtime */
		kd_cursor_skip_leb(c);	/* length */
		if (kd_array_reserve(&st->files, &st->files_cap,
				     st->nfiles + 1))
			return 0;
		st->files[st->nfiles++] = kd_hash_mix(dir < ndirs ?
						      st->dirs[dir] : 0,
						      hash_str(s, len));
	}
	return !c->bad;
}

/* Reads the file table of the line program at off; on any problem the
 * unit just has no file identities (they only refine deduplication). */
static void read_file_table(struct kd_scan_state *st, const struct unit *u,
			    uint64_t off)
{
	struct kd_cursor c;
	struct unit lu = *u;
	st->nfiles = 0;
	if (!u->s->line)
		return;
	kd_cursor_init(&c, u->s->line, u->s->line_size);
	kd_cursor_seek(&c, off);
	uint64_t length = kd_cursor_u32(&c);
	lu.offset_size = 4;
	if (length == 0xffffffff) {
		length = kd_cursor_u64(&c);
		lu.offset_size = 8;
	}
	c = kd_cursor_sub(&c, kd_cursor_pos(&c), length);
	lu.version = kd_cursor_u16(&c);
	if (lu.version >= 5) {
		lu.addr_size = kd_cursor_u8(&c);
		kd_cursor_u8(&c);		/* segment_selector_size */
	}
	kd_cursor_uint(&c, lu.offset_size);	/* header_length */
	kd_cursor_skip(&c, lu.version >= 4 ? 5 : 4);
	unsigned opcode_base = kd_cursor_u8(&c);
	kd_cursor_skip(&c, opcode_base ? opcode_base - 1 : 0);
	if (c.bad || lu.version < 2 || lu.version > 5)
		return;
	int ok = lu.version >= 5 ? read_v5_tables(st, &c, &lu) :
				   read_v4_tables(st, &c);
	if (!ok)
		st->nfiles = 0;
}

static uint64_t file_hash(const struct kd_scan_state *st, uint64_t file)
{
	return file < st->nfiles ? st->files[file] : 0;
}

/* ---- DIEs ---- */

/* One attribute's value: the fixed sizes up to 8 bytes directly. */
static int read_value(struct kd_cursor *c, const struct attr_spec *sp,
		      const struct unit *u, struct value *v)
{
	if (sp->size > 0 && sp->size <= 8) {
		v->u = kd_cursor_uint(c, (unsigned)sp->size);
		v->block = NULL;
		v->len = 0;
		return 1;
	}
	return read_form(c, sp->form, u, sp->implicit, v);
}

static int skip_value(struct kd_cursor *c, const struct attr_spec *sp,
		      const struct unit *u)
{
	if (sp->size >= 0)
		return kd_cursor_skip(c, (uint64_t)sp->size);
	switch (sp->form) {	/* the variable-size forms GCC uses most */
	case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_ref_udata:
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx:
	case DW_FORM_rnglistx:
		kd_cursor_skip_leb(c);
		return !c->bad;
	case DW_FORM_exprloc: case DW_FORM_block:
		return kd_cursor_skip(c, kd_cursor_uleb(c)) && !c->bad;
	case DW_FORM_string:
		return kd_cursor_cstr(c, NULL) != NULL;
	default:
		return skip_form(c, sp->form, u);
	}
}

static void use_value(const struct unit *u, const struct attr_spec *sp,
		      const struct value *v, struct die_attrs *d)
{
	switch (sp->action) {
	case A_NAME:
		name_string(u, sp->form, v, d);
		break;
	case A_DECL:
		d->decl = v->u != 0;
		break;
	case A_EXTERNAL:
		d->external = v->u != 0;
		break;
	case A_FILE:
		d->file = v->u;
		break;
	case A_LINE:
		d->line = v->u;
		break;
	case A_SIZE:
		d->size = v->u;
		break;
	case A_CONST:
		d->const_value = (int64_t)v->u;
		break;
	case A_SIBLING:
		d->sibling = v->u + u->off;
		d->has_sibling = sp->form != DW_FORM_ref_addr;
		break;
	case A_SPEC:
		if (sp->form != DW_FORM_ref_addr)
			d->spec = v->u + u->off;
		else	/* outside the unit: never one of its DIEs */
			d->spec = v->u >= u->base ? v->u - u->base : UINT64_MAX;
		d->has_spec = 1;
		break;
	case A_LOW_PC:
		d->addr = v->u;
		d->has_addr = 1;
		break;
	case A_RANGES:
		d->has_addr = 1;
		break;
	case A_LOCATION:
		d->has_addr = 1;
		/* DW_OP_addr <address> is what a static variable has */
		if (v->block && v->len == 1u + u->addr_size &&
		    v->block[0] == DW_OP_addr) {
			struct kd_cursor e;
			kd_cursor_init(&e, v->block + 1, u->addr_size);
			d->addr = kd_cursor_uint(&e, u->addr_size);
		}
		break;
	default:
		break;
	}
}

static int read_attrs(const struct unit *u, const struct kd_scan_state *st,
		      const struct abbrev *a, struct kd_cursor *c,
		      struct die_attrs *d)
{
	memset(d, 0, sizeof(*d));
	const struct attr_spec *sp = &st->specs[a->first];
	for (uint32_t i = 0; i < a->nspecs; i++, sp++) {
		struct value v;
		if (sp->action == A_SKIP) {
			if (!skip_value(c, sp, u))
				return 0;
			continue;
		}
		if (!read_value(c, sp, u, &v))
			return 0;
		use_value(u, sp, &v, d);
	}
	return !c->bad;
}

static void skip_attrs(const struct unit *u, const struct kd_scan_state *st,
		       const struct abbrev *a, struct kd_cursor *c)
{
	if (a->fixed >= 0) {
		kd_cursor_skip(c, (uint64_t)a->fixed);
		return;
	}
	for (uint32_t i = 0; i < a->nspecs && !c->bad; i++) {
		if (!skip_value(c, &st->specs[a->first + i], u))
			kd_cursor_fail(c, kd_cursor_pos(c), 0);
	}
}

/* Reads attributes up to DW_AT_sibling; returns the sibling offset or 0. */
static uint64_t read_sibling(const struct unit *u,
			     const struct kd_scan_state *st,
			     const struct abbrev *a, struct kd_cursor *c)
{
	if (a->sibling_at >= 0) {
		kd_cursor_skip(c, (uint64_t)a->sibling_at);
	} else {
		for (int32_t i = 0; i < a->sibling && !c->bad; i++) {
			if (!skip_value(c, &st->specs[a->first + i], u))
				kd_cursor_fail(c, kd_cursor_pos(c), 0);
		}
	}
	const struct attr_spec *sp = &st->specs[a->first + a->sibling];
	struct value v;
	if (c->bad || !read_value(c, sp, u, &v) ||
	    sp->form == DW_FORM_ref_addr)
		return 0;
	return v.u + u->off;
}

/* Jumps to a sibling when it is a valid forward offset inside the unit. */
static int jump_to(struct kd_cursor *c, const struct unit *u, uint64_t sib)
{
	if (sib <= kd_cursor_pos(c) || sib > u->end)
		return 0;
	kd_cursor_seek(c, sib);
	return 1;
}

/* Skips the children of the DIE just read (depth 1 to 0). */
static struct kd_error *skip_children(const struct unit *u,
				      const struct kd_scan_state *st,
				      struct kd_cursor *c)
{
	uint64_t depth = 1;
	while (depth > 0) {
		uint64_t at = kd_cursor_pos(c);
		uint64_t code = kd_cursor_uleb(c);
		if (c->bad || at >= u->end)
			return corrupt(u, ".debug_info", at,
				       "DIE tree runs past the end of its unit");
		if (code == 0) {
			depth--;
			continue;
		}
		const struct abbrev *a = find_abbrev(st, code);
		if (!a)
			return corrupt(u, ".debug_info", at,
				       "DIE uses an undefined abbreviation");
		if (a->children && a->sibling >= 0 &&
		    jump_to(c, u, read_sibling(u, st, a, c)))
			continue;
		if (a->children && a->sibling >= 0)
			return corrupt(u, ".debug_info", at,
				       "bad DW_AT_sibling");
		skip_attrs(u, st, a, c);
		depth += a->children ? 1 : 0;
	}
	return NULL;
}

static int emit_entry(const struct die_attrs *d, uint8_t kind, uint8_t flags,
		      uint64_t die, uint64_t key_extra,
		      const struct kd_scan_state *st, kd_scan_emit_fn *emit,
		      void *arg)
{
	struct kd_scan_entry e;
	e.name = d->name;
	e.name_len = (uint32_t)d->name_len;
	e.kind = kind;
	e.flags = flags;
	e.die = st->base + die;
	e.name_hash = d->name_hash;
	/* The identity key (in memory only, never stored): three mixing
	 * rounds over the name, kind, flags, file, line, size and extra. */
	uint64_t k = kd_hash_mix(e.name_hash ^ (kind | (uint64_t)flags << 8),
				 file_hash(st, d->file) +
				 d->line * 0x9e3779b97f4a7c15ull);
	k = kd_hash_mix(k, d->size ^ key_extra * 0xbf58476d1ce4e5b9ull);
	e.key = k;
	return emit(arg, &e);
}

static uint8_t die_flags(const struct die_attrs *d)
{
	return (d->decl ? KD_DIX_DECL : 0) |
	       (d->external ? KD_DIX_EXTERNAL : 0) |
	       (d->has_addr ? KD_DIX_HAS_ADDR : 0);
}

static int remember_named(struct kd_scan_state *st, const struct die_attrs *d,
			  uint8_t kind, uint64_t die)
{
	if (kd_array_reserve(&st->named, &st->named_cap, st->nnamed + 1))
		return 0;
	struct named_die *n = &st->named[st->nnamed++];
	n->die = die;
	n->name = d->name;
	n->name_len = (uint32_t)d->name_len;
	n->name_hash = d->name_hash;
	n->kind = kind;
	n->flags = die_flags(d);
	n->file = d->file;
	n->line = d->line;
	return 1;
}

static int remember_spec(struct kd_scan_state *st, const struct die_attrs *d,
			 uint8_t kind, uint64_t die)
{
	if (kd_array_reserve(&st->pending, &st->pending_cap,
			     st->npending + 1))
		return 0;
	struct pending_spec *p = &st->pending[st->npending++];
	p->die = die;
	p->target = d->spec;
	p->kind = kind;
	p->flags = die_flags(d);
	p->file = d->file;
	p->line = d->line;
	p->addr = d->addr;
	return 1;
}

/* Adds id to the set of enumerations reported; 0 if it was there. */
static int enum_add(struct kd_scan_state *st, uint64_t id)
{
	bool added;
	if (kd_u64_set_add(&st->enums, id ? id : 1, &added))
		return 1;	/* no memory: just report it again */
	return added;
}

/* Walks the enumerators after c, hashing what their entries are made of:
 * name (by address: only .debug_str names, else *hashable = 0) and value. */
static struct kd_error *hash_enumerators(const struct unit *u,
					 struct kd_scan_state *st,
					 struct kd_cursor *c, uint64_t *hash,
					 int *hashable)
{
	uint64_t h = 0x6a09e667f3bcc908ull;
	*hashable = 1;
	for (;;) {
		uint64_t at = kd_cursor_pos(c);
		uint64_t code = kd_cursor_uleb(c);
		if (c->bad || at >= u->end)
			return corrupt(u, ".debug_info", at,
				       "enumeration runs past the end of its unit");
		if (code == 0)
			break;
		const struct abbrev *a = find_abbrev(st, code);
		struct die_attrs d;
		if (!a)
			return corrupt(u, ".debug_info", at,
				       "DIE uses an undefined abbreviation");
		if (!read_attrs(u, st, a, c, &d))
			return corrupt(u, ".debug_info", at, "bad attribute");
		if (a->tag == DW_TAG_enumerator && d.name) {
			*hashable &= d.name_len == NAME_LEN_UNKNOWN;
			h = kd_hash_mix(h, (uintptr_t)d.name);
			h = kd_hash_mix(h, (uint64_t)d.const_value);
		}
		if (a->children) {
			struct kd_error *err = skip_children(u, st, c);
			if (err)
				return err;
		}
	}
	*hash = h;
	return NULL;
}

/*
 * Scans the enumerators of the enumeration type just read.  Every unit
 * that includes a header repeats its enumerations, and enumerators are a
 * third of all names: an enumeration this state has reported before (same
 * name, declaration, size and enumerators) is not reported again; its
 * entries would only repeat earlier ones with a larger DIE offset.
 */
static struct kd_error *scan_enumerators(const struct unit *u,
					 struct kd_scan_state *st,
					 struct kd_cursor *c,
					 const struct die_attrs *enum_d,
					 uint64_t enum_die,
					 kd_scan_emit_fn *emit, void *arg)
{
	struct kd_cursor start = *c;
	uint64_t h = 0;
	int hashable = 0;
	struct kd_error *err = hash_enumerators(u, st, c, &h, &hashable);
	if (err)
		return err;
	uint64_t id = kd_hash_mix(enum_d->name ? enum_d->name_hash : 0,
				  file_hash(st, enum_d->file) +
				  enum_d->line * 0x9e3779b97f4a7c15ull);
	id = kd_hash_mix(id ^ enum_d->size, h);
	if (hashable && !enum_add(st, id))
		return NULL;	/* c is past the enumerators */
	*c = start;
	for (;;) {
		uint64_t at = kd_cursor_pos(c);
		uint64_t code = kd_cursor_uleb(c);
		if (c->bad || at >= u->end)
			return corrupt(u, ".debug_info", at,
				       "enumeration runs past the end of its unit");
		if (code == 0)
			return NULL;
		const struct abbrev *a = find_abbrev(st, code);
		struct die_attrs d;
		if (!a)
			return corrupt(u, ".debug_info", at,
				       "DIE uses an undefined abbreviation");
		if (!read_attrs(u, st, a, c, &d))
			return corrupt(u, ".debug_info", at, "bad attribute");
		if (a->tag == DW_TAG_enumerator && d.name &&
		    resolve_name(st, &d)) {
			d.file = enum_d->file;
			d.line = enum_d->line;
			d.size = 0;
			if (emit_entry(&d, KD_DIX_ENUMERATOR, 0, enum_die,
				       (uint64_t)d.const_value, st, emit, arg))
				return NULL;
		}
		if (a->children) {
			struct kd_error *err = skip_children(u, st, c);
			if (err)
				return err;
		}
	}
}

/* One top-level DIE with an indexed tag. */
static struct kd_error *scan_indexed(struct kd_scan_state *st,
				     const struct unit *u,
				     const struct abbrev *a,
				     struct kd_cursor *c, uint64_t die,
				     kd_scan_emit_fn *emit, void *arg, int *stop)
{
	struct die_attrs d;
	if (!read_attrs(u, st, a, c, &d))
		return corrupt(u, ".debug_info", die, "bad attribute");
	uint8_t kind = a->kind;
	int is_obj = kind == KD_DIX_VARIABLE || kind == KD_DIX_FUNCTION;
	if (d.name && !resolve_name(st, &d))
		d.name = NULL;
	if (d.name) {
		if (is_obj && !remember_named(st, &d, kind, die))
			return &kd_error_nomem;
		*stop = emit_entry(&d, kind, die_flags(&d), die,
				   is_obj ? d.addr : 0, st, emit, arg);
	} else if (is_obj && d.has_spec && !remember_spec(st, &d, kind, die)) {
		return &kd_error_nomem;
	}
	if (!a->children || *stop)
		return NULL;
	if (kind == KD_DIX_ENUM)
		return scan_enumerators(u, st, c, &d, die, emit, arg);
	if (d.has_sibling && jump_to(c, u, d.sibling))
		return NULL;
	return skip_children(u, st, c);
}

static int named_cmp(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key;
	uint64_t e = ((const struct named_die *)elem)->die;
	return k < e ? -1 : k > e;
}

/* Reports the definitions that carry DW_AT_specification under the name
 * of the declaration they complete. */
static int resolve_specs(struct kd_scan_state *st, kd_scan_emit_fn *emit,
			 void *arg)
{
	for (size_t i = 0; st->nnamed && i < st->npending; i++) {
		const struct pending_spec *p = &st->pending[i];
		const struct named_die *n = kd_bsearch(&p->target, st->named,
						    st->nnamed,
						    sizeof(*st->named),
						    named_cmp);
		if (!n || n->kind != p->kind)
			continue;
		struct die_attrs d;
		memset(&d, 0, sizeof(d));
		d.name = n->name;
		d.name_len = n->name_len;
		d.name_hash = n->name_hash;
		d.file = p->file ? p->file : n->file;
		d.line = p->line ? p->line : n->line;
		uint8_t flags = (uint8_t)((n->flags | p->flags) & ~KD_DIX_DECL);
		if (emit_entry(&d, p->kind, flags, p->die, p->addr, st, emit, arg))
			return 1;
	}
	return 0;
}

/* ---- units ---- */

/* The unit header at c; c may be a copy of the bytes at .debug_info
 * offset base (positions are base + cursor position) of a section of
 * size bytes. */
static int read_unit_header(struct kd_cursor *c, uint64_t base, uint64_t size,
			    struct unit *u, uint64_t *abbrev_off)
{
	uint64_t length = kd_cursor_u32(c);
	u->offset_size = 4;
	if (length == 0xffffffff) {
		length = kd_cursor_u64(c);
		u->offset_size = 8;
	} else if (length >= 0xfffffff0) {
		return 0;
	}
	uint64_t at = base + kd_cursor_pos(c);
	if (c->bad || at > size || length > size - at)
		return 0;
	u->end = at + length;
	u->version = kd_cursor_u16(c);
	if (u->version < 2 || u->version > 5)
		return 0;
	if (u->version >= 5) {
		u->unit_type = kd_cursor_u8(c);
		u->addr_size = kd_cursor_u8(c);
		*abbrev_off = kd_cursor_uint(c, u->offset_size);
		if (u->unit_type == DW_UT_skeleton ||
		    u->unit_type == DW_UT_split_compile)
			kd_cursor_skip(c, 8);
		else if (u->unit_type == DW_UT_type ||
			 u->unit_type == DW_UT_split_type)
			kd_cursor_skip(c, 8 + u->offset_size);
	} else {
		u->unit_type = DW_UT_compile;
		*abbrev_off = kd_cursor_uint(c, u->offset_size);
		u->addr_size = kd_cursor_u8(c);
	}
	u->die_start = base + kd_cursor_pos(c);
	return !c->bad && u->die_start <= u->end &&
	       (u->addr_size == 4 || u->addr_size == 8);
}

/* Reads the unit header at off: from the file when there is one (a
 * pread does not fault in, with its neighbours, the pages around every
 * header of the section), else from the mapped section. */
static int header_at(const struct kd_dwarf_sections *s, uint64_t off,
		     struct unit *u)
{
	uint8_t buf[64];
	struct kd_cursor c;
	uint64_t abbrev_off;
	if (kd_sections_info_in_file(s)) {
		size_t want = s->info_size - off < sizeof(buf) ?
			      (size_t)(s->info_size - off) : sizeof(buf);
		off_t at = (off_t)(s->info - s->file_map) + (off_t)off;
		if (pread(s->fd, buf, want, at) == (ssize_t)want) {
			kd_cursor_init(&c, buf, want);
			return read_unit_header(&c, off, s->info_size, u,
						&abbrev_off);
		}
	}
	kd_cursor_init(&c, s->info, s->info_size);
	kd_cursor_seek(&c, off);
	return read_unit_header(&c, 0, s->info_size, u, &abbrev_off);
}

KD_VECTOR_DEFINE(unit_vec, struct kd_scan_unit)

struct kd_error *kd_dwarf_list_units(const struct kd_dwarf_sections *s,
				     struct kd_scan_unit **units, size_t *n)
{
	struct unit_vec v = { 0 };
	for (uint64_t off = 0; off < s->info_size;) {
		struct unit u = { .s = s, .off = off };
		struct kd_error *err = NULL;
		if (!header_at(s, off, &u))
			err = corrupt(&u, ".debug_info", u.off,
				      "bad unit header");
		else
			err = unit_vec_append(&v, &(struct kd_scan_unit){
				.off = u.off, .end = u.end });
		if (err) {
			unit_vec_deinit(&v);
			return err;
		}
		off = u.end;
	}
	*units = unit_vec_steal(&v, n);
	return NULL;
}

/* The unit DIE: string offsets base and the file table. */
static struct kd_error *scan_unit_die(struct kd_scan_state *st,
				      struct unit *u,
				      const struct abbrev *a,
				      struct kd_cursor *c)
{
	uint64_t stmt_list = 0;
	int has_stmt = 0;
	for (uint32_t i = 0; i < a->nspecs; i++) {
		const struct attr_spec *sp = &st->specs[a->first + i];
		struct value v;
		if (!read_form(c, sp->form, u, sp->implicit, &v))
			return corrupt(u, ".debug_info", u->die_start,
				       "bad attribute in unit DIE");
		if (sp->attr == DW_AT_str_offsets_base)
			u->str_offsets_base = v.u;
		if (sp->attr == DW_AT_stmt_list) {
			stmt_list = v.u;
			has_stmt = 1;
		}
	}
	st->nfiles = 0;
	if (has_stmt)
		read_file_table(st, u, stmt_list);
	return NULL;
}

static struct kd_error *scan_top_level(struct kd_scan_state *st,
				       const struct unit *u,
				       struct kd_cursor *c,
				       kd_scan_emit_fn *emit, void *arg)
{
	int stop = 0;
	while (!stop) {
		uint64_t at = kd_cursor_pos(c);
		if (at >= u->end)
			return NULL;	/* tolerate a missing final 0 */
		uint64_t code = kd_cursor_uleb(c);
		if (c->bad)
			return corrupt(u, ".debug_info", at, "truncated DIE");
		if (code == 0)
			return NULL;
		const struct abbrev *a = find_abbrev(st, code);
		if (!a)
			return corrupt(u, ".debug_info", at,
				       "DIE uses an undefined abbreviation");
		struct kd_error *err = NULL;
		if (a->kind)
			err = scan_indexed(st, u, a, c, at, emit, arg, &stop);
		else if (a->children && a->sibling >= 0 &&
			 jump_to(c, u, read_sibling(u, st, a, c)))
			continue;
		else if (a->children && a->sibling >= 0)
			err = corrupt(u, ".debug_info", at, "bad DW_AT_sibling");
		else {
			skip_attrs(u, st, a, c);
			if (a->children)
				err = skip_children(u, st, c);
		}
		if (err)
			return err;
		if (c->bad)
			return corrupt(u, ".debug_info", at, "truncated DIE");
	}
	return NULL;
}

/* Scans the unit whose header is at c's position. */
static struct kd_error *scan_unit(struct kd_scan_state *st, struct unit *u,
				  struct kd_cursor *c, uint64_t size,
				  kd_scan_emit_fn *emit, void *arg)
{
	const struct kd_dwarf_sections *s = u->s;
	uint64_t abbrev_off;
	if (!read_unit_header(c, 0, size, u, &abbrev_off))
		return corrupt(u, ".debug_info", u->off, "bad unit header");
	if (u->unit_type != DW_UT_compile && u->unit_type != DW_UT_partial)
		return NULL;		/* type and skeleton units: not indexed */
	if (!s->abbrev)
		return corrupt(u, ".debug_abbrev", 0, "section missing");
	c->end = c->start + u->end;	/* the unit's DIEs only */
	struct kd_error *err = read_abbrevs(st, u, abbrev_off);
	if (!err)
		err = map_abbrevs(st);
	if (err)
		return err;
	uint64_t code = kd_cursor_uleb(c);
	const struct abbrev *a = find_abbrev(st, code);
	if (c->bad || !a)
		return code == 0 && !c->bad ? NULL :
		       corrupt(u, ".debug_info", u->die_start, "bad unit DIE");
	err = scan_unit_die(st, u, a, c);
	if (err || !a->children)
		return err;
	st->nnamed = st->npending = 0;
	st->base = u->base;
	err = scan_top_level(st, u, c, emit, arg);
	if (!err && st->npending)
		resolve_specs(st, emit, arg);
	return err;
}

struct kd_error *kd_dwarf_scan_unit(struct kd_scan_state *st,
				    const struct kd_dwarf_sections *s,
				    const struct kd_scan_unit *su,
				    kd_scan_emit_fn *emit, void *arg)
{
	struct kd_cursor c;
	struct unit u = { .s = s, .off = su->off };
	kd_cursor_init(&c, s->info, s->info_size);
	kd_cursor_seek(&c, su->off);
	return scan_unit(st, &u, &c, s->info_size, emit, arg);
}

struct kd_error *kd_dwarf_scan_unit_copy(struct kd_scan_state *st,
					 const struct kd_dwarf_sections *s,
					 const struct kd_scan_unit *su,
					 const uint8_t *bytes,
					 kd_scan_emit_fn *emit, void *arg)
{
	struct kd_cursor c;
	struct unit u = { .s = s, .base = su->off };
	uint64_t size = su->end - su->off;
	kd_cursor_init(&c, bytes, size);
	return scan_unit(st, &u, &c, size, emit, arg);
}
