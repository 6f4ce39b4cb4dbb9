// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The type model (include/pykdump/types.h): the per-session type table,
 * interning, properties, member lookup and paths, and lookups by name.
 * DWARF decoding is in dwarf_types.c; C declarations in
 * type_format.c.
 *
 * Interning: a map (source, DIE offset) -> type; derived types made
 * here (pointer to T, array of N T) are interned in a second map keyed
 * by (T, kind, count).  Types live in an arena freed with the table, so
 * a kd_type * handed out stays valid until the debuginfo is closed, even
 * across memocache purges (which only drop name caches and retry
 * unresolved declarations).
 */
#include <ctype.h>
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dwarf.h>
#include <pykdump/hash_table.h>
#include <pykdump/memocache.h>
#include <pykdump/symbols.h>

#include "types_internal.h"

/* A 64-bit key (never 0) -> pointer map. */
struct map_ent {
	uint64_t key;
	void *val;
};

KD_HASH_TABLE_DEFINE_U64(map, struct map_ent, key, key)

/* Type names already parsed (kd_types_find). */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct name_cache_ent {
	char *name;
	struct kd_type *type;
};

KD_HASH_TABLE_DEFINE_STR(name_cache, struct name_cache_ent, name)

struct kd_types {
	struct kd_debuginfo *di;
	struct kd_memocache *mc;
	int mc_id;
	uint64_t gen;		/* bumped by purges: retry declarations */
	struct map by_die;
	struct map derived;
	struct name_cache names;
	struct arena_block *arena;
	struct kd_type *void_type;
	struct kd_type *builtins[KD_BUILTIN_NR];
};

/* ---- small containers ---- */

static void *map_get(const struct map *m, uint64_t key)
{
	const struct map_ent *e = map_find(m, key, map_key_hash(key));
	return e ? e->val : NULL;
}

/* Adds or replaces; 0 without memory. */
static int map_put(struct map *m, uint64_t key, void *val)
{
	if (map_reserve(m, m->count + 1))
		return 0;
	struct map_ent *e = map_slot(m, key, map_key_hash(key));
	if (!e->key)
		map_fill(m, e, &(struct map_ent){ key, val });
	else
		e->val = val;
	return 1;
}

void *kd_types_alloc(struct kd_types *ts, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct arena_block *b = ts->arena;
	if (!b || b->size - b->used < size) {
		size_t bs = size > 60000 ? size : 60000;
		b = malloc(sizeof(*b) + bs);
		if (!b)
			return NULL;
		b->next = ts->arena;
		b->used = 0;
		b->size = bs;
		ts->arena = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

struct kd_type *kd_types_new(struct kd_types *ts, enum kd_type_kind kind)
{
	struct kd_type *t = kd_types_alloc(ts, sizeof(*t));
	if (t) {
		t->owner = ts;
		t->kind = kind;
	}
	return t;
}

struct kd_type *kd_types_void(struct kd_types *ts)
{
	return ts->void_type;
}

static uint64_t die_key(uint32_t src, uint64_t die)
{
	return die | (uint64_t)(src + 1) << 48;
}

struct kd_type *kd_types_interned(struct kd_types *ts, uint32_t src,
				  uint64_t die)
{
	return map_get(&ts->by_die, die_key(src, die));
}

struct kd_error *kd_types_intern(struct kd_types *ts, uint32_t src,
				 uint64_t die, struct kd_type *t)
{
	return map_put(&ts->by_die, die_key(src, die), t) ? NULL : &kd_error_nomem;
}

Dwarf *kd_types_dwarf(struct kd_types *ts, uint32_t src)
{
	return kd_debuginfo_source_dwarf(ts->di, src);
}

Dwarf_Die *kd_types_offdie(struct kd_types *ts, uint32_t src, uint64_t off,
			   Dwarf_Die *die)
{
	return kd_debuginfo_source_offdie(ts->di, src, off, die);
}

struct kd_error *kd_types_source_lost(struct kd_types *ts, uint32_t src)
{
	return kd_debuginfo_source_lost(ts->di, src);
}

struct kd_error *kd_types_no_die(struct kd_types *ts, uint32_t src,
				 uint64_t off)
{
	struct kd_error *err = kd_debuginfo_source_lost(ts->di, src);
	if (err)
		return err;
	return kd_error_create(KD_ERR_CORRUPT, "DWARF: no DIE at 0x%llx: %s",
			       (unsigned long long)off, dwarf_errmsg(-1));
}

/* ---- the table ---- */

static void memocache_purge(void *owner, unsigned flags, const char *name)
{
	(void)flags;
	kd_types_purge(owner, name);
}

struct kd_error *kd_types_create(struct kd_debuginfo *di,
				 struct kd_types **ret)
{
	struct kd_types *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return &kd_error_nomem;
	ts->di = di;
	ts->gen = 1;
	ts->mc_id = -1;
	ts->void_type = kd_types_new(ts, KD_TYPE_VOID);
	if (!ts->void_type) {
		kd_types_destroy(ts);
		return &kd_error_nomem;
	}
	ts->void_type->name = "void";
	ts->void_type->parts_loaded = 1;
	ts->mc = kd_debuginfo_memocache(di);
	if (ts->mc) {
		struct kd_error *err = kd_memocache_register(ts->mc, KD_CU_LOAD,
							     memocache_purge,
							     ts, &ts->mc_id);
		if (err) {
			kd_types_destroy(ts);
			return err;
		}
	}
	*ret = ts;
	return NULL;
}

static void names_clear(struct kd_types *ts)
{
	for (struct name_cache_ent *e = name_cache_first(&ts->names); e;
	     e = name_cache_next(&ts->names, e))
		free(e->name);
	name_cache_deinit(&ts->names);
}

void kd_types_destroy(struct kd_types *ts)
{
	if (!ts)
		return;
	if (ts->mc && ts->mc_id >= 0)
		kd_memocache_unregister(ts->mc, ts->mc_id);
	names_clear(ts);
	map_deinit(&ts->by_die);
	map_deinit(&ts->derived);
	while (ts->arena) {
		struct arena_block *next = ts->arena->next;
		free(ts->arena);
		ts->arena = next;
	}
	free(ts);
}

void kd_types_purge(struct kd_types *ts, const char *type_name)
{
	(void)type_name;	/* the cache is small: drop it all */
	names_clear(ts);
	ts->gen++;
}

void kd_types_sources_changed(struct kd_types *ts)
{
	kd_types_purge(ts, NULL);
}

static const struct kd_debuginfo_types_ops debuginfo_ops = {
	.sources_changed = kd_types_sources_changed,
	.destroy = kd_types_destroy,
};

/* The debuginfo keeps its type model (and destroys it at close) without
 * knowing what it is. */
struct kd_error *kd_debuginfo_types(struct kd_debuginfo *di,
				    struct kd_types **ret)
{
	struct kd_types *ts = kd_debuginfo_attached_types(di);
	if (!ts) {
		struct kd_error *err = kd_debuginfo_start_index(di);
		if (!err)
			err = kd_types_create(di, &ts);
		if (err)
			return err;
		kd_debuginfo_attach_types(di, ts, &debuginfo_ops);
	}
	*ret = ts;
	return NULL;
}

/* ---- properties ---- */

struct kd_type *kd_type_complete(struct kd_type *t)
{
	if (!t || !t->is_decl)
		return t;
	if (!t->definition && t->resolve_gen != t->owner->gen && t->name) {
		t->resolve_gen = t->owner->gen;
		t->definition = kd_types_definition(t->owner, t->kind, t->name);
	}
	return t->definition ? t->definition : t;
}

enum kd_type_kind kd_type_kind(const struct kd_type *t)
{
	return t ? t->kind : 0;
}

const char *kd_type_name(const struct kd_type *t)
{
	return t ? t->name : NULL;
}

struct kd_type *kd_type_strip(struct kd_type *t, unsigned flags)
{
	for (int depth = 0; t && depth < 64; depth++) {
		if (t->kind == KD_TYPE_TYPEDEF && (flags & KD_STRIP_TYPEDEF))
			t = t->target;
		else if (t->kind == KD_TYPE_QUALIFIED && (flags & KD_STRIP_QUAL))
			t = t->target;
		else
			return kd_type_complete(t);
	}
	return t;
}

uint64_t kd_type_size(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	return t && t->complete ? t->size : 0;
}

int kd_type_is_complete(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	return t && t->complete;
}

int kd_type_is_signed(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	return t && t->is_signed;
}

int kd_type_is_char(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	return t && t->is_char;
}

unsigned kd_type_qualifiers(const struct kd_type *t)
{
	return t ? t->qualifiers : 0;
}

struct kd_type *kd_type_target(struct kd_type *t)
{
	if (!t || !t->target || t->target == t->owner->void_type)
		return NULL;
	return t->target;
}

int kd_type_array_count(const struct kd_type *t, uint64_t *count)
{
	if (!t || t->kind != KD_TYPE_ARRAY || !t->count_known)
		return 0;
	*count = t->count;
	return 1;
}

static struct kd_error *parts(struct kd_type *t)
{
	return kd_dwarf_type_parts(t->owner, t);
}

static uint64_t struct_align(struct kd_type *t)
{
	uint64_t align = 1;
	if (parts(t) == NULL) {
		for (size_t i = 0; i < t->nmembers; i++) {
			uint64_t a = kd_type_align(t->members[i].type);
			const struct kd_member *m = &t->members[i];
			/* a misplaced member means the struct is packed */
			if (!m->bit_size && a && (m->bit_offset / 8) % a)
				return 1;
			align = a > align ? a : align;
		}
	}
	return t->complete && t->size % align ? 1 : align;
}

uint64_t kd_type_align(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	if (!t)
		return 0;
	if (t->align)
		return t->align;
	switch (t->kind) {
	case KD_TYPE_STRUCT: case KD_TYPE_UNION:
		t->align = t->complete ? struct_align(t) : 1;
		break;
	case KD_TYPE_ARRAY:
		t->align = kd_type_align(t->target);
		break;
	case KD_TYPE_VOID: case KD_TYPE_FUNCTION:
		t->align = 1;
		break;
	default:
		t->align = t->size ? t->size : 1;
		break;
	}
	return t->align;
}

static struct kd_error *not_a(const struct kd_type *t, const char *what)
{
	return kd_error_create(KD_ERR_INVALID, "%s is not %s",
			       t && t->name ? t->name : "the type", what);
}

struct kd_error *kd_type_members(struct kd_type *t,
				 const struct kd_member **members, size_t *n)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	if (!t || (t->kind != KD_TYPE_STRUCT && t->kind != KD_TYPE_UNION))
		return not_a(t, "a struct or union");
	struct kd_error *err = parts(t);
	if (err)
		return err;
	*members = t->members;
	*n = t->nmembers;
	return NULL;
}

struct kd_error *kd_type_enumerators(struct kd_type *t,
				     const struct kd_enumerator **e, size_t *n)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	if (!t || t->kind != KD_TYPE_ENUM)
		return not_a(t, "an enum");
	struct kd_error *err = parts(t);
	if (err)
		return err;
	*e = t->enums;
	*n = t->nenums;
	return NULL;
}

struct kd_error *kd_type_params(struct kd_type *t, const struct kd_param **p,
				size_t *n, int *variadic)
{
	t = kd_type_strip(t, KD_STRIP_ALL);
	if (!t || t->kind != KD_TYPE_FUNCTION)
		return not_a(t, "a function type");
	struct kd_error *err = parts(t);
	if (err)
		return err;
	*p = t->params;
	*n = t->nparams;
	if (variadic)
		*variadic = t->variadic;
	return NULL;
}

/* ---- member lookup through anonymous members ---- */

static size_t count_flat(struct kd_type *t, int depth)
{
	size_t n = 0;
	if (depth > 32 || parts(t))
		return 0;
	for (size_t i = 0; i < t->nmembers; i++) {
		struct kd_type *mt = kd_type_strip(t->members[i].type, KD_STRIP_ALL);
		if (t->members[i].name)
			n++;
		else if (mt && (mt->kind == KD_TYPE_STRUCT || mt->kind == KD_TYPE_UNION))
			n += count_flat(mt, depth + 1);
	}
	return n;
}

static void add_flat(struct kd_type *t, uint64_t base, struct kd_flat_member *out,
		     size_t *n, size_t max, int depth)
{
	if (depth > 32 || parts(t))
		return;
	for (size_t i = 0; i < t->nmembers && *n < max; i++) {
		const struct kd_member *m = &t->members[i];
		struct kd_type *mt = kd_type_strip(m->type, KD_STRIP_ALL);
		if (m->name) {
			out[*n].name = m->name;
			out[*n].type = m->type;
			out[*n].bit_offset = base + m->bit_offset;
			out[(*n)++].bit_size = m->bit_size;
		} else if (mt && (mt->kind == KD_TYPE_STRUCT ||
				  mt->kind == KD_TYPE_UNION)) {
			add_flat(mt, base + m->bit_offset, out, n, max, depth + 1);
		}
	}
}

static int cmp_flat(const void *a, const void *b)
{
	return strcmp(((const struct kd_flat_member *)a)->name,
		      ((const struct kd_flat_member *)b)->name);
}

static struct kd_error *build_flat(struct kd_type *t)
{
	size_t n = count_flat(t, 0), got = 0;
	struct kd_flat_member *f = n ? kd_types_alloc(t->owner, n * sizeof(*f)) : NULL;
	if (n && !f)
		return &kd_error_nomem;
	add_flat(t, 0, f, &got, n, 0);
	/* stable: the first of equal names (outermost) wins in bsearch
	 * only if unique; C forbids duplicates, so plain qsort is fine */
	kd_qsort(f, got, sizeof(*f), cmp_flat);
	t->flat = f;
	t->nflat = got;
	return NULL;
}

struct kd_error *kd_type_find_member(struct kd_type *t, const char *name,
				     struct kd_member *ret)
{
	struct kd_type *s = kd_type_strip(t, KD_STRIP_ALL);
	if (!s || (s->kind != KD_TYPE_STRUCT && s->kind != KD_TYPE_UNION))
		return not_a(s, "a struct or union");
	struct kd_error *err = parts(s);
	if (!err && !s->flat)
		err = build_flat(s);
	if (err)
		return err;
	struct kd_flat_member key = { .name = name };
	const struct kd_flat_member *f = kd_bsearch(&key, s->flat, s->nflat,
						 sizeof(*f), cmp_flat);
	if (!f)
		return kd_error_create(KD_ERR_NOT_FOUND, "%s %s has no member %s",
				       s->kind == KD_TYPE_UNION ? "union" : "struct",
				       s->name ? s->name : "{...}", name);
	ret->name = f->name;
	ret->type = f->type;
	ret->bit_offset = f->bit_offset;
	ret->bit_size = f->bit_size;
	return NULL;
}

/* ---- member paths ---- */

/* Next component of a path: a name, or [index]; *p moves past it and
 * past a following "." or "->". */
static int next_component(const char **p, char *name, size_t size,
			  uint64_t *index, int *is_index)
{
	const char *s = *p;
	*is_index = 0;
	if (*s == '[') {
		char *end;
		*index = strtoull(s + 1, &end, 0);
		if (end == s + 1 || *end != ']')
			return 0;
		*is_index = 1;
		s = end + 1;
	} else {
		size_t n = 0;
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		if (n == 0 || n >= size)
			return 0;
		memcpy(name, s, n);
		name[n] = '\0';
		s += n;
	}
	if (*s == '.')
		s++;
	else if (s[0] == '-' && s[1] == '>')
		s += 2;
	else if (*s != '[' && *s != '\0')
		return 0;
	*p = s;
	return 1;
}

struct kd_error *kd_type_member_path(struct kd_type *t, const char *path,
				     struct kd_member_path *ret)
{
	char name[256];
	const char *p = path;
	memset(ret, 0, sizeof(*ret));
	ret->type = t;
	while (*p) {
		struct kd_type *cur = kd_type_strip(ret->type, KD_STRIP_ALL);
		if (cur && cur->kind == KD_TYPE_POINTER && p != path) {
			ret->stopped_at_pointer = 1;
			ret->rest = p;
			return NULL;
		}
		uint64_t index;
		int is_index;
		const char *at = p;
		if (!next_component(&p, name, sizeof(name), &index, &is_index))
			return kd_error_create(KD_ERR_INVALID,
					       "bad member path \"%s\" at \"%s\"",
					       path, at);
		if (is_index) {
			if (!cur || cur->kind != KD_TYPE_ARRAY)
				return kd_error_create(KD_ERR_INVALID,
						       "%.*s is not an array",
						       (int)(at - path), path);
			ret->bit_offset += index * kd_type_size(cur->target) * 8;
			ret->type = cur->target;
			ret->bit_size = 0;
			continue;
		}
		struct kd_member m;
		struct kd_error *err = kd_type_find_member(cur, name, &m);
		if (err)
			return err;
		ret->bit_offset += m.bit_offset;
		ret->bit_size = m.bit_size;
		ret->type = m.type;
	}
	return NULL;
}

/* ---- derived types ---- */

static struct kd_error *derived(struct kd_types *ts, struct kd_type *t,
				enum kd_type_kind kind, uint64_t count,
				int count_known, struct kd_type **ret)
{
	uint64_t key = kd_hash_mix(kd_hash_mix((uintptr_t)t, kind),
				   count_known ? count : ~(uint64_t)0);
	key = key ? key : 1;
	struct kd_type *d = map_get(&ts->derived, key);
	if (d && d->target == t && d->kind == kind && d->count == count &&
	    d->count_known == count_known) {
		*ret = d;
		return NULL;
	}
	if (!(d = kd_types_new(ts, kind)))
		return &kd_error_nomem;
	d->target = t;
	d->parts_loaded = 1;
	if (kind == KD_TYPE_POINTER) {
		d->size = 8;
		d->complete = 1;
	} else {
		d->count = count;
		d->count_known = (uint8_t)count_known;
		d->complete = count_known && kd_type_is_complete(t);
		d->size = d->complete ? count * kd_type_size(t) : 0;
	}
	if (!map_put(&ts->derived, key, d))
		return &kd_error_nomem;
	*ret = d;
	return NULL;
}

struct kd_error *kd_types_pointer_to(struct kd_types *ts, struct kd_type *t,
				     struct kd_type **ret)
{
	return derived(ts, t ? t : ts->void_type, KD_TYPE_POINTER, 0, 0, ret);
}

struct kd_error *kd_types_array_of(struct kd_types *ts, struct kd_type *t,
				   uint64_t count, struct kd_type **ret)
{
	return derived(ts, t, KD_TYPE_ARRAY, count, 1, ret);
}

/* ---- lookups through the index ---- */

static unsigned dix_kind(enum kd_type_kind kind)
{
	switch (kind) {
	case KD_TYPE_STRUCT:
		return KD_DIX_STRUCT;
	case KD_TYPE_UNION:
		return KD_DIX_UNION;
	case KD_TYPE_ENUM:
		return KD_DIX_ENUM;
	case KD_TYPE_TYPEDEF:
		return KD_DIX_TYPEDEF;
	default:
		return KD_DIX_BASE;
	}
}

/* The first entry of name and kind over all sources (definitions first
 * within a source, sources in order). */
static int find_entry(struct kd_types *ts, const char *name, unsigned kind,
		      int definitions_only, uint32_t *src,
		      struct kd_index_hit *hit)
{
	struct kd_debuginfo *di = ts->di;
	for (size_t i = 0; i < kd_debuginfo_nsources(di); i++) {
		struct kd_dwarf_index *idx;
		if (kd_debuginfo_source_hidden(di, i))
			continue;	/* an unloaded module */
		struct kd_error *err = kd_debuginfo_source_index(di, i, &idx);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		struct kd_index_iter it;
		kd_dwarf_index_find(idx, name, KD_DIX_MASK(kind), &it);
		while (kd_dwarf_index_next(&it, hit)) {
			if (definitions_only && (hit->flags & KD_DIX_DECL))
				continue;
			*src = (uint32_t)i;
			return 1;
		}
	}
	return 0;
}

struct kd_type *kd_types_definition(struct kd_types *ts,
				    enum kd_type_kind kind, const char *name)
{
	uint32_t src;
	struct kd_index_hit hit;
	struct kd_type *t;
	if (!find_entry(ts, name, dix_kind(kind), 1, &src, &hit))
		return NULL;
	struct kd_error *err = kd_dwarf_type_at(ts, src, hit.die, &t);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return t->is_decl ? NULL : t;
}

/* A name was not found: say so, and why it may be missing when an index
 * could not be built (corrupt DWARF past what was scanned). */
static struct kd_error *not_found(struct kd_types *ts, struct kd_error *err)
{
	struct kd_debuginfo *di = ts->di;
	for (size_t i = 0; i < kd_debuginfo_nsources(di); i++) {
		const struct kd_error *why;
		if (kd_debuginfo_source_hidden(di, i) ||
		    !(why = kd_debuginfo_source_problem(di, i)))
			continue;
		/* still NOT_FOUND: callers probe names (symbol_exists) */
		struct kd_error *e = kd_error_create(err->code,
						     "%s (the DWARF index is "
						     "incomplete: %s)",
						     err->message, why->message);
		kd_error_destroy(err);
		return e;
	}
	return err;
}

static struct kd_error *named_type(struct kd_types *ts, const char *name,
				   unsigned kind, struct kd_type **ret)
{
	uint32_t src;
	struct kd_index_hit hit;
	if (!find_entry(ts, name, kind, 0, &src, &hit))
		return not_found(ts, kd_error_create(KD_ERR_NOT_FOUND,
						     "no type %s", name));
	return kd_dwarf_type_at(ts, src, hit.die, ret);
}

/* ---- parsing C type names ---- */

struct words {
	int is_signed, is_unsigned, shorts, longs, ints, chars, doubles,
	    floats, bools, voids, other;
};

static int is_word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

static void count_word(struct words *w, const char *s, size_t n)
{
	if (is_word(s, n, "const") || is_word(s, n, "volatile"))
		return;
	w->is_signed += is_word(s, n, "signed");
	w->is_unsigned += is_word(s, n, "unsigned");
	w->shorts += is_word(s, n, "short");
	w->longs += is_word(s, n, "long");
	w->ints += is_word(s, n, "int");
	w->chars += is_word(s, n, "char");
	w->doubles += is_word(s, n, "double");
	w->floats += is_word(s, n, "float");
	w->bools += is_word(s, n, "_Bool");
	w->voids += is_word(s, n, "void");
	w->other += !(is_word(s, n, "signed") || is_word(s, n, "unsigned") ||
		      is_word(s, n, "short") || is_word(s, n, "long") ||
		      is_word(s, n, "int") || is_word(s, n, "char") ||
		      is_word(s, n, "double") || is_word(s, n, "float") ||
		      is_word(s, n, "_Bool") || is_word(s, n, "void"));
}

/* GCC's DW_AT_name for a C base type spelled with keywords in any order
 * ("unsigned long" -> "long unsigned int"); NULL if not a base type. */
static const char *canonical_base(const struct words *w)
{
	const char *u = w->is_unsigned ? "unsigned " : "";
	static char buf[64];
	if (w->other || w->is_signed + w->is_unsigned > 1)
		return NULL;
	if (w->bools)
		return "_Bool";
	if (w->voids)
		return "void";
	if (w->floats)
		return "float";
	if (w->doubles)
		return w->longs ? "long double" : "double";
	if (w->chars)
		return w->is_unsigned ? "unsigned char" :
		       w->is_signed ? "signed char" : "char";
	if (w->shorts)
		snprintf(buf, sizeof(buf), "short %sint", u);
	else if (w->longs >= 2)
		snprintf(buf, sizeof(buf), "long long %sint", u);
	else if (w->longs == 1)
		snprintf(buf, sizeof(buf), "long %sint", u);
	else if (w->ints || w->is_signed || w->is_unsigned)
		snprintf(buf, sizeof(buf), "%sint", u);
	else
		return NULL;
	return buf;
}

static struct kd_error *base_by_words(struct kd_types *ts, const char *s,
				      size_t len, struct kd_type **ret)
{
	struct words w = { 0 };
	char spelled[128];
	size_t i = 0;
	if (len >= sizeof(spelled))
		return kd_error_create(KD_ERR_NOT_FOUND, "no type %.*s",
				       (int)len, s);
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && s[i] != ' ')
			i++;
		if (i > start)
			count_word(&w, s + start, i - start);
	}
	const char *canon = canonical_base(&w);
	if (canon && strcmp(canon, "void") == 0) {
		*ret = ts->void_type;
		return NULL;
	}
	if (canon) {	/* "long unsigned int" for "unsigned long" ... */
		struct kd_error *err = named_type(ts, canon, KD_DIX_BASE, ret);
		if (!err)
			return NULL;
		kd_error_destroy(err);	/* ... else as spelled (it leaked) */
	}
	memcpy(spelled, s, len);
	spelled[len] = '\0';
	struct kd_error *err = named_type(ts, spelled, KD_DIX_BASE, ret);
	if (!err || !canon || err->code != KD_ERR_NOT_FOUND)
		return err;
	/* A C base type the kernel's DWARF never uses (float: the kernel
	 * has no floating point) is still a type, as gdb's built-ins are:
	 * "p (float)jiffies" in crash. */
	for (int b = 0; b < KD_BUILTIN_NR; b++) {
		struct kd_type *t = kd_types_builtin(ts, (enum kd_builtin)b);
		if (t && !t->nodebug && strcmp(t->name, canon) == 0) {
			kd_error_destroy(err);
			*ret = t;
			return NULL;
		}
	}
	return err;
}

static struct kd_error *bare_name(struct kd_types *ts, const char *name,
				  struct kd_type **ret)
{
	static const unsigned order[] = { KD_DIX_STRUCT, KD_DIX_UNION,
					  KD_DIX_TYPEDEF, KD_DIX_ENUM,
					  KD_DIX_BASE };
	for (size_t i = 0; i < KD_ARRAY_SIZE(order); i++) {
		uint32_t src;
		struct kd_index_hit hit;
		if (find_entry(ts, name, order[i], 0, &src, &hit))
			return kd_dwarf_type_at(ts, src, hit.die, ret);
	}
	return kd_error_create(KD_ERR_NOT_FOUND, "no type %s", name);
}

/* The base part: "struct x", "unsigned long", "u64". */
static struct kd_error *base_part(struct kd_types *ts, const char *s,
				  size_t len, struct kd_type **ret)
{
	static const struct { const char *kw; unsigned kind; } tags[] = {
		{ "struct ", KD_DIX_STRUCT }, { "union ", KD_DIX_UNION },
		{ "enum ", KD_DIX_ENUM },
	};
	char name[256];
	while (len && s[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < KD_ARRAY_SIZE(tags); i++) {
		size_t kl = strlen(tags[i].kw);
		if (len <= kl || memcmp(s, tags[i].kw, kl) != 0)
			continue;
		size_t off = kl;
		while (off < len && s[off] == ' ')
			off++;
		if (len - off >= sizeof(name))
			break;
		memcpy(name, s + off, len - off);
		name[len - off] = '\0';
		return named_type(ts, name, tags[i].kind, ret);
	}
	if (len == 0 || len >= sizeof(name))
		return kd_error_create(KD_ERR_INVALID, "empty type name");
	memcpy(name, s, len);
	name[len] = '\0';
	if (strchr(name, ' '))
		return base_by_words(ts, s, len, ret);
	struct words w = { 0 };
	count_word(&w, s, len);
	if (!w.other)
		return base_by_words(ts, s, len, ret);
	return bare_name(ts, name, ret);
}

/* Parses "BASE [*...] [[N]...]" (spaces allowed around * and [). */
/* Blanks and the qualifiers "const" and "volatile" at s (reading needs
 * no qualifier: "const struct x *" finds struct x *). */
static const char *skip_qualifiers(const char *s)
{
	for (;;) {
		while (*s == ' ')
			s++;
		size_t n = strncmp(s, "const", 5) == 0 ? 5 :
			   strncmp(s, "volatile", 8) == 0 ? 8 : 0;
		if (!n || (s[n] && s[n] != ' ' && s[n] != '*'))
			return s;
		s += n;
	}
}

static struct kd_error *parse_type(struct kd_types *ts, const char *name,
				   struct kd_type **ret)
{
	const char *s = skip_qualifiers(name);
	size_t base_len = strcspn(s, "*[");
	for (;;) {	/* "struct x const *" */
		while (base_len && s[base_len - 1] == ' ')
			base_len--;
		if (base_len > 6 && strncmp(s + base_len - 6, " const", 6) == 0)
			base_len -= 6;
		else if (base_len > 9 &&
			 strncmp(s + base_len - 9, " volatile", 9) == 0)
			base_len -= 9;
		else
			break;
	}
	struct kd_error *err = base_part(ts, s, base_len, ret);
	const char *p = s + base_len;
	p = skip_qualifiers(p);
	while (!err && *p == '*') {
		err = kd_types_pointer_to(ts, *ret, ret);
		p = skip_qualifiers(p + 1);
	}
	uint64_t dims[16];
	int known[16];
	size_t nd = 0;
	while (!err && *p == '[' && nd < 16) {
		char *end;
		known[nd] = p[1] != ']';
		dims[nd] = known[nd] ? strtoull(p + 1, &end, 0) : 0;
		if (!known[nd])
			end = (char *)p + 1;
		if (*end != ']')
			return kd_error_create(KD_ERR_INVALID, "bad type \"%s\"", name);
		nd++;
		p = end + 1;
		while (*p == ' ')
			p++;
	}
	if (!err && *p)
		return kd_error_create(KD_ERR_INVALID, "bad type \"%s\"", name);
	/* "int [2][3]" is an array of 2 arrays of 3 */
	for (size_t i = nd; !err && i-- > 0;)
		err = derived(ts, *ret, KD_TYPE_ARRAY, dims[i], known[i], ret);
	return err;
}

/* Remembers name -> t; bounded (a full cache starts over), and a
 * cache that cannot grow just does not remember. */
static void cache_put(struct kd_types *ts, const char *name, struct kd_type *t)
{
	if (ts->names.count + 1 > ts->names.cap / 2 &&
	    ts->names.cap >= 65536)
		names_clear(ts);
	if (name_cache_reserve(&ts->names, ts->names.count + 1))
		return;
	struct name_cache_ent *e = name_cache_slot(&ts->names, name,
						   name_cache_key_hash(name));
	if (e->name)
		return;
	struct name_cache_ent ne = { strdup(name), t };
	if (ne.name)
		name_cache_fill(&ts->names, e, &ne);
}

struct kd_error *kd_types_find(struct kd_types *ts, const char *name,
			       struct kd_type **ret)
{
	const struct name_cache_ent *e =
		name_cache_find(&ts->names, name, name_cache_key_hash(name));
	if (e) {
		*ret = e->type;
		return NULL;
	}
	struct kd_error *err = parse_type(ts, name, ret);
	if (!err)
		cache_put(ts, name, *ret);
	return err;
}

/* ---- built-in types ---- */

struct kd_type *kd_types_builtin(struct kd_types *ts, enum kd_builtin b)
{
	static const struct {
		const char *name;	/* GCC's DW_AT_name */
		enum kd_type_kind kind;
		uint8_t size, is_signed, is_char, nodebug;
	} spec[KD_BUILTIN_NR] = {
		[KD_BUILTIN_CHAR] = { "char", KD_TYPE_INT, 1, 1, 1, 0 },
		[KD_BUILTIN_SCHAR] = { "signed char", KD_TYPE_INT, 1, 1, 1, 0 },
		[KD_BUILTIN_UCHAR] = { "unsigned char", KD_TYPE_INT, 1, 0, 1, 0 },
		[KD_BUILTIN_SHORT] = { "short int", KD_TYPE_INT, 2, 1, 0, 0 },
		[KD_BUILTIN_USHORT] = { "short unsigned int", KD_TYPE_INT, 2, 0, 0, 0 },
		[KD_BUILTIN_INT] = { "int", KD_TYPE_INT, 4, 1, 0, 0 },
		[KD_BUILTIN_UINT] = { "unsigned int", KD_TYPE_INT, 4, 0, 0, 0 },
		[KD_BUILTIN_LONG] = { "long int", KD_TYPE_INT, 8, 1, 0, 0 },
		[KD_BUILTIN_ULONG] = { "long unsigned int", KD_TYPE_INT, 8, 0, 0, 0 },
		[KD_BUILTIN_LLONG] = { "long long int", KD_TYPE_INT, 8, 1, 0, 0 },
		[KD_BUILTIN_ULLONG] = { "long long unsigned int", KD_TYPE_INT, 8, 0, 0, 0 },
		[KD_BUILTIN_BOOL] = { "_Bool", KD_TYPE_BOOL, 1, 0, 0, 0 },
		[KD_BUILTIN_FLOAT] = { "float", KD_TYPE_FLOAT, 4, 1, 0, 0 },
		[KD_BUILTIN_DOUBLE] = { "double", KD_TYPE_FLOAT, 8, 1, 0, 0 },
		[KD_BUILTIN_NODEBUG_DATA] = { "<data variable, no debug info>",
					      KD_TYPE_INT, 4, 1, 0,
					      KD_NODEBUG_DATA },
		[KD_BUILTIN_NODEBUG_TEXT] = { "<text variable, no debug info>",
					      KD_TYPE_INT, 1, 1, 0,
					      KD_NODEBUG_TEXT },
	};
	if ((unsigned)b >= KD_BUILTIN_NR)
		return NULL;
	if (ts->builtins[b])
		return ts->builtins[b];
	struct kd_type *t = NULL;
	if (!spec[b].nodebug) {
		struct kd_error *err = named_type(ts, spec[b].name, KD_DIX_BASE,
						  &t);
		kd_error_destroy(err);
		if (err || kd_type_size(t) != spec[b].size ||
		    kd_type_kind(t) != spec[b].kind)
			t = NULL;
	}
	if (!t) {
		if (!(t = kd_types_new(ts, spec[b].kind)))
			return NULL;
		t->name = spec[b].name;
		t->size = spec[b].size;
		t->align = spec[b].size;
		t->is_signed = spec[b].is_signed;
		t->is_char = spec[b].is_char;
		t->nodebug = spec[b].nodebug;
		t->complete = 1;
		t->parts_loaded = 1;
	}
	return ts->builtins[b] = t;
}

struct kd_error *kd_types_find_typedef(struct kd_types *ts, const char *name,
				       struct kd_type **ret)
{
	struct kd_error *err = named_type(ts, name, KD_DIX_TYPEDEF, ret);
	if (!err || err->code != KD_ERR_NOT_FOUND)
		return err;
	kd_error_destroy(err);
	return named_type(ts, name, KD_DIX_BASE, ret);
}

/* ---- variables, functions, enumerators ---- */

static struct kd_error *object_die(struct kd_types *ts, const char *name,
				   unsigned kind, uint32_t *src, Dwarf_Die *die,
				   uint8_t *flags)
{
	struct kd_index_hit hit;
	if (!find_entry(ts, name, kind, 0, src, &hit))
		return not_found(ts, kd_error_create(KD_ERR_NOT_FOUND, "no %s %s",
				       kind == KD_DIX_FUNCTION ? "function" :
				       kind == KD_DIX_VARIABLE ? "variable" :
				       "enumerator", name));
	*flags = hit.flags;
	if (!kd_types_offdie(ts, *src, hit.die, die))
		return kd_types_no_die(ts, *src, hit.die);
	return NULL;
}

static int location_addr(Dwarf_Die *die, uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr(die, DW_AT_location, &a) ||
	    dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1 ||
	    ops[0].atom != DW_OP_addr)
		return 0;
	*addr = ops[0].number;
	return 1;
}

/* The vmlinux symbol of that name, link address (for DWARF objects
 * without a location: assembly definitions, optimised-out locations). */
static int symbol_link(struct kd_types *ts, const char *name, uint64_t *addr,
		       unsigned *flags)
{
	struct kd_symtab *st;
	struct kd_symbol sym;
	struct kd_error *err = kd_debuginfo_symtab(ts->di, &st);
	if (!err)
		err = kd_symtab_lookup(st, name, &sym);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*addr = sym.value - (sym.flags & KD_SYM_RELOC ? kd_symtab_relocation(st) : 0);
	*flags = sym.flags;
	return 1;
}

/* Is d at the symbol's address (when known), and is its type complete? */
static int variable_score(struct kd_types *ts, Dwarf_Die *d,
			  const uint64_t *sym_addr)
{
	uint64_t addr;
	struct kd_type *t;
	if (sym_addr && !(location_addr(d, &addr) && addr == *sym_addr))
		return 0;
	struct kd_error *err = kd_dwarf_object_type(ts, 0, d, &t);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_type_is_complete(t) ? 2 : 1;
}

/* The variable's DIE.  Among several definitions (statics of the same
 * name; a __weak definition and the one that won the link, both located
 * at the symbol), the best is at the ELF symbol's address and has a
 * complete type ("char x[204]" rather than "char x[]"); else the first. */
static struct kd_error *variable_die(struct kd_types *ts, const char *name,
				     const uint64_t *sym_addr, uint32_t *src,
				     Dwarf_Die *die, uint8_t *flags)
{
	struct kd_error *err = object_die(ts, name, KD_DIX_VARIABLE, src, die,
					  flags);
	struct kd_dwarf_index *idx;
	if (err || *src != 0 || kd_debuginfo_source_index(ts->di, 0, &idx))
		return err;
	int best = variable_score(ts, die, sym_addr);
	struct kd_index_iter it;
	struct kd_index_hit hit;
	Dwarf_Die d;
	kd_dwarf_index_find(idx, name, KD_DIX_MASK(KD_DIX_VARIABLE), &it);
	while (best < 2 && kd_dwarf_index_next(&it, &hit)) {
		if (!kd_types_offdie(ts, 0, hit.die, &d))
			continue;
		int score = variable_score(ts, &d, sym_addr);
		if (score > best) {
			best = score;
			*die = d;
			*flags = hit.flags;
		}
	}
	return NULL;
}

struct kd_error *kd_types_find_variable(struct kd_types *ts, const char *name,
					struct kd_variable *ret)
{
	uint32_t src;
	Dwarf_Die die;
	uint8_t flags;
	unsigned sflags = 0;
	uint64_t sym_addr;
	memset(ret, 0, sizeof(*ret));
	int have_sym = symbol_link(ts, name, &sym_addr, &sflags);
	struct kd_error *err = variable_die(ts, name, have_sym ? &sym_addr : NULL,
					    &src, &die, &flags);
	if (!err)
		err = kd_dwarf_object_type(ts, src, &die, &ret->type);
	if (err)
		return err;
	ret->name = dwarf_diename(&die) ? dwarf_diename(&die) : name;
	ret->is_declaration = !!(flags & KD_DIX_DECL);
	ret->has_address = location_addr(&die, &ret->address);
	if (src == 0 && have_sym) {
		if (!ret->has_address)
			ret->address = sym_addr;
		ret->has_address = 1;
		ret->is_percpu = !!(sflags & KD_SYM_PERCPU);
	}
	return NULL;
}

struct kd_error *kd_types_find_function(struct kd_types *ts, const char *name,
					struct kd_function *ret)
{
	uint32_t src;
	Dwarf_Die die;
	uint8_t flags;
	unsigned sflags;
	Dwarf_Addr lowpc;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = object_die(ts, name, KD_DIX_FUNCTION, &src, &die,
					  &flags);
	if (!err)
		err = kd_dwarf_object_type(ts, src, &die, &ret->type);
	if (err)
		return err;
	ret->name = name;
	if (dwarf_lowpc(&die, &lowpc) == 0) {
		ret->address = lowpc;
		ret->has_address = 1;
	} else if (src == 0) {
		ret->has_address = symbol_link(ts, name, &ret->address, &sflags);
	}
	return NULL;
}

struct kd_error *kd_types_find_enumerator(struct kd_types *ts,
					  const char *name,
					  struct kd_enum_value *ret)
{
	struct kd_debuginfo *di = ts->di;
	for (size_t i = 0; i < kd_debuginfo_nsources(di); i++) {
		struct kd_dwarf_index *idx;
		struct kd_index_hit hit;
		struct kd_index_iter it;
		if (kd_debuginfo_source_hidden(di, i) ||
		    kd_debuginfo_source_index(di, i, &idx) != NULL)
			continue;
		kd_dwarf_index_find(idx, name, KD_DIX_MASK(KD_DIX_ENUMERATOR), &it);
		while (kd_dwarf_index_next(&it, &hit)) {
			struct kd_type *t;
			const struct kd_enumerator *e;
			size_t n;
			struct kd_error *err = kd_dwarf_type_at(ts, (uint32_t)i,
								hit.die, &t);
			if (!err)
				err = kd_type_enumerators(t, &e, &n);
			if (err)
				return err;
			for (size_t k = 0; k < n; k++) {
				if (e[k].name && strcmp(e[k].name, name) == 0) {
					ret->type = t;
					ret->value = e[k].value;
					return NULL;
				}
			}
		}
	}
	return kd_error_create(KD_ERR_NOT_FOUND, "no enumerator %s", name);
}
