// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Typed reads for the commands: member offsets from the type model
 * (interned types make repeated lookups cheap) and integer reads.
 */
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "kread.h"

static struct kd_type *find_type(struct kd_session *s, const char *name)
{
	struct kd_types *types;
	struct kd_type *t;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, name, &t);
	if (err) {
		kd_error_destroy(err);
		return NULL;
	}
	return t;
}

static int member_path(struct kd_session *s, const char *type,
		       const char *path, struct kd_member_path *mp)
{
	struct kd_type *t = kd_type_strip(find_type(s, type), KD_STRIP_ALL);
	if (!t)
		return 0;
	struct kd_error *err = kd_type_member_path(t, path, mp);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return !mp->stopped_at_pointer || !mp->rest;
}

uint64_t kr_offset(struct kd_session *s, const char *type, const char *path)
{
	struct kd_member_path mp;
	if (!member_path(s, type, path, &mp))
		return KR_NONE;
	return mp.bit_offset / 8;
}

uint64_t kr_variable_member_offset(struct kd_session *s, const char *var,
				   const char *path)
{
	struct kd_types *types;
	struct kd_variable v;
	struct kd_member_path mp;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_variable(types, var, &v);
	if (!err)
		err = kd_type_member_path(kd_type_strip(v.type, KD_STRIP_ALL),
					  path, &mp);
	if (err) {
		kd_error_destroy(err);
		return KR_NONE;
	}
	return mp.bit_offset / 8;
}

uint64_t kr_bit_offset(struct kd_session *s, const char *type,
		       const char *path)
{
	struct kd_member_path mp;
	if (!member_path(s, type, path, &mp))
		return KR_NONE;
	return mp.bit_offset;
}

uint64_t kr_member_size(struct kd_session *s, const char *type,
			const char *path)
{
	struct kd_member_path mp;
	if (!member_path(s, type, path, &mp))
		return 0;
	return kd_type_size(mp.type);
}

uint64_t kr_type_size(struct kd_session *s, const char *type)
{
	return kd_type_size(find_type(s, type));
}

struct kd_error *kr_read_uint(struct kd_session *s, uint64_t addr,
			      unsigned size, uint64_t *ret)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	struct kd_error *err;
	switch (size) {
	case 1:
		err = kd_read_u8(s, addr, &u8);
		*ret = u8;
		return err;
	case 2:
		err = kd_read_u16(s, addr, &u16);
		*ret = u16;
		return err;
	case 4:
		err = kd_read_u32(s, addr, &u32);
		*ret = u32;
		return err;
	case 8:
		return kd_read_u64(s, addr, ret);
	}
	return kd_error_create(KD_ERR_INVALID, "cannot read a %u-byte integer",
			       size);
}

struct kd_error *kr_read_member(struct kd_session *s, uint64_t base,
				const char *type, const char *path,
				uint64_t *ret)
{
	struct kd_member_path mp;
	*ret = 0;
	if (!member_path(s, type, path, &mp))
		return kd_error_create(KD_ERR_NOT_FOUND, "no member %s in %s",
				       path, type);
	uint64_t size = kd_type_size(mp.type);
	if (mp.bit_size || size > 8)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s.%s is not a plain integer", type,
				       path);
	return kr_read_uint(s, base + mp.bit_offset / 8, (unsigned)size, ret);
}

uint64_t kr_member_or0(struct kd_session *s, uint64_t base, const char *type,
		       const char *path)
{
	uint64_t v;
	struct kd_error *err = kr_read_member(s, base, type, path, &v);
	kd_error_destroy(err);
	return err ? 0 : v;
}

int kr_symbol_uint(struct kd_session *s, const char *name, unsigned size,
		   uint64_t *ret)
{
	uint64_t addr;
	if (!kd_symbol_try_addr(s, name, &addr))
		return 0;
	struct kd_error *err = kr_read_uint(s, addr, size, ret);
	kd_error_destroy(err);
	return !err;
}

int kr_enumerator(struct kd_session *s, const char *name, int64_t *ret,
		  const char **enum_name)
{
	struct kd_types *types;
	struct kd_enum_value ev;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_enumerator(types, name, &ev);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = ev.value;
	if (enum_name)
		*enum_name = kd_type_name(ev.type);
	return 1;
}
