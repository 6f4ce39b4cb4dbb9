// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reader tables: per struct/union type, one descriptor per member.
 *
 *   kd_readers   one per session (KD_SLOT_READERS): name -> reader hash
 *                ("task_struct", "struct task_struct" and "#<type ptr>"
 *                keys all map to one reader), a list of every reader
 *                ever built (freed at session close), and its memocache
 *                registration (KD_CU_LOAD).
 *   kd_reader    the member descriptors in declaration order (anonymous
 *                members flattened), and a path -> descriptor hash that
 *                starts with the member names and grows with each chain
 *                compiled on demand.
 *
 * Invariant: a descriptor or reader pointer handed out is never freed
 * before the cache is destroyed.  A purge only takes readers out of the
 * name hash ("retired"), so callers holding them see the old debuginfo
 * but never freed memory; the next lookup builds a new one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/hash_table.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "readers_internal.h"

/* ---- a small string-keyed hash table ---- */

struct shash_ent {
	char *key;		/* its own copy */
	void *val;
};

KD_HASH_TABLE_DEFINE_STR(shash, struct shash_ent, key)

static void *shash_get(const struct shash *h, const char *key)
{
	struct shash_ent *e = shash_find(h, key, shash_key_hash(key));
	return e ? e->val : NULL;
}

/* Adds or replaces. */
static struct kd_error *shash_put(struct shash *h, const char *key, void *val)
{
	struct kd_error *err = shash_reserve(h, h->count + 1);
	if (err)
		return err;
	struct shash_ent *e = shash_slot(h, key, shash_key_hash(key));
	if (e->key) {
		e->val = val;
		return NULL;
	}
	struct shash_ent ne = { strdup(key), val };
	if (!ne.key)
		return &kd_error_nomem;
	shash_fill(h, e, &ne);
	return NULL;
}

static void shash_free(struct shash *h)
{
	for (struct shash_ent *e = shash_first(h); e; e = shash_next(h, e))
		free(e->key);
	shash_deinit(h);
}

/* ---- descriptors ---- */

/* Chains compiled on demand, each allocated alone (stable pointers). */
struct chain {
	struct chain *next;
	struct kd_rmember m;
	char name[];
};

struct kd_reader {
	struct kd_reader *all_next;	/* kd_readers.all */
	struct kd_type *type;		/* stripped struct/union */
	char *name;			/* "struct task_struct" */
	uint64_t size;
	struct kd_rmember *members;
	size_t nmembers;
	struct shash by_name;		/* path -> const struct kd_rmember * */
	struct chain *chains;
};

struct kd_readers {
	struct kd_types *types;
	struct kd_memocache *mc;
	int mc_id;
	struct shash by_name;		/* name -> struct kd_reader * */
	struct kd_reader *all;		/* every reader built, retired too */
};

/* t with typedefs (and, with KD_STRIP_QUAL in flags, qualifiers) looked
 * through, but a declaration left as it is: describing a pointer needs
 * only the kind of what it points to, and kd_type_strip would look up
 * the definition of every struct a table's pointers name (dozens in
 * other units, most never followed; on an index still being built, a
 * wait for each). */
static struct kd_type *look_through(struct kd_type *t, unsigned flags)
{
	for (int depth = 0; t && depth < 64; depth++) {
		enum kd_type_kind k = kd_type_kind(t);
		if (!(k == KD_TYPE_TYPEDEF && (flags & KD_STRIP_TYPEDEF)) &&
		    !(k == KD_TYPE_QUALIFIED && (flags & KD_STRIP_QUAL)))
			return t;
		t = kd_type_target(t);
	}
	return t;
}

/* An integer of 1 to 8 bytes: one a struct kd_value holds (the decoders
 * rely on scalar kinds having such sizes; others are OTHER, bytes). */
static int scalar_size(struct kd_type *st)
{
	uint64_t sz = kd_type_size(st);
	return sz >= 1 && sz <= 8;
}

/* Kind of a (stripped) non-bitfield scalar or aggregate type. */
static enum kd_rkind kind_of(struct kd_type *st)
{
	if (!st)		/* the type model's void */
		return KD_RK_VOID;
	switch (kd_type_kind(st)) {
	case KD_TYPE_INT:
		return scalar_size(st) ? KD_RK_INT : KD_RK_OTHER;
	case KD_TYPE_BOOL:
		return scalar_size(st) ? KD_RK_BOOL : KD_RK_OTHER;
	case KD_TYPE_ENUM:
		return scalar_size(st) ? KD_RK_ENUM : KD_RK_OTHER;
	case KD_TYPE_FLOAT: {
		uint64_t sz = kd_type_size(st);
		return sz == 4 || sz == 8 ? KD_RK_FLOAT : KD_RK_OTHER;
	}
	case KD_TYPE_POINTER: {
		struct kd_type *t = look_through(kd_type_target(st),
						 KD_STRIP_ALL);
		if (kd_type_kind(t) == KD_TYPE_FUNCTION)
			return KD_RK_FUNCPTR;
		if (kd_type_kind(t) == KD_TYPE_INT && kd_type_is_char(t))
			return KD_RK_CHARPTR;
		return KD_RK_PTR;
	}
	case KD_TYPE_ARRAY:
		return KD_RK_ARRAY;
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		return KD_RK_STRUCT;
	case KD_TYPE_FUNCTION:
		return KD_RK_FUNCTION;
	case KD_TYPE_VOID:
		return KD_RK_VOID;
	default:
		return KD_RK_OTHER;
	}
}

static void describe_array(struct kd_rmember *m, struct kd_type *st)
{
	struct kd_type *t = st;
	while (kd_type_kind(t) == KD_TYPE_ARRAY) {
		uint64_t count = 0;
		if (!kd_type_array_count(t, &count))
			count = 0;
		if (m->ndims < KD_RMAX_DIMS)
			m->dims[m->ndims++] = count;
		t = kd_type_strip(kd_type_target(t), KD_STRIP_ALL);
	}
	m->target = t;
	m->elem_kind = kind_of(t);
	m->elem_size = (uint32_t)kd_type_size(t);
	m->is_signed = (uint8_t)kd_type_is_signed(t);
	if (m->ndims == 1 && kd_type_kind(t) == KD_TYPE_INT &&
	    kd_type_is_char(t))
		m->kind = KD_RK_CHARARRAY;
}

static void describe_bitfield(struct kd_rmember *m, struct kd_type *st,
			      uint64_t bit_offset, uint32_t bit_size)
{
	uint32_t shift = bit_offset % 8;
	uint32_t span = (shift + bit_size + 7) / 8;
	m->offset = bit_offset / 8;
	m->bit_shift = (uint8_t)shift;
	m->bit_size = (uint8_t)bit_size;
	m->mask = bit_size >= 64 ? ~0ull : (1ull << bit_size) - 1;
	m->is_signed = (uint8_t)kd_type_is_signed(st);
	m->size = span;
	m->target = kd_type_kind(st) == KD_TYPE_ENUM ? st : NULL;
	/* storage past 8 bytes cannot be decoded as one integer */
	m->kind = span <= 8 ? KD_RK_BITFIELD : KD_RK_OTHER;
}

/* Fill *m (name and hops left alone) for a member of type at bit_offset. */
static void describe(struct kd_rmember *m, struct kd_type *type,
		     uint64_t bit_offset, uint32_t bit_size)
{
	struct kd_type *st = kd_type_strip(type, KD_STRIP_ALL);
	m->type = type;
	if (bit_size) {
		describe_bitfield(m, st, bit_offset, bit_size);
		return;
	}
	m->kind = kind_of(st);
	m->offset = bit_offset / 8;
	m->size = (uint32_t)kd_type_size(type);
	m->is_signed = (uint8_t)kd_type_is_signed(st);
	if (m->kind == KD_RK_PTR || m->kind == KD_RK_CHARPTR ||
	    m->kind == KD_RK_FUNCPTR)
		m->target = look_through(kd_type_target(st), KD_STRIP_TYPEDEF);
	else if (m->kind == KD_RK_ENUM)
		m->target = st;
	else if (m->kind == KD_RK_ARRAY)
		describe_array(m, st);
	if (m->kind == KD_RK_PTR || m->kind == KD_RK_CHARPTR ||
	    m->kind == KD_RK_FUNCPTR)
		m->is_signed = 0;
}

/* ---- whole values ---- */

void kd_rmember_of_type(struct kd_type *type, struct kd_rmember *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->name = "value";
	describe(ret, type, 0, 0);
}

struct kd_error *kd_rmember_target(const struct kd_rmember *m,
				   struct kd_rmember *ret)
{
	switch (m->kind) {
	case KD_RK_PTR:
	case KD_RK_CHARPTR:
	case KD_RK_FUNCPTR:
	case KD_RK_ARRAY:
	case KD_RK_CHARARRAY:
		break;
	default:
		return kd_error_create(KD_ERR_INVALID,
				       "%s is a %s, not a pointer or array",
				       m->name, kd_rkind_name(m->kind));
	}
	/* kd_type_target: NULL for void *; an array's is one dimension in */
	struct kd_type *st = kd_type_strip(m->type, KD_STRIP_ALL);
	kd_rmember_of_type(kd_type_target(st), ret);
	return NULL;
}

/* ---- building a table ---- */

static size_t count_flat(struct kd_type *t)
{
	const struct kd_member *mem;
	size_t n, total = 0;
	if (kd_type_members(t, &mem, &n))
		return 0;
	for (size_t i = 0; i < n; i++)
		total += mem[i].name ? 1
			: count_flat(kd_type_strip(mem[i].type, KD_STRIP_ALL));
	return total;
}

static void add_flat(struct kd_reader *r, struct kd_type *t, uint64_t base)
{
	const struct kd_member *mem;
	size_t n;
	if (kd_type_members(t, &mem, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!mem[i].name) {
			add_flat(r, kd_type_strip(mem[i].type, KD_STRIP_ALL),
				 base + mem[i].bit_offset);
			continue;
		}
		struct kd_rmember *m = &r->members[r->nmembers++];
		m->name = mem[i].name;
		describe(m, mem[i].type, base + mem[i].bit_offset,
			 mem[i].bit_size);
	}
}

static void reader_free(struct kd_reader *r)
{
	shash_free(&r->by_name);
	for (struct chain *c = r->chains, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(r->members);
	free(r->name);
	free(r);
}

static struct kd_error *reader_build(struct kd_type *st, struct kd_reader **ret)
{
	struct kd_error *err = NULL;
	const struct kd_member *mem;
	size_t n;
	if ((err = kd_type_members(st, &mem, &n)))
		return err;
	struct kd_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return &kd_error_nomem;
	const char *tag = kd_type_kind(st) == KD_TYPE_UNION ? "union" : "struct";
	const char *nm = kd_type_name(st);
	size_t total = count_flat(st);
	r->type = st;
	r->size = kd_type_size(st);
	r->name = malloc(strlen(tag) + (nm ? strlen(nm) : 5) + 2);
	r->members = calloc(total ? total : 1, sizeof(*r->members));
	if (!r->name || !r->members)
		goto out_nomem;
	sprintf(r->name, "%s %s", tag, nm ? nm : "{...}");
	add_flat(r, st, 0);
	for (size_t i = 0; i < r->nmembers; i++)
		if ((err = shash_put(&r->by_name, r->members[i].name,
				     &r->members[i])))
			goto out_free;
	*ret = r;
	return NULL;
out_nomem:
	err = &kd_error_nomem;
out_free:
	reader_free(r);
	return err;
}

/* ---- chains ---- */

static const char *skip_sep(const char *p)
{
	if (*p == '.')
		return p + 1;
	if (p[0] == '-' && p[1] == '>')
		return p + 2;
	return p;
}

static struct kd_error *compile_chain(struct kd_reader *r, const char *path,
				      struct kd_rmember *m)
{
	struct kd_type *t = r->type;
	const char *p = path;
	for (;;) {
		struct kd_member_path mp;
		struct kd_error *err = kd_type_member_path(t, p, &mp);
		if (err)
			return kd_error_prefix(err, "%s.%s", r->name, path);
		if (!mp.stopped_at_pointer) {
			describe(m, mp.type, mp.bit_offset, mp.bit_size);
			return NULL;
		}
		struct kd_type *pt = kd_type_strip(mp.type, KD_STRIP_ALL);
		t = kd_type_strip(kd_type_target(pt), KD_STRIP_ALL);
		enum kd_type_kind k = kd_type_kind(t);
		if (m->nhops >= KD_RMAX_HOPS ||
		    (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION) ||
		    *mp.rest == '[')
			return kd_error_create(KD_ERR_INVALID,
					       "%s: cannot follow \"%s\" through "
					       "the pointer before \"%s\"",
					       r->name, path, mp.rest);
		m->hops[m->nhops++] = mp.bit_offset / 8;
		p = skip_sep(mp.rest);
	}
}

struct kd_error *kd_reader_member(struct kd_reader *r, const char *path,
				  const struct kd_rmember **ret)
{
	if (!r || !path)
		return kd_error_create(KD_ERR_INVALID, "no reader or member");
	const struct kd_rmember *found = shash_get(&r->by_name, path);
	if (found) {
		*ret = found;
		return NULL;
	}
	size_t len = strlen(path);
	struct chain *c = calloc(1, sizeof(*c) + len + 1);
	if (!c)
		return &kd_error_nomem;
	memcpy(c->name, path, len + 1);
	c->m.name = c->name;
	struct kd_error *err = compile_chain(r, path, &c->m);
	if (!err)
		err = shash_put(&r->by_name, c->name, &c->m);
	if (err) {
		free(c);
		return err;
	}
	c->next = r->chains;
	r->chains = c;
	*ret = &c->m;
	return NULL;
}

int kd_reader_has_member(struct kd_reader *r, const char *path)
{
	const struct kd_rmember *m;
	struct kd_error *err = kd_reader_member(r, path, &m);
	kd_error_destroy(err);
	return !err;
}

struct kd_type *kd_reader_type(const struct kd_reader *r)
{
	return r ? r->type : NULL;
}

const char *kd_reader_name(const struct kd_reader *r)
{
	return r ? r->name : NULL;
}

uint64_t kd_reader_size(const struct kd_reader *r)
{
	return r ? r->size : 0;
}

size_t kd_reader_nmembers(const struct kd_reader *r)
{
	return r ? r->nmembers : 0;
}

const struct kd_rmember *kd_reader_member_at(const struct kd_reader *r,
					     size_t i)
{
	return r && i < r->nmembers ? &r->members[i] : NULL;
}

/* ---- the cache ---- */

static void readers_purge(void *owner, unsigned flags, const char *type_name)
{
	struct kd_readers *rs = owner;
	(void)flags;
	if (!type_name) {
		shash_free(&rs->by_name);
		return;
	}
	/* Drop every key of readers named type_name ("struct x" or "x"). */
	for (struct kd_reader *r = rs->all; r; r = r->all_next) {
		const char *sp = strchr(r->name, ' ');
		if (strcmp(r->name, type_name) && strcmp(sp + 1, type_name))
			continue;
		struct shash *h = &rs->by_name;
		for (struct shash_ent *e = shash_first(h); e;) {
			if (e->val != r) {
				e = shash_next(h, e);
				continue;
			}
			char *key = e->key;
			e = shash_remove_next(h, e);
			free(key);
		}
	}
}

struct kd_error *kd_readers_create(struct kd_types *types,
				   struct kd_memocache *mc,
				   struct kd_readers **ret)
{
	struct kd_readers *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return &kd_error_nomem;
	rs->types = types;
	rs->mc = mc;
	rs->mc_id = -1;
	if (mc) {
		struct kd_error *err = kd_memocache_register(
			mc, KD_CU_LOAD, readers_purge, rs, &rs->mc_id);
		if (err) {
			free(rs);
			return err;
		}
	}
	*ret = rs;
	return NULL;
}

void kd_readers_destroy(struct kd_readers *rs)
{
	if (!rs)
		return;
	if (rs->mc)
		kd_memocache_unregister(rs->mc, rs->mc_id);
	shash_free(&rs->by_name);
	for (struct kd_reader *r = rs->all, *next; r; r = next) {
		next = r->all_next;
		reader_free(r);
	}
	free(rs);
}

size_t kd_readers_count(const struct kd_readers *rs)
{
	size_t n = 0;
	/* distinct readers reachable from the name hash */
	for (struct kd_reader *r = rs->all; r; r = r->all_next) {
		const struct shash *h = &rs->by_name;
		struct shash_ent *e = shash_first(h);
		while (e && e->val != r)
			e = shash_next(h, e);
		n += e != NULL;
	}
	return n;
}

static struct kd_error *readers_add(struct kd_readers *rs, struct kd_type *st,
				    struct kd_reader **ret)
{
	char key[40];
	snprintf(key, sizeof(key), "#%p", (void *)st);
	struct kd_reader *r = shash_get(&rs->by_name, key);
	if (r) {
		*ret = r;
		return NULL;
	}
	struct kd_error *err = reader_build(st, &r);
	if (err)
		return err;
	r->all_next = rs->all;
	rs->all = r;
	if ((err = shash_put(&rs->by_name, key, r)) ||
	    (err = shash_put(&rs->by_name, r->name, r)))
		return err;
	*ret = r;
	return NULL;
}

static struct kd_error *su_type(struct kd_type *type, struct kd_type **ret)
{
	struct kd_type *st = kd_type_strip(type, KD_STRIP_ALL);
	enum kd_type_kind k = kd_type_kind(st);
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION)
		return kd_error_create(KD_ERR_INVALID,
				       "%s is not a struct or union",
				       kd_type_name(type) ? kd_type_name(type)
							  : "type");
	if (!kd_type_is_complete(st))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "no definition of %s %s",
				       k == KD_TYPE_UNION ? "union" : "struct",
				       kd_type_name(st) ? kd_type_name(st) : "");
	*ret = st;
	return NULL;
}

struct kd_error *kd_readers_of_type(struct kd_readers *rs,
				    struct kd_type *type,
				    struct kd_reader **ret)
{
	struct kd_type *st = NULL;
	struct kd_error *err = su_type(type, &st);
	return err ? err : readers_add(rs, st, ret);
}

struct kd_error *kd_readers_get(struct kd_readers *rs, const char *name,
				struct kd_reader **ret)
{
	struct kd_reader *r = shash_get(&rs->by_name, name);
	if (r) {
		*ret = r;
		return NULL;
	}
	struct kd_type *t;
	struct kd_error *err = kd_types_find(rs->types, name, &t);
	if (err)
		return err;
	if ((err = kd_readers_of_type(rs, t, &r)))
		return err;
	if ((err = shash_put(&rs->by_name, name, r)))
		return err;
	*ret = r;
	return NULL;
}

/* ---- the session's cache ---- */

static void readers_slot_destroy(void *data)
{
	kd_readers_destroy(data);
}

struct kd_error *kd_session_readers(struct kd_session *s,
				    struct kd_readers **ret)
{
	struct kd_readers *rs = kd_session_slot(s, KD_SLOT_READERS);
	if (rs) {
		*ret = rs;
		return NULL;
	}
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err)
		return err;
	if ((err = kd_readers_create(types, kd_session_memocache(s), &rs)))
		return err;
	kd_session_set_slot(s, KD_SLOT_READERS, rs, readers_slot_destroy);
	*ret = rs;
	return NULL;
}

struct kd_error *kd_reader_get(struct kd_session *s, const char *type_name,
			       struct kd_reader **ret)
{
	struct kd_readers *rs;
	struct kd_error *err = kd_session_readers(s, &rs);
	return err ? err : kd_readers_get(rs, type_name, ret);
}

struct kd_error *kd_reader_of_type(struct kd_session *s, struct kd_type *type,
				   struct kd_reader **ret)
{
	struct kd_readers *rs;
	struct kd_error *err = kd_session_readers(s, &rs);
	return err ? err : kd_readers_of_type(rs, type, ret);
}

struct kd_error *kd_member_get(struct kd_session *s, const char *type_name,
			       const char *path, const struct kd_rmember **ret)
{
	struct kd_reader *r;
	struct kd_error *err = kd_reader_get(s, type_name, &r);
	return err ? err : kd_reader_member(r, path, ret);
}
