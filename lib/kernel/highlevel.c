// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Highlevel reads: typed globals, bounded strings, member offsets and
 * container_of, per-CPU addresses and enum names.
 *
 * Per-CPU: a per-CPU variable's symbol value is its offset in the
 * per-CPU area; CPU n's copy is at that offset + __per_cpu_offset[n]
 * (x86_64, and the generic SMP layout).  The offsets of the first
 * nr_cpu_ids CPUs are read once per session (KD_SLOT_HIGHLEVEL).
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
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

/* ---- per-CPU ---- */

struct percpu_state {
	uint64_t *offs;
	unsigned n;
};

static void percpu_destroy(void *data)
{
	struct percpu_state *p = data;
	free(p->offs);
	free(p);
}

/* nr_cpu_ids from memory; else the bound of __per_cpu_offset[]. */
static unsigned ncpus(struct kd_session *s, struct kd_global *g)
{
	uint64_t n = 0, count = 0;
	struct kd_error *err = kd_global_read_u64(s, "nr_cpu_ids", &n);
	kd_error_destroy(err);
	struct kd_type *st = kd_type_strip(g->type, KD_STRIP_ALL);
	if (kd_type_kind(st) == KD_TYPE_ARRAY)
		kd_type_array_count(st, &count);
	if (err || n == 0 || (count && n > count))
		n = count;
	return n > 65536 ? 65536 : (unsigned)n;
}

static struct kd_error *percpu_load(struct kd_session *s,
				    struct percpu_state **ret)
{
	struct kd_global g;
	struct kd_error *err = kd_global_get(s, "__per_cpu_offset", &g);
	if (err)
		return err;
	unsigned n = ncpus(s, &g);
	if (!n)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "cannot tell the number of CPUs");
	struct percpu_state *p = calloc(1, sizeof(*p));
	if (!p || !(p->offs = calloc(n, sizeof(*p->offs)))) {
		free(p);
		return &kd_error_nomem;
	}
	p->n = n;
	if ((err = kd_read_kvaddr(s, g.addr, p->offs, n * sizeof(*p->offs)))) {
		percpu_destroy(p);
		return kd_error_prefix(err, "__per_cpu_offset");
	}
	*ret = p;
	return NULL;
}

struct kd_error *kd_percpu_offsets(struct kd_session *s, const uint64_t **offs,
				   unsigned *n)
{
	struct percpu_state *p = kd_session_slot(s, KD_SLOT_HIGHLEVEL);
	if (!p) {
		struct kd_error *err = percpu_load(s, &p);
		if (err)
			return err;
		kd_session_set_slot(s, KD_SLOT_HIGHLEVEL, p, percpu_destroy);
	}
	*offs = p->offs;
	*n = p->n;
	return NULL;
}

struct kd_error *kd_percpu_ptr(struct kd_session *s, uint64_t addr,
			       unsigned cpu, uint64_t *ret)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(s, &offs, &n);
	if (err)
		return err;
	if (cpu >= n)
		return kd_error_create(KD_ERR_INVALID,
				       "cpu %u out of range (%u CPUs)", cpu, n);
	*ret = addr + offs[cpu];
	return NULL;
}

struct kd_error *kd_percpu_symbol(struct kd_session *s, const char *name,
				  unsigned cpu, uint64_t *ret)
{
	uint64_t off;
	struct kd_error *err = kd_symbol_addr(s, name, &off);
	return err ? err : kd_percpu_ptr(s, off, cpu, ret);
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
