// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Globals: a variable's running address and DWARF type, integer globals
 * decoded by their type, bounded strings, and enums by name or value.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

/* ---- globals ---- */

struct kd_error *kd_global_get(struct kd_session *s, const char *name,
			       struct kd_global *ret)
{
	struct kd_types *types;
	struct kd_variable var;
	struct kd_error *err = kd_symbol_addr(s, name, &ret->addr);
	if (err)
		return err;
	ret->type = NULL;
	if ((err = kd_session_types(s, &types)))
		return err;
	if (!(err = kd_types_find_variable(types, name, &var)))
		ret->type = var.type;
	kd_error_destroy(err);	/* a symbol without DWARF: untyped */
	return NULL;
}

struct kd_error *kd_global_read_u64(struct kd_session *s, const char *name,
				    uint64_t *ret)
{
	struct kd_global g;
	struct kd_error *err = kd_global_get(s, name, &g);
	if (err)
		return err;
	if (!g.type)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%s has no type in the debuginfo", name);
	struct kd_type *st = kd_type_strip(g.type, KD_STRIP_ALL);
	enum kd_type_kind k = kd_type_kind(st);
	uint64_t size = kd_type_size(st);
	uint8_t bytes[8];
	struct kd_value v;
	if ((k != KD_TYPE_INT && k != KD_TYPE_ENUM && k != KD_TYPE_BOOL &&
	     k != KD_TYPE_POINTER) || size == 0 || size > 8)
		return kd_error_create(KD_ERR_INVALID,
				       "%s is not an integer or pointer", name);
	if ((err = kd_read_kvaddr(s, g.addr, bytes, size)))
		return err;
	enum kd_rkind rk = k == KD_TYPE_POINTER ? KD_RK_PTR : KD_RK_INT;
	err = kd_value_decode(rk, (uint32_t)size,
			      k != KD_TYPE_POINTER && kd_type_is_signed(st),
			      bytes, &v);
	if (!err)
		*ret = v.u;
	return err;
}

int kd_global_uint(struct kd_session *s, const char *name, unsigned size,
		   uint64_t *ret)
{
	uint64_t addr, v;
	if (!kd_symbol_try_addr(s, name, &addr))
		return 0;
	struct kd_error *err = kd_field_uint(s, addr, 0, size, &v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = v;
	return 1;
}

struct kd_error *kd_read_string_alloc(struct kd_session *s, uint64_t addr,
				      size_t maxlen, char **ret)
{
	char *buf = malloc(maxlen + 1);
	if (!buf)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_cstring(s, addr, buf, maxlen + 1, NULL);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

/* ---- enums ---- */

struct kd_error *kd_enum_name(struct kd_session *s, const char *type_name,
			      int64_t value, const char **ret)
{
	struct kd_types *types;
	struct kd_type *t;
	const struct kd_enumerator *e;
	size_t n;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, type_name, &t);
	if (!err)
		err = kd_type_enumerators(t, &e, &n);
	if (err)
		return err;
	*ret = NULL;
	for (size_t i = 0; i < n; i++) {
		if (e[i].value == value) {
			*ret = e[i].name;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOT_FOUND, "%s has no value %lld",
			       type_name, (long long)value);
}

struct kd_error *kd_enum_value(struct kd_session *s, const char *name,
			       int64_t *ret)
{
	struct kd_types *types;
	struct kd_enum_value ev;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_enumerator(types, name, &ev);
	if (!err)
		*ret = ev.value;
	return err;
}
