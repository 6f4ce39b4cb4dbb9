// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Member offsets and layouts (include/pykdump/offsets.h): one lookup,
 * kd_type_member_path() on the named type with typedefs and qualifiers
 * stripped, answered as KD_ABSENT when the type or the member does not
 * exist or the path would go through a pointer.  Lookups are cheap
 * (types are interned and their member tables built once), so layouts
 * are filled where they are used, not cached here.
 *
 * Names with alternatives ("a|b") are tried in order, types outermost:
 * the first (type, path) pair that exists answers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>

#define NAME_MAX_LEN 256

/* ---- PYKDUMP_HIDE_MEMBERS ---- */

struct hidden {
	char **type, **path;	/* "char_device_struct", "cdev" */
	size_t n, type_cap, path_cap;
};

static struct hidden hidden_members;
static pthread_once_t hidden_once = PTHREAD_ONCE_INIT;

/* "struct x" and "x" name the same struct here. */
static const char *bare(const char *type)
{
	if (!strncmp(type, "struct ", 7))
		return type + 7;
	if (!strncmp(type, "union ", 6))
		return type + 6;
	return type;
}

static void hidden_add(char *item)
{
	char *dot = strchr(item, '.');
	if (!dot || dot == item || !dot[1])
		return;
	*dot = '\0';
	size_t n = hidden_members.n;
	if (kd_array_reserve(&hidden_members.type, &hidden_members.type_cap,
			     n + 1) ||
	    kd_array_reserve(&hidden_members.path, &hidden_members.path_cap,
			     n + 1))
		return;
	char **t = hidden_members.type, **p = hidden_members.path;
	t[n] = strdup(bare(item));
	p[n] = strdup(dot + 1);
	if (t[n] && p[n])
		hidden_members.n++;
}

static void hidden_load(void)
{
	const char *env = getenv("PYKDUMP_HIDE_MEMBERS");
	char *copy = env && *env ? strdup(env) : NULL;
	char *save = NULL;
	for (char *item = copy ? strtok_r(copy, ",", &save) : NULL; item;
	     item = strtok_r(NULL, ",", &save))
		hidden_add(item);
	free(copy);
}

static int is_hidden(const char *type, const char *path)
{
	pthread_once(&hidden_once, hidden_load);
	for (size_t i = 0; i < hidden_members.n; i++)
		if (!strcmp(hidden_members.type[i], bare(type)) &&
		    !strcmp(hidden_members.path[i], path))
			return 1;
	return 0;
}

/* ---- the lookup ---- */

struct found {
	struct kd_type *container;
	uint64_t bit_offset;
	uint32_t bit_size;	/* bitfields */
	struct kd_type *type;	/* the member's; NULL for the type itself */
};

static struct kd_type *find_type(struct kd_types *types, const char *name)
{
	struct kd_type *t;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return kd_type_strip(t, KD_STRIP_ALL);
}

static int lookup_one(struct kd_types *types, const char *type,
		      const char *path, struct found *f)
{
	struct kd_member_path mp;
	struct kd_type *t = find_type(types, type);
	if (!t)
		return 0;
	f->container = t;
	f->bit_offset = 0;
	f->bit_size = 0;
	f->type = NULL;
	if (!path)
		return 1;
	if (is_hidden(type, path))
		return 0;
	struct kd_error *err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (mp.stopped_at_pointer && mp.rest)
		return 0;
	f->bit_offset = mp.bit_offset;
	f->bit_size = mp.bit_size;
	f->type = mp.type;
	return 1;
}

/* The next '|'-separated alternative of *list into buf; 0 at the end. */
static int next_alt(const char **list, char *buf)
{
	const char *p = *list;
	if (!p)
		return 0;
	size_t n = strcspn(p, "|");
	if (n >= NAME_MAX_LEN)
		n = NAME_MAX_LEN - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*list = p[n] == '|' ? p + n + 1 : NULL;
	return 1;
}

static int lookup(struct kd_types *types, const char *type, const char *path,
		  struct found *f)
{
	char tb[NAME_MAX_LEN], pb[NAME_MAX_LEN];
	if (!types || !type)
		return 0;
	if (!strchr(type, '|') && (!path || !strchr(path, '|')))
		return lookup_one(types, type, path, f);
	for (const char *tl = type; next_alt(&tl, tb);) {
		if (!path)
			if (lookup_one(types, tb, NULL, f))
				return 1;
		for (const char *pl = path; path && next_alt(&pl, pb);)
			if (lookup_one(types, tb, pb, f))
				return 1;
	}
	return 0;
}

static struct kd_types *session_types(struct kd_session *s)
{
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return types;
}

uint64_t kd_offsetof(struct kd_session *s, const char *type, const char *path)
{
	struct found f;
	if (!path || !lookup(session_types(s), type, path, &f))
		return KD_ABSENT;
	return f.bit_offset / 8;
}

struct kd_error *kd_member_offset(struct kd_session *s, const char *type_name,
				  const char *path, uint64_t *ret)
{
	struct kd_types *types;
	struct found f;
	struct kd_error *err = kd_session_types(s, &types);
	if (err)
		return err;
	if (!lookup(types, type_name, NULL, &f))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "no type %s in the debuginfo", type_name);
	if (!lookup(types, type_name, path, &f))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%s has no member %s (or it is reached "
				       "through a pointer)", type_name, path);
	*ret = f.bit_offset / 8;
	return NULL;
}

int kd_has_member(struct kd_session *s, const char *type, const char *path)
{
	return kd_present(kd_offsetof(s, type, path));
}

uint64_t kd_sizeof(struct kd_session *s, const char *type)
{
	struct found f;
	if (!lookup(session_types(s), type, NULL, &f))
		return 0;
	return kd_type_size(f.container);
}

uint64_t kd_var_offsetof(struct kd_session *s, const char *var,
			 const char *path)
{
	struct kd_types *types = session_types(s);
	struct kd_variable v;
	struct kd_member_path mp;
	if (!types)
		return KD_ABSENT;
	struct kd_error *err = kd_types_find_variable(types, var, &v);
	if (!err)
		err = kd_type_member_path(kd_type_strip(v.type, KD_STRIP_ALL),
					  path, &mp);
	if (err) {
		kd_error_destroy(err);
		return KD_ABSENT;
	}
	return mp.stopped_at_pointer && mp.rest ? KD_ABSENT : mp.bit_offset / 8;
}

struct kd_error *kd_container_of(struct kd_session *s, uint64_t addr,
				 const char *type_name, const char *path,
				 uint64_t *ret)
{
	uint64_t off;
	struct kd_error *err = kd_member_offset(s, type_name, path, &off);
	if (!err)
		*ret = addr - off;
	return err;
}

/* ---- layouts ---- */

static uint64_t field_value(const struct found *f, unsigned flags,
			    int whole_type)
{
	uint64_t v;
	if (whole_type) {
		v = kd_type_size(f->container);
		return v ? v : KD_ABSENT;
	}
	if (flags & KD_LF_BITS)
		return f->bit_offset;
	if (flags & KD_LF_SIZE)
		return kd_type_size(f->type);
	if (flags & KD_LF_WIDTH)
		return f->bit_size ? f->bit_size : 8 * kd_type_size(f->type);
	if (flags & KD_LF_COUNT) {
		struct kd_type *t = kd_type_strip(f->type, KD_STRIP_ALL);
		if (kd_type_kind(t) != KD_TYPE_ARRAY ||
		    !kd_type_array_count(t, &v))
			return KD_ABSENT;
		return v;
	}
	return f->bit_offset / 8;
}

struct kd_error *kd_types_layout_fill(struct kd_types *types,
				      const struct kd_layout_field *fields,
				      size_t n, void *layout)
{
	struct kd_error *err = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct kd_layout_field *lf = &fields[i];
		int whole = !lf->path;
		struct found f;
		uint64_t v = KD_ABSENT;
		if (lookup(types, lf->type, lf->path, &f))
			v = field_value(&f, lf->flags, whole);
		memcpy((char *)layout + lf->at, &v, sizeof(v));
		if (v != KD_ABSENT || !(lf->flags & KD_LF_REQUIRED) || err)
			continue;
		err = whole ? kd_error_create(KD_ERR_NOT_FOUND,
					      "no type %s in the debuginfo",
					      lf->type)
			    : kd_error_create(KD_ERR_NOT_FOUND,
					      "%s has no member %s", lf->type,
					      lf->path);
	}
	return err;
}

struct kd_error *kd_layout_fill(struct kd_session *s,
				const struct kd_layout_field *fields,
				size_t n, void *layout)
{
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err) {
		for (size_t i = 0; i < n; i++) {
			uint64_t v = KD_ABSENT;
			memcpy((char *)layout + fields[i].at, &v, sizeof(v));
		}
		return err;
	}
	return kd_types_layout_fill(types, fields, n, layout);
}

/* ---- reads ---- */

static struct kd_error *absent(uint64_t base)
{
	return kd_error_create(KD_ERR_NOT_FOUND,
			       "a member of the struct at %llx is absent in "
			       "this kernel", (unsigned long long)base);
}

struct kd_error *kd_field_read(struct kd_session *s, uint64_t base,
			       uint64_t off, void *buf, size_t len)
{
	if (off == KD_ABSENT)
		return absent(base);
	return kd_read_kvaddr(s, base + off, buf, len);
}

struct kd_error *kd_field_uint(struct kd_session *s, uint64_t base,
			       uint64_t off, unsigned size, uint64_t *ret)
{
	uint8_t b[8] = { 0 };
	*ret = 0;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return kd_error_create(KD_ERR_INVALID,
				       "cannot read a %u-byte integer", size);
	struct kd_error *err = kd_field_read(s, base, off, b, size);
	if (err)
		return err;
	for (unsigned i = size; i-- > 0;)	/* little-endian */
		*ret = *ret << 8 | b[i];
	return NULL;
}

uint64_t kd_field_uint_opt(struct kd_session *s, uint64_t base,
			   uint64_t off, unsigned size, int *ok)
{
	uint64_t v = 0;
	if (!kd_present(off))
		return 0;
	struct kd_error *err = kd_field_uint(s, base, off, size, &v);
	if (err) {
		kd_error_destroy(err);
		if (ok)
			*ok = 0;
		return 0;
	}
	return v;
}

struct kd_error *kd_field_u32(struct kd_session *s, uint64_t base,
			      uint64_t off, uint32_t *ret)
{
	uint64_t v;
	struct kd_error *err = kd_field_uint(s, base, off, 4, &v);
	*ret = (uint32_t)v;
	return err;
}

struct kd_error *kd_field_u64(struct kd_session *s, uint64_t base,
			      uint64_t off, uint64_t *ret)
{
	return kd_field_uint(s, base, off, 8, ret);
}

struct kd_error *kd_field_ptr(struct kd_session *s, uint64_t base,
			      uint64_t off, uint64_t *ret)
{
	*ret = 0;
	if (off == KD_ABSENT)
		return absent(base);
	return kd_read_ptr(s, base + off, ret);
}

struct kd_error *kd_field_string(struct kd_session *s, uint64_t base,
				 uint64_t off, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (off == KD_ABSENT)
		return absent(base);
	return kd_read_cstring(s, base + off, buf, size, NULL);
}

struct kd_error *kd_field_string_at(struct kd_session *s, uint64_t base,
				    uint64_t off, char *buf, size_t size)
{
	uint64_t p;
	if (size)
		buf[0] = '\0';
	struct kd_error *err = kd_field_ptr(s, base, off, &p);
	if (err || !p)
		return err;
	return kd_read_cstring(s, p, buf, size, NULL);
}

uint64_t kd_field_get(const void *buf, uint64_t size, uint64_t off,
		      unsigned len)
{
	uint64_t v = 0;
	if (off == KD_ABSENT || len > 8 || off > size || size - off < len)
		return 0;
	memcpy(&v, (const uint8_t *)buf + off, len);	/* little-endian */
	return v;
}

struct kd_error *kd_read_member_u64(struct kd_session *s, uint64_t base,
				    const char *type_name, const char *path,
				    uint64_t *ret)
{
	struct found f;
	uint8_t b[16] = { 0 };
	uint64_t v = 0;
	*ret = 0;
	if (!lookup(session_types(s), type_name, path, &f))
		return kd_error_create(KD_ERR_NOT_FOUND, "%s has no member %s",
				       type_name, path);
	struct kd_type *t = kd_type_strip(f.type, KD_STRIP_ALL);
	enum kd_type_kind k = kd_type_kind(t);
	uint64_t size = kd_type_size(t);
	unsigned shift = f.bit_size ? (unsigned)(f.bit_offset % 8) : 0;
	unsigned bits = f.bit_size ? f.bit_size : (unsigned)(8 * size);
	if ((k != KD_TYPE_INT && k != KD_TYPE_ENUM && k != KD_TYPE_BOOL &&
	     k != KD_TYPE_POINTER) || !size || size > 8 || bits > 64)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s.%s is not an "
				       "integer or pointer", type_name, path);
	struct kd_error *err = kd_field_read(s, base, f.bit_offset / 8, b,
					     (shift + bits + 7) / 8);
	if (err)
		return err;
	for (unsigned i = (shift + bits + 7) / 8; i-- > 0;)	/* LE */
		v = v << 8 | b[i];
	v >>= shift;
	if (bits < 64) {
		v &= (1ULL << bits) - 1;
		/* signed: sign-extended to 64 bits */
		if (k != KD_TYPE_POINTER && kd_type_is_signed(t) &&
		    (v >> (bits - 1)) & 1)
			v |= ~0ULL << bits;
	}
	*ret = v;
	return NULL;
}

uint64_t kd_read_member_or0(struct kd_session *s, uint64_t base,
			    const char *type_name, const char *path)
{
	uint64_t v;
	struct kd_error *err = kd_read_member_u64(s, base, type_name, path,
						  &v);
	kd_error_destroy(err);
	return err ? 0 : v;
}
