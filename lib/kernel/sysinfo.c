// SPDX-License-Identifier: GPL-2.0-or-later
/* Taint flags and DMI strings: see include/pykdump/sysinfo.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/panic.h>
#include <pykdump/session.h>
#include <pykdump/sysinfo.h>
#include <pykdump/types.h>

#define MAX_DMI		256
#define MAX_DMI_STRING	1024

/* The number of elements of the global array name, 0 if unknown. */
static uint64_t array_length(struct kd_session *s, const char *name)
{
	struct kd_global g;
	uint64_t n = 0;
	struct kd_error *err = kd_global_get(s, name, &g);
	if (!err && g.type &&
	    !kd_type_array_count(kd_type_strip(g.type, KD_STRIP_ALL), &n))
		n = 0;
	kd_error_destroy(err);
	return n;
}

/* The flags themselves come from panic.h's kd_taint_flags (the
 * kernel's taint_flags[], else the documented ones). */
struct kd_error *kd_kernel_taints(struct kd_session *s, uint64_t *mask,
				  char *letters, size_t size, int *old)
{
	struct kd_taint_flag flags[KD_TAINT_MAX];
	uint64_t v;
	size_t n = 0, nflags = 0;
	*mask = 0;
	*old = 0;
	if (size)
		letters[0] = '\0';
	if (kd_global_uint(s, "tainted", 4, &v)) {
		*old = 1;
		*mask = (uint32_t)v;
		return NULL;
	}
	if (!kd_taint_mask(s, mask))
		return kd_error_create(KD_ERR_NOT_FOUND, "tainted_mask cannot "
				       "be read");
	kd_taint_flags(s, flags, &nflags);
	if (!nflags)
		return kd_error_create(KD_ERR_NOT_FOUND, "no taint flags "
				       "known for this kernel");
	for (size_t i = 0; i < nflags; i++) {
		int bit = flags[i].bit;
		char t = flags[i].c_true, f = flags[i].c_false;
		char c = (bit >= 0 && bit < 64 && (*mask & (1ULL << bit))) ? t :
			 (f != ' ' && f != '-' && f != 'G') ? f : 0;
		if (c && n + 1 < size) {
			letters[n++] = c;
			letters[n] = '\0';
		}
	}
	return NULL;
}

struct kd_error *kd_dmi_strings(struct kd_session *s, kd_dmi_fn *fn,
				void *arg)
{
	uint64_t ident;
	if (!kd_symbol_try_addr(s, "dmi_ident", &ident))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "dmi_ident does not exist in this kernel");
	uint64_t count = array_length(s, "dmi_ident");
	if (!count || count > MAX_DMI)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "dmi_ident: unknown length");
	/* the field names: enum dmi_field's enumerators, in their order */
	const struct kd_enumerator *e = NULL;
	size_t ne = 0;
	struct kd_types *types;
	struct kd_type *t;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "enum dmi_field", &t);
	if (!err)
		err = kd_type_enumerators(kd_type_strip(t, KD_STRIP_ALL), &e,
					  &ne);
	if (err) {
		kd_error_destroy(err);
		ne = 0;
	}
	size_t n = ne ? ne : count;
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = ne ? (uint64_t)e[i].value : i, p;
		char name[32];
		if (ne && (e[i].value < 0 || idx >= count))
			break;	/* crash stops at the first beyond the array */
		if ((err = kd_read_ptr(s, ident + 8 * idx, &p)))
			return err;
		if (!p)
			continue;
		char *str;
		if ((err = kd_read_string_alloc(s, p, MAX_DMI_STRING, &str)))
			return err;
		if (!ne)
			snprintf(name, sizeof(name), "dmi_ident[%zu]", i);
		int stop = fn(arg, ne ? e[i].name : name, str);
		free(str);
		if (stop)
			break;
	}
	return NULL;
}
