// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Taint letters: see include/pykdump/taint.h.  The table is read whole
 * (it has a few dozen entries) and decoded from the buffer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/taint.h>
#include <pykdump/types.h>

#define MAX_FLAGS 64

struct taint_layout {
	uint64_t tf_size, tf_true, tf_module;	/* struct taint_flag */
	uint64_t tnt_size, tnt_bit, tnt_true;	/* struct tnt */
};

static const struct kd_layout_field fields[] = {
	KD_LF(struct taint_layout, tf_size, "struct taint_flag", NULL,
	      KD_LF_SIZE),
	KD_LF(struct taint_layout, tf_true, "struct taint_flag", "c_true|true",
	      0),
	KD_LF(struct taint_layout, tf_module, "struct taint_flag", "module", 0),
	KD_LF(struct taint_layout, tnt_size, "struct tnt", NULL, KD_LF_SIZE),
	KD_LF(struct taint_layout, tnt_bit, "struct tnt", "bit", 0),
	KD_LF(struct taint_layout, tnt_true, "struct tnt", "true", 0),
};

/* The table's address and its entries (its array bound in DWARF). */
static struct kd_error *table(struct kd_session *s, const char *name,
			      uint64_t *addr, uint64_t *count)
{
	struct kd_types *types;
	struct kd_variable var;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_variable(types, name, &var);
	if (err)
		return err;
	struct kd_type *t = kd_type_strip(var.type, KD_STRIP_ALL);
	if (!kd_type_array_count(t, count) || *count == 0 ||
	    *count > MAX_FLAGS)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: not an array "
				       "of at most %d taint flags", name,
				       MAX_FLAGS);
	if (!kd_symbol_try_addr(s, name, addr))
		return kd_error_create(KD_ERR_NOT_FOUND, "no symbol %s", name);
	return NULL;
}

static void put(char *buf, size_t size, size_t *n, char c)
{
	if (*n + 1 < size)
		buf[(*n)++] = c;
	buf[*n] = '\0';
}

struct kd_error *kd_taint_letters(struct kd_session *s, uint64_t mask,
				  int module_only, char *buf, size_t size)
{
	struct taint_layout l;
	uint64_t addr, count;
	uint8_t tab[MAX_FLAGS * 32];
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	struct kd_error *err = kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields),
					      &l);
	if (err)
		return err;
	int new = kd_present(l.tf_size) && kd_present(l.tf_true);
	uint64_t esize = new ? l.tf_size : l.tnt_size;
	if (!new && (!kd_present(l.tnt_size) || !kd_present(l.tnt_bit) ||
		     !kd_present(l.tnt_true)))
		return kd_error_create(KD_ERR_UNSUPPORTED, "this kernel has no "
				       "taint table (struct taint_flag or tnt)");
	if ((err = table(s, new ? "taint_flags" : "tnts", &addr, &count)))
		return err;
	if (esize == 0 || esize * count > sizeof(tab))
		return kd_error_create(KD_ERR_UNSUPPORTED, "taint table of %"
				       PRIu64 " entries of %" PRIu64 " bytes",
				       count, esize);
	if ((err = kd_read_kvaddr(s, addr, tab, esize * count)))
		return err;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *e = tab + i * esize;
		uint64_t bit = new ? i : kd_field_get(e, esize, l.tnt_bit, 4);
		if (bit >= 64 || !(mask >> bit & 1))
			continue;
		if (new && module_only && kd_present(l.tf_module) &&
		    !kd_field_get(e, esize, l.tf_module, 1))
			continue;
		put(buf, size, &n, (char)kd_field_get(e, esize, new ? l.tf_true :
						      l.tnt_true, 1));
	}
	return NULL;
}
